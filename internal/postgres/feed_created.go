package postgres

// A creation makes the feed's head only if it is no older than the head's
// last first repost (since), so the creations read are those since then,
// found one of two ways for each of tracks and playlists:
//
//   - per followed user, the newest since then (tracks_owner_idx,
//     playlists_owner_idx), at most the page's end of each (an older one
//     has that many newer of its own above it, so a user following
//     prolific artists reads few of their tracks): an index descent per
//     followed user, 2,720 of each for the heaviest feed on the API
//     benchmark's data set, 7.5 ms of its 12 (EXPLAIN ANALYZE) once the
//     walk had found its reposts;
//   - recent: all created since then, newest first (tracks_created_idx,
//     playlists_created_idx), keeping the followed users' (looked up in a
//     hash of them, as the walk does).
//
// Recent is taken when fewer than B = feedRecentFactor·F were created
// since, which an OFFSET of B-1 in the index tells, reading at most B
// entries: a fraction of a microsecond each, against a few microseconds
// per descent. Users who follow many have a recent since, as their newest
// first reposts are recent, so they read few; the newest creations of a
// feed without a full head of reposts are read per user. Recent keeps
// every creation since, not the page's end of each user: the head is then
// the top of a larger set holding every item above its last, the same
// answer.

// feedRecentFactor is how many creations since the head's last first
// repost may be read per followed user instead of each user's newest.
const feedRecentFactor = 4.0

// feedCreatedCTEs are the creations' common table expressions for
// feedQuery, after since: recent, which way each table is read ($10, see
// feedCosts) and the bound B (NULL: none), and created, the creations
// read. Recent needs since (a full head of reposts: else every creation
// would be read) and followed users. Its reads are LIMITed to B, which
// cuts nothing when it is taken but keeps the planner on the index.
const feedCreatedCTEs = `recent AS MATERIALIZED (
	SELECT r.ok AND ($10::float8 = 'Infinity' OR NOT EXISTS (SELECT FROM tracks WHERE created_block >= r.since
			ORDER BY created_block DESC, id DESC OFFSET r.n - 1 LIMIT 1)) AS tracks,
		r.ok AND ($10::float8 = 'Infinity' OR NOT EXISTS (SELECT FROM playlists WHERE created_block >= r.since
			ORDER BY created_block DESC, id DESC OFFSET r.n - 1 LIMIT 1)) AS playlists,
		r.n
	FROM (SELECT $2::boolean AND $10::float8 > 0 AND c.followees > 0 AND s.block >= 0 AS ok, s.block AS since,
		CASE WHEN $10::float8 < 'Infinity' THEN greatest(ceil($10::float8 * c.followees), 1)::bigint END AS n
		FROM choice c, since s) r
), created AS (
	SELECT 'track' AS item_type, t.id AS item_id, t.created_block AS block, t.created_at AS at
	FROM (SELECT id, owner_id, created_block, created_at, is_delete, is_unlisted, stem_of FROM tracks
		WHERE (SELECT tracks FROM recent) AND created_block >= (SELECT block FROM since)
		ORDER BY created_block DESC, id DESC LIMIT (SELECT n FROM recent)) t
	WHERE NOT t.is_delete AND NOT t.is_unlisted AND t.stem_of = 0 AND (t.owner_id IN (SELECT id FROM followees)) IS TRUE
	UNION ALL
	SELECT 'track', t.id, t.created_block, t.created_at
	FROM followees f CROSS JOIN LATERAL (
		SELECT id, created_block, created_at FROM tracks
		WHERE owner_id = f.id AND created_block >= (SELECT block FROM since)
			AND NOT is_delete AND NOT is_unlisted AND stem_of = 0
		ORDER BY created_block DESC, id DESC LIMIT $6) t
	WHERE $2 AND NOT (SELECT tracks FROM recent)
	UNION ALL
	SELECT 'playlist', p.id, p.created_block, p.created_at
	FROM (SELECT id, owner_id, created_block, created_at, is_delete, is_private FROM playlists
		WHERE (SELECT playlists FROM recent) AND created_block >= (SELECT block FROM since)
		ORDER BY created_block DESC, id DESC LIMIT (SELECT n FROM recent)) p
	WHERE NOT p.is_delete AND NOT p.is_private AND (p.owner_id IN (SELECT id FROM followees)) IS TRUE
	UNION ALL
	SELECT 'playlist', p.id, p.created_block, p.created_at
	FROM followees f CROSS JOIN LATERAL (
		SELECT id, created_block, created_at FROM playlists
		WHERE owner_id = f.id AND created_block >= (SELECT block FROM since) AND NOT is_delete AND NOT is_private
		ORDER BY created_block DESC, id DESC LIMIT $6) p
	WHERE $2 AND NOT (SELECT playlists FROM recent)
)`
