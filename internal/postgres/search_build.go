package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The build that ends a deferral writes every search document at once, so
// it is done the way a bulk load is: the tables emptied, their secondary
// indexes dropped, the documents inserted by one statement per kind and
// the vocabulary by one aggregation of them, then the indexes created again
// from the definitions the catalog held. Calling the trigger functions over
// every id instead, as the first version did, paid for incremental GIN
// inserts and a vocabulary upserted word by word through four indexes: on
// the state of a 1M-event synthetic chain (141k documents, 120k words)
// auto_explain put 7.7 s of a 23 s build (a loaded machine) in the users'
// search_count alone, 0.9 s of it the counting. Built this way the same
// state takes 4.1 s against 6.9 s (medians of six interleaved runs) and
// writes half the WAL; BenchmarkSearchBuild compares the two on a smaller
// chain.
//
// Readers see no half-built index: TRUNCATE and DROP INDEX take ACCESS
// EXCLUSIVE locks on search_docs and search_vocab, so a search started
// during the build waits until the build's transaction commits and then
// reads the finished documents (or the old ones, if it rolls back). When
// the build ends a deferral at the first run with a block that may be
// reverted, that wait lasts until the run commits (an API request may time
// out first). Before the build the documents are those of the start, so
// searches were incomplete anyway, and the node, far behind its chain, is
// not healthy.
//
// The select lists are those of search_users, search_tracks and
// search_playlists (00005_search.sql), so a document is exactly the one
// the triggers keep; TestSearchDeferredBackfill and TestSearchFinishDeferred
// compare the two. The words are computed in a subquery behind OFFSET 0:
// inlined, the lateral's expression would be evaluated twice per row, once
// for words and once for doc (EXPLAIN ANALYZE of the users' select: 3.8 s
// against 2.1 s).

// searchIndexesQuery lists the indexes of the search tables that no
// constraint owns (the primary keys stay), with the statements that make
// them, as the catalog has them: whatever migrations did, the build makes
// the same indexes again. pg_get_indexdef leaves out the tablespace, so an
// index moved to another by hand comes back in the default one.
const searchIndexesQuery = `SELECT n.nspname, c.relname, pg_get_indexdef(i.indexrelid)
	FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE i.indrelid IN ('search_docs'::regclass, 'search_vocab'::regclass)
	AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
	ORDER BY c.relname`

// searchBuildDocs insert the documents of every visible user, track and
// playlist, as search_users, search_tracks and search_playlists do for
// the ids they are given.
var searchBuildDocs = []string{
	`INSERT INTO search_docs (kind, id, owner_id, words, doc, handle, verified, genre, mood, popularity, created_at)
	SELECT 1, u.id, u.id, w.words, array_to_tsvector(w.words), search_key(u.handle),
		u.is_verified, '', '', u.follower_count, u.created_at
	FROM users u CROSS JOIN LATERAL (SELECT search_user_words(u.handle, u.name) AS words OFFSET 0) w
	WHERE NOT u.is_deactivated`,
	`INSERT INTO search_docs (kind, id, owner_id, words, doc, handle, verified, genre, mood, popularity, created_at)
	SELECT 2, t.id, t.owner_id, w.words, array_to_tsvector(w.words), '', false,
		search_norm(t.genre), search_norm(t.mood), t.repost_count + t.save_count + t.play_count, t.created_at
	FROM tracks t JOIN users u ON u.id = t.owner_id
	CROSS JOIN LATERAL (SELECT search_words(t.title) AS words OFFSET 0) w
	WHERE NOT t.is_delete AND NOT t.is_unlisted AND NOT u.is_deactivated`,
	`INSERT INTO search_docs (kind, id, owner_id, words, doc, handle, verified, genre, mood, popularity, created_at)
	SELECT 3, p.id, p.owner_id, w.words, array_to_tsvector(w.words), '', false, '', '',
		p.repost_count + p.save_count, p.created_at
	FROM playlists p JOIN users u ON u.id = p.owner_id
	CROSS JOIN LATERAL (SELECT search_words(p.name) AS words OFFSET 0) w
	WHERE NOT p.is_delete AND NOT p.is_private AND NOT p.is_album AND NOT u.is_deactivated`,
}

// searchBuildVocab counts, for each kind, the documents that have each
// word, as search_count does (a document's words are distinct).
const searchBuildVocab = `INSERT INTO search_vocab (kind, word, tail, n)
	SELECT kind, w, substr(w, 2), count(*) FROM (SELECT kind, unnest(words) AS w FROM search_docs) d
	GROUP BY kind, w`

// searchIndex is one index dropped for the build and made again after.
type searchIndex struct{ schema, name, def string }

// buildSearch writes every search document and word count again from the
// tables as they are, inside tx, replacing what the search tables held.
func buildSearch(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, searchIndexesQuery)
	if err != nil {
		return fmt.Errorf("build search documents: list indexes: %w", err)
	}
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (searchIndex, error) {
		var ix searchIndex
		err := r.Scan(&ix.schema, &ix.name, &ix.def)
		return ix, err
	})
	if err != nil {
		return fmt.Errorf("build search documents: list indexes: %w", err)
	}
	if _, err := tx.Exec(ctx, `TRUNCATE search_docs, search_vocab`); err != nil {
		return fmt.Errorf("build search documents: empty the tables: %w", err)
	}
	for _, ix := range indexes {
		// The names come from the catalog, quoted, not from input.
		if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{ix.schema, ix.name}.Sanitize()); err != nil {
			return fmt.Errorf("build search documents: drop index %s: %w", ix.name, err)
		}
	}
	for _, q := range searchBuildDocs {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("build search documents: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, searchBuildVocab); err != nil {
		return fmt.Errorf("build search documents: count words: %w", err)
	}
	for _, ix := range indexes {
		if _, err := tx.Exec(ctx, ix.def); err != nil {
			return fmt.Errorf("build search documents: create index %s: %w", ix.name, err)
		}
	}
	return nil
}
