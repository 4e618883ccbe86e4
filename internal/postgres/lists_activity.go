package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// Lists that mix tracks and playlists, and what a viewer did to a set of
// users or items.

// listedItem is the condition that the item (item_type, item_id) of the
// enclosing row alias i is a live, listed track that is not a stem or a
// live, public playlist, of an active owner.
const listedItem = `(
	(i.item_type = 'track' AND EXISTS (SELECT 1 FROM tracks t JOIN users o ON o.id = t.owner_id
		WHERE t.id = i.item_id AND NOT t.is_delete AND NOT t.is_unlisted AND t.stem_of = 0 AND NOT o.is_deactivated))
	OR (i.item_type = 'playlist' AND EXISTS (SELECT 1 FROM playlists p JOIN users o ON o.id = p.owner_id
		WHERE p.id = i.item_id AND NOT p.is_delete AND NOT p.is_private AND NOT o.is_deactivated)))`

// UserReposts lists what userID reposted that is still listed, newest
// first.
func (s *Store) UserReposts(ctx context.Context, userID int64, p discovery.Page) ([]discovery.Activity, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT i.item_type, i.item_id, i.block, i.created_at FROM reposts i
WHERE i.user_id = $1 AND ` + listedItem + `
ORDER BY i.block DESC, i.item_type DESC, i.item_id DESC
LIMIT $2 OFFSET $3`
	out, err := collectActivities(s.pool.Query(ctx, query, userID, limit, offset))
	if err != nil {
		return nil, fmt.Errorf("reposts of user %d: %w", userID, err)
	}
	return out, nil
}

// UserFavorites lists the listed tracks userID saved, newest save first.
func (s *Store) UserFavorites(ctx context.Context, userID int64, p discovery.Page) ([]discovery.ItemAction, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT i.user_id, i.item_type, i.item_id, i.block, i.created_at, i.of_repost FROM saves i
WHERE i.user_id = $1 AND i.item_type = 'track' AND ` + listedItem + `
ORDER BY i.block DESC, i.item_id DESC
LIMIT $2 OFFSET $3`
	rows, err := s.pool.Query(ctx, query, userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("favorites of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []discovery.ItemAction
	for rows.Next() {
		a, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("favorites of user %d: %w", userID, err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("favorites of user %d: %w", userID, err)
	}
	return out, nil
}

func collectActivities(rows pgx.Rows, err error) ([]discovery.Activity, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []discovery.Activity
	for rows.Next() {
		var a discovery.Activity
		if err := rows.Scan(&a.ItemType, &a.ItemID, &a.Block, &a.At); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FollowRelations reads both directions of the viewer's follows with the
// given users in one statement.
func (s *Store) FollowRelations(ctx context.Context, viewerID int64, userIDs []int64) (discovery.UserRelations, error) {
	rel := discovery.UserRelations{Follows: map[int64]bool{}, FollowedBy: map[int64]bool{}}
	if len(userIDs) == 0 {
		return rel, nil
	}
	const query = `SELECT followee_id, true FROM follows WHERE follower_id = $1 AND followee_id = ANY($2)
UNION ALL
SELECT follower_id, false FROM follows WHERE followee_id = $1 AND follower_id = ANY($2)`
	err := s.relations(ctx, query, rel.Follows, rel.FollowedBy, viewerID, userIDs)
	if err != nil {
		return rel, fmt.Errorf("follows between %d and %d users: %w", viewerID, len(userIDs), err)
	}
	return rel, nil
}

// ItemRelations reads the viewer's reposts and saves of the given items
// in one statement.
func (s *Store) ItemRelations(ctx context.Context, viewerID int64, itemType string, itemIDs []int64) (discovery.ItemRelations, error) {
	rel := discovery.ItemRelations{Reposted: map[int64]bool{}, Saved: map[int64]bool{}}
	if len(itemIDs) == 0 {
		return rel, nil
	}
	const query = `SELECT item_id, true FROM reposts WHERE user_id = $1 AND item_type = $2 AND item_id = ANY($3)
UNION ALL
SELECT item_id, false FROM saves WHERE user_id = $1 AND item_type = $2 AND item_id = ANY($3)`
	err := s.relations(ctx, query, rel.Reposted, rel.Saved, viewerID, itemType, itemIDs)
	if err != nil {
		return rel, fmt.Errorf("actions of %d on %d %ss: %w", viewerID, len(itemIDs), itemType, err)
	}
	return rel, nil
}

// relations runs a query of (id, flag) rows and marks each id in first
// when the flag is true, else in second.
func (s *Store) relations(ctx context.Context, query string, first, second map[int64]bool, args ...any) error {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id    int64
			isOne bool
		)
		if err := rows.Scan(&id, &isOne); err != nil {
			return err
		}
		if isOne {
			first[id] = true
		} else {
			second[id] = true
		}
	}
	return rows.Err()
}
