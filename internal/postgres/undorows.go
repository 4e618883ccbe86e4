package postgres

import (
	"strings"

	"github.com/discovery-node/discovery"
)

// The rows of an undoImage, one type per table, with the column names as
// JSON keys and values as the upserts store them, so
// jsonb_populate_recordset(NULL::table, ...) reads them back as rows.

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
	MetadataStatus string  `json:"metadata_status"`
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
		MetadataStatus: u.MetadataStatus,
		FollowerCount:  u.FollowerCount, FolloweeCount: u.FolloweeCount, TrackCount: u.TrackCount,
		PlaylistCount: u.PlaylistCount, AlbumCount: u.AlbumCount, RepostCount: u.RepostCount,
		CreatedBlock: u.CreatedBlock, UpdatedBlock: u.UpdatedBlock, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}

// trackRow is a row of tracks.
type trackRow struct {
	ID             int64  `json:"id"`
	OwnerID        int64  `json:"owner_id"`
	Title          string `json:"title"`
	Slug           string `json:"slug"`
	Genre          string `json:"genre"`
	Mood           string `json:"mood"`
	Tags           string `json:"tags"`
	Description    string `json:"description"`
	ReleaseDate    string `json:"release_date"`
	Duration       int64  `json:"duration"`
	TrackCID       string `json:"track_cid"`
	CoverArt       string `json:"cover_art"`
	IsUnlisted     bool   `json:"is_unlisted"`
	IsDelete       bool   `json:"is_delete"`
	RemixOf        string `json:"remix_of"` // the column's text, as queueUpsertTracks stores it
	StemOf         int64  `json:"stem_of"`
	MetadataCID    string `json:"metadata_cid"`
	MetadataStatus string `json:"metadata_status"`
	RepostCount    int64  `json:"repost_count"`
	SaveCount      int64  `json:"save_count"`
	PlayCount      int64  `json:"play_count"`
	CreatedBlock   uint64 `json:"created_block"`
	UpdatedBlock   uint64 `json:"updated_block"`
	CreatedAt      uint64 `json:"created_at"`
	UpdatedAt      uint64 `json:"updated_at"`
}

func trackRowOf(t *discovery.Track) (trackRow, error) {
	remixOf, err := encodeRemixOf(t.RemixOf)
	if err != nil {
		return trackRow{}, err
	}
	return trackRow{
		ID: t.ID, OwnerID: t.OwnerID, Title: t.Title, Slug: t.Slug, Genre: t.Genre, Mood: t.Mood, Tags: t.Tags,
		Description: t.Description, ReleaseDate: t.ReleaseDate, Duration: t.Duration, TrackCID: t.TrackCID,
		CoverArt: t.CoverArt, IsUnlisted: t.IsUnlisted, IsDelete: t.IsDelete, RemixOf: remixOf, StemOf: t.StemOf,
		MetadataCID: t.MetadataCID, MetadataStatus: t.MetadataStatus,
		RepostCount: t.RepostCount, SaveCount: t.SaveCount, PlayCount: t.PlayCount,
		CreatedBlock: t.CreatedBlock, UpdatedBlock: t.UpdatedBlock, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}, nil
}

// playlistRow is a row of playlists.
type playlistRow struct {
	ID             int64  `json:"id"`
	OwnerID        int64  `json:"owner_id"`
	Name           string `json:"name"`
	Slug           string `json:"slug"`
	Description    string `json:"description"`
	CoverArt       string `json:"cover_art"`
	IsAlbum        bool   `json:"is_album"`
	IsPrivate      bool   `json:"is_private"`
	IsDelete       bool   `json:"is_delete"`
	Tracks         string `json:"tracks"` // the column's text, as queueUpsertPlaylists stores it
	MetadataCID    string `json:"metadata_cid"`
	MetadataStatus string `json:"metadata_status"`
	RepostCount    int64  `json:"repost_count"`
	SaveCount      int64  `json:"save_count"`
	CreatedBlock   uint64 `json:"created_block"`
	UpdatedBlock   uint64 `json:"updated_block"`
	CreatedAt      uint64 `json:"created_at"`
	UpdatedAt      uint64 `json:"updated_at"`
}

