package follow_test

import (
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/follow"
)

// newFollower returns a follower of src applying to sink, with the sink's
// IndexedBlock and Prune wired the way a store's are.
func newFollower(src discovery.BlockSource, sink *recordingSink, cfg follow.Config) *follow.Follower {
	cfg.IndexedBlock = sink.IndexedBlock
	cfg.Prune = sink.Prune
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return follow.New(src, sink, sink.Checkpoint, cfg)
}

// catchUp steps until the follower reports ErrNothingNew.
func catchUp(t *testing.T, f *follow.Follower) {
	t.Helper()
	for steps := 0; ; steps++ {
		err := f.Step(t.Context())
		if errors.Is(err, follow.ErrNothingNew) {
			return
		}
		if err != nil {
			t.Fatalf("step %d: %v", steps+1, err)
		}
		if steps > 1000 {
			t.Fatalf("not caught up after %d steps", steps)
		}
	}
}

func numbers(refs []discovery.BlockRef) []uint64 {
	var ns []uint64
	for _, r := range refs {
		ns = append(ns, r.Number)
	}
	return ns
}

func TestStepFollowsReorgs(t *testing.T) {
	tests := []struct {
		name      string
		head      uint64 // the chain before the fork, all applied
		batch     uint64
		forkAt    uint64 // the last block the branches share
		newBlocks int    // mined on the new branch
		reverted  []uint64
	}{
		{"tip replaced by a longer branch", 10, 100, 9, 3, []uint64{10}},
		{"between polls, deeper", 10, 100, 6, 5, []uint64{10, 9, 8, 7}},
		{"fork inside a batch applied in one step", 14, 5, 12, 4, []uint64{14, 13}},
		{"fork across batches", 14, 5, 3, 13, []uint64{14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4}},
		{"deeper than the first walk probe", 40, 100, 20, 25, func() (ns []uint64) {
			for n := uint64(40); n > 20; n-- {
				ns = append(ns, n)
			}
			return ns
		}()},
		{"shorter branch: node head below the checkpoint", 10, 100, 6, 2, []uint64{10, 9, 8, 7}},
		{"shorter branch of one block", 10, 100, 8, 1, []uint64{10, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain := newScriptedChain(tt.head)
			sink := &recordingSink{}
			f := newFollower(chain, sink, follow.Config{BatchSize: tt.batch})
			catchUp(t, f)
			old := chain.refs(0, tt.head)

			chain.fork(tt.forkAt, tt.newBlocks)
			if err := f.Step(t.Context()); err != nil {
				t.Fatalf("step after the fork: %v", err)
			}
			if got := numbers(sink.revertedRefs()); !slices.Equal(got, tt.reverted) {
				t.Fatalf("reverted blocks %v, want %v newest first", got, tt.reverted)
			}
			for _, r := range sink.revertedRefs() {
				if r != old[r.Number] {
					t.Errorf("reverted %+v, want the orphaned block %+v", r, old[r.Number])
				}
			}
			if got := sink.refs(); !slices.Equal(got, old[:tt.forkAt+1]) {
				t.Errorf("after reverting the sink holds up to block %d, want the fork block %d", len(got)-1, tt.forkAt)
			}

			catchUp(t, f)
			newHead := tt.forkAt + uint64(tt.newBlocks)
			if got, want := sink.refs(), chain.refs(0, newHead); !slices.Equal(got, want) {
				t.Errorf("sink holds %v, want the new branch %v", got, want)
			}
		})
	}
}

func TestStepWaitsForALaggingNode(t *testing.T) {
	chain := newScriptedChain(10)
	sink := &recordingSink{}
	f := newFollower(chain, sink, follow.Config{})
	catchUp(t, f)

	// The node (say, another one behind a load balancer) is two blocks
	// behind on the same chain: nothing to do, nothing to revert.
	lagging := &scriptedChain{blocks: chain.blocks[:9]}
	g := newFollower(lagging, sink, follow.Config{})
	if err := g.Step(t.Context()); !errors.Is(err, follow.ErrNothingNew) {
		t.Fatalf("Step on a lagging node = %v, want ErrNothingNew", err)
	}
	if got := sink.revertedRefs(); len(got) != 0 {
		t.Errorf("reverted %v on a node that only lags", numbers(got))
	}
}

func TestStepRevertFailureResumes(t *testing.T) {
	chain := newScriptedChain(12)
	sink := &recordingSink{}
	f := newFollower(chain, sink, follow.Config{})
	catchUp(t, f)
	chain.fork(7, 8)

	sink.setFailRevert(10)
	err := f.Step(t.Context())
	if err == nil || !strings.Contains(err.Error(), "reverting block 10") {
		t.Fatalf("Step = %v, want the sink's error naming block 10", err)
	}
	if got := numbers(sink.revertedRefs()); !slices.Equal(got, []uint64{12, 11}) {
		t.Fatalf("reverted %v before the failure, want [12 11]", got)
	}

	// As after a crash: the next step finds the sink's head still orphaned
	// and walks back again from there.
	sink.setFailRevert(0)
	catchUp(t, f)
	if got := numbers(sink.revertedRefs()); !slices.Equal(got, []uint64{12, 11, 10, 9, 8}) {
		t.Errorf("reverted %v, want [12 11 10 9 8]", got)
	}
	if got, want := sink.refs(), chain.refs(0, 15); !slices.Equal(got, want) {
		t.Errorf("sink holds %v, want the new branch %v", got, want)
	}
}

