package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/discovery-node/discovery"
)

// The lists of tracks, playlists and users the API serves beyond followers
// and following (see discovery.ListQueries), with the same results as the
// Postgres store. Item types are written as the literals 'track' and
// 'playlist', the values of discovery.ItemTrack and discovery.ItemPlaylist.
// Selects that filter on other tables do so in subqueries, so the
// unqualified column lists of the entity tables stay unambiguous. Id sets
// travel as one JSON array parameter, read with json_each.

// relatedSample bounds how many of a user's followers RelatedUsers reads:
// enough to rank by shared followers, few enough to answer fast for a user
// with millions of them. The sample is the followers with the lowest ids.
const relatedSample = 250

// TracksByID returns the live tracks among ids, in the order of ids.
func (s *Store) TracksByID(ctx context.Context, ids []int64) ([]discovery.Track, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("tracks by id: %w", err)
	}
	const query = `SELECT ` + trackColumns + ` FROM tracks
WHERE id IN (SELECT value FROM json_each(?)) AND NOT is_delete`
	found, err := collectTracks(s.r.QueryContext(ctx, query, string(list)))
	if err != nil {
		return nil, fmt.Errorf("tracks by id: %w", err)
	}
	return inIDOrder(ids, found, func(t *discovery.Track) int64 { return t.ID }), nil
}

// PlaylistsByID returns the live playlists among ids, in the order of ids.
func (s *Store) PlaylistsByID(ctx context.Context, ids []int64) ([]discovery.Playlist, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("playlists by id: %w", err)
	}
	const query = `SELECT ` + playlistColumns + ` FROM playlists
WHERE id IN (SELECT value FROM json_each(?)) AND NOT is_delete`
	found, err := collectPlaylists(s.r.QueryContext(ctx, query, string(list)))
	if err != nil {
		return nil, fmt.Errorf("playlists by id: %w", err)
	}
	return inIDOrder(ids, found, func(p *discovery.Playlist) int64 { return p.ID }), nil
}

// UserTrackList lists one user's tracks in the order q asks for. The ORDER
// BY clause comes from a fixed table, never from the caller's text.
func (s *Store) UserTrackList(ctx context.Context, q discovery.UserTracksQuery, p discovery.Page) ([]discovery.Track, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	order, err := trackOrder(q.Sort, q.Desc)
	if err != nil {
		return nil, err
	}
	const head = `SELECT ` + trackColumns + ` FROM tracks
WHERE owner_id = ?1 AND NOT is_delete AND stem_of = 0 AND ((NOT is_unlisted AND ?2) OR (is_unlisted AND ?3))
ORDER BY `
	tracks, err := collectTracks(s.r.QueryContext(ctx, head+order+` LIMIT ?4 OFFSET ?5`,
		q.OwnerID, q.Listed, q.Unlisted, limit, offset))
	if err != nil {
		return nil, fmt.Errorf("tracks of user %d: %w", q.OwnerID, err)
	}
	return tracks, nil
}

// UserPlaylists lists one user's playlists or albums.
func (s *Store) UserPlaylists(ctx context.Context, q discovery.UserPlaylistsQuery, p discovery.Page) ([]discovery.Playlist, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	order, err := playlistOrder(q.Sort)
	if err != nil {
		return nil, err
	}
	const head = `SELECT ` + playlistColumns + ` FROM playlists
WHERE owner_id = ?1 AND is_album = ?2 AND NOT is_delete AND (?3 OR NOT is_private)
ORDER BY `
	playlists, err := collectPlaylists(s.r.QueryContext(ctx, head+order+` LIMIT ?4 OFFSET ?5`,
		q.OwnerID, q.Albums, q.IncludePrivate, limit, offset))
	if err != nil {
		return nil, fmt.Errorf("playlists of user %d: %w", q.OwnerID, err)
	}
	return playlists, nil
}

// Remixes lists the listed, live remixes of a track by active users.
func (s *Store) Remixes(ctx context.Context, trackID int64, p discovery.Page) ([]discovery.Track, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT ` + trackColumns + ` FROM tracks
WHERE id IN (SELECT child_id FROM track_remixes WHERE parent_id = ?1)
	AND NOT is_delete AND NOT is_unlisted
	AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id = tracks.owner_id AND o.is_deactivated)
ORDER BY created_block DESC, id DESC
LIMIT ?2 OFFSET ?3`
	tracks, err := collectTracks(s.r.QueryContext(ctx, query, trackID, limit, offset))
	if err != nil {
		return nil, fmt.Errorf("remixes of track %d: %w", trackID, err)
	}
	return tracks, nil
}

// Stems lists the live stems of a track, oldest first.
func (s *Store) Stems(ctx context.Context, trackID int64, p discovery.Page) ([]discovery.Track, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT ` + trackColumns + ` FROM tracks
WHERE stem_of = ?1 AND NOT is_delete
ORDER BY created_block, id
LIMIT ?2 OFFSET ?3`
	tracks, err := collectTracks(s.r.QueryContext(ctx, query, trackID, limit, offset))
	if err != nil {
		return nil, fmt.Errorf("stems of track %d: %w", trackID, err)
	}
	return tracks, nil
}

// collectRows scans every row of a query with scan; it takes
// QueryContext's two results so a failed query needs no separate check.
func collectRows[T any](rows *sql.Rows, err error, scan func(scanner) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// collectTracks scans every row of a tracks query.
func collectTracks(rows *sql.Rows, err error) ([]discovery.Track, error) {
	return collectRows(rows, err, scanTrack)
}

// collectPlaylists scans every row of a playlists query.
func collectPlaylists(rows *sql.Rows, err error) ([]discovery.Playlist, error) {
	return collectRows(rows, err, scanPlaylist)
}

// inIDOrder puts rows in the order of ids, dropping ids without a row.
func inIDOrder[T any](ids []int64, rows []T, idOf func(*T) int64) []T {
	byID := make(map[int64]int, len(rows))
	for i := range rows {
		byID[idOf(&rows[i])] = i
	}
	out := make([]T, 0, len(rows))
	for _, id := range ids {
		if i, ok := byID[id]; ok {
			out = append(out, rows[i])
		}
	}
	return out
}
