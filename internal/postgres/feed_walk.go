package postgres

import "math"

// The feed ranks a reposted item from its first repost by any followed
// user, so the newest first reposts seem to need every repost of every
// followed user: for the user following the most on the API benchmark's
// data set (2,720 users), 29,370 reposts grouped into 14,198 items to keep
// 72.
//
// The walk finds them without reading the rest. It reads all reposts newest
// first in the feed's order (reposts_block_idx: block, item type, item id,
// descending), keeps those a followed user made, and of those the ones no
// followed user preceded on the item in an earlier block
// (reposts_item_idx, which includes the block for this check). The kept
// reposts are exactly the first reposts of their items, met in the feed's
// order, so the first $7 items kept are the head. Reposts of one item in
// its first block by several followed users are merged; their created_at
// is the block's time, so the first block's is the earliest, as
// min(created_at) over every repost gives.
//
// The walk reads everyone's reposts; it pays when the followed users'
// reposts are a large share of all. With F followees, U users and R
// reposts, reading takes F·R/U reposts and the walk about head·U/(F·q), q
// the share of the followed users' reposts that are first reposts (about
// 0.45 on the benchmark's data set). A walked repost costs about half a
// read one (measured: the two ways took as long for users whose walk was
// twice as long as their read). So the walk is taken when F²·R >
// feedWalkFactor·head·U², from the user's followee count and the planner's
// row counts (pg_class); before the first ANALYZE they are unknown and
// every repost is read. The walk ends once it has met feedWalkBound·F²·R/U²
// reposts of followed users, feedWalkBound times the rows reading would
// take in all; if it has not found the head by then (followed users who
// mostly repost what others of them reposted before), the statement reads
// every repost after all, so a wrong choice costs a few times the read,
// never the whole index.

const (
	// feedWalkFactor is where the walk is taken: where, for q = 0.45,
	// it reads 1.8 times the rows reading would.
	feedWalkFactor = 1.25
	// feedWalkBound is how many rows the walk may take per row reading
	// would: over twice what it is expected to need where it is taken.
	feedWalkBound = 4.0
)

var inf = math.Inf(1)

// feedWalkCTEs are the walk's common table expressions for feedQuery,
// after its followees: choice, the user's followee count, whether to walk
// and how far; firsts, the first reposts found; walked, whether they are
// the whole head. The followed users are looked up in a hash of them (the
// IN made a hashed subplan: IS TRUE keeps the planner from turning it into
// a join), a fraction of a microsecond per repost walked. A walk not taken
// has a LIMIT of 0, which reads nothing.
const feedWalkCTEs = `choice AS MATERIALIZED (
	SELECT coalesce(max(u.followee_count), 0) AS followees,
		coalesce(bool_or($3::boolean AND $7::bigint IS NOT NULL AND ($8::float8 = 0 OR (r.reltuples > 0 AND n.reltuples > 0
			AND u.followee_count::float8 * u.followee_count * r.reltuples > $8::float8 * $7::bigint * n.reltuples * n.reltuples))),
			false) AS walk,
		max(CASE WHEN $9::float8 < 'Infinity' THEN ceil($9::float8 * u.followee_count * u.followee_count
			* greatest(r.reltuples, 0) / greatest(n.reltuples * n.reltuples, 1)) END)::bigint AS bound
	FROM users u, pg_class r, pg_class n
	WHERE u.id = $1 AND r.oid = 'reposts'::regclass AND n.oid = 'users'::regclass
), firsts AS (
	SELECT w.item_type, w.item_id, w.block, min(w.created_at) AS at
	FROM (SELECT r.item_type, r.item_id, r.block, r.created_at FROM reposts r
		WHERE (r.user_id IN (SELECT id FROM followees)) IS TRUE
		ORDER BY r.block DESC, r.item_type DESC, r.item_id DESC
		LIMIT CASE WHEN (SELECT walk FROM choice) THEN (SELECT bound FROM choice) ELSE 0 END) w
	WHERE NOT EXISTS (SELECT 1 FROM reposts e
		WHERE e.item_type = w.item_type AND e.item_id = w.item_id AND e.block < w.block
			AND (e.user_id IN (SELECT id FROM followees)) IS TRUE)
	GROUP BY w.block, w.item_type, w.item_id
	ORDER BY w.block DESC, w.item_type DESC, w.item_id DESC LIMIT $7
), walked AS MATERIALIZED (
	SELECT (SELECT walk FROM choice) AND (SELECT count(*) FROM firsts) >= $7 AS filled
)`
