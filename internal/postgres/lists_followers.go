package postgres

import (
	"context"

	"github.com/discovery-node/discovery"
)

// A page of followers, most followed first, is found one of two ways, and
// the statement picks the cheaper from the user's follower count:
//
//   - sparse: join the user's followers with their rows and sort them all
//     (cost: the followers);
//   - dense: walk all users most followed first (users_follower_count_idx)
//     and keep those who follow the user, stopping when the page is full
//     (cost: the page's end over the share of users who follow).
//
// Walking wins when followers² > denseFollowers · (offset + limit) ·
// users: a probe (an index-only lookup in the user's own range of
// follows_followee_idx) costs about a third of a joined row (an index
// lookup and a heap fetch), measured on the API benchmark's data set; the
// factor leans towards the join, whose cost does not depend on the page.
// Either way only ids and counts are sorted; the page's rows are read last. The
// number of users is the planner's estimate (pg_class.reltuples); before
// the first ANALYZE it is unknown and the join is taken, as it is for a
// page without a limit.

// denseFollowers is the walk's cost per probe, in joined rows.
const denseFollowers = 0.5

// followersQuery takes $1 the user, $2 limit (NULL: none), $3 offset, $4
// the probe cost factor.
const followersQuery = `WITH x AS MATERIALIZED (
	SELECT coalesce($4::float8 = 0 OR u.follower_count::float8 * u.follower_count >
		$4::float8 * ($2::bigint + $3::bigint) * CASE WHEN c.reltuples >= 0 THEN c.reltuples END, false) AS dense
	FROM users u, pg_class c WHERE u.id = $1 AND c.oid = 'users'::regclass
), page AS (
	SELECT d.id AS pid, d.follower_count AS pfc FROM (
		SELECT u.id, u.follower_count FROM users u
		WHERE (SELECT true FROM follows f WHERE f.follower_id = u.id AND f.followee_id = $1)
		ORDER BY u.follower_count DESC, u.id
		LIMIT $2 OFFSET $3) d
	WHERE coalesce((SELECT dense FROM x), false)
	UNION ALL
	SELECT j.id, j.follower_count FROM (
		SELECT u.id, u.follower_count FROM follows f JOIN users u ON u.id = f.follower_id
		WHERE f.followee_id = $1
		ORDER BY u.follower_count DESC, u.id
		LIMIT $2 OFFSET $3) j
	WHERE NOT coalesce((SELECT dense FROM x), false)
)
SELECT ` + userColumns + ` FROM page JOIN users ON users.id = page.pid
ORDER BY page.pfc DESC, page.pid`

// followers lists a page of userID's followers; dense is the probe cost
// factor (0 always walks, +Inf always joins: tests try both).
func (s *Store) followers(ctx context.Context, userID int64, p discovery.Page, dense float64) ([]discovery.User, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, followersQuery, userID, limit, offset, dense)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows)
}
