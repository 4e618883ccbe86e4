package postgres

import (
	"context"
	"fmt"

	"github.com/discovery-node/discovery"
)

// Lists of users. Deactivated users are left out; the order is that of
// followers and following: most followed first, then by id.

// Reposters lists the active users who reposted an item.
func (s *Store) Reposters(ctx context.Context, itemType string, itemID int64, p discovery.Page) ([]discovery.User, error) {
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id IN (SELECT user_id FROM reposts WHERE item_type = $1 AND item_id = $2) AND NOT is_deactivated
ORDER BY follower_count DESC, id
LIMIT $3 OFFSET $4`
	users, err := s.userList(ctx, query, p, itemType, itemID)
	if err != nil {
		return nil, fmt.Errorf("reposters of %s %d: %w", itemType, itemID, err)
	}
	return users, nil
}

// Savers lists the active users who saved an item.
func (s *Store) Savers(ctx context.Context, itemType string, itemID int64, p discovery.Page) ([]discovery.User, error) {
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id IN (SELECT user_id FROM saves WHERE item_type = $1 AND item_id = $2) AND NOT is_deactivated
ORDER BY follower_count DESC, id
LIMIT $3 OFFSET $4`
	users, err := s.userList(ctx, query, p, itemType, itemID)
	if err != nil {
		return nil, fmt.Errorf("savers of %s %d: %w", itemType, itemID, err)
	}
	return users, nil
}

// Mutuals lists the active users who follow userID and whom viewerID
// follows.
func (s *Store) Mutuals(ctx context.Context, userID, viewerID int64, p discovery.Page) ([]discovery.User, error) {
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id IN (
	SELECT f.follower_id FROM follows f
	JOIN follows v ON v.followee_id = f.follower_id AND v.follower_id = $2
	WHERE f.followee_id = $1)
	AND NOT is_deactivated
ORDER BY follower_count DESC, id
LIMIT $3 OFFSET $4`
	users, err := s.userList(ctx, query, p, userID, viewerID)
	if err != nil {
		return nil, fmt.Errorf("mutuals of %d for %d: %w", userID, viewerID, err)
	}
	return users, nil
}

// Subscribers lists the active users subscribed to userID.
func (s *Store) Subscribers(ctx context.Context, userID int64, p discovery.Page) ([]discovery.User, error) {
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id IN (SELECT subscriber_id FROM subscriptions WHERE user_id = $1) AND NOT is_deactivated
ORDER BY follower_count DESC, id
LIMIT $2 OFFSET $3`
	users, err := s.userList(ctx, query, p, userID)
	if err != nil {
		return nil, fmt.Errorf("subscribers of %d: %w", userID, err)
	}
	return users, nil
}

// RelatedUsers ranks the active artists followed by a sample of userID's
// followers by how many of the sample follow them.
func (s *Store) RelatedUsers(ctx context.Context, userID, excludeFollowedBy int64, p discovery.Page) ([]discovery.User, error) {
	const query = `WITH fans AS (
	SELECT follower_id FROM follows WHERE followee_id = $1 ORDER BY follower_id LIMIT $3
), shared AS (
	SELECT f.followee_id AS id, count(*) AS n FROM follows f JOIN fans USING (follower_id)
	WHERE f.followee_id <> $1 GROUP BY f.followee_id
)
SELECT ` + userColumns + ` FROM users JOIN shared USING (id)
WHERE NOT is_deactivated AND track_count > 0
	AND ($2::bigint = 0 OR (id <> $2 AND id NOT IN (SELECT followee_id FROM follows WHERE follower_id = $2)))
ORDER BY shared.n DESC, follower_count DESC, id
LIMIT $4 OFFSET $5`
	users, err := s.userList(ctx, query, p, userID, excludeFollowedBy, relatedSample)
	if err != nil {
		return nil, fmt.Errorf("users related to %d: %w", userID, err)
	}
	return users, nil
}

// userList runs a users query whose last two parameters are the page's
// limit and offset, after args.
func (s *Store) userList(ctx context.Context, query string, p discovery.Page, args ...any) ([]discovery.User, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, query, append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows)
}
