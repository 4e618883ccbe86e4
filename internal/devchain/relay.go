package devchain

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery/internal/contracts"
)

// pollInterval is how often a receipt is asked for while waiting. Short
// enough that a fast dev chain is not slowed down, long enough not to hammer
// a real node.
const pollInterval = 200 * time.Millisecond

// batchSize bounds how many transactions the relayer has in flight at once,
// well below what a node's transaction pool keeps per account.
const batchSize = 64

// sign fills a fresh random nonce into a and signs it with key, returning
// the manageEntity calldata that relays it.
func sign(key *ecdsa.PrivateKey, chainID *big.Int, contract common.Address, a contracts.Action) ([]byte, error) {
	if _, err := rand.Read(a.Nonce[:]); err != nil {
		return nil, fmt.Errorf("drawing action nonce: %w", err)
	}
	sig, err := contracts.SignAction(key, chainID, contract, a)
	if err != nil {
		return nil, err
	}
	return contracts.PackManageEntity(a, sig)
}

// call is one transaction the relayer sends.
type call struct {
	to   *bind.BoundContract
	data []byte
	what string // for errors
	// newBlock holds the call back until every earlier one is mined, so it
	// lands in a later block.
	newBlock bool
}

// relayer sends calls from one funded account, many at a time with
// consecutive nonces, so a batch costs a few blocks rather than one block
// per call.
type relayer struct {
	backend bind.Backend
	key     *ecdsa.PrivateKey
	chainID *big.Int
}

// relay sends all calls in order, batchSize at a time (and a new batch at
// each newBlock), waits for each batch to be mined, and returns the
// receipts in the order of calls. A reverted call is an error: the demo
// only sends calls the contracts accept.
func (r *relayer) relay(ctx context.Context, calls []call) ([]*types.Receipt, error) {
	from := crypto.PubkeyToAddress(r.key.PublicKey)
	receipts := make([]*types.Receipt, 0, len(calls))
	for start := 0; start < len(calls); {
		end := start + 1
		for end < len(calls) && end-start < batchSize && !calls[end].newBlock {
			end++
		}
		batch := calls[start:end]
		start = end
		nonce, err := r.backend.PendingNonceAt(ctx, from)
		if err != nil {
			return nil, fmt.Errorf("reading relayer nonce: %w", err)
		}
		hashes := make([]common.Hash, len(batch))
		for i, c := range batch {
			opts := bind.NewKeyedTransactor(r.key, r.chainID)
			opts.Context = ctx
			opts.Nonce = new(big.Int).SetUint64(nonce + uint64(i))
			tx, err := bind.Transact(c.to, opts, c.data)
			if err != nil {
				return nil, fmt.Errorf("relaying %s: %w", c.what, err)
			}
			hashes[i] = tx.Hash()
		}
		for i, h := range hashes {
			receipt, err := waitMined(ctx, r.backend, h)
			if err != nil {
				return nil, fmt.Errorf("waiting for %s: %w", batch[i].what, err)
			}
			if receipt.Status != types.ReceiptStatusSuccessful {
				return nil, fmt.Errorf("relaying %s: transaction %s reverted", batch[i].what, h)
			}
			receipts = append(receipts, receipt)
		}
	}
	return receipts, nil
}

func describe(a contracts.Action) string {
	return fmt.Sprintf("%s %s %d by user %d", a.EntityType, a.Action, a.EntityID, a.UserID)
}

// waitMined polls for the receipt of hash until it exists or ctx ends. Any
// lookup error is retried: nodes answer "not found" in several ways while a
// transaction is pending or being indexed.
func waitMined(ctx context.Context, b bind.DeployBackend, hash common.Hash) (*types.Receipt, error) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	var lastErr error
	for {
		receipt, err := b.TransactionReceipt(ctx, hash)
		if err == nil {
			return receipt, nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return nil, fmt.Errorf("receipt of %s: %w (last lookup error: %v)", hash, ctx.Err(), lastErr)
			}
			return nil, fmt.Errorf("receipt of %s: %w", hash, ctx.Err())
		case <-t.C:
		}
	}
}
