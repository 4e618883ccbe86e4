package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery/internal/storetest"
)

// searchTables are the search index's tables, each with the order its
// rows are read in.
var searchTables = []string{
	`SELECT kind, id, owner_id, words, handle, verified, genre, mood, popularity, created_at FROM search_docs ORDER BY kind, id`,
	`SELECT kind, word, id FROM search_words ORDER BY kind, word, id`,
	`SELECT kind, word, tail, n FROM search_vocab ORDER BY kind, word`,
}

// searchSnapshot reads the whole search index as text.
func searchSnapshot(ctx context.Context, tx *sql.Tx) (string, error) {
	var b strings.Builder
	for _, q := range searchTables {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return "", err
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return "", err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Close(); err != nil {
			return "", err
		}
		b.WriteString("--\n")
	}
	return b.String(), nil
}

// TestSearchIndexExact checks, after every step of random blocks and
// reverts, that the search index the triggers keep equals one rebuilt
// from the entity rows (in a transaction that is rolled back): the
// documents, their words and the word counts.
func TestSearchIndexExact(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "discovery.db")
	s := mustOpen(t, path)
	defer s.Close()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.SearchIndexScenario(t, s, func(t *testing.T, when string) {
		t.Helper()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck // the rebuild is never kept
		kept, err := searchSnapshot(ctx, tx)
		if err != nil {
			t.Fatalf("%s: read the index: %v", when, err)
		}
		for _, stmt := range []string{
			`DELETE FROM search_docs`,
			`DELETE FROM search_words`,
			`DELETE FROM search_vocab`,
			`INSERT INTO search_docs SELECT * FROM search_user_docs`,
			`INSERT INTO search_docs SELECT * FROM search_track_docs`,
			`INSERT INTO search_docs SELECT * FROM search_playlist_docs`,
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: rebuild the index: %s: %v", when, stmt, err)
			}
		}
		rebuilt, err := searchSnapshot(ctx, tx)
		if err != nil {
			t.Fatalf("%s: read the rebuilt index: %v", when, err)
		}
		if kept != rebuilt {
			t.Fatalf("%s: the index kept differs from a rebuild:\nkept\n%s\nrebuilt\n%s", when, kept, rebuilt)
		}
	})
}
