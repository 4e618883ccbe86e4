package benchtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/discovery-node/discovery/internal/synth"
)

func TestMain(m *testing.M) {
	if os.Getenv("BENCHTEST_ANON_CHILD") == "1" {
		if err := anonChild(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	pgtest.Main(m)
}

// openers make a new, empty store of each kind for a test or benchmark.
var openers = []struct {
	name string
	open func(tb testing.TB) discovery.Store
}{
	{"sqlite", func(tb testing.TB) discovery.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "discovery.db"))
		if err != nil {
			tb.Fatalf("open sqlite: %v", err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgres", func(tb testing.TB) discovery.Store {
		s, err := postgres.Open(context.Background(), pgtest.DSN(tb))
		if err != nil {
			tb.Fatalf("open postgres: %v", err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}},
}

// BenchmarkBackfill indexes a synthetic chain from block 0 to its head
// through the real pipeline (JSON-RPC client, follower, content indexer,
// store), once per op, into a new store each time. The chain and its
// server are made once, untimed.
func BenchmarkBackfill(b *testing.B) {
	for _, events := range []int{10_000, 100_000} {
		for _, o := range openers {
			b.Run(fmt.Sprintf("store=%s/events=%d", o.name, events), func(b *testing.B) {
				t := servedChain(b, events)
				benchBackfill(b, t.Chain, t.Server, t.HTTP, o.open)
			})
		}
	}
}

// served holds chains made for benchmarks, by size, so that the stores'
// sub-benchmarks share one; they live until the test binary exits.
var served = map[int]*Target{}

func servedChain(b *testing.B, events int) *Target {
	b.Helper()
	if t, ok := served[events]; ok {
		return t
	}
	t, err := NewTarget(context.Background(), synth.Config{Seed: 1, Events: events}, "", synth.ServerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	served[events] = t
	return t
}

func benchBackfill(b *testing.B, c *synth.Chain, srv *synth.Server, url string, open func(testing.TB) discovery.Store) {
	ctx := context.Background()
	st := c.Stats()
	before := srv.Stats()
	var t Timings
	for range b.N {
		b.StopTimer()
		store := open(b)
		p, err := NewPipeline(ctx, url, c.Config(), store, PipelineOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := p.CatchUp(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		t.add(*p.Timings)
		p.Close()
		b.StartTimer()
	}
	after := srv.Stats()
	secs := b.Elapsed().Seconds()
	n := float64(b.N)
	b.ReportMetric(float64(st.Events)*n/secs, "events/s")
	b.ReportMetric(float64(st.Blocks)*n/secs, "blocks/s")
	perK := float64(st.Events) * n / 1000
	b.ReportMetric(float64(after.HTTPRequests-before.HTTPRequests)/perK, "rpcreqs/1kevents")
	b.ReportMetric(float64(after.ResponseBytes-before.ResponseBytes+after.RequestBytes-before.RequestBytes)/perK, "rpcbytes/1kevents")
	wall := b.Elapsed()
	b.ReportMetric(100*t.Fetch.Seconds()/wall.Seconds(), "%fetch")
	b.ReportMetric(100*(t.Apply-t.Reads-t.Write).Seconds()/wall.Seconds(), "%rules")
	b.ReportMetric(100*t.Reads.Seconds()/wall.Seconds(), "%reads")
	b.ReportMetric(100*t.Write.Seconds()/wall.Seconds(), "%write")
	b.ReportMetric(float64(t.ReadCalls)/(float64(st.Events)*n), "reads/event")
}
