package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/storetest"
)

// searchBuildBlocks is the size of the benchmark's chain: 20,000 blocks of
// SearchChain make 59,099 documents of 42,891 words (reported with each
// result), two fifths of the 140,922 documents and a third of the 120,415
// words of a 1M-event synthetic chain (cmd/synth), and take seconds to
// apply.
const searchBuildBlocks = 20_000

// searchRebuildByFunctions is how the build was written first: the
// triggers' functions called over every id. It is kept here as the
// baseline the bulk build is measured against.
var searchRebuildByFunctions = []string{
	`DELETE FROM search_docs`,
	`DELETE FROM search_vocab`,
	`SELECT search_users(ARRAY(SELECT id FROM users))`,
	`SELECT search_tracks(ARRAY(SELECT id FROM tracks))`,
	`SELECT search_playlists(ARRAY(SELECT id FROM playlists))`,
}

// BenchmarkSearchBuild times the build of every search document of a
// store that deferred them through a backfill: "bulk" is FinishDeferred,
// "functions" the baseline. Each iteration defers again first (triggers
// disabled, tables emptied), untimed.
func BenchmarkSearchBuild(b *testing.B) {
	ctx := context.Background()
	dsn := pgtest.DSN(b)
	s := mustOpen(b, dsn)
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
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)

	var docs, words int
	count := func(b *testing.B) {
		b.Helper()
		if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM search_docs), (SELECT count(*) FROM search_vocab)`).Scan(&docs, &words); err != nil {
			b.Fatal(err)
		}
		if docs == 0 || words == 0 {
			b.Fatal("the build wrote no search documents")
		}
	}
	b.Run("bulk", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			deferSearch(ctx, b, conn)
			b.StartTimer()
			if built, err := s.FinishDeferred(ctx); err != nil || !built {
				b.Fatalf("FinishDeferred: built %v, %v", built, err)
			}
		}
		count(b)
		b.ReportMetric(float64(docs), "docs")
		b.ReportMetric(float64(words), "words")
	})
	b.Run("functions", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			deferSearch(ctx, b, conn)
			b.StartTimer()
			tx, err := conn.Begin(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, q := range append(searchTriggerStatements("ENABLE"), searchRebuildByFunctions...) {
				if _, err := tx.Exec(ctx, q); err != nil {
					b.Fatalf("%s: %v", q, err)
				}
			}
			if err := tx.Commit(ctx); err != nil {
				b.Fatal(err)
			}
		}
		count(b)
		b.ReportMetric(float64(docs), "docs")
		b.ReportMetric(float64(words), "words")
	})
}

// deferSearch puts a store back in the state a backfill from nothing
// leaves: search triggers disabled and no documents.
func deferSearch(ctx context.Context, b *testing.B, conn *pgx.Conn) {
	b.Helper()
	for _, q := range append(searchTriggerStatements("DISABLE"), `TRUNCATE search_docs, search_vocab`) {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
}

// searchTriggerStatements enable or disable the nine search triggers.
func searchTriggerStatements(how string) []string {
	var out []string
	for _, table := range []string{"users", "tracks", "playlists"} {
		for _, event := range []string{"inserted", "updated", "deleted"} {
			out = append(out, fmt.Sprintf("ALTER TABLE %[1]s %[2]s TRIGGER search_%[1]s_%[3]s", table, how, event))
		}
	}
	return out
}
