package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/discovery-node/discovery"
)

// likeEscaper makes user input match literally inside a LIKE pattern
// (with ESCAPE E'\\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SearchUsers finds users whose handle or name contains query, ignoring
// case: an exact handle first, then handles starting with query, then the
// rest, each group by follower count.
func (s *Store) SearchUsers(ctx context.Context, query string, p discovery.Page) ([]discovery.User, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(query)
	escaped := likeEscaper.Replace(q)
	const stmt = `SELECT ` + userColumns + ` FROM users
WHERE handle_lower LIKE $1 ESCAPE E'\\' OR name_lower LIKE $1 ESCAPE E'\\'
ORDER BY CASE WHEN handle_lower = $2 THEN 0 WHEN handle_lower LIKE $3 ESCAPE E'\\' THEN 1 ELSE 2 END,
	follower_count DESC, id
LIMIT $4 OFFSET $5`
	rows, err := s.pool.Query(ctx, stmt, "%"+escaped+"%", q, escaped+"%", limit, offset)
	if err != nil {
		return nil, fmt.Errorf("search users %q: %w", query, err)
	}
	users, err := collectUsers(rows)
	if err != nil {
		return nil, fmt.Errorf("search users %q: %w", query, err)
	}
	return users, nil
}

// Followers lists the users who follow userID, most followed first.
func (s *Store) Followers(ctx context.Context, userID int64, p discovery.Page) ([]discovery.User, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id IN (SELECT follower_id FROM follows WHERE followee_id = $1)
ORDER BY follower_count DESC, id
LIMIT $2 OFFSET $3`
	rows, err := s.pool.Query(ctx, query, userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("followers of %d: %w", userID, err)
	}
	users, err := collectUsers(rows)
	if err != nil {
		return nil, fmt.Errorf("followers of %d: %w", userID, err)
	}
	return users, nil
}

// Following lists the users userID follows, most followed first.
func (s *Store) Following(ctx context.Context, userID int64, p discovery.Page) ([]discovery.User, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id IN (SELECT followee_id FROM follows WHERE follower_id = $1)
ORDER BY follower_count DESC, id
LIMIT $2 OFFSET $3`
	rows, err := s.pool.Query(ctx, query, userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("following of %d: %w", userID, err)
	}
	users, err := collectUsers(rows)
	if err != nil {
		return nil, fmt.Errorf("following of %d: %w", userID, err)
	}
	return users, nil
}
