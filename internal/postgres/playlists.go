package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// playlistColumns is the select list scanPlaylist reads, in its order.
const playlistColumns = `id, owner_id, name, slug, description, cover_art, is_album, is_private, is_delete,
	tracks, metadata_cid, repost_count, save_count, created_block, updated_block, created_at, updated_at,
	metadata_status`

func scanPlaylist(row pgx.Row) (*discovery.Playlist, error) {
	var (
		p      discovery.Playlist
		tracks string
	)
	err := row.Scan(&p.ID, &p.OwnerID, &p.Name, &p.Slug, &p.Description, &p.CoverArt, &p.IsAlbum, &p.IsPrivate, &p.IsDelete,
		&tracks, &p.MetadataCID, &p.RepostCount, &p.SaveCount, &p.CreatedBlock, &p.UpdatedBlock, &p.CreatedAt, &p.UpdatedAt,
		&p.MetadataStatus)
	if err != nil {
		return nil, err
	}
	if p.Tracks, err = decodePlaylistTracks(tracks); err != nil {
		return nil, fmt.Errorf("playlist %d tracks: %w", p.ID, err)
	}
	return &p, nil
}

// encodePlaylistTracks stores a track list as JSON; an empty list is "[]".
func encodePlaylistTracks(ts []discovery.PlaylistTrack) (string, error) {
	if len(ts) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ts)
	return string(b), err
}

// decodePlaylistTracks reads a stored track list; an empty list comes back
// nil.
func decodePlaylistTracks(s string) ([]discovery.PlaylistTrack, error) {
	var ts []discovery.PlaylistTrack
	if err := json.Unmarshal([]byte(s), &ts); err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, nil
	}
	return ts, nil
}

// playlistWriteColumns are the columns a write of a playlist image sets, in
// the order of the table.
const playlistWriteColumns = playlistColumns

// playlistOnConflict makes an insert of playlist images replace existing
// rows.
const playlistOnConflict = `ON CONFLICT (id) DO UPDATE SET
	owner_id = EXCLUDED.owner_id, name = EXCLUDED.name, slug = EXCLUDED.slug,
	description = EXCLUDED.description, cover_art = EXCLUDED.cover_art, is_album = EXCLUDED.is_album,
	is_private = EXCLUDED.is_private, is_delete = EXCLUDED.is_delete, tracks = EXCLUDED.tracks,
	metadata_cid = EXCLUDED.metadata_cid, repost_count = EXCLUDED.repost_count,
	save_count = EXCLUDED.save_count, created_block = EXCLUDED.created_block,
	updated_block = EXCLUDED.updated_block, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
	metadata_status = EXCLUDED.metadata_status`

// queueUpsertPlaylists writes the full image of every changed playlist in
// one statement.
func queueUpsertPlaylists(batch *pgx.Batch, rows []*discovery.Playlist) error {
	if len(rows) == 0 {
		return nil
	}
	const query = `INSERT INTO playlists (` + playlistWriteColumns + `)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
	$7::boolean[], $8::boolean[], $9::boolean[], $10::text[], $11::text[], $12::bigint[], $13::bigint[],
	$14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[], $18::text[])
` + playlistOnConflict
	n := len(rows)
	var (
		id, owner                                 = make([]int64, n), make([]int64, n)
		name, slug, description, cover, tracks    = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		metaCID, status                           = make([]string, n), make([]string, n)
		album, private, deleted                   = make([]bool, n), make([]bool, n), make([]bool, n)
		reposts, saves                            = make([]int64, n), make([]int64, n)
		createdBlock, updatedBlock, createdAt, at = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	)
	for i, p := range rows {
		js, err := encodePlaylistTracks(p.Tracks)
		if err != nil {
			return fmt.Errorf("playlist %d tracks: %w", p.ID, err)
		}
		id[i], owner[i], tracks[i], metaCID[i], status[i] = p.ID, p.OwnerID, js, p.MetadataCID, p.MetadataStatus
		name[i], slug[i], description[i], cover[i] = p.Name, p.Slug, p.Description, p.CoverArt
		album[i], private[i], deleted[i] = p.IsAlbum, p.IsPrivate, p.IsDelete
		reposts[i], saves[i] = p.RepostCount, p.SaveCount
		createdBlock[i], updatedBlock[i], createdAt[i], at[i] = u64(p.CreatedBlock), u64(p.UpdatedBlock), u64(p.CreatedAt), u64(p.UpdatedAt)
	}
	batch.Queue(query, id, owner, name, slug, description, cover, album, private, deleted,
		tracks, metaCID, reposts, saves, createdBlock, updatedBlock, createdAt, at, status)
	return nil
}

// Playlist returns the playlist with the given id, deleted or not.
func (s *Store) Playlist(ctx context.Context, id int64) (*discovery.Playlist, bool, error) {
	const query = `SELECT ` + playlistColumns + ` FROM playlists WHERE id = $1`
	p, err := scanPlaylist(s.pool.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("playlist %d: %w", id, err)
	}
	return p, true, nil
}

// GetPlaylist returns a playlist that exists and is not deleted, else
// ENOTFOUND. Private playlists are returned: whether to show one is the
// API's decision.
func (s *Store) GetPlaylist(ctx context.Context, id int64) (*discovery.Playlist, error) {
	p, ok, err := s.Playlist(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok || p.IsDelete {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "playlist %d not found", id)
	}
	return p, nil
}
