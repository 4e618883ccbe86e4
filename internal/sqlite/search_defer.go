package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/discovery-node/discovery"
)

// The search documents (search_docs, search_words, search_vocab) are kept
// by row triggers on users, tracks and playlists. During a first backfill
// they are about half of the writes: every follow changes a follower
// count, so a document's popularity and its indexes. (BenchmarkBackfill at
// 100k events into SQLite: 4,400 events/s with them, 7,250 without.)
//
// So an index built from nothing defers them, as PostgreSQL's store does
// (internal/postgres/search_defer.go): when the first run written to an
// empty store is all final blocks, the search triggers are dropped in its
// transaction, their SQL kept in search_deferred_triggers, and they stay
// dropped while runs of final blocks follow, across restarts. The first run
// with a block that may be reverted, or FinishDeferred once the node has
// caught up, creates them again from that SQL and writes every document
// from the search views, in one transaction, before anything else. Until
// then searches answer from the documents of the start.

// searchTriggers are the triggers that keep the search documents of the
// content tables (00005_search.sql); the names are schema constants.
var searchTriggers = []string{
	"search_users_inserted", "search_users_reworded", "search_users_activated", "search_users_ranked", "search_users_deleted",
	"search_tracks_inserted", "search_tracks_reworded", "search_tracks_ranked", "search_tracks_deleted",
	"search_playlists_inserted", "search_playlists_reworded", "search_playlists_ranked", "search_playlists_deleted",
}

// prepareSearch decides, inside a run's transaction, whether the run's
// writes keep the search documents: it defers them for a run of final
// blocks into an empty store (indexed is false), and ends a deferral before
// a run that holds a block that may be reverted. settled says that after
// the run the documents are kept by the triggers for good: a deferral
// starts only in an empty store, so the writer need not ask again
// (Store.searchSettled).
func prepareSearch(ctx context.Context, tx *sql.Tx, indexed bool, bcs []discovery.BlockChanges) (settled bool, err error) {
	deferred, err := searchDeferred(ctx, tx)
	if err != nil {
		return false, err
	}
	final := discovery.AllFinal(bcs)
	switch {
	case !deferred && !indexed && final:
		return false, deferSearch(ctx, tx)
	case deferred && !final:
		return true, rebuildSearch(ctx, tx)
	}
	return !deferred, nil
}

func searchDeferred(ctx context.Context, tx *sql.Tx) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM search_deferred_triggers`).Scan(&n); err != nil {
		return false, fmt.Errorf("read whether search is deferred: %w", err)
	}
	return n > 0, nil
}

// deferSearch keeps the SQL of the search triggers and drops them.
func deferSearch(ctx context.Context, tx *sql.Tx) error {
	args := make([]any, len(searchTriggers))
	for i, name := range searchTriggers {
		args[i] = name
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(args)), ",")
	res, err := tx.ExecContext(ctx, `INSERT INTO search_deferred_triggers (name, sql)
		SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name IN (`+marks+`)`, args...)
	if err != nil {
		return fmt.Errorf("keep the search triggers: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(searchTriggers)) {
		return fmt.Errorf("keep the search triggers: found %d of %d (%v)", n, len(searchTriggers), err)
	}
	for _, name := range searchTriggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			return fmt.Errorf("drop search trigger %s: %w", name, err)
		}
	}
	return nil
}

// rebuildSearch creates the search triggers again and writes every search
// document from the tables as they are (search_build.go).
func rebuildSearch(ctx context.Context, tx *sql.Tx) error {
	if err := restoreSearchTriggers(ctx, tx); err != nil {
		return err
	}
	return buildSearch(ctx, tx)
}

// restoreSearchTriggers creates the search triggers again from the SQL kept
// when they were dropped (the schema's own, not input).
func restoreSearchTriggers(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM search_deferred_triggers ORDER BY name`)
	if err != nil {
		return fmt.Errorf("read the kept search triggers: %w", err)
	}
	var creates []string
	for rows.Next() {
		var name, stmt string
		if err := rows.Scan(&name, &stmt); err != nil {
			rows.Close()
			return fmt.Errorf("read the kept search triggers: %w", err)
		}
		creates = append(creates, stmt)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read the kept search triggers: %w", err)
	}
	for _, stmt := range creates {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create a search trigger again: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_deferred_triggers`); err != nil {
		return fmt.Errorf("forget the kept search triggers: %w", err)
	}
	return nil
}

// FinishDeferred builds the search documents a backfill deferred, if it
// did (discovery.DeferredBuilder): the node calls it once the index has
// caught up, because on a chain whose blocks are final as soon as they are
// made no block that may be reverted comes to end the deferral.
func (s *Store) FinishDeferred(ctx context.Context) (bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("finish deferred search: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	deferred, err := searchDeferred(ctx, tx)
	if err != nil || !deferred {
		return false, err
	}
	if err := rebuildSearch(ctx, tx); err != nil {
		return false, fmt.Errorf("finish deferred search: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("finish deferred search: commit: %w", err)
	}
	s.searchSettled.Store(true)
	return true, nil
}
