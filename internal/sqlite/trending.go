package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

// Reads of a ranking kept by the last refresh. Items deleted, unlisted or
// made private since then are left out at once; every other change waits
// for the next refresh.
const (
	cachedTrendingTracksQuery = `SELECT ` + trackColumns + `, s.score
FROM (SELECT track_id, score FROM trending_track_scores WHERE time_range = ?1) s
JOIN tracks ON tracks.id = s.track_id
WHERE NOT tracks.is_delete AND NOT tracks.is_unlisted
ORDER BY s.score DESC, s.track_id
LIMIT ?2 OFFSET ?3`
	cachedTrendingGenreQuery = `SELECT ` + trackColumns + `, s.score
FROM (SELECT track_id, score FROM trending_track_scores WHERE time_range = ?1 AND genre = ?4) s
JOIN tracks ON tracks.id = s.track_id
WHERE NOT tracks.is_delete AND NOT tracks.is_unlisted
ORDER BY s.score DESC, s.track_id
LIMIT ?2 OFFSET ?3`
	cachedTrendingPlaylistsQuery = `SELECT ` + playlistColumns + `, s.score
FROM (SELECT playlist_id, score FROM trending_playlist_scores WHERE time_range = ?1 AND is_album = ?4) s
JOIN playlists ON playlists.id = s.playlist_id
WHERE NOT playlists.is_delete AND NOT playlists.is_private
ORDER BY s.score DESC, s.playlist_id
LIMIT ?2 OFFSET ?3`
)

// Reads before the first refresh: the scoring queries themselves, with the
// page's parameters after the scoring ones.
const (
	onDemandTrendingTracksQuery = `SELECT ` + trackColumns + `, s.score
FROM (SELECT track_id, score FROM (` + trackScoresQuery + `) WHERE time_range = ?13 AND (?16 = '' OR genre = ?16)) s
JOIN tracks ON tracks.id = s.track_id
ORDER BY s.score DESC, s.track_id
LIMIT ?14 OFFSET ?15`
	onDemandTrendingPlaylistsQuery = `SELECT ` + playlistColumns + `, s.score
FROM (SELECT playlist_id, score FROM (` + playlistScoresQuery + `) WHERE time_range = ?15 AND is_album = ?18) s
JOIN playlists ON playlists.id = s.playlist_id
ORDER BY s.score DESC, s.playlist_id
LIMIT ?16 OFFSET ?17`
)

// TrendingTracks returns a page of the ranking of tracks in q's window.
func (s *Store) TrendingTracks(ctx context.Context, q discovery.TrendingTrackQuery) ([]discovery.TrendingTrack, error) {
	limit, offset, ok, err := trendingPage(q.Window, q.Page)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []discovery.TrendingTrack{}, nil
	}
	refreshed, err := trendingRefreshed(ctx, s.r)
	if err != nil {
		return nil, fmt.Errorf("trending tracks: %w", err)
	}
	var rows *sql.Rows
	switch {
	case !refreshed:
		args := append(trackScoreArgs(), string(q.Window), limit, offset, q.Genre)
		rows, err = s.r.QueryContext(ctx, onDemandTrendingTracksQuery, args...)
	case q.Genre == "":
		rows, err = s.r.QueryContext(ctx, cachedTrendingTracksQuery, string(q.Window), limit, offset)
	default:
		rows, err = s.r.QueryContext(ctx, cachedTrendingGenreQuery, string(q.Window), limit, offset, q.Genre)
	}
	if err != nil {
		return nil, fmt.Errorf("trending tracks %s: %w", q.Window, err)
	}
	defer rows.Close()
	out := []discovery.TrendingTrack{}
	for rows.Next() {
		var score float64
		t, err := scanTrack(withScore{rows, &score})
		if err != nil {
			return nil, fmt.Errorf("trending tracks %s: %w", q.Window, err)
		}
		out = append(out, discovery.TrendingTrack{Track: *t, Score: score})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trending tracks %s: %w", q.Window, err)
	}
	return out, nil
}

