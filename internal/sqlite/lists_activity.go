package sqlite

import (
	"context"
	"fmt"

	"database/sql"
	"encoding/json"

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
WHERE i.user_id = ?1 AND ` + listedItem + `
ORDER BY i.block DESC, i.item_type DESC, i.item_id DESC
LIMIT ?2 OFFSET ?3`
	out, err := collectActivities(s.r.QueryContext(ctx, query, userID, limit, offset))
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
	const query = `SELECT i.user_id, i.item_type, i.item_id, i.of_repost, i.block, i.created_at FROM saves i
WHERE i.user_id = ?1 AND i.item_type = 'track' AND ` + listedItem + `
ORDER BY i.block DESC, i.item_id DESC
LIMIT ?2 OFFSET ?3`
	rows, err := s.r.QueryContext(ctx, query, userID, limit, offset)
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

// Feed merges, per item, the creations of the users q.UserID follows and
// their reposts: a reposted item counts from its first repost by any of
// them, and an item both created and reposted from the later of the two,
// as the Audius feed does.
func (s *Store) Feed(ctx context.Context, q discovery.FeedQuery, p discovery.Page) ([]discovery.Activity, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `WITH followees AS (
	SELECT followee_id AS id FROM follows WHERE follower_id = ?1
), events AS (
	SELECT item_type, item_id, min(block) AS block, min(created_at) AS at FROM reposts
	WHERE ?3 AND user_id IN (SELECT id FROM followees) GROUP BY item_type, item_id
	UNION ALL
	SELECT 'track', id, created_block, created_at FROM tracks WHERE ?2 AND owner_id IN (SELECT id FROM followees)
	UNION ALL
	SELECT 'playlist', id, created_block, created_at FROM playlists WHERE ?2 AND owner_id IN (SELECT id FROM followees)
), i AS (
	SELECT item_type, item_id, max(block) AS block, max(at) AS at FROM events GROUP BY item_type, item_id
)
SELECT i.item_type, i.item_id, i.block, i.at FROM i
WHERE ` + listedItem + `
ORDER BY i.block DESC, i.item_type DESC, i.item_id DESC
LIMIT ?4 OFFSET ?5`
	out, err := collectActivities(s.r.QueryContext(ctx, query, q.UserID, q.Originals, q.Reposts, limit, offset))
	if err != nil {
		return nil, fmt.Errorf("feed of user %d: %w", q.UserID, err)
	}
	return out, nil
}

func collectActivities(rows *sql.Rows, err error) ([]discovery.Activity, error) {
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
	list, err := json.Marshal(userIDs)
	if err != nil {
		return rel, fmt.Errorf("follows between %d and %d users: %w", viewerID, len(userIDs), err)
	}
	const query = `SELECT followee_id, 1 FROM follows WHERE follower_id = ?1 AND followee_id IN (SELECT value FROM json_each(?2))
UNION ALL
SELECT follower_id, 0 FROM follows WHERE followee_id = ?1 AND follower_id IN (SELECT value FROM json_each(?2))`
	err = s.relations(ctx, query, rel.Follows, rel.FollowedBy, viewerID, string(list))
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
	list, err := json.Marshal(itemIDs)
	if err != nil {
		return rel, fmt.Errorf("actions of %d on %d %ss: %w", viewerID, len(itemIDs), itemType, err)
	}
	const query = `SELECT item_id, 1 FROM reposts WHERE user_id = ?1 AND item_type = ?2 AND item_id IN (SELECT value FROM json_each(?3))
UNION ALL
SELECT item_id, 0 FROM saves WHERE user_id = ?1 AND item_type = ?2 AND item_id IN (SELECT value FROM json_each(?3))`
	err = s.relations(ctx, query, rel.Reposted, rel.Saved, viewerID, itemType, string(list))
	if err != nil {
		return rel, fmt.Errorf("actions of %d on %d %ss: %w", viewerID, len(itemIDs), itemType, err)
	}
	return rel, nil
}

// relations runs a query of (id, flag) rows and marks each id in first
// when the flag is true, else in second.
func (s *Store) relations(ctx context.Context, query string, first, second map[int64]bool, args ...any) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
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
