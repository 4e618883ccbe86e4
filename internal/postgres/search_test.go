package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/storetest"
)

// searchSnapshot reads the whole search index as text: every document,
// its words sorted, and every word count.
const searchSnapshot = `SELECT
	(SELECT coalesce(string_agg(format('%s', d), E'\n' ORDER BY d.kind, d.id), '') FROM (
		SELECT kind, id, owner_id, ARRAY(SELECT unnest(words) ORDER BY 1) AS words, doc, handle, verified, genre, mood,
			popularity, created_at FROM search_docs) d),
	(SELECT coalesce(string_agg(format('%s', v), E'\n' ORDER BY v.kind, v.word), '') FROM search_vocab v)`

// TestSearchIndexExact checks, after every step of random blocks and
// reverts, that the search index the triggers keep equals one rebuilt
// from the entity rows (in a transaction that is rolled back).
func TestSearchIndexExact(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	defer s.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	storetest.SearchIndexScenario(t, s, func(t *testing.T, when string) {
		t.Helper()
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // the rebuild is never kept
		var kept, keptVocab, rebuilt, rebuiltVocab string
		if err := tx.QueryRow(ctx, searchSnapshot).Scan(&kept, &keptVocab); err != nil {
			t.Fatalf("%s: read the index: %v", when, err)
		}
		const rebuild = `DELETE FROM search_docs; DELETE FROM search_vocab;
SELECT search_users(ARRAY(SELECT id FROM users)), search_tracks(ARRAY(SELECT id FROM tracks)),
	search_playlists(ARRAY(SELECT id FROM playlists));`
		if _, err := tx.Exec(ctx, rebuild); err != nil {
			t.Fatalf("%s: rebuild the index: %v", when, err)
		}
		if err := tx.QueryRow(ctx, searchSnapshot).Scan(&rebuilt, &rebuiltVocab); err != nil {
			t.Fatalf("%s: read the rebuilt index: %v", when, err)
		}
		if kept != rebuilt || keptVocab != rebuiltVocab {
			t.Fatalf("%s: the index kept differs from a rebuild:\nkept\n%s\n%s\nrebuilt\n%s\n%s", when, kept, keptVocab, rebuilt, rebuiltVocab)
		}
		if kept == "" && when != "" {
			t.Logf("%s: the index is empty", when)
		}
	})
}
