package benchtest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/synth"
)

// revertChain is 16 blocks of history and 64 blocks to revert, each of
// exactly 500 ManageEntity events (no plays, so "events" is exact).
var revertChain = synth.Config{Seed: 2, Events: 80 * 500, MinPerBlock: 500, MaxPerBlock: 500, PlaysPerEvent: -1}

// BenchmarkRevert times reverting the newest 1, 16 and 64 blocks of 500
// synthetic events each, indexed through the real pipeline. Between
// iterations the blocks are applied again, untimed, from the changes the
// indexer computed the first time (as storetest.BenchRevert does).
func BenchmarkRevert(b *testing.B) {
	ctx := context.Background()
	c, err := synth.Build(ctx, revertChain, "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	srv, err := synth.NewServer(c, synth.ServerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	for _, o := range openers {
		// Indexed once per store: each iteration leaves the state as it
		// found it.
		rec := &recordingStore{Store: o.open(b)}
		p, err := NewPipeline(ctx, hs.URL, c.Config(), rec, PipelineOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.CatchUp(ctx); err != nil {
			b.Fatal(err)
		}
		p.Close()
		for _, n := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("store=%s/blocks=%d", o.name, n), func(b *testing.B) {
				benchRevert(b, rec, n)
			})
		}
	}
}

func benchRevert(b *testing.B, rec *recordingStore, n int) {
	ctx := context.Background()
	top := rec.applied[len(rec.applied)-n:]
	rows := 0
	for _, a := range top {
		rows += changedRows(a.c)
	}
	b.ResetTimer()
	for range b.N {
		for i := len(top) - 1; i >= 0; i-- {
			if err := rec.Store.RevertBlock(ctx, top[i].ref); err != nil {
				b.Fatalf("revert block %d: %v", top[i].ref.Number, err)
			}
		}
		b.StopTimer()
		for _, a := range top {
			if err := rec.Store.ApplyBlock(ctx, a.ref, a.c); err != nil {
				b.Fatalf("apply block %d again: %v", a.ref.Number, err)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/float64(n), "rows/block")
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N*n), "ms/block")
}

// recordingStore keeps every block the indexer applied with its changes.
type recordingStore struct {
	discovery.Store
	applied []appliedBlock
}

type appliedBlock struct {
	ref discovery.BlockRef
	c   *discovery.Changes
}

func (s *recordingStore) ApplyBlock(ctx context.Context, b discovery.BlockRef, c *discovery.Changes) error {
	if err := s.Store.ApplyBlock(ctx, b, c); err != nil {
		return err
	}
	s.applied = append(s.applied, appliedBlock{b, c})
	return nil
}

func (s *recordingStore) ApplyBlocks(ctx context.Context, bcs []discovery.BlockChanges) error {
	if err := s.Store.ApplyBlocks(ctx, bcs); err != nil {
		return err
	}
	for _, bc := range bcs {
		s.applied = append(s.applied, appliedBlock{bc.Block, bc.Changes})
	}
	return nil
}

func changedRows(c *discovery.Changes) int {
	return len(c.Users) + len(c.Tracks) + len(c.Playlists) + len(c.Follows) + len(c.Reposts) + len(c.Saves) +
		len(c.Subscriptions) + len(c.Routes) + len(c.DeveloperApps) + len(c.Grants) + len(c.PlayDays) + len(c.Rejected)
}
