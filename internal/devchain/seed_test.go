package devchain_test

import (
	"context"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/discovery-node/discovery/internal/devchain"
)

// minedOnDemand is a simulated chain that seals a block whenever a receipt
// is asked for and not there: everything sent before the first wait lands in
// one block, which makes batching observable without timing.
type minedOnDemand struct {
	simulated.Client
	mu      sync.Mutex
	backend *simulated.Backend
}

func (m *minedOnDemand) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	r, err := m.Client.TransactionReceipt(ctx, h)
	if err == nil {
		return r, nil
	}
	// Not found, or the node's transaction index is still starting up.
	m.mu.Lock()
	m.backend.Commit()
	m.mu.Unlock()
	return m.Client.TransactionReceipt(ctx, h)
}

func TestDeployAndSeedOnFreshChain(t *testing.T) {
	ctx := t.Context()
	relayerKey, err := crypto.GenerateKey() // any funded key will do, not only the dev relayer
	if err != nil {
		t.Fatal(err)
	}
	relayer := crypto.PubkeyToAddress(relayerKey.PublicKey)
	backend := simulated.NewBackend(types.GenesisAlloc{relayer: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}})
	t.Cleanup(func() { backend.Close() })
	client := &minedOnDemand{Client: backend.Client(), backend: backend}
	chainID, err := client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}

	contract, deployBlock, err := devchain.Deploy(ctx, client, relayerKey, chainID)
	if err != nil {
		t.Fatalf("deploying: %v", err)
	}
	if want := crypto.CreateAddress(relayer, 0); contract != want {
		t.Errorf("deployed at %s, want %s", contract, want)
	}
	res, err := devchain.Seed(ctx, client, chainID, contract, relayerKey)
	if err != nil {
		t.Fatalf("seeding: %v", err)
	}
	if res.Contract != contract || res.Relayer != relayer {
		t.Errorf("seed result names contract %s relayer %s, want %s %s", res.Contract, res.Relayer, contract, relayer)
	}
	// All actions fit one batch, so they are all mined in the one block
	// after the deployment.
	if res.FirstBlock != deployBlock+1 || res.LastBlock != res.FirstBlock {
		t.Errorf("actions mined in blocks %d..%d, want all in block %d", res.FirstBlock, res.LastBlock, deployBlock+1)
	}
	checkSeed(t, res, manageEntityEvents(t, ctx, client, contract, deployBlock))
}
