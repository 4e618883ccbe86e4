package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// Edge rows are written with one statement per kind and block: arrays
// unnested server-side, so 2,000 follows cost one round trip, not 2,000.

func queueUpsertFollows(batch *pgx.Batch, rows []*discovery.Follow) {
	if len(rows) == 0 {
		return
	}
	const query = `INSERT INTO follows (` + followColumns + `)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])
` + followOnConflict
	follower, followee, block, created := make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows))
	for i, f := range rows {
		follower[i], followee[i], block[i], created[i] = f.FollowerID, f.FolloweeID, u64(f.Block), u64(f.CreatedAt)
	}
	batch.Queue(query, follower, followee, block, created)
}

// followOnConflict makes an insert of follows replace existing rows.
const followOnConflict = `ON CONFLICT (follower_id, followee_id) DO UPDATE
SET block = EXCLUDED.block, created_at = EXCLUDED.created_at`

func queueDeleteFollows(batch *pgx.Batch, keys []discovery.FollowKey) {
	if len(keys) == 0 {
		return
	}
	const query = `
DELETE FROM follows f
USING unnest($1::bigint[], $2::bigint[]) AS d(follower_id, followee_id)
WHERE f.follower_id = d.follower_id AND f.followee_id = d.followee_id`
	follower, followee := make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		follower[i], followee[i] = k.FollowerID, k.FolloweeID
	}
	batch.Queue(query, follower, followee)
}

// followColumns is the select list scanFollow reads, in its order.
const followColumns = `follower_id, followee_id, block, created_at`

func scanFollow(row pgx.Row) (*discovery.Follow, error) {
	var f discovery.Follow
	if err := row.Scan(&f.FollowerID, &f.FolloweeID, &f.Block, &f.CreatedAt); err != nil {
		return nil, err
	}
	return &f, nil
}

// Follow returns the edge of k.FollowerID following k.FolloweeID.
func (s *Store) Follow(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	const query = `SELECT ` + followColumns + ` FROM follows WHERE follower_id = $1 AND followee_id = $2`
	f, err := scanFollow(s.pool.QueryRow(ctx, query, k.FollowerID, k.FolloweeID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("follow %d->%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	return f, true, nil
}

// itemSQL holds the statements of one item-action table; reposts and saves
// have the same shape.
type itemSQL struct {
	upsert, delete, get, all string
}

// itemColumns is the select list scanItem reads, in its order.
const itemColumns = `user_id, item_type, item_id, block, created_at, of_repost`

// itemOnConflict makes an insert of reposts or saves replace existing rows.
const itemOnConflict = `ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET block = EXCLUDED.block, created_at = EXCLUDED.created_at, of_repost = EXCLUDED.of_repost`

var repostsSQL = itemSQL{
	upsert: `INSERT INTO reposts (` + itemColumns + `)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[])
` + itemOnConflict,
	delete: `
DELETE FROM reposts r
USING unnest($1::bigint[], $2::text[], $3::bigint[]) AS d(user_id, item_type, item_id)
WHERE r.user_id = d.user_id AND r.item_type = d.item_type AND r.item_id = d.item_id`,
	get: `SELECT ` + itemColumns + ` FROM reposts WHERE user_id = $1 AND item_type = $2 AND item_id = $3`,
	all: `SELECT ` + itemColumns + ` FROM reposts`,
}

var savesSQL = itemSQL{
	upsert: `INSERT INTO saves (` + itemColumns + `)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[])
` + itemOnConflict,
	delete: `
DELETE FROM saves s
USING unnest($1::bigint[], $2::text[], $3::bigint[]) AS d(user_id, item_type, item_id)
WHERE s.user_id = d.user_id AND s.item_type = d.item_type AND s.item_id = d.item_id`,
	get: `SELECT ` + itemColumns + ` FROM saves WHERE user_id = $1 AND item_type = $2 AND item_id = $3`,
	all: `SELECT ` + itemColumns + ` FROM saves`,
}

func scanItem(row pgx.Row) (*discovery.ItemAction, error) {
	var a discovery.ItemAction
	if err := row.Scan(&a.UserID, &a.ItemType, &a.ItemID, &a.Block, &a.CreatedAt, &a.OfRepost); err != nil {
		return nil, err
	}
	return &a, nil
}

// queueDeleteItems queues the removal of actions of one table.
func queueDeleteItems(batch *pgx.Batch, q itemSQL, keys []discovery.ItemKey) {
	if len(keys) == 0 {
		return
	}
	user, typ, item := make([]int64, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		user[i], typ[i], item[i] = k.UserID, k.ItemType, k.ItemID
	}
	batch.Queue(q.delete, user, typ, item)
}

// queueUpsertItems queues the writing of actions of one table.
func queueUpsertItems(batch *pgx.Batch, q itemSQL, rows []*discovery.ItemAction) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	user, typ, item, block, created := make([]int64, n), make([]string, n), make([]int64, n), make([]int64, n), make([]int64, n)
	ofRepost := make([]bool, n)
	for i, a := range rows {
		user[i], typ[i], item[i], block[i], created[i] = a.UserID, a.ItemType, a.ItemID, u64(a.Block), u64(a.CreatedAt)
		ofRepost[i] = a.OfRepost
	}
	batch.Queue(q.upsert, user, typ, item, block, created, ofRepost)
}

func getItem(ctx context.Context, s *Store, q itemSQL, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	a, err := scanItem(s.pool.QueryRow(ctx, q.get, k.UserID, k.ItemType, k.ItemID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}

// Repost returns k.UserID's repost of the item.
func (s *Store) Repost(ctx context.Context, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	a, ok, err := getItem(ctx, s, repostsSQL, k)
	if err != nil {
		return nil, false, fmt.Errorf("repost of %s %d by %d: %w", k.ItemType, k.ItemID, k.UserID, err)
	}
	return a, ok, nil
}

// Save returns k.UserID's save of the item.
func (s *Store) Save(ctx context.Context, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	a, ok, err := getItem(ctx, s, savesSQL, k)
	if err != nil {
		return nil, false, fmt.Errorf("save of %s %d by %d: %w", k.ItemType, k.ItemID, k.UserID, err)
	}
	return a, ok, nil
}