func TestStepReorgTooDeep(t *testing.T) {
	tests := []struct {
		name      string
		cfg       follow.Config
		finalized *uint64 // what the node reports, when it does
		deepest   uint64  // the height the error must name
	}{
		// Head 32 after the fork, 8 blocks of finality: block 24 is final.
		{"finality window", follow.Config{FinalityDepth: 8}, nil, 24},
		// The node says block 26 is final, whatever the window.
		{"node's finalized block", follow.Config{FinalityDepth: 1000}, ptr(uint64(26)), 26},
		// The node does not know: the window applies.
		{"node without finality", follow.Config{FinalityDepth: 8}, nil, 24},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain := newScriptedChain(30)
			var src discovery.BlockSource = chain
			if i > 0 {
				src = finalizingChain{chain}
			}
			sink := &recordingSink{}
			f := newFollower(src, sink, tt.cfg)
			catchUp(t, f)
			ours := chain.ref(tt.deepest)
			applied := sink.refs()

			chain.fork(20, 12)
			if tt.finalized != nil {
				chain.setFinalized(*tt.finalized)
			}
			theirs := chain.ref(tt.deepest)
			err := f.Step(t.Context())
			if !errors.Is(err, follow.ErrReorgTooDeep) {
				t.Fatalf("Step = %v, want ErrReorgTooDeep", err)
			}
			for _, want := range []string{ours.Hash.Hex(), theirs.Hash.Hex(), "block " + strconv.FormatUint(tt.deepest, 10)} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
			if got := sink.revertedRefs(); len(got) != 0 {
				t.Errorf("reverted %v before refusing the fork", numbers(got))
			}
			if got := sink.refs(); !slices.Equal(got, applied) {
				t.Errorf("sink changed after refusing the fork")
			}
			// Run stops on it rather than retrying forever.
			if err := f.Run(t.Context()); !errors.Is(err, follow.ErrReorgTooDeep) {
				t.Errorf("Run = %v, want ErrReorgTooDeep", err)
			}
		})
	}
}

func TestStepReorgBelowTheIndex(t *testing.T) {
	chain := newScriptedChain(12)
	sink := &recordingSink{}
	f := newFollower(chain, sink, follow.Config{FromBlock: 5})
	catchUp(t, f)
	chain.fork(3, 12)
	err := f.Step(t.Context())
	if !errors.Is(err, follow.ErrReorgTooDeep) || !strings.Contains(err.Error(), "holds no block 4") {
		t.Fatalf("Step = %v, want ErrReorgTooDeep saying the index holds no block 4", err)
	}
}

func TestStepWithoutIndexedBlockReportsReorg(t *testing.T) {
	chain := newScriptedChain(10)
	sink := &recordingSink{}
	f := follow.New(chain, sink, sink.Checkpoint, follow.Config{})
	catchUp(t, f)
	chain.fork(8, 4)
	if err := f.Step(t.Context()); !errors.Is(err, follow.ErrReorg) {
		t.Fatalf("Step = %v, want ErrReorg", err)
	}
	if got := sink.revertedRefs(); len(got) != 0 {
		t.Errorf("reverted %v without a way to find the fork", numbers(got))
	}
}

func TestWalkBackFetchesGrowingRanges(t *testing.T) {
	chain := newScriptedChain(200)
	sink := &recordingSink{}
	f := newFollower(chain, sink, follow.Config{BatchSize: 50, FinalityDepth: 1000})
	catchUp(t, f)
	before := len(chain.blockCalls())
	chain.fork(140, 70)
	if err := f.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The step's own batch, then the walk: 4 blocks, 16, then 50 at most.
	want := [][2]uint64{{201, 210}, {197, 200}, {181, 196}, {131, 180}}
	if got := chain.blockCalls()[before:]; !slices.Equal(got, want) {
		t.Errorf("Blocks calls %v, want %v", got, want)
	}
	if got := len(sink.revertedRefs()); got != 60 {
		t.Errorf("reverted %d blocks, want 60", got)
	}
}

func ptr[T any](v T) *T { return &v }

func TestReorgMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	chain := newScriptedChain(20)
	sink := &recordingSink{}
	f := newFollower(chain, sink, follow.Config{Registerer: reg, FinalityDepth: 10})
	catchUp(t, f)
	chain.fork(17, 5) // reverts 3 blocks
	catchUp(t, f)
	chain.fork(21, 2) // reverts 1 block
	catchUp(t, f)

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			if h := m.GetHistogram(); h != nil {
				got[mf.GetName()+"_count"] = float64(h.GetSampleCount())
				got[mf.GetName()+"_sum"] = h.GetSampleSum()
				continue
			}
			got[mf.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"discovery_follower_chain_head":               23,
		"discovery_follower_block":                    23,
		"discovery_follower_blocks_applied_total":     21 + 5 + 2,
		"discovery_follower_blocks_reverted_total":    4,
		"discovery_follower_reorg_depth_count":        2,
		"discovery_follower_reorg_depth_sum":          4,
		"discovery_follower_finalized_block":          13, // head 23 at the second fork, less 10
		"discovery_follower_undo_images_pruned_total": 0,
		"discovery_follower_runs_read_ahead_total":    0,
		"discovery_follower_errors_total":             0,
	}
	if !maps.Equal(got, want) {
		t.Errorf("metrics = %v, want %v", got, want)
	}
}
