package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// Feed merges, per item, the creations of the users q.UserID follows and
// their reposts: a reposted item counts from its first repost by any of
// them, and an item both created and reposted from the later of the two,
// as the Audius feed does.
//
// Of the merged items only a head is ranked, twice the page's end and
// feedHeadSlack more: the reposted items of that head are the newest first
// reposts, and a creation can only make it if it is no older than the last
// of those (a creation's place is its own time, or its first repost's,
// which is later). The head is then checked to be listed, newest first,
// until the page is full; when too many were not listed to fill it, the
// query runs again ranking every item.
//
// Each half of the head is found one of two ways, chosen in the statement
// from the user's followee count: the newest first reposts by reading
// every repost of the followed users or by walking all reposts newest
// first (feed_walk.go); the creations by reading each followed user's
// newest or all those since the last first repost (feed_created.go). A
// user following many pays for neither what they follow nor how much
// those users did, only for the head and for what everyone did since.
func (s *Store) Feed(ctx context.Context, q discovery.FeedQuery, p discovery.Page) ([]discovery.Activity, error) {
	out, _, err := s.feed(ctx, q, p, feedCostsChosen)
	return out, err
}

// feed is Feed with the ways' cost factors given (tests force each way),
// and says which ways the first statement took.
//
// The statement runs on the generic-plan pool (search_generic.go): its
// ways are chosen at run time by one-time filters, so knowing the
// arguments does not change its plan, and planning it is most of a light
// feed's time (on the API benchmark's data set, users following 50 to 100
// took 2.7 ms with a plan made for each call, 1.1 ms with the generic
// plan).
func (s *Store) feed(ctx context.Context, q discovery.FeedQuery, p discovery.Page, c feedCosts) ([]discovery.Activity, feedPlan, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, feedPlan{}, err
	}
	var perOwner, head *int // nil: no page end, every item counts
	if limit != nil {
		end := *limit + offset
		h := 2*end + feedHeadSlack
		perOwner, head = &end, &h
	}
	out, ranked, plan, err := collectFeed(s.generic.Query(ctx, feedQuery, q.UserID, q.Originals, q.Reposts,
		limit, offset, perOwner, head, c.walk, c.bound, c.recent))
	if err != nil {
		return nil, plan, fmt.Errorf("feed of user %d: %w", q.UserID, err)
	}
	if head == nil || len(out) == *limit || ranked < *head {
		return out, plan, nil // every item was ranked, or the page is full
	}
	out, _, _, err = collectFeed(s.generic.Query(ctx, feedQuery, q.UserID, q.Originals, q.Reposts,
		limit, offset, nil, nil, feedCostsRead.walk, feedCostsRead.bound, feedCostsRead.recent))
	if err != nil {
		return nil, plan, fmt.Errorf("feed of user %d: %w", q.UserID, err)
	}
	return out, plan, nil
}

// feedHeadSlack is room in the ranked head for items that turn out not to
// be listed.
const feedHeadSlack = 32

// feedCosts are the factors of the statement's choices (see feedWalkCTEs
// and feedCreatedCTEs).
type feedCosts struct {
	// walk: walk the reposts when F²·R > walk·head·U² (0: whenever the
	// head is bounded; +Inf: never).
	walk float64
	// bound: the walk ends after bound·F²·R/U² reposts of followed users
	// (+Inf: never).
	bound float64
	// recent: read all the tracks (playlists) created since the head's
	// last first repost when fewer than recent·F were (0: never; +Inf:
	// always).
	recent float64
}

var (
	feedCostsChosen = feedCosts{walk: feedWalkFactor, bound: feedWalkBound, recent: feedRecentFactor}
	// feedCostsRead is the statement as it was before the walk, for a
	// feed ranked whole.
	feedCostsRead = feedCosts{walk: inf, bound: 0, recent: 0}
)

// feedPlan is the ways a feed statement took.
type feedPlan struct {
	reposts feedPath
	// recentTracks and recentPlaylists: the creations were read from all
	// those since the head's last first repost, not per followed user.
	recentTracks, recentPlaylists bool
}

// feedPath is how a feed statement found the newest first reposts.
type feedPath int

