package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// userColumns is the select list scanUser reads, in its order.
const userColumns = `id, handle, COALESCE(handle_lower, ''), wallet, name, bio, location,
	profile_picture, cover_photo, artist_pick_id, is_verified, is_deactivated, metadata_cid,
	metadata_status, follower_count, followee_count, track_count, playlist_count, album_count, repost_count,
	created_block, updated_block, created_at, updated_at`

func scanUser(row scanner) (*discovery.User, error) {
	var (
		u      discovery.User
		wallet string
	)
	err := row.Scan(&u.ID, &u.Handle, &u.HandleLower, &wallet, &u.Name, &u.Bio, &u.Location,
		&u.ProfilePicture, &u.CoverPhoto, &u.ArtistPickID, &u.IsVerified, &u.IsDeactivated, &u.MetadataCID,
		&u.MetadataStatus, &u.FollowerCount, &u.FolloweeCount, &u.TrackCount, &u.PlaylistCount, &u.AlbumCount, &u.RepostCount,
		&u.CreatedBlock, &u.UpdatedBlock, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	u.Wallet = common.HexToAddress(wallet)
	return &u, nil
}

// collectUsers scans every row of a users query.
func collectUsers(rows *sql.Rows) ([]discovery.User, error) {
	return collectRows(rows, nil, scanUser)
}

// nullIfEmpty stores an empty handle as NULL, so handle-less users never
// collide on the unique index.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// upsertUsers writes the full image of every given user. SQLite checks
// UNIQUE per row, so a handle that changes hands within the block, or back
// in a revert, is first released by every written user whose handle
// differs.
func upsertUsers(ctx context.Context, tx *sql.Tx, rows []*discovery.User) error {
	const release = `UPDATE users SET handle_lower = NULL WHERE id = ? AND handle_lower IS NOT ?`
	err := execEach(ctx, tx, release, rows, func(u *discovery.User) ([]any, error) {
		return []any{u.ID, nullIfEmpty(u.HandleLower)}, nil
	})
	if err != nil {
		return fmt.Errorf("release handles: %w", err)
	}
	const query = `
INSERT INTO users (id, handle, handle_lower, name_lower, wallet, name, bio, location,
	profile_picture, cover_photo, artist_pick_id, is_verified, is_deactivated, metadata_cid,
	metadata_status, follower_count, followee_count, track_count, playlist_count, album_count, repost_count,
	created_block, updated_block, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	handle = excluded.handle, handle_lower = excluded.handle_lower, name_lower = excluded.name_lower,
	wallet = excluded.wallet, name = excluded.name, bio = excluded.bio, location = excluded.location,
	profile_picture = excluded.profile_picture, cover_photo = excluded.cover_photo,
	artist_pick_id = excluded.artist_pick_id, is_verified = excluded.is_verified,
	is_deactivated = excluded.is_deactivated, metadata_cid = excluded.metadata_cid,
	metadata_status = excluded.metadata_status,
	follower_count = excluded.follower_count, followee_count = excluded.followee_count,
	track_count = excluded.track_count, playlist_count = excluded.playlist_count,
	album_count = excluded.album_count, repost_count = excluded.repost_count,
	created_block = excluded.created_block, updated_block = excluded.updated_block,
	created_at = excluded.created_at, updated_at = excluded.updated_at`
	err = execEach(ctx, tx, query, rows, func(u *discovery.User) ([]any, error) {
		return []any{u.ID, u.Handle, nullIfEmpty(u.HandleLower), strings.ToLower(u.Name), lowerHex(u.Wallet),
			u.Name, u.Bio, u.Location, u.ProfilePicture, u.CoverPhoto, u.ArtistPickID, u.IsVerified,
			u.IsDeactivated, u.MetadataCID, u.MetadataStatus, u.FollowerCount, u.FolloweeCount, u.TrackCount,
			u.PlaylistCount, u.AlbumCount, u.RepostCount, u64(u.CreatedBlock), u64(u.UpdatedBlock),
			u64(u.CreatedAt), u64(u.UpdatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert users: %w", err)
	}
	return nil
}

// User returns the user with the given id, deactivated or not.
func (s *Store) User(ctx context.Context, id int64) (*discovery.User, bool, error) {
	const query = `SELECT ` + userColumns + ` FROM users WHERE id = ?`
	u, err := scanUser(s.readRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("user %d: %w", id, err)
	}
	return u, true, nil
}

// UserIDByHandle finds the owner of a handle, given in lower case.
func (s *Store) UserIDByHandle(ctx context.Context, handleLower string) (int64, bool, error) {
	const query = `SELECT id FROM users WHERE handle_lower = ?`
	var id int64
	err := s.readRow(ctx, query, handleLower).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("user by handle %q: %w", handleLower, err)
	}
	return id, true, nil
}

// GetUser returns the user or an ENOTFOUND error.
func (s *Store) GetUser(ctx context.Context, id int64) (*discovery.User, error) {
	u, ok, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "user %d not found", id)
	}
	return u, nil
}

// GetUserByHandle looks a handle up regardless of case.
func (s *Store) GetUserByHandle(ctx context.Context, handle string) (*discovery.User, error) {
	const query = `SELECT ` + userColumns + ` FROM users WHERE handle_lower = ?`
	u, err := scanUser(s.r.QueryRowContext(ctx, query, strings.ToLower(handle)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "user @%s not found", handle)
	}
	if err != nil {
		return nil, fmt.Errorf("user by handle %q: %w", handle, err)
	}
	return u, nil
}

// GetUsers returns the users that exist among ids, in the order of ids. The
// ids travel as one JSON array parameter, however many there are.
func (s *Store) GetUsers(ctx context.Context, ids []int64) ([]discovery.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("users by id: %w", err)
	}
	const query = `SELECT ` + userColumns + ` FROM users WHERE id IN (SELECT value FROM json_each(?))`
	rows, err := s.r.QueryContext(ctx, query, string(list))
	if err != nil {
		return nil, fmt.Errorf("users by id: %w", err)
	}
	found, err := collectUsers(rows)
	if err != nil {
		return nil, fmt.Errorf("users by id: %w", err)
	}
	byID := make(map[int64]discovery.User, len(found))
	for _, u := range found {
		byID[u.ID] = u
	}
	out := make([]discovery.User, 0, len(found))
	for _, id := range ids {
		if u, ok := byID[id]; ok {
			out = append(out, u)
		}
	}
	return out, nil
}
