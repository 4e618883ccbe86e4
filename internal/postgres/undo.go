package postgres

import (
	"cmp"
	"encoding/json"
	"strings"

	"github.com/discovery-node/discovery"
)

// undoImage is a block's Prior as kept in the undo table until the block
// is final. Rows are spelled like the tables that hold them, with the
// column names as keys, so RevertBlock writes them back server-side
// (jsonb_populate_recordset) without carrying them to the client and back.
// The keys of rows the block created, which a revert deletes, are listed
// apart. Every list is in key order, so the same Prior always encodes to
// the same bytes.
type undoImage struct {
	Users       []userRow      `json:"users,omitempty"`
	Tracks      []trackRow     `json:"tracks,omitempty"`
	Playlists   []playlistRow  `json:"playlists,omitempty"`
	Follows     []followRow    `json:"follows,omitempty"`
	Reposts     []itemRow      `json:"reposts,omitempty"`
	Saves       []itemRow      `json:"saves,omitempty"`
	NoUsers     []int64        `json:"no_users,omitempty"`
	NoTracks    []int64        `json:"no_tracks,omitempty"`
	NoPlaylists []int64        `json:"no_playlists,omitempty"`
	NoFollows   []followKeyRow `json:"no_follows,omitempty"`
	NoReposts   []itemKeyRow   `json:"no_reposts,omitempty"`
	NoSaves     []itemKeyRow   `json:"no_saves,omitempty"`
}

// encodeUndo spells prior as an undoImage.
func encodeUndo(prior discovery.RowSet) ([]byte, error) {
	var u undoImage
	users, noUsers := discovery.SplitRows(prior.Users, cmp.Compare[int64])
	tracks, noTracks := discovery.SplitRows(prior.Tracks, cmp.Compare[int64])
	playlists, noPlaylists := discovery.SplitRows(prior.Playlists, cmp.Compare[int64])
	follows, noFollows := discovery.SplitRows(prior.Follows, discovery.CompareFollowKeys)
	reposts, noReposts := discovery.SplitRows(prior.Reposts, discovery.CompareItemKeys)
	saves, noSaves := discovery.SplitRows(prior.Saves, discovery.CompareItemKeys)
	for _, r := range users {
		u.Users = append(u.Users, userRowOf(r))
	}
	for _, r := range tracks {
		u.Tracks = append(u.Tracks, trackRow(*r))
	}
	for _, r := range playlists {
		row, err := playlistRowOf(r)
		if err != nil {
			return nil, err
		}
		u.Playlists = append(u.Playlists, row)
	}
	for _, r := range follows {
		u.Follows = append(u.Follows, followRow{r.FollowerID, r.FolloweeID, u64(r.Block), u64(r.CreatedAt)})
	}
	u.Reposts, u.NoReposts = itemRows(reposts, noReposts)
	u.Saves, u.NoSaves = itemRows(saves, noSaves)
	for _, k := range noFollows {
		u.NoFollows = append(u.NoFollows, followKeyRow{k.FollowerID, k.FolloweeID})
	}
	u.NoUsers, u.NoTracks, u.NoPlaylists = noUsers, noTracks, noPlaylists
	return json.Marshal(u)
}

// userRow is a row of users.
type userRow struct {
	ID             int64   `json:"id"`
	Handle         string  `json:"handle"`
	HandleLower    *string `json:"handle_lower"`
	NameLower      string  `json:"name_lower"`
	Wallet         string  `json:"wallet"`
	Name           string  `json:"name"`
	Bio            string  `json:"bio"`
	Location       string  `json:"location"`
	ProfilePicture string  `json:"profile_picture"`
	CoverPhoto     string  `json:"cover_photo"`
	ArtistPickID   int64   `json:"artist_pick_id"`
	IsVerified     bool    `json:"is_verified"`
	IsDeactivated  bool    `json:"is_deactivated"`
	MetadataCID    string  `json:"metadata_cid"`
	FollowerCount  int64   `json:"follower_count"`
	FolloweeCount  int64   `json:"followee_count"`
	TrackCount     int64   `json:"track_count"`
	PlaylistCount  int64   `json:"playlist_count"`
	AlbumCount     int64   `json:"album_count"`
	RepostCount    int64   `json:"repost_count"`
	CreatedBlock   uint64  `json:"created_block"`
	UpdatedBlock   uint64  `json:"updated_block"`
	CreatedAt      uint64  `json:"created_at"`
	UpdatedAt      uint64  `json:"updated_at"`
}

