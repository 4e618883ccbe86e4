package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The build that ends a deferral writes every search document at once, so
// it is done the way a bulk load is, as PostgreSQL's store does
// (internal/postgres/search_build.go): the triggers and secondary indexes
// of the search tables dropped, the tables emptied, the documents inserted
// by one statement per kind, the words by one statement in key order, the
// vocabulary by one aggregation of the words, then the indexes and
// triggers created again from the SQL the schema held. Inserting the
// documents through the triggers instead, as the first version did, added
// each document's words and upserted each word's count one row at a time
// through every index: on the state of a 1M-event synthetic chain (141k
// documents, 557k words, 120k vocabulary rows) that took 3.0 to 3.2 s,
// this 1.7 to 1.9 s (three of each, one transaction rolled back each);
// dropping only the triggers and keeping the indexes, 2.2 s.
// BenchmarkSearchBuild compares the two on a smaller chain.
//
// Readers see no half-built index: the build is one transaction of the
// single writer, and in WAL mode a reader keeps the snapshot it started
// with until the build commits.
//
// The documents are those of the views the triggers read (00005_search.sql)
// and the words and counts those the triggers on search_docs and
// search_words keep, so a document is exactly the one the triggers keep;
// TestSearchBuild, TestSearchDeferredBackfill and TestSearchFinishDeferred
// compare the two.

// searchBuildTables are the tables the build writes; the names are schema
// constants.
var searchBuildTables = []string{"search_docs", "search_words", "search_vocab"}

// searchSchemaQuery lists the triggers and the indexes of the search tables
// that have SQL of their own (a primary key has none and stays), with that
// SQL: whatever migrations did, the build makes the same ones again.
// Triggers come last, so they are created after the indexes.
const searchSchemaQuery = `SELECT type, name, sql FROM sqlite_schema
	WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (?, ?, ?)
	ORDER BY type = 'trigger', name`

// searchBuildStatements fill the emptied search tables: the documents of
// every visible user, track and playlist, each word of each document (the
// key's order makes the inserts appends), and how many documents of each
// kind have each word (a document's words are distinct).
var searchBuildStatements = []string{
	`INSERT INTO search_docs SELECT * FROM search_user_docs`,
	`INSERT INTO search_docs SELECT * FROM search_track_docs`,
	`INSERT INTO search_docs SELECT * FROM search_playlist_docs`,
	`INSERT INTO search_words (kind, word, id)
	SELECT d.kind, w.value, d.id FROM search_docs d, json_each(d.words) w ORDER BY 1, 2, 3`,
	`INSERT INTO search_vocab (kind, word, tail, n)
	SELECT kind, word, substr(word, 2), count(*) FROM search_words GROUP BY kind, word`,
}

// searchObject is one trigger or index dropped for the build and made
// again after.
type searchObject struct{ kind, name, sql string }

// buildSearch writes every search document, word and word count again from
// the tables as they are, inside tx, replacing what the search tables held.
func buildSearch(ctx context.Context, tx *sql.Tx) error {
	objs, err := searchObjects(ctx, tx)
	if err != nil {
		return err
	}
	for _, o := range objs {
		// The names come from the schema, quoted, not from input.
		if _, err := tx.ExecContext(ctx, "DROP "+strings.ToUpper(o.kind)+" "+quoteIdent(o.name)); err != nil {
			return fmt.Errorf("build search documents: drop %s %s: %w", o.kind, o.name, err)
		}
	}
	for _, table := range searchBuildTables {
		// Without triggers on the table, SQLite empties it whole.
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return fmt.Errorf("build search documents: empty %s: %w", table, err)
		}
	}
	for _, q := range searchBuildStatements {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("build search documents: %w", err)
		}
	}
	for _, o := range objs {
		if _, err := tx.ExecContext(ctx, o.sql); err != nil {
			return fmt.Errorf("build search documents: create %s %s: %w", o.kind, o.name, err)
		}
	}
	return nil
}

// searchObjects reads the triggers and indexes of the search tables.
func searchObjects(ctx context.Context, tx *sql.Tx) ([]searchObject, error) {
	rows, err := tx.QueryContext(ctx, searchSchemaQuery, searchBuildTables[0], searchBuildTables[1], searchBuildTables[2])
	if err != nil {
		return nil, fmt.Errorf("build search documents: list triggers and indexes: %w", err)
	}
	defer rows.Close()
	var objs []searchObject
	for rows.Next() {
		var o searchObject
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			return nil, fmt.Errorf("build search documents: list triggers and indexes: %w", err)
		}
		objs = append(objs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("build search documents: list triggers and indexes: %w", err)
	}
	return objs, nil
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
