package postgres

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// RevertBlock undoes b, the head, from its undo image in one transaction:
// every row the block changed gets its prior image back, its rejected
// actions, undo image and block row go, and the parent becomes the head
// with its stored digest. One round trip locks and checks the head, one
// batch writes everything back; the prior images never leave the server.
func (s *Store) RevertBlock(ctx context.Context, b discovery.BlockRef) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("revert block %d: begin: %w", b.Number, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit

	if err := revertBlock(ctx, tx, b); err != nil {
		return fmt.Errorf("revert block %d: %w", b.Number, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("revert block %d: commit: %w", b.Number, err)
	}
	return nil
}

// revertStatements write the prior images of block $1 back from its undo
// image (see undoImage): first the deletes of rows the block created, then
// the upserts, then the remix pairs of every track written back are
// rewritten, then the block's own rows go.
var revertStatements = []struct{ what, query string }{
	{"delete users", `DELETE FROM users WHERE id IN (
	SELECT jsonb_array_elements_text((SELECT data->'no_users' FROM undo WHERE block = $1))::bigint)`},
	{"delete tracks", `DELETE FROM tracks WHERE id IN (
	SELECT jsonb_array_elements_text((SELECT data->'no_tracks' FROM undo WHERE block = $1))::bigint)`},
	{"delete playlists", `DELETE FROM playlists WHERE id IN (
	SELECT jsonb_array_elements_text((SELECT data->'no_playlists' FROM undo WHERE block = $1))::bigint)`},
	{"delete follows", `DELETE FROM follows f
USING jsonb_to_recordset((SELECT data->'no_follows' FROM undo WHERE block = $1)) AS d(follower_id bigint, followee_id bigint)
WHERE f.follower_id = d.follower_id AND f.followee_id = d.followee_id`},
	{"delete reposts", `DELETE FROM reposts r
USING jsonb_to_recordset((SELECT data->'no_reposts' FROM undo WHERE block = $1)) AS d(user_id bigint, item_type text, item_id bigint)
WHERE r.user_id = d.user_id AND r.item_type = d.item_type AND r.item_id = d.item_id`},
	{"delete saves", `DELETE FROM saves s
USING jsonb_to_recordset((SELECT data->'no_saves' FROM undo WHERE block = $1)) AS d(user_id bigint, item_type text, item_id bigint)
WHERE s.user_id = d.user_id AND s.item_type = d.item_type AND s.item_id = d.item_id`},
	{"delete subscriptions", `DELETE FROM subscriptions s
USING jsonb_to_recordset((SELECT data->'no_subscriptions' FROM undo WHERE block = $1)) AS d(subscriber_id bigint, user_id bigint)
WHERE s.subscriber_id = d.subscriber_id AND s.user_id = d.user_id`},
	{"delete routes", `DELETE FROM routes r
USING jsonb_to_recordset((SELECT data->'no_routes' FROM undo WHERE block = $1)) AS d(owner_id bigint, kind text, slug text)
WHERE r.owner_id = d.owner_id AND r.kind = d.kind AND r.slug = d.slug`},
	{"delete developer apps", `DELETE FROM developer_apps WHERE address IN (
	SELECT jsonb_array_elements_text((SELECT data->'no_developer_apps' FROM undo WHERE block = $1)))`},
	{"delete grants", `DELETE FROM grants g
USING jsonb_to_recordset((SELECT data->'no_grants' FROM undo WHERE block = $1)) AS d(user_id bigint, grantee_address text)
WHERE g.user_id = d.user_id AND g.grantee_address = d.grantee_address`},
	{"delete play days", `DELETE FROM play_days p
USING jsonb_to_recordset((SELECT data->'no_play_days' FROM undo WHERE block = $1)) AS d(track_id bigint, day bigint)
WHERE p.track_id = d.track_id AND p.day = d.day`},
	{"restore users", `INSERT INTO users (` + userWriteColumns + `)
SELECT ` + userWriteColumns + ` FROM jsonb_populate_recordset(NULL::users, (SELECT data->'users' FROM undo WHERE block = $1))
` + userOnConflict},
	{"restore tracks", `INSERT INTO tracks (` + trackWriteColumns + `)
SELECT ` + trackWriteColumns + ` FROM jsonb_populate_recordset(NULL::tracks, (SELECT data->'tracks' FROM undo WHERE block = $1))
` + trackOnConflict},
	{"restore playlists", `INSERT INTO playlists (` + playlistWriteColumns + `)
SELECT ` + playlistWriteColumns + ` FROM jsonb_populate_recordset(NULL::playlists, (SELECT data->'playlists' FROM undo WHERE block = $1))
` + playlistOnConflict},
	{"restore follows", `INSERT INTO follows (` + followColumns + `)
SELECT ` + followColumns + ` FROM jsonb_populate_recordset(NULL::follows, (SELECT data->'follows' FROM undo WHERE block = $1))
` + followOnConflict},
	{"restore reposts", `INSERT INTO reposts (` + itemColumns + `)
SELECT ` + itemColumns + ` FROM jsonb_populate_recordset(NULL::reposts, (SELECT data->'reposts' FROM undo WHERE block = $1))
` + itemOnConflict},
	{"restore saves", `INSERT INTO saves (` + itemColumns + `)
SELECT ` + itemColumns + ` FROM jsonb_populate_recordset(NULL::saves, (SELECT data->'saves' FROM undo WHERE block = $1))
` + itemOnConflict},
	{"restore subscriptions", `INSERT INTO subscriptions (` + subscriptionColumns + `)
SELECT ` + subscriptionColumns + ` FROM jsonb_populate_recordset(NULL::subscriptions, (SELECT data->'subscriptions' FROM undo WHERE block = $1))
` + subscriptionOnConflict},
	{"restore routes", `INSERT INTO routes (` + routeColumns + `)
SELECT ` + routeColumns + ` FROM jsonb_populate_recordset(NULL::routes, (SELECT data->'routes' FROM undo WHERE block = $1))
` + routeOnConflict},
	{"restore developer apps", `INSERT INTO developer_apps (` + developerAppColumns + `)
SELECT ` + developerAppColumns + ` FROM jsonb_populate_recordset(NULL::developer_apps, (SELECT data->'developer_apps' FROM undo WHERE block = $1))
` + developerAppOnConflict},
	{"restore grants", `INSERT INTO grants (` + grantColumns + `)
SELECT ` + grantColumns + ` FROM jsonb_populate_recordset(NULL::grants, (SELECT data->'grants' FROM undo WHERE block = $1))
` + grantOnConflict},
	{"restore play days", `INSERT INTO play_days (` + playDayColumns + `)
SELECT ` + playDayColumns + ` FROM jsonb_populate_recordset(NULL::play_days, (SELECT data->'play_days' FROM undo WHERE block = $1))
` + playDayOnConflict},
	{"drop remix pairs", dropUndoRemixes},
	{"derive remix pairs", deriveUndoRemixes},
	{"delete rejected actions", `DELETE FROM rejected_actions WHERE block = $1`},
	{"delete undo image", `DELETE FROM undo WHERE block = $1`},
	{"delete block", `DELETE FROM blocks WHERE number = $1`},
}

func revertBlock(ctx context.Context, tx pgx.Tx, b discovery.BlockRef) error {
	h, ok, undo, err := readForRevert(ctx, tx, b.Number)
	if err != nil {
		return err
	}
	if err := checkIsHead(b, h.BlockRef, ok); err != nil {
		return err
	}
	if !undo {
		return &discovery.Error{
			Code:    discovery.EINVALID,
			Message: fmt.Sprintf("block %d (%s) is final: its undo image was pruned", b.Number, b.Hash.Hex()),
			Err:     discovery.ErrFinalized,
		}
	}
	batch := &pgx.Batch{}
	for _, st := range revertStatements {
		batch.Queue(st.query, u64(b.Number))
	}
	br := tx.SendBatch(ctx, batch)
	defer br.Close()
	for _, st := range revertStatements {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	return br.Close()
}

// readForRevert takes the writers' lock and reads the head and whether
// block n has an undo image, in one round trip.
func readForRevert(ctx context.Context, tx pgx.Tx, n uint64) (h headBlock, ok, undo bool, err error) {
	batch := &pgx.Batch{}
	batch.Queue(lockBlocks)
	batch.Queue(headQuery)
	batch.Queue(`SELECT EXISTS (SELECT 1 FROM undo WHERE block = $1)`, u64(n))
	br := tx.SendBatch(ctx, batch)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return headBlock{}, false, false, fmt.Errorf("lock blocks: %w", err)
	}
	if h, ok, err = scanHead(br.QueryRow()); err != nil {
		return headBlock{}, false, false, fmt.Errorf("read head: %w", err)
	}
	if err := br.QueryRow().Scan(&undo); err != nil {
		return headBlock{}, false, false, fmt.Errorf("read undo image: %w", err)
	}
	if err := br.Close(); err != nil {
		return headBlock{}, false, false, fmt.Errorf("read head: %w", err)
	}
	return h, ok, undo, nil
}

// checkIsHead refuses to revert a block other than the head h (ok is false
// when no block is indexed).
func checkIsHead(b, h discovery.BlockRef, ok bool) error {
	if ok && b.Number == h.Number && b.Hash == h.Hash {
		return nil
	}
	msg := fmt.Sprintf("block %d (%s) is not the head: no block is indexed", b.Number, b.Hash.Hex())
	if ok {
		msg = fmt.Sprintf("block %d (%s) is not the head %d (%s)", b.Number, b.Hash.Hex(), h.Number, h.Hash.Hex())
	}
	return &discovery.Error{Code: discovery.EINVALID, Message: msg, Err: discovery.ErrNotHead}
}

// Prune drops the undo images of blocks below the given number; those
// blocks can no longer be reverted. Block rows stay: they are small, and
// the follower compares old hashes with the node's to find a fork point.
func (s *Store) Prune(ctx context.Context, below uint64) (int, error) {
	limit := int64(math.MaxInt64)
	if below < math.MaxInt64 {
		limit = int64(below)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM undo WHERE block < $1`, limit)
	if err != nil {
		return 0, fmt.Errorf("prune undo images below %d: %w", below, err)
	}
	return int(tag.RowsAffected()), nil
}
