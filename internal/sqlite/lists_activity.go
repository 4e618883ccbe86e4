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
//
// The first repost of an item needs every repost of the followed users,
// read from the reposts table's own key (a WITHOUT ROWID table, so the key
// covers). Of the merged items only a head is ranked, ?7 of them
// (feedHead): the reposted items of that head are the newest first
// reposts, and a creation can only make it if it is no older than the last
// of those (a creation's place is its own time, or its first repost's,
// which is later) and among the page's end newest of its owner (any older
// one has that many newer of its own above it). So a user following
// prolific artists reads few of their tracks. The head is then checked to
// be listed; when too many were not listed to fill the page, the query runs
// again ranking every item.
func (s *Store) Feed(ctx context.Context, q discovery.FeedQuery, p discovery.Page) ([]discovery.Activity, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	perOwner, head := -1, -1 // -1: no page end, every item counts
	if limit >= 0 {
		perOwner = limit + offset
		head = 2*perOwner + feedHeadSlack
	}
	out, ranked, err := collectFeed(s.r.QueryContext(ctx, feedQuery, q.UserID, q.Originals, q.Reposts, limit, offset, perOwner, head))
	if err != nil {
		return nil, fmt.Errorf("feed of user %d: %w", q.UserID, err)
	}
	if head < 0 || len(out) == limit || ranked < head {
		return out, nil // every item was ranked, or the page is full
	}
	out, _, err = collectFeed(s.r.QueryContext(ctx, feedQuery, q.UserID, q.Originals, q.Reposts, limit, offset, -1, -1))
	if err != nil {
		return nil, fmt.Errorf("feed of user %d: %w", q.UserID, err)
	}
	return out, nil
}

// feedHeadSlack is room in the ranked head for items that turn out not to
// be listed.
const feedHeadSlack = 32

// feedQuery is a page (?4 limit, ?5 offset) of the feed of ?1: its
// creations when ?2, its reposts when ?3, at most ?6 creations of each
// followed user and a head of ?7 items ranked (-1: all). SQLite has no
// LATERAL join: each followed user's newest creations are the rowids a
// correlated IN subquery with a LIMIT picks from the owner index. A last
// row, its item type NULL, says how many items were ranked, so a page left
// short by unlisted items can be told from the end of the feed; the
// compound's own ORDER BY keeps the page in order (a subquery's need not
// survive UNION ALL) and the count row, its NULLs least, last.
const feedQuery = `WITH followees AS (
	SELECT followee_id AS id FROM follows WHERE follower_id = ?1
), reposted AS (
	SELECT r.item_type, r.item_id, min(r.block) AS block, min(r.created_at) AS at
	FROM followees f JOIN reposts r ON r.user_id = f.id
	WHERE ?3
	GROUP BY r.item_type, r.item_id
), newest AS MATERIALIZED (
	SELECT * FROM reposted ORDER BY block DESC, item_type DESC, item_id DESC LIMIT ?7
), since AS MATERIALIZED (
	SELECT CASE WHEN ?7 >= 0 AND count(*) >= ?7 THEN min(block) ELSE -1 END AS block FROM newest
), created AS (
	SELECT 'track' AS item_type, t.id AS item_id, t.created_block AS block, t.created_at AS at
	FROM followees f JOIN tracks t ON t.id IN (
		SELECT id FROM tracks
		WHERE owner_id = f.id AND created_block >= (SELECT block FROM since)
			AND NOT is_delete AND NOT is_unlisted AND stem_of = 0
		ORDER BY created_block DESC, id DESC LIMIT ?6)
	WHERE ?2
	UNION ALL
	SELECT 'playlist', p.id, p.created_block, p.created_at
	FROM followees f JOIN playlists p ON p.id IN (
		SELECT id FROM playlists
		WHERE owner_id = f.id AND created_block >= (SELECT block FROM since) AND NOT is_delete AND NOT is_private
		ORDER BY created_block DESC, id DESC LIMIT ?6)
	WHERE ?2
), ranked AS MATERIALIZED (
	SELECT item_type, item_id, max(block) AS block, max(at) AS at
	FROM (SELECT * FROM newest UNION ALL SELECT * FROM created)
	GROUP BY item_type, item_id
	ORDER BY block DESC, item_type DESC, item_id DESC LIMIT ?7
)
SELECT * FROM (SELECT i.item_type, i.item_id, i.block, i.at, NULL AS n FROM ranked i
	WHERE ` + listedItem + `
	ORDER BY i.block DESC, i.item_type DESC, i.item_id DESC
	LIMIT ?4 OFFSET ?5)
UNION ALL
SELECT NULL, NULL, NULL, NULL, (SELECT count(*) FROM ranked)
ORDER BY 3 DESC, 1 DESC, 2 DESC`

// collectFeed scans a page of feed items and the number ranked.
func collectFeed(rows *sql.Rows, err error) ([]discovery.Activity, int, error) {
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var (
		out    []discovery.Activity
		ranked int
	)
	for rows.Next() {
		var (
			itemType  sql.NullString
			id        sql.NullInt64
			block, at sql.NullInt64
			count     sql.NullInt64
		)
		if err := rows.Scan(&itemType, &id, &block, &at, &count); err != nil {
			return nil, 0, err
		}
		if !itemType.Valid {
			ranked = int(count.Int64)
			continue
		}
		out = append(out, discovery.Activity{ItemType: itemType.String, ItemID: id.Int64,
			Block: uint64(block.Int64), At: uint64(at.Int64)})
	}
	return out, ranked, rows.Err()
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