func playlistRowOf(p *discovery.Playlist) (playlistRow, error) {
	tracks, err := encodePlaylistTracks(p.Tracks)
	if err != nil {
		return playlistRow{}, err
	}
	return playlistRow{
		ID: p.ID, OwnerID: p.OwnerID, Name: p.Name, Slug: p.Slug, Description: p.Description,
		CoverArt: p.CoverArt, IsAlbum: p.IsAlbum, IsPrivate: p.IsPrivate, IsDelete: p.IsDelete,
		Tracks: tracks, MetadataCID: p.MetadataCID, MetadataStatus: p.MetadataStatus,
		RepostCount: p.RepostCount, SaveCount: p.SaveCount,
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
	OfRepost  bool   `json:"of_repost"`
}

// itemKeyRow is the key of a repost or save to delete.
type itemKeyRow struct {
	UserID   int64  `json:"user_id"`
	ItemType string `json:"item_type"`
	ItemID   int64  `json:"item_id"`
}

func itemRows(rows []*discovery.ItemAction, absent []discovery.ItemKey) (present []itemRow, keys []itemKeyRow) {
	for _, a := range rows {
		present = append(present, itemRow{a.UserID, a.ItemType, a.ItemID, u64(a.Block), u64(a.CreatedAt), a.OfRepost})
	}
	for _, k := range absent {
		keys = append(keys, itemKeyRow{k.UserID, k.ItemType, k.ItemID})
	}
	return present, keys
}

// subscriptionRow is a row of subscriptions.
type subscriptionRow struct {
	SubscriberID int64 `json:"subscriber_id"`
	UserID       int64 `json:"user_id"`
	Block        int64 `json:"block"`
	CreatedAt    int64 `json:"created_at"`
}

// subscriptionKey is the key of a subscription to delete.
type subscriptionKey struct {
	SubscriberID int64 `json:"subscriber_id"`
	UserID       int64 `json:"user_id"`
}

// routeRow is a row of routes.
type routeRow struct {
	OwnerID   int64  `json:"owner_id"`
	Kind      string `json:"kind"`
	Slug      string `json:"slug"`
	EntityID  int64  `json:"entity_id"`
	IsCurrent bool   `json:"is_current"`
	Block     int64  `json:"block"`
}

// routeKeyRow is the key of a route to delete.
type routeKeyRow struct {
	OwnerID int64  `json:"owner_id"`
	Kind    string `json:"kind"`
	Slug    string `json:"slug"`
}

// developerAppRow is a row of developer_apps.
type developerAppRow struct {
	Address      string `json:"address"`
	UserID       int64  `json:"user_id"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	IsDelete     bool   `json:"is_delete"`
	CreatedBlock int64  `json:"created_block"`
	UpdatedBlock int64  `json:"updated_block"`
	CreatedAt    int64  `json:"created_at"`
	UpdatedAt    int64  `json:"updated_at"`
}

func developerAppRowOf(a *discovery.DeveloperApp) developerAppRow {
	return developerAppRow{
		Address: lowerHex(a.Address), UserID: a.UserID, Name: a.Name, Description: a.Description, IsDelete: a.IsDelete,
		CreatedBlock: u64(a.CreatedBlock), UpdatedBlock: u64(a.UpdatedBlock), CreatedAt: u64(a.CreatedAt), UpdatedAt: u64(a.UpdatedAt),
	}
}

// grantRow is a row of grants.
type grantRow struct {
	UserID         int64  `json:"user_id"`
	GranteeAddress string `json:"grantee_address"`
	IsApproved     bool   `json:"is_approved"`
	IsRevoked      bool   `json:"is_revoked"`
	CreatedBlock   int64  `json:"created_block"`
	UpdatedBlock   int64  `json:"updated_block"`
	CreatedAt      int64  `json:"created_at"`
	UpdatedAt      int64  `json:"updated_at"`
}

func grantRowOf(g *discovery.Grant) grantRow {
	return grantRow{
		UserID: g.UserID, GranteeAddress: lowerHex(g.Grantee), IsApproved: g.IsApproved, IsRevoked: g.IsRevoked,
		CreatedBlock: u64(g.CreatedBlock), UpdatedBlock: u64(g.UpdatedBlock), CreatedAt: u64(g.CreatedAt), UpdatedAt: u64(g.UpdatedAt),
	}
}

// grantKeyRow is the key of a grant to delete.
type grantKeyRow struct {
	UserID         int64  `json:"user_id"`
	GranteeAddress string `json:"grantee_address"`
}

// playDayRow is a row of play_days.
type playDayRow struct {
	TrackID int64 `json:"track_id"`
	Day     int64 `json:"day"`
	Count   int64 `json:"count"`
}

// playDayKeyRow is the key of a play day to delete.
type playDayKeyRow struct {
	TrackID int64 `json:"track_id"`
	Day     int64 `json:"day"`
}
