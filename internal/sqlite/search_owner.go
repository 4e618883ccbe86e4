package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// Migration 12 rewrites the three triggers on users that remove a user's
// track and playlist documents (00005_search.sql). Their
//
//	DELETE FROM search_docs WHERE kind IN (2, 3) AND owner_id = NEW.id
//
// walked every track and playlist document: with no statistics, SQLite
// rates the primary key's kind = ? (about ten rows, no second lookup) above
// search_docs_owner_idx's kind = ? AND owner_id = ? (about nine rows, each
// looked up again in the table), and kind has three values. So each new
// user cost a scan of the documents. A 1M-event synthetic backfill indexes
// its last 100 blocks with the triggers back (the node ends the deferral
// once it is that close to the head): a CPU profile of its last 30 s put
// half the samples in upsertUsers, walking 82,772 track and playlist
// documents per new user.
// The documents to remove are now picked by their keys from the owner
// index, which covers them, and removed by primary key
// (TestSearchOwnerDeletePlan).
//
// This is a Go migration because a backfill may have dropped the search
// triggers when it runs: then it rewrites the SQL the deferral kept, which
// the end of the deferral creates (search_defer.go), instead of the
// triggers.
const searchOwnerVersion = 12

// searchOwnerDelete is the statement the rewritten triggers run.
const searchOwnerDelete = `DELETE FROM search_docs WHERE (kind, id) IN
        (SELECT kind, id FROM search_docs WHERE kind IN (2, 3) AND owner_id = %s.id);`

// searchOwnerTriggers are the triggers migration 12 rewrites, as 00005
// made them (old) and as it makes them (new).
var searchOwnerTriggers = []struct{ name, old, new string }{
	{"search_users_inserted", `CREATE TRIGGER search_users_inserted AFTER INSERT ON users BEGIN
    DELETE FROM search_docs WHERE kind = 1 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_user_docs WHERE id = NEW.id;
    DELETE FROM search_docs WHERE kind IN (2, 3) AND owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE owner_id = NEW.id;
END`, `CREATE TRIGGER search_users_inserted AFTER INSERT ON users BEGIN
    DELETE FROM search_docs WHERE kind = 1 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_user_docs WHERE id = NEW.id;
    ` + fmt.Sprintf(searchOwnerDelete, "NEW") + `
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE owner_id = NEW.id;
END`},
	{"search_users_activated", `CREATE TRIGGER search_users_activated AFTER UPDATE ON users
WHEN NEW.is_deactivated IS NOT OLD.is_deactivated BEGIN
    DELETE FROM search_docs WHERE kind IN (2, 3) AND owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE owner_id = NEW.id;
END`, `CREATE TRIGGER search_users_activated AFTER UPDATE ON users
WHEN NEW.is_deactivated IS NOT OLD.is_deactivated BEGIN
    ` + fmt.Sprintf(searchOwnerDelete, "NEW") + `
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE owner_id = NEW.id;
END`},
	{"search_users_deleted", `CREATE TRIGGER search_users_deleted AFTER DELETE ON users BEGIN
    DELETE FROM search_docs WHERE kind = 1 AND id = OLD.id;
    DELETE FROM search_docs WHERE kind IN (2, 3) AND owner_id = OLD.id;
END`, `CREATE TRIGGER search_users_deleted AFTER DELETE ON users BEGIN
    DELETE FROM search_docs WHERE kind = 1 AND id = OLD.id;
    ` + fmt.Sprintf(searchOwnerDelete, "OLD") + `
END`},
}

// searchOwnerMigration is migration 12: up makes the new triggers, down
// the old ones.
func searchOwnerMigration() *goose.Migration {
	return goose.NewGoMigration(searchOwnerVersion,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return rewriteSearchOwner(ctx, tx, true) }},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return rewriteSearchOwner(ctx, tx, false) }})
}

// rewriteSearchOwner replaces each trigger of searchOwnerTriggers by its
// new (or, down, its old) SQL: the trigger itself, or the SQL a deferral
// kept of it.
func rewriteSearchOwner(ctx context.Context, tx *sql.Tx, up bool) error {
	for _, t := range searchOwnerTriggers {
		stmt := t.new
		if !up {
			stmt = t.old
		}
		res, err := tx.ExecContext(ctx, `UPDATE search_deferred_triggers SET sql = ? WHERE name = ?`, stmt, t.name)
		if err != nil {
			return fmt.Errorf("rewrite the kept trigger %s: %w", t.name, err)
		}
		if kept, err := res.RowsAffected(); err != nil || kept == 1 {
			if err != nil {
				return fmt.Errorf("rewrite the kept trigger %s: %w", t.name, err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+quoteIdent(t.name)); err != nil {
			return fmt.Errorf("drop trigger %s: %w", t.name, err)
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create trigger %s: %w", t.name, err)
		}
	}
	return nil
}
