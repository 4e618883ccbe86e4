package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/discovery-node/discovery/internal/storetest"
)

// searchBuildBlocks is the size of the benchmark's chain: 20,000 blocks of
// SearchChain, as PostgreSQL's BenchmarkSearchBuild (its documents and
// words are reported with each result).
const searchBuildBlocks = 20_000

// searchRebuildByTriggers is how the build was written first: every
// document inserted through the triggers that add its words and count
// them. It is kept here as the baseline the bulk build is measured
// against.
var searchRebuildByTriggers = []string{
	`DELETE FROM search_words`,
	`DELETE FROM search_vocab`,
	`DELETE FROM search_docs`,
	`INSERT INTO search_docs SELECT * FROM search_user_docs`,
	`INSERT INTO search_docs SELECT * FROM search_track_docs`,
	`INSERT INTO search_docs SELECT * FROM search_playlist_docs`,
}

// BenchmarkSearchBuild times the build of every search document of a
// store that deferred them through a backfill: "bulk" is FinishDeferred,
// "triggers" the baseline. Each iteration defers again first (triggers
// dropped, search tables emptied, as after a backfill from nothing),
// untimed.
func BenchmarkSearchBuild(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "discovery.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	bcs := storetest.SearchChain(1, searchBuildBlocks)
	const run = 500
	for i := 0; i < len(bcs); i += run {
		blocks := bcs[i:min(i+run, len(bcs))]
		for k := range blocks {
			blocks[k].Final = true
		}
		if err := s.ApplyBlocks(ctx, blocks); err != nil {
			b.Fatalf("apply blocks from %d: %v", blocks[0].Block.Number, err)
		}
	}
	if built, err := s.FinishDeferred(ctx); err != nil || !built {
		b.Fatalf("FinishDeferred: built %v, %v", built, err)
	}
	var docs, words int
	if err := s.w.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM search_docs), (SELECT count(*) FROM search_words)`).Scan(&docs, &words); err != nil {
		b.Fatal(err)
	}
	builds := []struct {
		name  string
		build func(b *testing.B)
	}{
		{"bulk", func(b *testing.B) {
			if built, err := s.FinishDeferred(ctx); err != nil || !built {
				b.Fatalf("FinishDeferred: built %v, %v", built, err)
			}
		}},
		{"triggers", func(b *testing.B) { rebuildByTriggers(ctx, b, s) }},
	}
	for _, bb := range builds {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				redefer(ctx, b, s)
				b.StartTimer()
				bb.build(b)
			}
			b.ReportMetric(float64(docs), "docs")
			b.ReportMetric(float64(words), "words")
		})
	}
}

// redefer puts s back as a backfill from nothing leaves it: the search
// triggers dropped and kept, the search tables empty.
func redefer(ctx context.Context, b *testing.B, s *Store) {
	b.Helper()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := deferSearch(ctx, tx); err != nil {
		b.Fatal(err)
	}
	for _, table := range searchBuildTables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// rebuildByTriggers ends a deferral the way the first version did: the
// triggers made again, then searchRebuildByTriggers run.
func rebuildByTriggers(ctx context.Context, b *testing.B, s *Store) {
	b.Helper()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := restoreSearchTriggers(ctx, tx); err != nil {
		b.Fatal(err)
	}
	for _, q := range searchRebuildByTriggers {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
