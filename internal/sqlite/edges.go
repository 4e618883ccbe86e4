package sqlite

import (
	"context"
	"database/sql"
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

// FollowExists reports whether k.FollowerID follows k.FolloweeID.
func (s *Store) FollowExists(ctx context.Context, k discovery.FollowKey) (bool, error) {
	const query = `SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?)`
	var ok bool
	if err := s.r.QueryRowContext(ctx, query, k.FollowerID, k.FolloweeID).Scan(&ok); err != nil {
		return false, fmt.Errorf("follow %d->%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	return ok, nil
}

// itemSQL holds the statements of one item-action table; reposts and saves
// have the same shape.
type itemSQL struct {
	name, upsert, delete, exists string
}

var repostsSQL = itemSQL{
	name: "reposts",
	upsert: `
INSERT INTO reposts (user_id, item_type, item_id, block, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM reposts WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	exists: `SELECT EXISTS (SELECT 1 FROM reposts WHERE user_id = ? AND item_type = ? AND item_id = ?)`,
}

var savesSQL = itemSQL{
	name: "saves",
	upsert: `
INSERT INTO saves (user_id, item_type, item_id, block, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (user_id, item_type, item_id) DO UPDATE
SET block = excluded.block, created_at = excluded.created_at`,
	delete: `DELETE FROM saves WHERE user_id = ? AND item_type = ? AND item_id = ?`,
	exists: `SELECT EXISTS (SELECT 1 FROM saves WHERE user_id = ? AND item_type = ? AND item_id = ?)`,
}

// writeItems deletes the removed actions of one table, then writes the new
// ones.
func writeItems(ctx context.Context, tx *sql.Tx, q itemSQL, put []*discovery.ItemAction, del []discovery.ItemKey) error {
	err := execEach(ctx, tx, q.delete, del, func(k discovery.ItemKey) ([]any, error) {
		return []any{k.UserID, k.ItemType, k.ItemID}, nil
	})
	if err != nil {
		return fmt.Errorf("delete %s: %w", q.name, err)
	}
	err = execEach(ctx, tx, q.upsert, put, func(a *discovery.ItemAction) ([]any, error) {
		return []any{a.UserID, a.ItemType, a.ItemID, u64(a.Block), u64(a.CreatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert %s: %w", q.name, err)
	}
	return nil
}

func itemExists(ctx context.Context, s *Store, q itemSQL, k discovery.ItemKey) (bool, error) {
	var ok bool
	err := s.r.QueryRowContext(ctx, q.exists, k.UserID, k.ItemType, k.ItemID).Scan(&ok)
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
