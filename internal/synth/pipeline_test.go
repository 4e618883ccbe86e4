package synth_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/discovery-node/discovery/internal/benchtest"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/discovery-node/discovery/internal/synth"
)

// TestIndexerAgrees indexes generated chains with the real follower, content
// indexer and SQLite store, and checks that the indexer refuses exactly the
// actions the generator made to be refused and applies all the others.
func TestIndexerAgrees(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  synth.Config
	}{
		{"default mix", synth.Config{Seed: 1, Events: 2000}},
		{"another seed, small blocks", synth.Config{Seed: 7, Events: 1200, MinPerBlock: 5, MaxPerBlock: 40}},
		{"many refusals, many plays", synth.Config{Seed: 3, Events: 1000, RejectRate: 0.3, PlaysPerEvent: 2}},
		{"no refusals, no plays, probes", synth.Config{Seed: 4, Events: 800, RejectRate: -1, PlaysPerEvent: -1, ProbeEveryBlock: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, err := synth.Build(ctx, tc.cfg, t.TempDir())
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			defer c.Close()
			srv, err := synth.NewServer(c, synth.ServerOptions{})
			if err != nil {
				t.Fatalf("server: %v", err)
			}
			defer srv.Close()
			hs := httptest.NewServer(srv)
			defer hs.Close()
			store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			defer store.Close()
			p, err := benchtest.NewPipeline(ctx, hs.URL, c.Config(), store, benchtest.PipelineOptions{})
			if err != nil {
				t.Fatalf("pipeline: %v", err)
			}
			defer p.Close()
			if err := p.CatchUp(ctx); err != nil {
				t.Fatalf("catch up: %v", err)
			}
			st := c.Stats()
			t.Logf("stats: %+v", st)
			got, err := p.Actions()
			if err != nil {
				t.Fatal(err)
			}
			logs := st.Events + st.Plays + st.Verifications
			if int(got["rejected"]) != st.Rejected || int(got["applied"]) != logs-st.Rejected {
				rej, _ := store.RejectedActions(ctx, discoveryPage(20))
				for _, r := range rej {
					t.Logf("rejected: block %d log %d %s %s: %s", r.Block, r.LogIndex, r.EntityType, r.Action, r.Reason)
				}
				t.Fatalf("indexer applied %v and rejected %v of %d logs; generator made %d to be rejected (%v)",
					got["applied"], got["rejected"], logs, st.Rejected, st.RejectedBy)
			}
			head, ok, err := store.Head(ctx)
			if err != nil || !ok || head.Number != c.Head() || head.Hash != c.Hash(c.Head()) {
				t.Fatalf("store head %v %v %v, want block %d %s", head, ok, err, c.Head(), c.Hash(c.Head()))
			}
		})
	}
}
