package devchain_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/devchain"
)

// blockTime is fast so the test takes seconds; seeding must not depend on it.
const blockTime = 20 * time.Millisecond

func mustStart(t *testing.T, ctx context.Context, cfg devchain.Config) *devchain.Chain {
	t.Helper()
	c, err := devchain.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("starting dev chain: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestStartSeedsAndResumes(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	// Longer than a unix socket path may be, so the socket has to live elsewhere.
	cfg := devchain.Config{DataDir: filepath.Join(t.TempDir(), strings.Repeat("d", 100)), BlockTime: blockTime}
	c := mustStart(t, ctx, cfg)

	relayer := crypto.PubkeyToAddress(devchain.RelayerKey().PublicKey)
	if want := crypto.CreateAddress(relayer, 0); c.Contract() != want {
		t.Errorf("contract at %s, want the relayer's first creation %s", c.Contract(), want)
	}
	if want := crypto.CreateAddress(relayer, 1); c.Plays() != want {
		t.Errorf("plays at %s, want the relayer's second creation %s", c.Plays(), want)
	}
	if want := crypto.PubkeyToAddress(devchain.VerifierKey().PublicKey); c.Verifier() != want {
		t.Errorf("verifier %s, want VerifierKey's %s", c.Verifier(), want)
	}
	code, err := c.Client().CodeAt(ctx, c.Contract(), nil)
	if err != nil || len(code) == 0 {
		t.Fatalf("code at %s: %d bytes, %v", c.Contract(), len(code), err)
	}
	seed := c.Seeded()
	if seed.Contract != c.Contract() || seed.Plays != c.Plays() || seed.Relayer != relayer || seed.FirstBlock <= c.DeployBlock() {
		t.Errorf("seed result contract %s relayer %s first block %d; chain contract %s, relayer %s, deploy block %d",
			seed.Contract, seed.Relayer, seed.FirstBlock, c.Contract(), relayer, c.DeployBlock())
	}
	checkSeed(t, seed, chainEvents(t, ctx, c.Client(), seed, c.DeployBlock()))

	t.Run("json-rpc over ipc", func(t *testing.T) {
		rc, err := c.RPC(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		var chainID, head hexutil.Big
		batch := []rpc.BatchElem{
			{Method: "eth_chainId", Result: &chainID},
			{Method: "eth_blockNumber", Result: &head},
		}
		if err := rc.BatchCallContext(ctx, batch); err != nil {
			t.Fatal(err)
		}
		for _, b := range batch {
			if b.Error != nil {
				t.Fatalf("%s: %v", b.Method, b.Error)
			}
		}
		if chainID.ToInt().Cmp(c.ChainID()) != 0 {
			t.Errorf("eth_chainId = %s, want %s", chainID.ToInt(), c.ChainID())
		}
		if head.ToInt().Uint64() < seed.LastBlock {
			t.Errorf("eth_blockNumber = %s, before the last seeded block %d", head.ToInt(), seed.LastBlock)
		}
	})

	t.Run("a second chain on the same directory is refused", func(t *testing.T) {
		other, err := devchain.Start(ctx, cfg)
		if err == nil {
			other.Close()
			t.Fatal("started a second chain on a directory in use")
		}
	})

	headBefore, err := c.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("closing: %v", err)
	}

	c2 := mustStart(t, ctx, cfg)
	head, err := c2.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head < headBefore {
		t.Errorf("head went back from %d to %d across a restart", headBefore, head)
	}
	if c2.Contract() != c.Contract() || c2.DeployBlock() != c.DeployBlock() || !reflect.DeepEqual(c2.Seeded(), seed) {
		t.Errorf("after restart: contract %s deploy block %d, want %s %d, and the same seed result",
			c2.Contract(), c2.DeployBlock(), c.Contract(), c.DeployBlock())
	}
	// State survived, and seeding was not repeated: the relayer sent exactly
	// the two deployments and the seeding transactions.
	nonce, err := c2.Client().NonceAt(ctx, relayer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(2 + seed.Transactions); nonce != want {
		t.Errorf("relayer nonce after restart = %d, want %d", nonce, want)
	}
	if code, err := c2.Client().CodeAt(ctx, c2.Contract(), nil); err != nil || len(code) == 0 {
		t.Errorf("code at %s after restart: %d bytes, %v", c2.Contract(), len(code), err)
	}
	if n := len(chainEvents(t, ctx, c2.Client(), seed, c2.DeployBlock()).manage); n != seed.Actions {
		t.Errorf("%d ManageEntity events after restart, want %d", n, seed.Actions)
	}
	waitForBlock(t, ctx, c2, head+1)
}

// waitForBlock waits until the chain mines block n, showing the timer runs.
func waitForBlock(t *testing.T, ctx context.Context, c *devchain.Chain, n uint64) {
	t.Helper()
	tick := time.NewTicker(blockTime)
	defer tick.Stop()
	for {
		head, err := c.Client().BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if head >= n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("block %d was never mined (head %d): %v", n, head, ctx.Err())
		case <-tick.C:
		}
	}
}

func TestStartRefusesAMissingContract(t *testing.T) {
	dir := t.TempDir()
	state := map[string]any{"chain_id": 1337, "contract": common.HexToAddress("0x00000000000000000000000000000000000000aa"), "deploy_block": 1}
	b, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "devchain.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := devchain.Start(t.Context(), devchain.Config{DataDir: dir, BlockTime: blockTime})
	if err == nil {
		c.Close()
		t.Fatal("started on a directory whose recorded contract does not exist")
	}
	if !strings.Contains(err.Error(), "remove the directory") {
		t.Errorf("error %q does not say how to recover", err)
	}
}
