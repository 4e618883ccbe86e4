package devchain_test

import (
	"context"
	"math/big"
	"strings"
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

	d, err := devchain.DeployAll(ctx, client, relayerKey, chainID)
	if err != nil {
		t.Fatalf("deploying: %v", err)
	}
	if want := crypto.CreateAddress(relayer, 0); d.EntityManager != want {
		t.Errorf("EntityManager deployed at %s, want %s", d.EntityManager, want)
	}
	if want := crypto.CreateAddress(relayer, 1); d.Plays != want {
		t.Errorf("Plays deployed at %s, want %s", d.Plays, want)
	}

	t.Run("only the deployer can seed", func(t *testing.T) {
		_, err := devchain.Seed(ctx, client, chainID, d, devchain.RelayerKey())
		if err == nil || !strings.Contains(err.Error(), "deployed the contracts") {
			t.Errorf("seeding with another key: err = %v, want a refusal naming the deployer", err)
		}
	})

	res, err := devchain.Seed(ctx, client, chainID, d, relayerKey)
	if err != nil {
		t.Fatalf("seeding: %v", err)
	}
	if res.Contract != d.EntityManager || res.Plays != d.Plays || res.Relayer != relayer {
		t.Errorf("seed result names contract %s plays %s relayer %s, want %s %s %s", res.Contract, res.Plays, res.Relayer, d.EntityManager, d.Plays, relayer)
	}
	// Batches of up to 64 transactions are each mined in one block; the two
	// playBatch calls each wait for a block of their own (the second
	// shares it with the play the indexer refuses).
	const batch, playCalls = 64, 3
	wantBlocks := uint64((res.Transactions-playCalls+batch-1)/batch + 2)
	if res.FirstBlock != d.Block+1 || res.LastBlock-res.FirstBlock+1 != wantBlocks {
		t.Errorf("seeded in blocks %d..%d after deployment block %d, want %d blocks from %d", res.FirstBlock, res.LastBlock, d.Block, wantBlocks, d.Block+1)
	}
	checkSeed(t, res, chainEvents(t, ctx, client, res, d.Block))
}
