package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// trackColumns is the select list scanTrack reads, in its order.
const trackColumns = `id, owner_id, title, slug, genre, mood, tags, description, release_date,
	duration, track_cid, cover_art, is_unlisted, is_delete, metadata_cid,
	repost_count, save_count, play_count, created_block, updated_block, created_at, updated_at,
	remix_of, stem_of, metadata_status`

func scanTrack(row pgx.Row) (*discovery.Track, error) {
	var (
		t       discovery.Track
		remixOf string
	)
	err := row.Scan(&t.ID, &t.OwnerID, &t.Title, &t.Slug, &t.Genre, &t.Mood, &t.Tags, &t.Description, &t.ReleaseDate,
		&t.Duration, &t.TrackCID, &t.CoverArt, &t.IsUnlisted, &t.IsDelete, &t.MetadataCID,
		&t.RepostCount, &t.SaveCount, &t.PlayCount, &t.CreatedBlock, &t.UpdatedBlock, &t.CreatedAt, &t.UpdatedAt,
		&remixOf, &t.StemOf, &t.MetadataStatus)
	if err != nil {
		return nil, err
	}
	if t.RemixOf, err = decodeRemixOf(remixOf); err != nil {
		return nil, fmt.Errorf("track %d remix_of: %w", t.ID, err)
	}
	return &t, nil
}

// encodeRemixOf stores remix parents as a JSON array; none is "[]".
func encodeRemixOf(ids []int64) (string, error) {
	if len(ids) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ids)
	return string(b), err
}

// decodeRemixOf reads stored remix parents; none comes back nil, as an
// empty playlist does.
func decodeRemixOf(s string) ([]int64, error) {
	var ids []int64
	if err := json.Unmarshal([]byte(s), &ids); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

// trackWriteColumns are the columns a write of a track image sets, in the
// order of the table.
const trackWriteColumns = trackColumns

// trackOnConflict makes an insert of track images replace existing rows.
const trackOnConflict = `ON CONFLICT (id) DO UPDATE SET
	owner_id = EXCLUDED.owner_id, title = EXCLUDED.title, slug = EXCLUDED.slug, genre = EXCLUDED.genre,
	mood = EXCLUDED.mood, tags = EXCLUDED.tags, description = EXCLUDED.description,
	release_date = EXCLUDED.release_date, duration = EXCLUDED.duration, track_cid = EXCLUDED.track_cid,
	cover_art = EXCLUDED.cover_art, is_unlisted = EXCLUDED.is_unlisted, is_delete = EXCLUDED.is_delete,
	metadata_cid = EXCLUDED.metadata_cid, repost_count = EXCLUDED.repost_count,
	save_count = EXCLUDED.save_count, play_count = EXCLUDED.play_count,
	created_block = EXCLUDED.created_block, updated_block = EXCLUDED.updated_block,
	created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
	remix_of = EXCLUDED.remix_of, stem_of = EXCLUDED.stem_of, metadata_status = EXCLUDED.metadata_status`

// queueUpsertTracks writes the full image of every changed track in one
// statement.
func queueUpsertTracks(batch *pgx.Batch, rows []*discovery.Track) error {
	if len(rows) == 0 {
		return nil
	}
	const query = `INSERT INTO tracks (` + trackWriteColumns + `)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
	$10::bigint[], $11::text[], $12::text[], $13::boolean[], $14::boolean[], $15::text[],
	$16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[], $22::bigint[],
	$23::text[], $24::bigint[], $25::text[])
` + trackOnConflict
	n := len(rows)
	var (
		id, owner, duration                            = make([]int64, n), make([]int64, n), make([]int64, n)
		title, slug, genre, mood, tags                 = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		description, release, trackCID, cover, metaCID = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		unlisted, deleted                              = make([]bool, n), make([]bool, n)
		reposts, saves, plays                          = make([]int64, n), make([]int64, n), make([]int64, n)
		createdBlock, updatedBlock                     = make([]int64, n), make([]int64, n)
		createdAt, updatedAt                           = make([]int64, n), make([]int64, n)
		remixOf, status                                = make([]string, n), make([]string, n)
		stemOf                                         = make([]int64, n)
	)
	for i, t := range rows {
		js, err := encodeRemixOf(t.RemixOf)
		if err != nil {
			return fmt.Errorf("track %d remix_of: %w", t.ID, err)
		}
		remixOf[i], stemOf[i], status[i] = js, t.StemOf, t.MetadataStatus
		id[i], owner[i], duration[i] = t.ID, t.OwnerID, t.Duration
		title[i], slug[i], genre[i], mood[i], tags[i] = t.Title, t.Slug, t.Genre, t.Mood, t.Tags
		description[i], release[i], trackCID[i], cover[i], metaCID[i] = t.Description, t.ReleaseDate, t.TrackCID, t.CoverArt, t.MetadataCID
		unlisted[i], deleted[i] = t.IsUnlisted, t.IsDelete
		reposts[i], saves[i], plays[i] = t.RepostCount, t.SaveCount, t.PlayCount
		createdBlock[i], updatedBlock[i] = u64(t.CreatedBlock), u64(t.UpdatedBlock)
		createdAt[i], updatedAt[i] = u64(t.CreatedAt), u64(t.UpdatedAt)
	}
	batch.Queue(query, id, owner, title, slug, genre, mood, tags, description, release,
		duration, trackCID, cover, unlisted, deleted, metaCID,
		reposts, saves, plays, createdBlock, updatedBlock, createdAt, updatedAt,
		remixOf, stemOf, status)
	return nil
}

// Track returns the track with the given id, deleted or not: the indexer
// must see deleted tracks to refuse actions on them.
func (s *Store) Track(ctx context.Context, id int64) (*discovery.Track, bool, error) {
	const query = `SELECT ` + trackColumns + ` FROM tracks WHERE id = $1`
	t, err := scanTrack(s.pool.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
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
WHERE owner_id = $1 AND NOT is_delete
ORDER BY created_block DESC, id DESC
LIMIT $2 OFFSET $3`
	rows, err := s.pool.Query(ctx, query, userID, limit, offset)
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