// userRowOf stores u as queueUpsertUsers does.
func userRowOf(u *discovery.User) userRow {
	var handleLower *string
	if u.HandleLower != "" {
		handleLower = &u.HandleLower
	}
	return userRow{
		ID: u.ID, Handle: u.Handle, HandleLower: handleLower, NameLower: strings.ToLower(u.Name),
		Wallet: lowerHex(u.Wallet), Name: u.Name, Bio: u.Bio, Location: u.Location,
		ProfilePicture: u.ProfilePicture, CoverPhoto: u.CoverPhoto, ArtistPickID: u.ArtistPickID,
		IsVerified: u.IsVerified, IsDeactivated: u.IsDeactivated, MetadataCID: u.MetadataCID,
		FollowerCount: u.FollowerCount, FolloweeCount: u.FolloweeCount, TrackCount: u.TrackCount,
		PlaylistCount: u.PlaylistCount, AlbumCount: u.AlbumCount, RepostCount: u.RepostCount,
		CreatedBlock: u.CreatedBlock, UpdatedBlock: u.UpdatedBlock, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}

// trackRow is a row of tracks: a Track with the column names.
type trackRow struct {
	ID           int64  `json:"id"`
	OwnerID      int64  `json:"owner_id"`
	Title        string `json:"title"`
	Slug         string `json:"slug"`
	Genre        string `json:"genre"`
	Mood         string `json:"mood"`
	Tags         string `json:"tags"`
	Description  string `json:"description"`
	ReleaseDate  string `json:"release_date"`
	Duration     int64  `json:"duration"`
	TrackCID     string `json:"track_cid"`
	CoverArt     string `json:"cover_art"`
	IsUnlisted   bool   `json:"is_unlisted"`
	IsDelete     bool   `json:"is_delete"`
	MetadataCID  string `json:"metadata_cid"`
	RepostCount  int64  `json:"repost_count"`
	SaveCount    int64  `json:"save_count"`
	PlayCount    int64  `json:"play_count"`
	CreatedBlock uint64 `json:"created_block"`
	UpdatedBlock uint64 `json:"updated_block"`
	CreatedAt    uint64 `json:"created_at"`
	UpdatedAt    uint64 `json:"updated_at"`
}

// playlistRow is a row of playlists.
type playlistRow struct {
	ID           int64  `json:"id"`
	OwnerID      int64  `json:"owner_id"`
	Name         string `json:"name"`
	Slug         string `json:"slug"`
	Description  string `json:"description"`
	CoverArt     string `json:"cover_art"`
	IsAlbum      bool   `json:"is_album"`
	IsPrivate    bool   `json:"is_private"`
	IsDelete     bool   `json:"is_delete"`
	Tracks       string `json:"tracks"` // the column's text, as queueUpsertPlaylists stores it
	MetadataCID  string `json:"metadata_cid"`
	RepostCount  int64  `json:"repost_count"`
	SaveCount    int64  `json:"save_count"`
	CreatedBlock uint64 `json:"created_block"`
	UpdatedBlock uint64 `json:"updated_block"`
	CreatedAt    uint64 `json:"created_at"`
	UpdatedAt    uint64 `json:"updated_at"`
}

func playlistRowOf(p *discovery.Playlist) (playlistRow, error) {
	tracks, err := encodePlaylistTracks(p.Tracks)
	if err != nil {
		return playlistRow{}, err
	}
	return playlistRow{
		ID: p.ID, OwnerID: p.OwnerID, Name: p.Name, Slug: p.Slug, Description: p.Description,
		CoverArt: p.CoverArt, IsAlbum: p.IsAlbum, IsPrivate: p.IsPrivate, IsDelete: p.IsDelete,
		Tracks: tracks, MetadataCID: p.MetadataCID, RepostCount: p.RepostCount, SaveCount: p.SaveCount,
		CreatedBlock: p.CreatedBlock, UpdatedBlock: p.UpdatedBlock, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}, nil
}

// followRow is a row of follows.
type followRow struct {
	FollowerID int64 `json:"follower_id"`
	FolloweeID int64 `json:"followee_id"`
	Block      int64 `json:"block"`
	CreatedAt  int64 `json:"created_at"`
}

// followKeyRow is the key of a follow to delete.
type followKeyRow struct {
	FollowerID int64 `json:"follower_id"`
	FolloweeID int64 `json:"followee_id"`
}

// itemRow is a row of reposts or saves.
type itemRow struct {
	UserID    int64  `json:"user_id"`
	ItemType  string `json:"item_type"`
	ItemID    int64  `json:"item_id"`
	Block     int64  `json:"block"`
	CreatedAt int64  `json:"created_at"`
}

// itemKeyRow is the key of a repost or save to delete.
type itemKeyRow struct {
	UserID   int64  `json:"user_id"`
	ItemType string `json:"item_type"`
	ItemID   int64  `json:"item_id"`
}

func itemRows(rows []*discovery.ItemAction, absent []discovery.ItemKey) (present []itemRow, keys []itemKeyRow) {
	for _, a := range rows {
		present = append(present, itemRow{a.UserID, a.ItemType, a.ItemID, u64(a.Block), u64(a.CreatedAt)})
	}
	for _, k := range absent {
		keys = append(keys, itemKeyRow{k.UserID, k.ItemType, k.ItemID})
	}
	return present, keys
}
