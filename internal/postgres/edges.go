package postgres

import (
	"context"
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
	const query = `
INSERT INTO follows (follower_id, followee_id, block, created_at)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])
ON CONFLICT (follower_id, followee_id) DO UPDATE
SET block = EXCLUDED.block, created_at = EXCLUDED.created_at`
	follower, followee, block, created := make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows))
	for i, f := range rows {
		follower[i], followee[i], block[i], created[i] = f.FollowerID, f.FolloweeID, u64(f.Block), u64(f.CreatedAt)
	}
	batch.Queue(query, follower, followee, block, created)
}

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

// FollowExists reports whether k.FollowerID follows k.FolloweeID.
func (s *Store) FollowExists(ctx context.Context, k discovery.FollowKey) (bool, error) {
	const query = `SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2)`
	var ok bool
	if err := s.pool.QueryRow(ctx, query, k.FollowerID, k.FolloweeID).Scan(&ok); err != nil {
		return false, fmt.Errorf("follow %d->%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	return ok, nil
}

// itemSQL holds the statements of one item-action table; reposts and saves
// have the same shape.
type itemSQL struct {
	upsert, delete, exists string
}

var repostsSQL = itemSQL{
	upsert: `
INSERT INTO reposts (user_id, item_type, item_id, block, created_at)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET block = EXCLUDED.block, created_at = EXCLUDED.created_at`,
	delete: `
DELETE FROM reposts r
USING unnest($1::bigint[], $2::text[], $3::bigint[]) AS d(user_id, item_type, item_id)
WHERE r.user_id = d.user_id AND r.item_type = d.item_type AND r.item_id = d.item_id`,
	exists: `SELECT EXISTS (SELECT 1 FROM reposts WHERE user_id = $1 AND item_type = $2 AND item_id = $3)`,
}

var savesSQL = itemSQL{
	upsert: `
INSERT INTO saves (user_id, item_type, item_id, block, created_at)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET block = EXCLUDED.block, created_at = EXCLUDED.created_at`,
	delete: `
DELETE FROM saves s
USING unnest($1::bigint[], $2::text[], $3::bigint[]) AS d(user_id, item_type, item_id)
WHERE s.user_id = d.user_id AND s.item_type = d.item_type AND s.item_id = d.item_id`,
	exists: `SELECT EXISTS (SELECT 1 FROM saves WHERE user_id = $1 AND item_type = $2 AND item_id = $3)`,
}

// queueItems deletes the removed actions of one table, then writes the new
// ones.
func queueItems(batch *pgx.Batch, q itemSQL, put []*discovery.ItemAction, del []discovery.ItemKey) {
	if len(del) > 0 {
		user, typ, item := make([]int64, len(del)), make([]string, len(del)), make([]int64, len(del))
		for i, k := range del {
			user[i], typ[i], item[i] = k.UserID, k.ItemType, k.ItemID
		}
		batch.Queue(q.delete, user, typ, item)
	}
	if len(put) > 0 {
		n := len(put)
		user, typ, item, block, created := make([]int64, n), make([]string, n), make([]int64, n), make([]int64, n), make([]int64, n)
		for i, a := range put {
			user[i], typ[i], item[i], block[i], created[i] = a.UserID, a.ItemType, a.ItemID, u64(a.Block), u64(a.CreatedAt)
		}
		batch.Queue(q.upsert, user, typ, item, block, created)
	}
}

func itemExists(ctx context.Context, s *Store, q itemSQL, k discovery.ItemKey) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, q.exists, k.UserID, k.ItemType, k.ItemID).Scan(&ok)
	return ok, err
}

// RepostExists reports whether k.UserID reposted the item.
func (s *Store) RepostExists(ctx context.Context, k discovery.ItemKey) (bool, error) {
	ok, err := itemExists(ctx, s, repostsSQL, k)
	if err != nil {
		return false, fmt.Errorf("repost of %s %d by %d: %w", k.ItemType, k.ItemID, k.UserID, err)
	}
	return ok, nil
}

// SaveExists reports whether k.UserID saved the item.
func (s *Store) SaveExists(ctx context.Context, k discovery.ItemKey) (bool, error) {
	ok, err := itemExists(ctx, s, savesSQL, k)
	if err != nil {
		return false, fmt.Errorf("save of %s %d by %d: %w", k.ItemType, k.ItemID, k.UserID, err)
	}
	return ok, nil
}
