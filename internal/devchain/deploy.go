package devchain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery/internal/contracts"
)

// Deployment is where the protocol's contracts live on a chain.
type Deployment struct {
	// EntityManager carries every ManageEntity action and the verifier's
	// ManageIsVerified calls; its verifier is the deploying account.
	EntityManager common.Address `json:"entity_manager"`
	// Plays records plays; its recorder is the deploying account.
	Plays common.Address `json:"plays"`
	// Block is the first block holding either contract: where a follower
	// starts.
	Block uint64 `json:"block"`
}

// DeployAll deploys EntityManager and then Plays from key's account, so the
// account is EntityManager's verifier and the Plays recorder, and waits
// until both are mined.
func DeployAll(ctx context.Context, backend bind.Backend, key *ecdsa.PrivateKey, chainID *big.Int) (Deployment, error) {
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := backend.PendingNonceAt(ctx, from)
	if err != nil {
		return Deployment{}, fmt.Errorf("reading deployer nonce: %w", err)
	}
	// Both are sent before either is awaited, with consecutive nonces, so
	// EntityManager takes the deployer's next address whatever the chain.
	deploys := []struct {
		name string
		bin  string
	}{{"EntityManager", contracts.EntityManagerMetaData.Bin}, {"Plays", contracts.PlaysMetaData.Bin}}
	addrs := make([]common.Address, len(deploys))
	txs := make([]*types.Transaction, len(deploys))
	for i, c := range deploys {
		opts := bind.NewKeyedTransactor(key, chainID)
		opts.Context = ctx
		opts.Nonce = new(big.Int).SetUint64(nonce + uint64(i))
		if addrs[i], txs[i], err = bind.DeployContract(opts, common.FromHex(c.bin), backend, nil); err != nil {
			return Deployment{}, fmt.Errorf("sending %s deployment: %w", c.name, err)
		}
	}
	var d Deployment
	for i, c := range deploys {
		block, err := awaitDeployed(ctx, backend, c.name, addrs[i], txs[i])
		if err != nil {
			return Deployment{}, err
		}
		if i == 0 || block < d.Block {
			d.Block = block
		}
	}
	d.EntityManager, d.Plays = addrs[0], addrs[1]
	return d, nil
}

// Deploy deploys EntityManager and Plays (see DeployAll) and returns
// EntityManager's address and the first block to index, for callers that
// index ManageEntity actions only.
func Deploy(ctx context.Context, backend bind.Backend, key *ecdsa.PrivateKey, chainID *big.Int) (common.Address, uint64, error) {
	d, err := DeployAll(ctx, backend, key, chainID)
	if err != nil {
		return common.Address{}, 0, err
	}
	return d.EntityManager, d.Block, nil
}

// awaitDeployed waits for a deployment and checks it left code behind,
// returning its block.
func awaitDeployed(ctx context.Context, backend bind.Backend, name string, addr common.Address, tx *types.Transaction) (uint64, error) {
	receipt, err := waitMined(ctx, backend, tx.Hash())
	if err != nil {
		return 0, fmt.Errorf("waiting for %s deployment: %w", name, err)
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		return 0, fmt.Errorf("deploying %s: transaction %s failed", name, tx.Hash())
	}
	code, err := backend.CodeAt(ctx, addr, receipt.BlockNumber)
	if err != nil {
		return 0, fmt.Errorf("checking %s code: %w", name, err)
	}
	if len(code) == 0 {
		return 0, fmt.Errorf("deploying %s: no code at %s after deployment", name, addr)
	}
	return receipt.BlockNumber.Uint64(), nil
}
