package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/discovery-node/discovery"
)

// Reads of a ranking kept by the last refresh. Items deleted, unlisted or
// made private since then are left out at once; every other change waits
// for the next refresh.
const (
	cachedTrendingTracksQuery = `SELECT ` + trackColumns + `, s.score
FROM (SELECT track_id, score FROM trending_track_scores WHERE time_range = $1) s
JOIN tracks ON tracks.id = s.track_id
WHERE NOT tracks.is_delete AND NOT tracks.is_unlisted
ORDER BY s.score DESC, s.track_id
LIMIT $2 OFFSET $3`
	cachedTrendingGenreQuery = `SELECT ` + trackColumns + `, s.score
FROM (SELECT track_id, score FROM trending_track_scores WHERE time_range = $1 AND genre = $4) s
JOIN tracks ON tracks.id = s.track_id
WHERE NOT tracks.is_delete AND NOT tracks.is_unlisted
ORDER BY s.score DESC, s.track_id
LIMIT $2 OFFSET $3`
	cachedTrendingPlaylistsQuery = `SELECT ` + playlistColumns + `, s.score
FROM (SELECT playlist_id, score FROM trending_playlist_scores WHERE time_range = $1 AND is_album = $4) s
JOIN playlists ON playlists.id = s.playlist_id
WHERE NOT playlists.is_delete AND NOT playlists.is_private
ORDER BY s.score DESC, s.playlist_id
LIMIT $2 OFFSET $3`
)

// Reads before the first refresh: the scoring queries themselves, with the
// page's parameters after the scoring ones.
const (
	onDemandTrendingTracksQuery = `SELECT ` + trackColumns + `, s.score
FROM (SELECT track_id, score FROM (` + trackScoresQuery + `) x WHERE time_range = $13 AND ($16 = '' OR genre = $16)) s
JOIN tracks ON tracks.id = s.track_id
ORDER BY s.score DESC, s.track_id
LIMIT $14 OFFSET $15`
	onDemandTrendingPlaylistsQuery = `SELECT ` + playlistColumns + `, s.score
FROM (SELECT playlist_id, score FROM (` + playlistScoresQuery + `) x WHERE time_range = $15 AND is_album = $18) s
JOIN playlists ON playlists.id = s.playlist_id
ORDER BY s.score DESC, s.playlist_id
LIMIT $16 OFFSET $17`
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
	refreshed, err := s.trendingRefreshed(ctx)
	if err != nil {
		return nil, fmt.Errorf("trending tracks: %w", err)
	}
	var rows pgx.Rows
	switch {
	case !refreshed:
		args := append(trackScoreArgs(), string(q.Window), limit, offset, q.Genre)
		rows, err = s.pool.Query(ctx, onDemandTrendingTracksQuery, args...)
	case q.Genre == "":
		rows, err = s.pool.Query(ctx, cachedTrendingTracksQuery, string(q.Window), limit, offset)
	default:
		rows, err = s.pool.Query(ctx, cachedTrendingGenreQuery, string(q.Window), limit, offset, q.Genre)
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
	refreshed, err := s.trendingRefreshed(ctx)
	if err != nil {
		return nil, fmt.Errorf("trending playlists: %w", err)
	}
	var rows pgx.Rows
	if refreshed {
		rows, err = s.pool.Query(ctx, cachedTrendingPlaylistsQuery, string(q.Window), limit, offset, q.Albums)
	} else {
		args := append(playlistScoreArgs(), string(q.Window), limit, offset, q.Albums)
		rows, err = s.pool.Query(ctx, onDemandTrendingPlaylistsQuery, args...)
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
func trendingPage(w discovery.TrendingWindow, p discovery.Page) (limit *int, offset int, ok bool, err error) {
	if !w.Valid() {
		return nil, 0, false, discovery.Errorf(discovery.EINVALID, "trending window %q: want week, month, year or allTime", string(w))
	}
	if _, _, err := pageArgs(p); err != nil {
		return nil, 0, false, err
	}
	p, ok = discovery.ClipTrendingPage(p)
	limit, offset, err = pageArgs(p)
	return limit, offset, ok, err
}

// trendingRefreshed reports whether rankings have been computed yet.
func (s *Store) trendingRefreshed(ctx context.Context) (bool, error) {
	var refreshed bool
	if err := s.pool.QueryRow(ctx, `SELECT refreshed FROM trending_state WHERE id = 1`).Scan(&refreshed); err != nil {
		return false, fmt.Errorf("trending state: %w", err)
	}
	return refreshed, nil
}

// withScore scans a row of an entity's columns followed by its score.
type withScore struct {
	row   pgx.Row
	score *float64
}

func (w withScore) Scan(dest ...any) error { return w.row.Scan(append(dest, w.score)...) }

// refreshAttempts bounds the retries of a refresh that lost a race with a
// concurrent one (another process on the same database).
const refreshAttempts = 3

// RefreshTrending recomputes every ranking as of the head, unless they were
// computed at that block already.
func (s *Store) RefreshTrending(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		err := s.refreshTrending(ctx)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "40001" && attempt < refreshAttempts {
			continue
		}
		if err != nil {
			return fmt.Errorf("refresh trending: %w", err)
		}
		return nil
	}
}

// refreshTrending runs in one repeatable-read transaction, so the head it
// records and every score it writes come from the same snapshot, while
// readers go on reading the previous rankings until it commits.
func (s *Store) refreshTrending(ctx context.Context) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit

	var (
		refreshed        bool
		block, headBlock *int64
		hash, headHash   *string
	)
	const state = `SELECT refreshed, block, hash FROM trending_state WHERE id = 1 FOR UPDATE`
	if err := tx.QueryRow(ctx, state).Scan(&refreshed, &block, &hash); err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	const head = `SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1`
	err = tx.QueryRow(ctx, head).Scan(&headBlock, &headHash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read head: %w", err)
	}
	if refreshed && sameBlock(block, hash, headBlock, headHash) {
		return tx.Commit(ctx)
	}

	batch := &pgx.Batch{}
	// Room to aggregate the reposts, saves and plays of every item in
	// memory rather than spilling to disk.
	batch.Queue(`SET LOCAL work_mem = '64MB'`)
	batch.Queue(`DELETE FROM trending_track_scores`)
	batch.Queue(`DELETE FROM trending_playlist_scores`)
	if headBlock != nil {
		batch.Queue(`INSERT INTO trending_track_scores (time_range, track_id, genre, score) `+trackScoresQuery, trackScoreArgs()...)
		batch.Queue(`INSERT INTO trending_playlist_scores (time_range, playlist_id, is_album, score) `+playlistScoresQuery, playlistScoreArgs()...)
	}
	batch.Queue(`UPDATE trending_state SET refreshed = true, block = $1, hash = $2 WHERE id = 1`, headBlock, headHash)
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("write scores: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// sameBlock reports whether two optional block references are equal.
func sameBlock(n1 *int64, h1 *string, n2 *int64, h2 *string) bool {
	if n1 == nil || n2 == nil {
		return n1 == nil && n2 == nil
	}
	return *n1 == *n2 && h1 != nil && h2 != nil && *h1 == *h2
}
