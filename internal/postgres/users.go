package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// userColumns is the select list scanUser reads, in its order.
const userColumns = `id, handle, COALESCE(handle_lower, ''), wallet, name, bio, location,
	profile_picture, cover_photo, artist_pick_id, is_verified, is_deactivated, metadata_cid,
	follower_count, followee_count, track_count, playlist_count, album_count, repost_count,
	created_block, updated_block, created_at, updated_at, metadata_status`

func scanUser(row pgx.Row) (*discovery.User, error) {
	var (
		u      discovery.User
		wallet string
	)
	err := row.Scan(&u.ID, &u.Handle, &u.HandleLower, &wallet, &u.Name, &u.Bio, &u.Location,
		&u.ProfilePicture, &u.CoverPhoto, &u.ArtistPickID, &u.IsVerified, &u.IsDeactivated, &u.MetadataCID,
		&u.FollowerCount, &u.FolloweeCount, &u.TrackCount, &u.PlaylistCount, &u.AlbumCount, &u.RepostCount,
		&u.CreatedBlock, &u.UpdatedBlock, &u.CreatedAt, &u.UpdatedAt, &u.MetadataStatus)
	if err != nil {
		return nil, err
	}
	u.Wallet = common.HexToAddress(wallet)
	return &u, nil
}

// collectUsers scans every row of a users query.
func collectUsers(rows pgx.Rows) ([]discovery.User, error) {
	return collectRows(rows, nil, scanUser)
}

// userWriteColumns are the columns a write of a user image sets, in the
// order of the table.
const userWriteColumns = `id, handle, handle_lower, name_lower, wallet, name, bio, location,
	profile_picture, cover_photo, artist_pick_id, is_verified, is_deactivated, metadata_cid,
	follower_count, followee_count, track_count, playlist_count, album_count, repost_count,
	created_block, updated_block, created_at, updated_at, metadata_status`

// userOnConflict makes an insert of user images replace existing rows.
const userOnConflict = `ON CONFLICT (id) DO UPDATE SET
	handle = EXCLUDED.handle, handle_lower = EXCLUDED.handle_lower, name_lower = EXCLUDED.name_lower,
	wallet = EXCLUDED.wallet, name = EXCLUDED.name, bio = EXCLUDED.bio, location = EXCLUDED.location,
	profile_picture = EXCLUDED.profile_picture, cover_photo = EXCLUDED.cover_photo,
	artist_pick_id = EXCLUDED.artist_pick_id, is_verified = EXCLUDED.is_verified,
	is_deactivated = EXCLUDED.is_deactivated, metadata_cid = EXCLUDED.metadata_cid,
	follower_count = EXCLUDED.follower_count, followee_count = EXCLUDED.followee_count,
	track_count = EXCLUDED.track_count, playlist_count = EXCLUDED.playlist_count,
	album_count = EXCLUDED.album_count, repost_count = EXCLUDED.repost_count,
	created_block = EXCLUDED.created_block, updated_block = EXCLUDED.updated_block,
	created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
	metadata_status = EXCLUDED.metadata_status`

// queueUpsertUsers writes the full image of every given user in one
// statement. The handle constraint is deferred to commit, so users may
// trade handles within a block, and back in a revert.
func queueUpsertUsers(batch *pgx.Batch, rows []*discovery.User) {
	if len(rows) == 0 {
		return
	}
	const query = `INSERT INTO users (` + userWriteColumns + `)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
	$9::text[], $10::text[], $11::bigint[], $12::boolean[], $13::boolean[], $14::text[],
	$15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[],
	$21::bigint[], $22::bigint[], $23::bigint[], $24::bigint[], $25::text[])
` + userOnConflict
	n := len(rows)
	var (
		id, pick                              = make([]int64, n), make([]int64, n)
		handle, nameLower, wallet, name       = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		handleLower                           = make([]*string, n)
		bio, location, picture, cover, cid    = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		verified, deactivated                 = make([]bool, n), make([]bool, n)
		followers, followees, tracks          = make([]int64, n), make([]int64, n), make([]int64, n)
		playlists, albums, reposts            = make([]int64, n), make([]int64, n), make([]int64, n)
		createdBlock, updatedBlock, createdAt = make([]int64, n), make([]int64, n), make([]int64, n)
		updatedAt                             = make([]int64, n)
		status                                = make([]string, n)
	)
	for i, u := range rows {
		id[i], handle[i], nameLower[i], wallet[i], name[i] = u.ID, u.Handle, strings.ToLower(u.Name), lowerHex(u.Wallet), u.Name
		if u.HandleLower != "" {
			handleLower[i] = &u.HandleLower
		}
		bio[i], location[i], picture[i], cover[i], pick[i] = u.Bio, u.Location, u.ProfilePicture, u.CoverPhoto, u.ArtistPickID
		verified[i], deactivated[i], cid[i] = u.IsVerified, u.IsDeactivated, u.MetadataCID
		followers[i], followees[i], tracks[i] = u.FollowerCount, u.FolloweeCount, u.TrackCount
		playlists[i], albums[i], reposts[i] = u.PlaylistCount, u.AlbumCount, u.RepostCount
		createdBlock[i], updatedBlock[i] = u64(u.CreatedBlock), u64(u.UpdatedBlock)
		createdAt[i], updatedAt[i], status[i] = u64(u.CreatedAt), u64(u.UpdatedAt), u.MetadataStatus
	}
	batch.Queue(query, id, handle, handleLower, nameLower, wallet, name, bio, location,
		picture, cover, pick, verified, deactivated, cid,
		followers, followees, tracks, playlists, albums, reposts,
		createdBlock, updatedBlock, createdAt, updatedAt, status)
}

// User returns the user with the given id, deactivated or not.
func (s *Store) User(ctx context.Context, id int64) (*discovery.User, bool, error) {
	const query = `SELECT ` + userColumns + ` FROM users WHERE id = $1`
	u, err := scanUser(s.pool.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("user %d: %w", id, err)
	}
	return u, true, nil
}

// UserIDByHandle finds the owner of a handle, given in lower case.
func (s *Store) UserIDByHandle(ctx context.Context, handleLower string) (int64, bool, error) {
	const query = `SELECT id FROM users WHERE handle_lower = $1`
	var id int64
	err := s.pool.QueryRow(ctx, query, handleLower).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
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
	const query = `SELECT ` + userColumns + ` FROM users WHERE handle_lower = $1`
	u, err := scanUser(s.pool.QueryRow(ctx, query, strings.ToLower(handle)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "user @%s not found", handle)
	}
	if err != nil {
		return nil, fmt.Errorf("user by handle %q: %w", handle, err)
	}
	return u, nil
}

// GetUsers returns the users that exist among ids, in the order of ids.
func (s *Store) GetUsers(ctx context.Context, ids []int64) ([]discovery.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	const query = `SELECT ` + userColumns + ` FROM users WHERE id = ANY($1)`
	rows, err := s.pool.Query(ctx, query, ids)
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
