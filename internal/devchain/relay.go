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

// Deploy deploys EntityManager from key's account and waits until it is
// mined, returning its address and the block it was mined in.
func Deploy(ctx context.Context, backend bind.Backend, key *ecdsa.PrivateKey, chainID *big.Int) (common.Address, uint64, error) {
	opts := bind.NewKeyedTransactor(key, chainID)
	opts.Context = ctx
	addr, tx, err := bind.DeployContract(opts, common.FromHex(contracts.EntityManagerMetaData.Bin), backend, nil)
	if err != nil {
		return common.Address{}, 0, fmt.Errorf("sending EntityManager deployment: %w", err)
	}
	receipt, err := waitMined(ctx, backend, tx.Hash())
	if err != nil {
		return common.Address{}, 0, fmt.Errorf("waiting for EntityManager deployment: %w", err)
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		return common.Address{}, 0, fmt.Errorf("deploying EntityManager: transaction %s failed", tx.Hash())
	}
	code, err := backend.CodeAt(ctx, addr, receipt.BlockNumber)
	if err != nil {
		return common.Address{}, 0, fmt.Errorf("checking EntityManager code: %w", err)
	}
	if len(code) == 0 {
		return common.Address{}, 0, fmt.Errorf("deploying EntityManager: no code at %s after deployment", addr)
	}
	return addr, receipt.BlockNumber.Uint64(), nil
}

// signed is an action signed by its user and ready to relay.
type signed struct {
	action contracts.Action
	sig    []byte
}

// sign fills a fresh random nonce into a and signs it with key.
func sign(key *ecdsa.PrivateKey, chainID *big.Int, contract common.Address, a contracts.Action) (signed, error) {
	if _, err := rand.Read(a.Nonce[:]); err != nil {
		return signed{}, fmt.Errorf("drawing action nonce: %w", err)
	}
	sig, err := contracts.SignAction(key, chainID, contract, a)
	if err != nil {
		return signed{}, err
	}
	return signed{action: a, sig: sig}, nil
}

// relayer submits signed actions from one funded account, many at a time
// with consecutive nonces, so a batch costs a few blocks rather than one
// block per action.
type relayer struct {
	backend  bind.Backend
	instance *bind.BoundContract
	key      *ecdsa.PrivateKey
	chainID  *big.Int
}

func newRelayer(backend bind.Backend, key *ecdsa.PrivateKey, chainID *big.Int, contract common.Address) *relayer {
	return &relayer{
		backend:  backend,
		instance: contracts.NewEntityManager().Instance(backend, contract),
		key:      key,
		chainID:  chainID,
	}
}

// relay sends all actions in order, batchSize at a time, waits for each
// batch to be mined, and returns the receipts in the order of actions. A
// reverted action is an error: the demo only sends actions the contract
// accepts.
func (r *relayer) relay(ctx context.Context, actions []signed) ([]*types.Receipt, error) {
	from := crypto.PubkeyToAddress(r.key.PublicKey)
	receipts := make([]*types.Receipt, 0, len(actions))
	for start := 0; start < len(actions); start += batchSize {
		batch := actions[start:min(start+batchSize, len(actions))]
		nonce, err := r.backend.PendingNonceAt(ctx, from)
		if err != nil {
			return nil, fmt.Errorf("reading relayer nonce: %w", err)
		}
		hashes := make([]common.Hash, len(batch))
		for i, s := range batch {
			data, err := contracts.PackManageEntity(s.action, s.sig)
			if err != nil {
				return nil, err
			}
			opts := bind.NewKeyedTransactor(r.key, r.chainID)
			opts.Context = ctx
			opts.Nonce = new(big.Int).SetUint64(nonce + uint64(i))
			tx, err := bind.Transact(r.instance, opts, data)
			if err != nil {
				return nil, fmt.Errorf("relaying %s: %w", describe(s.action), err)
			}
			hashes[i] = tx.Hash()
		}
		for i, h := range hashes {
			receipt, err := waitMined(ctx, r.backend, h)
			if err != nil {
				return nil, fmt.Errorf("waiting for %s: %w", describe(batch[i].action), err)
			}
			if receipt.Status != types.ReceiptStatusSuccessful {
				return nil, fmt.Errorf("relaying %s: transaction %s reverted", describe(batch[i].action), h)
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
