package follow_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/follow"
)

func TestPrune(t *testing.T) {
	tests := []struct {
		name      string
		head      uint64 // chain head
		indexed   uint64 // the sink's head
		finalized *uint64
		depth     uint64
		want      []uint64 // Prune calls
	}{
		{"below head minus the window", 100, 100, nil, 10, []uint64{90}},
		{"the node's finalized block wins", 100, 100, ptr(uint64(50)), 10, []uint64{50}},
		{"never above the indexed head", 100, 40, ptr(uint64(99)), 10, []uint64{40}},
		{"window above the indexed head", 100, 60, nil, 10, []uint64{60}},
		{"young chain: nothing final", 8, 8, nil, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain := newScriptedChain(tt.indexed)
			var src discovery.BlockSource = chain
			if tt.finalized != nil {
				src = finalizingChain{chain}
			}
			sink := &recordingSink{}
			f := newFollower(src, sink, follow.Config{FinalityDepth: tt.depth})
			catchUp(t, f)
			chain.mine(int(tt.head - tt.indexed))
			if tt.finalized != nil {
				chain.setFinalized(*tt.finalized)
			}
			if _, err := f.Prune(t.Context()); err != nil {
				t.Fatal(err)
			}
			// Nothing new became final: no second call.
			if _, err := f.Prune(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := sink.pruneCalls(); !slices.Equal(got, tt.want) {
				t.Errorf("Prune calls %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPruneFollowsFinality(t *testing.T) {
	chain := newScriptedChain(50)
	sink := &recordingSink{}
	f := newFollower(chain, sink, follow.Config{FinalityDepth: 10})
	catchUp(t, f)
	for _, step := range []struct {
		mine int
		want uint64
	}{{5, 45}, {0, 45}, {20, 65}} {
		chain.mine(step.mine)
		catchUp(t, f)
		if _, err := f.Prune(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := sink.pruneCalls(); got[len(got)-1] != step.want {
			t.Fatalf("after mining %d: Prune calls %v, want the last below %d", step.mine, got, step.want)
		}
	}
	if got := sink.pruneCalls(); !slices.Equal(got, []uint64{45, 65}) {
		t.Errorf("Prune calls %v, want [45 65]", got)
	}

	// A fork lowers the node's head, but finality does not go back: a
	// fork below what was final is refused rather than undone.
	chain.fork(60, 2)
	if err := f.Step(t.Context()); !errors.Is(err, follow.ErrReorgTooDeep) {
		t.Errorf("Step after a fork below the pruned height = %v, want ErrReorgTooDeep", err)
	}
}

func TestRunPrunes(t *testing.T) {
	chain := newScriptedChain(30)
	sink := &recordingSink{}
	f := newFollower(chain, sink, follow.Config{FinalityDepth: 5, PollInterval: time.Millisecond, PruneInterval: time.Millisecond})
	reached30, reached40 := sink.reach(30), sink.reach(40)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	await(t, reached30, "block 30")
	chain.mine(10)
	await(t, reached40, "block 40")
	waitFor(t, "pruning below block 35", func() bool {
		calls := sink.pruneCalls()
		return len(calls) > 0 && calls[len(calls)-1] == 35
	})
	cancel()
	if err := await(t, done, "Run to return"); err != nil {
		t.Fatal(err)
	}
	calls := sink.pruneCalls()
	for i := 1; i < len(calls); i++ {
		if calls[i] <= calls[i-1] {
			t.Errorf("Prune calls %v, want each height once, rising", calls)
		}
	}
}