const (
	feedRead     feedPath = iota // every repost of the followed users read
	feedWalked                   // the walk found them
	feedFellBack                 // the walk ended before finding them all, so every repost was read
)

// feedQuery is a page ($4 limit, $5 offset) of the feed of $1: its
// creations when $2, its reposts when $3, at most $6 creations of each
// followed user read per user and a head of $7 items ranked (NULL: all).
// $8, $9 and $10 are the choices' cost factors (feedCosts). The ranked
// head's LIMIT keeps the listed check out of it, and the sorted subquery
// (OFFSET 0 keeps the check from being pushed below its sort) makes the
// check run on ranked items in order until the page is full: before, all
// of the head was checked, 72 items for a first page of 20, a few
// microseconds each. A last row, its item type
// NULL, says how many items were ranked, so a page left short by unlisted
// items can be told from the end of the feed, and which ways were taken
// (feedPlan).
const feedQuery = `WITH followees AS (
	SELECT followee_id AS id FROM follows WHERE follower_id = $1
), ` + feedWalkCTEs + `, reposted AS (
	SELECT r.item_type, r.item_id, min(r.block) AS block, min(r.created_at) AS at
	FROM followees f JOIN reposts r ON r.user_id = f.id
	WHERE $3
	GROUP BY r.item_type, r.item_id
), newest AS MATERIALIZED (
	SELECT item_type, item_id, block, at FROM firsts WHERE (SELECT filled FROM walked)
	UNION ALL
	(SELECT * FROM reposted WHERE NOT (SELECT filled FROM walked)
	ORDER BY block DESC, item_type DESC, item_id DESC LIMIT $7)
), since AS (
	SELECT CASE WHEN count(*) >= $7 THEN min(block) ELSE -1 END AS block FROM newest
), ` + feedCreatedCTEs + `, ranked AS (
	SELECT item_type, item_id, max(block) AS block, max(at) AS at
	FROM (SELECT * FROM newest UNION ALL SELECT * FROM created) e
	GROUP BY item_type, item_id
	ORDER BY block DESC, item_type DESC, item_id DESC LIMIT $7
)
(SELECT i.item_type, i.item_id, i.block, i.at, NULL::bigint AS n, NULL::int AS path,
	NULL::boolean AS recent_tracks, NULL::boolean AS recent_playlists
FROM (SELECT * FROM ranked ORDER BY block DESC, item_type DESC, item_id DESC OFFSET 0) i
WHERE ` + listedItem + `
ORDER BY i.block DESC, i.item_type DESC, i.item_id DESC
LIMIT $4 OFFSET $5)
UNION ALL
SELECT NULL, NULL, NULL, NULL, (SELECT count(*) FROM ranked),
	CASE WHEN NOT (SELECT walk FROM choice) THEN 0 WHEN (SELECT filled FROM walked) THEN 1 ELSE 2 END,
	(SELECT tracks FROM recent), (SELECT playlists FROM recent)`

// collectFeed scans a page of feed items, the number ranked and the ways
// taken.
func collectFeed(rows pgx.Rows, err error) ([]discovery.Activity, int, feedPlan, error) {
	var plan feedPlan
	if err != nil {
		return nil, 0, plan, err
	}
	defer rows.Close()
	var (
		out    []discovery.Activity
		ranked int
	)
	for rows.Next() {
		var (
			itemType          *string
			a                 discovery.Activity
			id                *int64
			block, at         *uint64
			count             *int
			path              *int
			tracks, playlists *bool
		)
		if err := rows.Scan(&itemType, &id, &block, &at, &count, &path, &tracks, &playlists); err != nil {
			return nil, 0, plan, err
		}
		if itemType == nil {
			if count != nil {
				ranked = *count
			}
			if path != nil {
				plan.reposts = feedPath(*path)
			}
			plan.recentTracks, plan.recentPlaylists = tracks != nil && *tracks, playlists != nil && *playlists
			continue
		}
		a.ItemType, a.ItemID, a.Block, a.At = *itemType, *id, *block, *at
		out = append(out, a)
	}
	return out, ranked, plan, rows.Err()
}
