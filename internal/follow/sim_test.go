package follow_test

import (
	"errors"
	"log/slog"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/chain/chaintest"
	"github.com/discovery-node/discovery/internal/follow"
)

// TestFollowSimulatedChain follows a real go-ethereum node while it mines:
// every block reaches the sink exactly once, in order, with the watched
// contract's logs and nothing else.
func TestFollowSimulatedChain(t *testing.T) {
	sim := chaintest.NewSim(t)
	topic := crypto.Keccak256Hash([]byte("Ping(bytes)"))
	watched := sim.DeployEmitter(t, topic)
	other := sim.DeployEmitter(t, topic)

	src := chain.New(sim.RPC, []common.Address{watched}, []common.Hash{topic}, chain.Options{})
	sink := &recordingSink{}
	f := follow.New(src, sink, sink.Checkpoint, follow.Config{BatchSize: 3})

	var receipts []*types.Receipt
	mine := func(calls ...common.Address) {
		t.Helper()
		for i, to := range calls {
			sim.Send(t, &to, []byte{byte(len(receipts)), byte(i)})
		}
		_, rs := sim.Mine(t)
		if len(rs) != len(calls) {
			t.Fatalf("mined %d of %d transactions", len(rs), len(calls))
		}
		receipts = append(receipts, rs...)
	}
	// Each round mines some blocks, then steps once, mines one more block
	// while the follower is behind, and steps until it has caught up.
	rounds := [][][]common.Address{
		{{watched, other}, {}, {other}, {watched, watched}},
		{{}},
		{{other, watched}, {watched}, {}, {}, {other}, {watched, other, watched}},
	}
	for r, blocks := range rounds {
		for _, calls := range blocks {
			mine(calls...)
		}
		if err := f.Step(t.Context()); err != nil {
			t.Fatalf("round %d, first step: %v", r, err)
		}
		mine(watched)
		for steps := 0; ; steps++ {
			err := f.Step(t.Context())
			if errors.Is(err, follow.ErrNothingNew) {
				break
			}
			if err != nil {
				t.Fatalf("round %d: %v", r, err)
			}
			if steps > 10 {
				t.Fatalf("round %d: not caught up after %d steps", r, steps)
			}
		}
	}

	head, err := sim.Eth.BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := f.ChainHead(); got != head {
		t.Errorf("ChainHead = %d, want %d", got, head)
	}
	sink.mustBeContiguous(t, 0, head)

	wantLogs := map[uint64][]common.Hash{} // block -> tx hashes of watched logs
	for _, r := range receipts {
		for _, l := range r.Logs {
			if l.Address == watched {
				wantLogs[l.BlockNumber] = append(wantLogs[l.BlockNumber], l.TxHash)
			}
		}
	}
	seen := 0
	for _, b := range sink.blocks {
		h, err := sim.Eth.HeaderByNumber(t.Context(), new(big.Int).SetUint64(b.Number))
		if err != nil {
			t.Fatal(err)
		}
		if b.Hash != h.Hash() || b.ParentHash != h.ParentHash || b.Time != h.Time {
			t.Errorf("block %d = %+v, the node says hash %s parent %s time %d", b.Number, b.BlockRef, h.Hash(), h.ParentHash, h.Time)
		}
		var got []common.Hash
		for _, l := range b.Logs {
			if l.Address != watched || l.BlockHash != b.Hash {
				t.Errorf("block %d holds a log of %s from block %s", b.Number, l.Address, l.BlockHash)
			}
			got = append(got, l.TxHash)
		}
		if len(got) != len(wantLogs[b.Number]) {
			t.Errorf("block %d: %d watched logs, want %d", b.Number, len(got), len(wantLogs[b.Number]))
			continue
		}
		for i := range got {
			if got[i] != wantLogs[b.Number][i] {
				t.Errorf("block %d log %d: tx %s, want %s", b.Number, i, got[i], wantLogs[b.Number][i])
			}
		}
		seen += len(got)
	}
	if want := 10; seen != want {
		t.Errorf("%d watched logs arrived, want %d", seen, want)
	}
}

// The chain client pushes heads, so a follower reading it need not poll.
var _ follow.HeadSubscriber = (*chain.Client)(nil)

// TestRunIndexesPushedHeads follows a real node over IPC with a poll
// interval of an hour: each block can only arrive through the node's
// newHeads subscription, and must.
func TestRunIndexesPushedHeads(t *testing.T) {
	sim := chaintest.NewSim(t)
	src := chain.New(sim.RPC, nil, nil, chain.Options{})
	sink := &recordingSink{}
	f := follow.New(src, sink, sink.Checkpoint, follow.Config{PollInterval: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	first := sink.reach(0)
	stop := runInBackground(t, f)
	defer stop()
	await(t, first, "the genesis block")
	for n := uint64(1); n <= 5; n++ {
		reached := sink.reach(n)
		sim.Commit()
		await(t, reached, "a block pushed by the node")
	}
	sink.mustBeContiguous(t, 0, 5)
}