// TrendingPlaylists returns a page of the ranking of playlists, or of
// albums, in q's window.
func (s *Store) TrendingPlaylists(ctx context.Context, q discovery.TrendingPlaylistQuery) ([]discovery.TrendingPlaylist, error) {
	limit, offset, ok, err := trendingPage(q.Window, q.Page)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []discovery.TrendingPlaylist{}, nil
	}
	refreshed, err := trendingRefreshed(ctx, s.r)
	if err != nil {
		return nil, fmt.Errorf("trending playlists: %w", err)
	}
	var rows *sql.Rows
	if refreshed {
		rows, err = s.r.QueryContext(ctx, cachedTrendingPlaylistsQuery, string(q.Window), limit, offset, q.Albums)
	} else {
		args := append(playlistScoreArgs(), string(q.Window), limit, offset, q.Albums)
		rows, err = s.r.QueryContext(ctx, onDemandTrendingPlaylistsQuery, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("trending playlists %s: %w", q.Window, err)
	}
	defer rows.Close()
	out := []discovery.TrendingPlaylist{}
	for rows.Next() {
		var score float64
		p, err := scanPlaylist(withScore{rows, &score})
		if err != nil {
			return nil, fmt.Errorf("trending playlists %s: %w", q.Window, err)
		}
		out = append(out, discovery.TrendingPlaylist{Playlist: *p, Score: score})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trending playlists %s: %w", q.Window, err)
	}
	return out, nil
}

// trendingPage checks a ranking's window and page and clips the page to
// the ranking's depth; ok is false when it starts past it.
func trendingPage(w discovery.TrendingWindow, p discovery.Page) (limit, offset int, ok bool, err error) {
	if !w.Valid() {
		return 0, 0, false, discovery.Errorf(discovery.EINVALID, "trending window %q: want week, month, year or allTime", string(w))
	}
	if _, _, err := pageArgs(p); err != nil {
		return 0, 0, false, err
	}
	p, ok = discovery.ClipTrendingPage(p)
	limit, offset, err = pageArgs(p)
	return limit, offset, ok, err
}

// trendingRefreshed reports whether rankings have been computed yet.
func trendingRefreshed(ctx context.Context, q querier) (bool, error) {
	var refreshed bool
	if err := q.QueryRowContext(ctx, `SELECT refreshed FROM trending_state WHERE id = 1`).Scan(&refreshed); err != nil {
		return false, fmt.Errorf("trending state: %w", err)
	}
	return refreshed, nil
}

// withScore scans a row of an entity's columns followed by its score.
type withScore struct {
	row   scanner
	score *float64
}

func (w withScore) Scan(dest ...any) error { return w.row.Scan(append(dest, w.score)...) }

// RefreshTrending recomputes every ranking as of the head, unless they were
// computed at that block already. It runs in one write transaction, so the
// head it records and every score it writes come from the same state, while
// readers go on reading the previous rankings until it commits.
func (s *Store) RefreshTrending(ctx context.Context) error {
	if err := s.refreshTrending(ctx); err != nil {
		return fmt.Errorf("refresh trending: %w", err)
	}
	return nil
}

func (s *Store) refreshTrending(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	var (
		refreshed        bool
		block, headBlock sql.NullInt64
		hash, headHash   sql.NullString
	)
	const state = `SELECT refreshed, block, hash FROM trending_state WHERE id = 1`
	if err := tx.QueryRowContext(ctx, state).Scan(&refreshed, &block, &hash); err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	const head = `SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1`
	err = tx.QueryRowContext(ctx, head).Scan(&headBlock, &headHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read head: %w", err)
	}
	if refreshed && block == headBlock && hash == headHash {
		return tx.Commit()
	}

	steps := []struct {
		what, query string
		args        []any
	}{
		{"clear track scores", `DELETE FROM trending_track_scores`, nil},
		{"clear playlist scores", `DELETE FROM trending_playlist_scores`, nil},
		{"score tracks", `INSERT INTO trending_track_scores (time_range, track_id, genre, score) ` + trackScoresQuery, trackScoreArgs()},
		{"score playlists", `INSERT INTO trending_playlist_scores (time_range, playlist_id, is_album, score) ` + playlistScoresQuery, playlistScoreArgs()},
		{"record head", `UPDATE trending_state SET refreshed = 1, block = ?, hash = ? WHERE id = 1`, []any{headBlock, headHash}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
