package apibench

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/discovery-node/discovery"
)

// LoadStats is what loading a data set took.
type LoadStats struct {
	Blocks   int           `json:"blocks"`
	Rows     int           `json:"rows"`
	Apply    time.Duration `json:"apply_ns"`    // every ApplyBlock, building the blocks overlapped
	Settle   time.Duration `json:"settle_ns"`   // VACUUM (ANALYZE) on PostgreSQL
	Trending time.Duration `json:"trending_ns"` // the RefreshTrending after the last block
	Prune    time.Duration `json:"prune_ns"`
}

// RowsPerSec is the write path's rate over the whole load.
func (s LoadStats) RowsPerSec() float64 {
	if s.Apply <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Apply.Seconds()
}

// Load generates d and applies it to store, which must be empty, as the
// benchmark loads its data sets (without VACUUM, which is PostgreSQL's):
// for tests that want an index of some size built the way indexing
// builds it.
func Load(ctx context.Context, store discovery.Store, d Dataset) (LoadStats, error) {
	g, err := generate(d)
	if err != nil {
		return LoadStats{}, err
	}
	return load(ctx, store, g, defaultBlockRows, nil, func(string, ...any) {})
}

// head returns the reference of the last block of the data set.
func (g *graph) head(blockRows int) (discovery.BlockRef, int, error) {
	var last discovery.BlockRef
	n := 0
	err := g.blocks(blockRows, true, func(b discovery.BlockRef, _ *discovery.Changes) error {
		last = b
		n++
		return nil
	})
	return last, n, err
}

// load applies every block of g to an empty store, settles it (settle may
// be nil), refreshes trending and prunes the undo images of all but the
// head block, as a follower does once blocks are final. Blocks are built
// while the previous one is written. logf reports progress.
func load(ctx context.Context, store discovery.Store, g *graph, blockRows int, settle func(context.Context) error,
	logf func(string, ...any)) (LoadStats, error) {
	var st LoadStats
	type block struct {
		ref discovery.BlockRef
		c   *discovery.Changes
	}
	blocks := make(chan block, 2)
	eg, ectx := errgroup.WithContext(ctx)
	eg.Go(func() error {
		defer close(blocks)
		return g.blocks(blockRows, false, func(ref discovery.BlockRef, c *discovery.Changes) error {
			select {
			case blocks <- block{ref, c}:
				return nil
			case <-ectx.Done():
				return ectx.Err()
			}
		})
	})
	start := time.Now()
	total := g.d.Sizes.Rows()
	eg.Go(func() error {
		lastLog := time.Now()
		for b := range blocks {
			if err := store.ApplyBlock(ectx, b.ref, b.c); err != nil {
				return fmt.Errorf("apply block %d: %w", b.ref.Number, err)
			}
			st.Blocks++
			st.Rows += changedRows(b.c)
			if time.Since(lastLog) > 15*time.Second {
				lastLog = time.Now()
				el := time.Since(start)
				logf("load: block %d, %d of %d rows in %s (%.0f rows/s)", b.ref.Number, st.Rows, total,
					el.Round(time.Second), float64(st.Rows)/el.Seconds())
			}
		}
		return nil
	})
	if err := eg.Wait(); err != nil {
		return st, err
	}
	st.Apply = time.Since(start)
	logf("load: %d rows in %d blocks in %s: %.0f rows/s", st.Rows, st.Blocks, st.Apply.Round(time.Millisecond), st.RowsPerSec())

	t := time.Now()
	if settle != nil {
		if err := settle(ctx); err != nil {
			return st, err
		}
		st.Settle = time.Since(t)
		logf("load: vacuumed and analyzed in %s", st.Settle.Round(time.Millisecond))
	}
	t = time.Now()
	if err := store.RefreshTrending(ctx); err != nil {
		return st, fmt.Errorf("refresh trending: %w", err)
	}
	st.Trending = time.Since(t)
	logf("load: trending refreshed in %s", st.Trending.Round(time.Millisecond))

	t = time.Now()
	head, ok, err := store.Head(ctx)
	if err != nil || !ok {
		return st, fmt.Errorf("read the head after loading: ok %v: %w", ok, err)
	}
	if _, err := store.Prune(ctx, head.Number); err != nil {
		return st, fmt.Errorf("prune undo images: %w", err)
	}
	st.Prune = time.Since(t)
	return st, nil
}

func changedRows(c *discovery.Changes) int {
	return len(c.Users) + len(c.Tracks) + len(c.Playlists) + len(c.Follows) + len(c.Reposts) + len(c.Saves) +
		len(c.Subscriptions) + len(c.Routes) + len(c.DeveloperApps) + len(c.Grants) + len(c.PlayDays)
}
