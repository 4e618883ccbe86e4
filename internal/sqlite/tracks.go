package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

// trackColumns is the select list scanTrack reads, in its order.
const trackColumns = `id, owner_id, title, slug, genre, mood, tags, description, release_date,
	duration, track_cid, cover_art, is_unlisted, is_delete, remix_of, stem_of, metadata_cid, metadata_status,
	repost_count, save_count, play_count, created_block, updated_block, created_at, updated_at`

func scanTrack(row scanner) (*discovery.Track, error) {
	var (
		t       discovery.Track
		remixOf string
	)
	err := row.Scan(&t.ID, &t.OwnerID, &t.Title, &t.Slug, &t.Genre, &t.Mood, &t.Tags, &t.Description, &t.ReleaseDate,
		&t.Duration, &t.TrackCID, &t.CoverArt, &t.IsUnlisted, &t.IsDelete, &remixOf, &t.StemOf, &t.MetadataCID, &t.MetadataStatus,
		&t.RepostCount, &t.SaveCount, &t.PlayCount, &t.CreatedBlock, &t.UpdatedBlock, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if t.RemixOf, err = decodeIDs(remixOf); err != nil {
		return nil, fmt.Errorf("track %d remix_of: %w", t.ID, err)
	}
	return &t, nil
}

// encodeIDs stores a list of ids as a JSON array; an empty list is "[]".
func encodeIDs(ids []int64) (string, error) {
	if len(ids) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ids)
	return string(b), err
}

// decodeIDs reads a stored list of ids; an empty list comes back nil, as
// the digest treats both alike.
func decodeIDs(s string) ([]int64, error) {
	var ids []int64
	if err := json.Unmarshal([]byte(s), &ids); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

// upsertTracks writes the full image of every changed track.
func upsertTracks(ctx context.Context, tx *sql.Tx, rows []*discovery.Track) error {
	const query = `
INSERT INTO tracks (id, owner_id, title, slug, genre, mood, tags, description, release_date,
	duration, track_cid, cover_art, is_unlisted, is_delete, remix_of, stem_of, metadata_cid, metadata_status,
	repost_count, save_count, play_count, created_block, updated_block, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	owner_id = excluded.owner_id, title = excluded.title, slug = excluded.slug, genre = excluded.genre,
	mood = excluded.mood, tags = excluded.tags, description = excluded.description,
	release_date = excluded.release_date, duration = excluded.duration, track_cid = excluded.track_cid,
	cover_art = excluded.cover_art, is_unlisted = excluded.is_unlisted, is_delete = excluded.is_delete,
	remix_of = excluded.remix_of, stem_of = excluded.stem_of,
	metadata_cid = excluded.metadata_cid, metadata_status = excluded.metadata_status,
	repost_count = excluded.repost_count, save_count = excluded.save_count, play_count = excluded.play_count,
	created_block = excluded.created_block, updated_block = excluded.updated_block,
	created_at = excluded.created_at, updated_at = excluded.updated_at`
	err := execEach(ctx, tx, query, rows, func(t *discovery.Track) ([]any, error) {
		remixOf, err := encodeIDs(t.RemixOf)
		if err != nil {
			return nil, fmt.Errorf("track %d remix_of: %w", t.ID, err)
		}
		return []any{t.ID, t.OwnerID, t.Title, t.Slug, t.Genre, t.Mood, t.Tags, t.Description, t.ReleaseDate,
			t.Duration, t.TrackCID, t.CoverArt, t.IsUnlisted, t.IsDelete, remixOf, t.StemOf, t.MetadataCID, t.MetadataStatus,
			t.RepostCount, t.SaveCount, t.PlayCount, u64(t.CreatedBlock), u64(t.UpdatedBlock),
			u64(t.CreatedAt), u64(t.UpdatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert tracks: %w", err)
	}
	return nil
}

// syncRemixes rebuilds the track_remixes edges of the given tracks from
// their remix_of, after their images (or their removal) were written: two
// statements however many tracks, the ids travelling as one JSON array.
func syncRemixes(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("sync remixes: %w", err)
	}
	const clear = `DELETE FROM track_remixes WHERE child_id IN (SELECT value FROM json_each(?))`
	if _, err := tx.ExecContext(ctx, clear, string(list)); err != nil {
		return fmt.Errorf("sync remixes: clear: %w", err)
	}
	// WHERE before ON CONFLICT: SQLite's parser needs it after a SELECT.
	const fill = `
INSERT INTO track_remixes (parent_id, child_id)
SELECT r.value, t.id FROM tracks t, json_each(t.remix_of) r
WHERE t.id IN (SELECT value FROM json_each(?))
ON CONFLICT DO NOTHING`
	if _, err := tx.ExecContext(ctx, fill, string(list)); err != nil {
		return fmt.Errorf("sync remixes: fill: %w", err)
	}
	return nil
}

// Track returns the track with the given id, deleted or not: the indexer
// must see deleted tracks to refuse actions on them.
func (s *Store) Track(ctx context.Context, id int64) (*discovery.Track, bool, error) {
	const query = `SELECT ` + trackColumns + ` FROM tracks WHERE id = ?`
	t, err := scanTrack(s.readRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("track %d: %w", id, err)
	}
	return t, true, nil
}

// GetTrack returns a track that exists and is not deleted, else ENOTFOUND.
func (s *Store) GetTrack(ctx context.Context, id int64) (*discovery.Track, error) {
	t, ok, err := s.Track(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok || t.IsDelete {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "track %d not found", id)
	}
	return t, nil
}

// UserTracks lists the owner's tracks that are not deleted, newest first.
func (s *Store) UserTracks(ctx context.Context, userID int64, p discovery.Page) ([]discovery.Track, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT ` + trackColumns + ` FROM tracks
WHERE owner_id = ? AND NOT is_delete
ORDER BY created_block DESC, id DESC
LIMIT ? OFFSET ?`
	rows, err := s.r.QueryContext(ctx, query, userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("tracks of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []discovery.Track
	for rows.Next() {
		t, err := scanTrack(rows)
		if err != nil {
			return nil, fmt.Errorf("tracks of user %d: %w", userID, err)
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tracks of user %d: %w", userID, err)
	}
	return out, nil
}
