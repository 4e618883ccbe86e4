package benchtest

import (
	"context"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/synth"
)

// TestPipeline runs the in-process pipeline the benchmarks time on each
// store: it must index the whole chain, agree with the generator on what
// is refused, and account for its time.
func TestPipeline(t *testing.T) {
	ctx := context.Background()
	tg, err := NewTarget(ctx, synth.Config{Seed: 11, Events: 2000}, t.TempDir(), synth.ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	st := tg.Chain.Stats()
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) {
			store := o.open(t)
			p, err := NewPipeline(ctx, tg.HTTP, tg.Chain.Config(), store, PipelineOptions{BatchSize: 7})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if err := p.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			head, _, err := store.Head(ctx)
			if err != nil || head.Hash != tg.Chain.Hash(tg.Chain.Head()) {
				t.Fatalf("store head %d %s (%v), want %d", head.Number, head.Hash, err, tg.Chain.Head())
			}
			acts, err := p.Actions()
			if err != nil {
				t.Fatal(err)
			}
			if int(acts["rejected"]) != st.Rejected || int(acts["applied"]) != st.Events+st.Plays+st.Verifications-st.Rejected {
				t.Fatalf("applied %v rejected %v; generator: %d logs, %d to be refused", acts["applied"], acts["rejected"],
					st.Events+st.Plays+st.Verifications, st.Rejected)
			}
			tm := p.Timings
			// Blocks are applied in runs of up to BatchSize, each run read
			// in one go and written in one transaction.
			blocks := int64(tg.Chain.Len())
			if tm.Fetch <= 0 || tm.Apply < tm.Reads+tm.Write || tm.Writes < (blocks+6)/7 || tm.Writes > blocks || tm.ReadCalls < tm.Writes {
				t.Fatalf("timings %+v for %d events in %d blocks", *tm, st.Events, tg.Chain.Len())
			}
		})
	}
}

// TestRevertRestores checks what BenchmarkRevert relies on: reverting the
// newest blocks and applying the recorded changes again gives back the same
// state.
func TestRevertRestores(t *testing.T) {
	ctx := context.Background()
	tg, err := NewTarget(ctx, synth.Config{Seed: 12, Events: 1500, MinPerBlock: 100, MaxPerBlock: 100, PlaysPerEvent: -1}, t.TempDir(), synth.ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) {
			rec := &recordingStore{Store: o.open(t)}
			p, err := NewPipeline(ctx, tg.HTTP, tg.Chain.Config(), rec, PipelineOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if err := p.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			before, err := rec.ComputeDigest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{1, 4} {
				top := rec.applied[len(rec.applied)-n:]
				if changedRows(top[0].c) < 100 {
					t.Fatalf("block %d changed %d rows", top[0].ref.Number, changedRows(top[0].c))
				}
				for i := len(top) - 1; i >= 0; i-- {
					if err := rec.Store.RevertBlock(ctx, top[i].ref); err != nil {
						t.Fatal(err)
					}
				}
				if d, _ := rec.ComputeDigest(ctx); d == before {
					t.Fatalf("reverting %d blocks left the state as it was", n)
				}
				for _, a := range top {
					if err := rec.Store.ApplyBlock(ctx, a.ref, a.c); err != nil {
						t.Fatal(err)
					}
				}
				after, err := rec.ComputeDigest(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if after != before {
					t.Fatalf("after reverting and applying %d blocks again the digest is %s, was %s", n, after, before)
				}
			}
		})
	}
}

func TestPercentiles(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	for _, tc := range []struct {
		name               string
		in                 []time.Duration
		p50, p90, p99, max time.Duration
	}{
		{"empty", nil, 0, 0, 0, 0},
		{"one", ms(7), 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond},
		{"ten, unsorted", ms(10, 1, 9, 2, 8, 3, 7, 4, 6, 5), 5 * time.Millisecond, 9 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond},
		{"hundred", ms(seq(100)...), 50 * time.Millisecond, 90 * time.Millisecond, 99 * time.Millisecond, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p50, p90, p99, mx := percentiles(tc.in)
			if p50 != tc.p50 || p90 != tc.p90 || p99 != tc.p99 || mx != tc.max {
				t.Fatalf("got %v %v %v %v, want %v %v %v %v", p50, p90, p99, mx, tc.p50, tc.p90, tc.p99, tc.max)
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}
