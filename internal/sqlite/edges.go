package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

// edgeSQL holds the statements of one user-to-user edge table; follows and
// subscriptions have the same shape, read back as a Follow.
type edgeSQL struct {
	name, upsert, delete, get, all string
}

var followsSQL = edgeSQL{
	name: "follows",
	upsert: `
INSERT INTO follows (follower_id, followee_id, block, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (follower_id, followee_id) DO UPDATE
SET block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM follows WHERE follower_id = ? AND followee_id = ?`,
	get:    `SELECT follower_id, followee_id, block, created_at FROM follows WHERE follower_id = ? AND followee_id = ?`,
	all:    `SELECT follower_id, followee_id, block, created_at FROM follows`,
}

// subscriptionsSQL keeps FollowerID subscribing to FolloweeID as
// subscriber_id and user_id.
var subscriptionsSQL = edgeSQL{
	name: "subscriptions",
	upsert: `
INSERT INTO subscriptions (subscriber_id, user_id, block, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (subscriber_id, user_id) DO UPDATE
SET block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM subscriptions WHERE subscriber_id = ? AND user_id = ?`,
	get:    `SELECT subscriber_id, user_id, block, created_at FROM subscriptions WHERE subscriber_id = ? AND user_id = ?`,
	all:    `SELECT subscriber_id, user_id, block, created_at FROM subscriptions`,
}

func upsertEdges(ctx context.Context, tx *sql.Tx, q edgeSQL, rows []*discovery.Follow) error {
	err := execEach(ctx, tx, q.upsert, rows, func(f *discovery.Follow) ([]any, error) {
		return []any{f.FollowerID, f.FolloweeID, u64(f.Block), u64(f.CreatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert %s: %w", q.name, err)
	}
	return nil
}

func deleteEdges(ctx context.Context, tx *sql.Tx, q edgeSQL, keys []discovery.FollowKey) error {
	err := execEach(ctx, tx, q.delete, keys, func(k discovery.FollowKey) ([]any, error) {
		return []any{k.FollowerID, k.FolloweeID}, nil
	})
	if err != nil {
		return fmt.Errorf("delete %s: %w", q.name, err)
	}
	return nil
}

func scanFollow(row scanner) (*discovery.Follow, error) {
	var f discovery.Follow
	if err := row.Scan(&f.FollowerID, &f.FolloweeID, &f.Block, &f.CreatedAt); err != nil {
		return nil, err
	}
	return &f, nil
}

func getEdge(ctx context.Context, s *Store, q edgeSQL, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	f, err := scanFollow(s.readRow(ctx, q.get, k.FollowerID, k.FolloweeID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return f, true, nil
}

// Follow returns the edge of k.FollowerID following k.FolloweeID.
func (s *Store) Follow(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	f, ok, err := getEdge(ctx, s, followsSQL, k)
	if err != nil {
		return nil, false, fmt.Errorf("follow %d->%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	return f, ok, nil
}

// Subscription returns k.FollowerID's subscription to k.FolloweeID.
func (s *Store) Subscription(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	f, ok, err := getEdge(ctx, s, subscriptionsSQL, k)
	if err != nil {
		return nil, false, fmt.Errorf("subscription %d->%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	return f, ok, nil
}

// itemSQL holds the statements of one item-action table; reposts and saves
// have the same shape.
type itemSQL struct {
	name, upsert, delete, get, all string
}

// itemColumns is the select list scanItem reads, in its order.
const itemColumns = `user_id, item_type, item_id, of_repost, block, created_at`

var repostsSQL = itemSQL{
	name: "reposts",
	upsert: `
INSERT INTO reposts (user_id, item_type, item_id, of_repost, block, created_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET of_repost = excluded.of_repost, block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM reposts WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	get:    `SELECT ` + itemColumns + ` FROM reposts WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	all:    `SELECT ` + itemColumns + ` FROM reposts`,
}

var savesSQL = itemSQL{
	name: "saves",
	upsert: `
INSERT INTO saves (user_id, item_type, item_id, of_repost, block, created_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET of_repost = excluded.of_repost, block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM saves WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	get:    `SELECT ` + itemColumns + ` FROM saves WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	all:    `SELECT ` + itemColumns + ` FROM saves`,
}

func scanItem(row scanner) (*discovery.ItemAction, error) {
	var a discovery.ItemAction
	if err := row.Scan(&a.UserID, &a.ItemType, &a.ItemID, &a.OfRepost, &a.Block, &a.CreatedAt); err != nil {
		return nil, err
	}
	return &a, nil
}

func deleteItems(ctx context.Context, tx *sql.Tx, q itemSQL, keys []discovery.ItemKey) error {
	err := execEach(ctx, tx, q.delete, keys, func(k discovery.ItemKey) ([]any, error) {
		return []any{k.UserID, k.ItemType, k.ItemID}, nil
	})
	if err != nil {
		return fmt.Errorf("delete %s: %w", q.name, err)
	}
	return nil
}

func upsertItems(ctx context.Context, tx *sql.Tx, q itemSQL, rows []*discovery.ItemAction) error {
	err := execEach(ctx, tx, q.upsert, rows, func(a *discovery.ItemAction) ([]any, error) {
		return []any{a.UserID, a.ItemType, a.ItemID, a.OfRepost, u64(a.Block), u64(a.CreatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert %s: %w", q.name, err)
	}
	return nil
}

func getItem(ctx context.Context, s *Store, q itemSQL, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	a, err := scanItem(s.readRow(ctx, q.get, k.UserID, k.ItemType, k.ItemID))
	if errors.Is(err, sql.ErrNoRows) {
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
