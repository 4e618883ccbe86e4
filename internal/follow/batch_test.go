package follow_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/follow"
)

// batchSink is a recordingSink that also takes runs of blocks, and keeps
// each run as it was handed over.
type batchSink struct {
	*recordingSink
	runs  [][]discovery.Block
	fails bool // ApplyBlocks fails while set
}

func (s *batchSink) ApplyBlocks(ctx context.Context, bs []discovery.Block) error {
	if s.fails {
		return fmt.Errorf("disk full")
	}
	s.runs = append(s.runs, slices.Clone(bs))
	for _, b := range bs {
		if err := s.Apply(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// TestStepHandsRunsToABatchSink checks a catching-up follower hands a
// BatchSink each fetched run whole, marks the blocks it takes as final,
// and leaves the checkpoint where it was when a run fails.
func TestStepHandsRunsToABatchSink(t *testing.T) {
	chain := newScriptedChain(24)
	sink := &batchSink{recordingSink: &recordingSink{}}
	cfg := follow.Config{BatchSize: 10, FinalityDepth: 8, IndexedBlock: sink.IndexedBlock, Prune: sink.Prune}
	f := follow.New(chain, sink, sink.Checkpoint, cfg)

	sink.fails = true
	if err := f.Step(t.Context()); err == nil {
		t.Fatal("Step with a failing ApplyBlocks returned nil")
	}
	if _, ok, _ := sink.Checkpoint(t.Context()); ok {
		t.Fatal("a failed run moved the checkpoint")
	}
	sink.fails = false
	catchUp(t, f)

	var sizes []int
	var final []uint64
	for _, run := range sink.runs {
		sizes = append(sizes, len(run))
		for _, b := range run {
			if b.Final {
				final = append(final, b.Number)
			}
		}
	}
	// Blocks 0-9 as a run; while it was applied, the final blocks after it
	// (10-16: head 24, 8 deep) were read ahead; then the rest, 17-24.
	if want := []int{10, 7, 8}; !slices.Equal(sizes, want) {
		t.Errorf("run sizes %v, want %v", sizes, want)
	}
	if calls := chain.blockCalls(); !slices.Contains(calls, [2]uint64{10, 16}) {
		t.Errorf("Blocks calls %v: want the final blocks 10-16 read ahead", calls)
	}
	// Head 24, 8 deep: blocks up to 16 are final, the rest are not.
	if want := seq(0, 16); !slices.Equal(final, want) {
		t.Errorf("final blocks %v, want %v", final, want)
	}
	if got := numbers(refsOf(sink.blocks)); !slices.Equal(got, seq(0, 24)) {
		t.Errorf("applied %v, want 0-24 in order", got)
	}

	// At the head, a new block comes on its own, not final.
	chain.mine(1)
	catchUp(t, f)
	if last := sink.blocks[len(sink.blocks)-1]; last.Number != 25 || last.Final {
		t.Errorf("block at the head = %d, final %v; want 25, not final", last.Number, last.Final)
	}
	if len(sink.runs) != 3 {
		t.Errorf("%d runs, want the single new block applied alone", len(sink.runs))
	}
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for n := from; n <= to; n++ {
		out = append(out, n)
	}
	return out
}

func refsOf(bs []discovery.Block) []discovery.BlockRef {
	out := make([]discovery.BlockRef, len(bs))
	for i, b := range bs {
		out[i] = b.BlockRef
	}
	return out
}

// denseChain is a scriptedChain whose every block carries logs logs.
type denseChain struct {
	*scriptedChain
	logs int
}

func (c denseChain) Blocks(ctx context.Context, from, to uint64) ([]discovery.Block, error) {
	bs, err := c.scriptedChain.Blocks(ctx, from, to)
	for i := range bs {
		bs[i].Logs = make([]types.Log, c.logs)
	}
	return bs, err
}

// TestRunsShrinkOnDenseBlocks checks runs are sized by logs: blocks of 30
// logs with MaxRunLogs 100 go three at a time after the first run, of 10
// blocks, shows the density, whatever BatchSize allows.
func TestRunsShrinkOnDenseBlocks(t *testing.T) {
	chain := denseChain{newScriptedChain(40), 30}
	sink := &batchSink{recordingSink: &recordingSink{}}
	f := follow.New(chain, sink, sink.Checkpoint, follow.Config{BatchSize: 20, MaxRunLogs: 100, FinalityDepth: 1000})
	catchUp(t, f)
	var sizes []int
	for _, run := range sink.runs {
		sizes = append(sizes, len(run))
	}
	if len(sizes) == 0 || sizes[0] != 10 {
		t.Fatalf("run sizes %v: want a first run of 10 blocks, before the density is known", sizes)
	}
	for _, n := range sizes[1 : len(sizes)-1] {
		if n != 3 {
			t.Fatalf("run sizes %v: want runs of 3 blocks (90 logs) after the first", sizes)
		}
	}
	if got := numbers(refsOf(sink.blocks)); !slices.Equal(got, seq(0, 40)) {
		t.Errorf("applied %v, want 0-40 in order", got)
	}
}
