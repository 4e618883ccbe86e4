package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// tracksWithOwnersQuery selects each live track among $1 with its owner in
// one row: the track's columns, then the user's. Each side is a subquery
// with its own unqualified column list, so the lists stay the ones
// scanTrack and scanUser read; the planner flattens them into an index
// join.
const tracksWithOwnersQuery = `SELECT t.*, u.*
FROM (SELECT ` + trackColumns + ` FROM tracks WHERE id = ANY($1) AND NOT is_delete) t
JOIN (SELECT ` + userColumns + ` FROM users) u ON u.id = t.owner_id`

// TracksWithOwners returns the live tracks among ids, in the order of ids,
// with their owners, in one query.
func (s *Store) TracksWithOwners(ctx context.Context, ids []int64) ([]discovery.Track, []discovery.User, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	rows, err := s.pool.Query(ctx, tracksWithOwnersQuery, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("tracks with owners: %w", err)
	}
	defer rows.Close()
	var found []trackOwner
	for rows.Next() {
		r := trackOwnerRow{row: rows}
		t, err := scanTrack(&r)
		if err != nil {
			return nil, nil, fmt.Errorf("tracks with owners: %w", err)
		}
		found = append(found, trackOwner{*t, *r.owner})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("tracks with owners: %w", err)
	}
	found = inIDOrder(ids, found, func(p *trackOwner) int64 { return p.track.ID })
	tracks, owners := make([]discovery.Track, len(found)), make([]discovery.User, len(found))
	for i, p := range found {
		tracks[i], owners[i] = p.track, p.owner
	}
	return tracks, owners, nil
}

type trackOwner struct {
	track discovery.Track
	owner discovery.User
}

// trackOwnerRow lets scanTrack and scanUser read one joined row together:
// scanTrack's Scan hands its destinations to scanUser, whose Scan reads
// the row into both sets at once. The row is read exactly as the two
// scanners read their own tables, with no copy of their field lists to
// drift.
type trackOwnerRow struct {
	row   pgx.Row
	owner *discovery.User
}

func (r *trackOwnerRow) Scan(trackDest ...any) error {
	owner, err := scanUser(rowFunc(func(userDest ...any) error {
		return r.row.Scan(append(trackDest, userDest...)...)
	}))
	if err != nil {
		return err
	}
	r.owner = owner
	return nil
}

// rowFunc is a function serving as a pgx.Row.
type rowFunc func(dest ...any) error

func (f rowFunc) Scan(dest ...any) error { return f(dest...) }
