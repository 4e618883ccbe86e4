package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

func upsertFollows(ctx context.Context, tx *sql.Tx, rows []*discovery.Follow) error {
	const query = `
INSERT INTO follows (follower_id, followee_id, block, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (follower_id, followee_id) DO UPDATE
SET block = excluded.block, created_at = excluded.created_at`
	err := execEach(ctx, tx, query, rows, func(f *discovery.Follow) ([]any, error) {
		return []any{f.FollowerID, f.FolloweeID, u64(f.Block), u64(f.CreatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert follows: %w", err)
	}
	return nil
}

func deleteFollows(ctx context.Context, tx *sql.Tx, keys []discovery.FollowKey) error {
	const query = `DELETE FROM follows WHERE follower_id = ? AND followee_id = ?`
	err := execEach(ctx, tx, query, keys, func(k discovery.FollowKey) ([]any, error) {
		return []any{k.FollowerID, k.FolloweeID}, nil
	})
	if err != nil {
		return fmt.Errorf("delete follows: %w", err)
	}
	return nil
}

// followColumns is the select list scanFollow reads, in its order.
const followColumns = `follower_id, followee_id, block, created_at`

func scanFollow(row scanner) (*discovery.Follow, error) {
	var f discovery.Follow
	if err := row.Scan(&f.FollowerID, &f.FolloweeID, &f.Block, &f.CreatedAt); err != nil {
		return nil, err
	}
	return &f, nil
}

// Follow returns the edge of k.FollowerID following k.FolloweeID.
func (s *Store) Follow(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	const query = `SELECT ` + followColumns + ` FROM follows WHERE follower_id = ? AND followee_id = ?`
	f, err := scanFollow(s.r.QueryRowContext(ctx, query, k.FollowerID, k.FolloweeID))
	if errors.Is(err, sql.ErrNoRows) {
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
	name, upsert, delete, get, all string
}

// itemColumns is the select list scanItem reads, in its order.
const itemColumns = `user_id, item_type, item_id, block, created_at`

var repostsSQL = itemSQL{
	name: "reposts",
	upsert: `
INSERT INTO reposts (user_id, item_type, item_id, block, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM reposts WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	get:    `SELECT ` + itemColumns + ` FROM reposts WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	all:    `SELECT ` + itemColumns + ` FROM reposts`,
}

var savesSQL = itemSQL{
	name: "saves",
	upsert: `
INSERT INTO saves (user_id, item_type, item_id, block, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM saves WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	get:    `SELECT ` + itemColumns + ` FROM saves WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	all:    `SELECT ` + itemColumns + ` FROM saves`,
}

func scanItem(row scanner) (*discovery.ItemAction, error) {
	var a discovery.ItemAction
	if err := row.Scan(&a.UserID, &a.ItemType, &a.ItemID, &a.Block, &a.CreatedAt); err != nil {
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
		return []any{a.UserID, a.ItemType, a.ItemID, u64(a.Block), u64(a.CreatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert %s: %w", q.name, err)
	}
	return nil
}

func getItem(ctx context.Context, s *Store, q itemSQL, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	a, err := scanItem(s.r.QueryRowContext(ctx, q.get, k.UserID, k.ItemType, k.ItemID))
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
