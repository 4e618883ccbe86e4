package sqlite

import (
	"context"
	"fmt"

	"github.com/discovery-node/discovery"
)

// Following lists the users userID follows, most followed first.
func (s *Store) Following(ctx context.Context, userID int64, p discovery.Page) ([]discovery.User, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id IN (SELECT followee_id FROM follows WHERE follower_id = ?)
ORDER BY follower_count DESC, id
LIMIT ? OFFSET ?`
	rows, err := s.r.QueryContext(ctx, query, userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("following of %d: %w", userID, err)
	}
	users, err := collectUsers(rows)
	if err != nil {
		return nil, fmt.Errorf("following of %d: %w", userID, err)
	}
	return users, nil
}
