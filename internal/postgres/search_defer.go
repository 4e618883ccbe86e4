package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// The search documents (search_docs, search_vocab) are kept by triggers on
// users, tracks and playlists, a few statements per table per run. During
// a first backfill that is a large share of the database's work: every
// follow changes a user's follower count, so the document's popularity,
// and since popularity is indexed every such update writes new entries in
// every index of search_docs, its GIN indexes included.
//
// So an index built from nothing defers them, the way a bulk load builds
// its indexes after the data: when the first run written to an empty store
// is all final blocks, the search triggers are disabled in the same
// transaction, and stay so while runs of final blocks follow, across
// restarts (the disabled state is the database's own). The first run with
// a block that is not final, which is one the follower may yet revert,
// first rebuilds the documents from the tables as they are and enables the
// triggers, all in its transaction, so from then on every revert finds
// documents kept exactly. Until then searches answer from documents of
// the start; the node is not healthy then anyway (it is far behind its
// chain).
//
// A store with blocks never starts deferring: after an outage it catches
// up with the triggers on, rather than rebuilding a large index.

// searchTriggers are the triggers that keep the search documents; the
// names are constants of the schema (00005_search.sql), not input.
var searchTriggers = []struct{ table, name string }{
	{"users", "search_users_inserted"},
	{"users", "search_users_updated"},
	{"users", "search_users_deleted"},
	{"tracks", "search_tracks_inserted"},
	{"tracks", "search_tracks_updated"},
	{"tracks", "search_tracks_deleted"},
	{"playlists", "search_playlists_inserted"},
	{"playlists", "search_playlists_updated"},
	{"playlists", "search_playlists_deleted"},
}

// searchDeferredQuery counts the search triggers that are disabled.
const searchDeferredQuery = `SELECT count(*) FROM pg_trigger
	WHERE tgrelid IN ('users'::regclass, 'tracks'::regclass, 'playlists'::regclass)
	AND tgname = ANY($1) AND tgenabled = 'D'`

// prepareSearch decides, inside a run's transaction and under the writers'
// lock, whether the run's writes keep the search documents: it defers them
// for a run of final blocks into an empty store (indexed is false), and
// ends a deferral before a run that holds a block that may be reverted.
// settled says that after the run the documents are kept by the triggers
// for good: a deferral starts only in an empty store, so the writer need
// not ask again (Store.searchSettled).
func prepareSearch(ctx context.Context, tx pgx.Tx, indexed bool, bcs []discovery.BlockChanges) (settled bool, err error) {
	deferred, err := searchDeferred(ctx, tx)
	if err != nil {
		return false, err
	}
	final := discovery.AllFinal(bcs)
	switch {
	case !deferred && !indexed && final:
		return false, setSearchTriggers(ctx, tx, "DISABLE")
	case deferred && !final:
		return true, rebuildSearch(ctx, tx)
	}
	return !deferred, nil
}

// FinishDeferred builds the search documents a backfill deferred, if it
// did: the node calls it once the index has caught up with its chain,
// because on a chain whose blocks are final as soon as they are made no
// block that may be reverted ever comes to end the deferral.
func (s *Store) FinishDeferred(ctx context.Context) (bool, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("finish deferred search: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, lockBlocks); err != nil {
		return false, fmt.Errorf("finish deferred search: lock blocks: %w", err)
	}
	deferred, err := searchDeferred(ctx, tx)
	if err != nil || !deferred {
		return false, err
	}
	if err := rebuildSearch(ctx, tx); err != nil {
		return false, fmt.Errorf("finish deferred search: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("finish deferred search: commit: %w", err)
	}
	s.searchSettled.Store(true)
	return true, nil
}

func searchDeferred(ctx context.Context, tx pgx.Tx) (bool, error) {
	names := make([]string, len(searchTriggers))
	for i, t := range searchTriggers {
		names[i] = t.name
	}
	var disabled int
	if err := tx.QueryRow(ctx, searchDeferredQuery, names).Scan(&disabled); err != nil {
		return false, fmt.Errorf("read whether search is deferred: %w", err)
	}
	return disabled > 0, nil
}

// rebuildSearch enables the search triggers and writes every document
// again from the tables as they are (buildSearch, which says what readers
// see meanwhile).
func rebuildSearch(ctx context.Context, tx pgx.Tx) error {
	if err := setSearchTriggers(ctx, tx, "ENABLE"); err != nil {
		return err
	}
	return buildSearch(ctx, tx)
}

// setSearchTriggers enables or disables every search trigger. ALTER TABLE
// ... TRIGGER takes a lock that excludes writers but not readers, and
// commits or rolls back with the run.
func setSearchTriggers(ctx context.Context, tx pgx.Tx, how string) error {
	batch := &pgx.Batch{}
	for _, t := range searchTriggers {
		batch.Queue(fmt.Sprintf("ALTER TABLE %s %s TRIGGER %s", t.table, how, t.name))
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("%s search triggers: %w", how, err)
	}
	return nil
}
