package reorgtest

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/discovery-node/discovery/internal/follow"
	"github.com/discovery-node/discovery/internal/gethtest"
)

// TestGethReorg reorganises a real geth --dev node under a running
// follower: actions are indexed, debug_setHead rewinds the node to an
// earlier block, different actions re-mine a different branch (the node
// also re-mines the orphaned transactions it takes back), and the index must
// converge to a fresh index of the new chain.
func TestGethReorg(t *testing.T) {
	node := gethtest.Start(t, 0) // a block whenever a transaction arrives
	ctx := t.Context()
	eth := ethclient.NewClient(node.RPC)
	chainID, err := eth.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key := node.FundedKey(t)
	contract, deployBlock, err := devchain.Deploy(ctx, eth, key, chainID)
	if err != nil {
		t.Fatal(err)
	}
	gen := NewActions(rand.New(rand.NewPCG(7, 7)))
	relay := func(n int) {
		t.Helper()
		for range n {
			data, err := gen.Signed(chainID, contract)
			if err != nil {
				t.Fatal(err)
			}
			sendAndWait(t, eth, key, chainID, contract, data)
		}
	}
	relay(8)

	template := migratedSQLite(t)
	store := openSQLite(t, template)
	src := chain.New(node.RPC, []common.Address{contract}, []common.Hash{content.ManageEntityTopic}, chain.Options{})
	f, err := NewFollower(src, store, deployBlock, follow.Config{PollInterval: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}()

	oldHead := headerAt(t, eth, nil)
	waitIndexed(t, store, oldHead)
	// The chain stays below the first finalized block of the dev node (its
	// epoch is 32 blocks), so the rewind stays within finality however the
	// follower learns of it.
	if oldHead.Number.Uint64() >= 28 {
		t.Fatalf("the chain is at block %d already; the rewind would cross a finalized block", oldHead.Number)
	}

	rewindTo := oldHead.Number.Uint64() - 4
	orphaned := headerAt(t, eth, new(big.Int).SetUint64(rewindTo+1))
	if err := node.RPC.CallContext(ctx, nil, "debug_setHead", hexutil.Uint64(rewindTo)); err != nil {
		t.Fatalf("debug_setHead: %v", err)
	}
	relay(6) // different actions, on top of the re-mined orphans
	newHead := headerAt(t, eth, nil)
	if newHead.Number.Cmp(oldHead.Number) <= 0 {
		relay(int(oldHead.Number.Uint64()-newHead.Number.Uint64()) + 1)
		newHead = headerAt(t, eth, nil)
	}
	if now := headerAt(t, eth, new(big.Int).SetUint64(rewindTo+1)); now.Hash() == orphaned.Hash() {
		t.Fatalf("block %d is the same after the rewind: no reorganisation happened", rewindTo+1)
	}
	waitIndexed(t, store, newHead)

	freshHead, want, err := FreshIndex(ctx, src, openSQLite(t, template), deployBlock, newHead.Number.Uint64())
	if err != nil {
		t.Fatal(err)
	}
	if freshHead.Hash != newHead.Hash() {
		t.Fatalf("fresh index reached %s, want %s", freshHead.Hash, newHead.Hash())
	}
	got, err := Digest(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("after the reorganisation the index has digest %s, a fresh index of the new chain %s", got, want)
	}
	if old, ok, err := store.Block(ctx, rewindTo+1); err != nil || !ok || old.Hash == orphaned.Hash() {
		t.Errorf("the index holds block %d as %s (ok %v, err %v), want the new branch's", rewindTo+1, old.Hash, ok, err)
	}
}

// sendAndWait relays data to contract from key and waits until it is mined.
func sendAndWait(t *testing.T, eth *ethclient.Client, key *ecdsa.PrivateKey, chainID *big.Int, to common.Address, data []byte) {
	t.Helper()
	ctx := t.Context()
	nonce, err := eth.PendingNonceAt(ctx, crypto.PubkeyToAddress(key.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{
		ChainID:   chainID,
		Nonce:     nonce,
		GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: big.NewInt(100 * params.GWei),
		Gas:       1_000_000,
		To:        &to,
		Data:      data,
	})
	if err := eth.SendTransaction(ctx, tx); err != nil {
		t.Fatalf("sending action: %v", err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		r, err := eth.TransactionReceipt(ctx, tx.Hash())
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("action %s reverted", tx.Hash())
			}
			return
		}
		if !errors.Is(err, ethereum.NotFound) || time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", tx.Hash(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func headerAt(t *testing.T, eth *ethclient.Client, n *big.Int) *types.Header {
	t.Helper()
	h, err := eth.HeaderByNumber(t.Context(), n)
	if err != nil {
		t.Fatalf("reading header %v: %v", n, err)
	}
	return h
}

// waitIndexed waits until store's head is h; the bound only stops a stuck
// follower from hanging the run.
func waitIndexed(t *testing.T, store interface {
	Head(context.Context) (discovery.BlockRef, bool, error)
}, h *types.Header) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got, ok, err := store.Head(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if ok && got.Hash == h.Hash() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index is at block %d (%s), want %d (%s)", got.Number, got.Hash, h.Number, h.Hash())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
