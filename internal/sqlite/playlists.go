package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

// playlistColumns is the select list scanPlaylist reads, in its order.
const playlistColumns = `id, owner_id, name, slug, description, cover_art, is_album, is_private, is_delete,
	tracks, metadata_cid, metadata_status, repost_count, save_count, created_block, updated_block, created_at, updated_at`

func scanPlaylist(row scanner) (*discovery.Playlist, error) {
	var (
		p      discovery.Playlist
		tracks string
	)
	err := row.Scan(&p.ID, &p.OwnerID, &p.Name, &p.Slug, &p.Description, &p.CoverArt, &p.IsAlbum, &p.IsPrivate, &p.IsDelete,
		&tracks, &p.MetadataCID, &p.MetadataStatus, &p.RepostCount, &p.SaveCount, &p.CreatedBlock, &p.UpdatedBlock, &p.CreatedAt, &p.UpdatedAt)
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

// upsertPlaylists writes the full image of every changed playlist.
func upsertPlaylists(ctx context.Context, tx *sql.Tx, rows []*discovery.Playlist) error {
	const query = `
INSERT INTO playlists (id, owner_id, name, slug, description, cover_art, is_album, is_private, is_delete,
	tracks, metadata_cid, metadata_status, repost_count, save_count, created_block, updated_block, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	owner_id = excluded.owner_id, name = excluded.name, slug = excluded.slug,
	description = excluded.description, cover_art = excluded.cover_art, is_album = excluded.is_album,
	is_private = excluded.is_private, is_delete = excluded.is_delete, tracks = excluded.tracks,
	metadata_cid = excluded.metadata_cid, metadata_status = excluded.metadata_status,
	repost_count = excluded.repost_count,
	save_count = excluded.save_count, created_block = excluded.created_block,
	updated_block = excluded.updated_block, created_at = excluded.created_at, updated_at = excluded.updated_at`
	err := execEach(ctx, tx, query, rows, func(p *discovery.Playlist) ([]any, error) {
		js, err := encodePlaylistTracks(p.Tracks)
		if err != nil {
			return nil, fmt.Errorf("playlist %d tracks: %w", p.ID, err)
		}
		return []any{p.ID, p.OwnerID, p.Name, p.Slug, p.Description, p.CoverArt, p.IsAlbum, p.IsPrivate, p.IsDelete,
			js, p.MetadataCID, p.MetadataStatus, p.RepostCount, p.SaveCount, u64(p.CreatedBlock), u64(p.UpdatedBlock),
			u64(p.CreatedAt), u64(p.UpdatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert playlists: %w", err)
	}
	return nil
}

// Playlist returns the playlist with the given id, deleted or not.
func (s *Store) Playlist(ctx context.Context, id int64) (*discovery.Playlist, bool, error) {
	const query = `SELECT ` + playlistColumns + ` FROM playlists WHERE id = ?`
	p, err := scanPlaylist(s.readRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
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
