package discovery

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// RouteKey is a permalink: the owner, the namespace (ItemTrack for
// /{handle}/{slug}, ItemPlaylist for /{handle}/playlist/{slug} and
// /{handle}/album/{slug}) and the slug. Routes hang off the owner's id, not
// the handle, so a handle change moves every permalink with it.
type RouteKey struct {
	OwnerID int64
	Kind    string // ItemTrack or ItemPlaylist
	Slug    string
}

// Route maps a permalink to the entity it names. Routes are never removed
// while their entity lives: a rename adds the new slug as current and keeps
// the old one resolving, and a slug once used stays with its entity, so a
// link someone shared never starts pointing at another track.
type Route struct {
	RouteKey
	EntityID  int64
	IsCurrent bool
	Block     uint64
}

// DeveloperApp is a key registered by a user so that, once other users
// grant it, it may act for them. The row outlives a Delete (IsDelete) so
// grants to it stop working and its address is never registered again.
type DeveloperApp struct {
	Address      common.Address
	UserID       int64 // the user who registered it
	Name         string
	Description  string
	IsDelete     bool
	CreatedBlock uint64
	UpdatedBlock uint64
	CreatedAt    uint64
	UpdatedAt    uint64
}

// GrantKey identifies a grant: the user who grants and the address granted.
type GrantKey struct {
	UserID  int64
	Grantee common.Address
}

// Grant lets Grantee sign actions for UserID. A grant to a developer app is
// approved when created; a grant to another user's wallet (a manager) waits
// for that user's Approve. A revoked or rejected grant keeps its row.
type Grant struct {
	GrantKey
	IsApproved   bool
	IsRevoked    bool
	CreatedBlock uint64
	UpdatedBlock uint64
	CreatedAt    uint64
	UpdatedAt    uint64
}

// PlayDayKey identifies a track's plays on one UTC day (unix seconds / 86400
// of the block that recorded them).
type PlayDayKey struct {
	TrackID int64
	Day     int64
}

// PlayDay counts a track's plays on one day, for windowed play counts.
type PlayDay struct {
	PlayDayKey
	Count int64
}

// Where an entity's descriptive fields came from. Inline metadata is part of
// the chain, so its fields are chain-derived state like any other. Metadata
// named by a bare CID arrives later from IPFS, at a time that differs from
// node to node, so those fields are kept out of the state digest.
const (
	MetadataInline   = ""         // inline JSON in the event, or no metadata
	MetadataPending  = "pending"  // named by CID, not fetched yet
	MetadataResolved = "resolved" // named by CID, fetched, verified and applied
	MetadataFailed   = "failed"   // named by CID, refused for good (see the job's reason)
)

// MetadataJob is one entity whose metadata, named by CID, is still to be
// fetched.
type MetadataJob struct {
	Kind     string // EntityUser, EntityTrack or EntityPlaylist
	ID       int64
	CID      string
	Attempts int
}

// UserMetadata is what metadata fetched by CID may set on a user. Handles,
// artist picks and deactivation are protocol state whose rules depend on
// other rows at the action's block; they come only inline.
type UserMetadata struct {
	Name, Bio, Location, ProfilePicture, CoverPhoto string
}

// TrackMetadata is what metadata fetched by CID may set on a track. Remix
// and stem parents and is_unlisted come only inline.
type TrackMetadata struct {
	Title, Genre, Mood, Tags, Description, ReleaseDate string
	Duration                                           int64
	TrackCID, CoverArt                                 string
}

// PlaylistMetadata is what metadata fetched by CID may set on a playlist;
// the track list and album/private flags come only inline.
type PlaylistMetadata struct {
	Name, Description, CoverArt string
}

// MetadataFields is one resolved job's fields: exactly the one matching the
// job's Kind is set.
type MetadataFields struct {
	User     *UserMetadata
	Track    *TrackMetadata
	Playlist *PlaylistMetadata
}

// MetadataStore is the durable queue of metadata still to fetch. It is kept
// beside the chain-derived state but outside it: none of it enters the state
// digest, and a revert does not rewind it.
type MetadataStore interface {
	// PendingMetadata returns up to limit entities whose metadata status is
	// pending and whose next attempt is due at now, oldest first.
	PendingMetadata(ctx context.Context, limit int, now time.Time) ([]MetadataJob, error)
	// ResolveMetadata sets the entity's descriptive fields and marks it
	// resolved, only if it still names job.CID and is pending; otherwise it
	// changes nothing.
	ResolveMetadata(ctx context.Context, job MetadataJob, f MetadataFields) error
	// FailMetadata records a failed attempt with a reason a person can act
	// on. A permanent failure marks the entity's metadata failed; otherwise
	// the attempt count grows and the job is due again at retryAt. It
	// changes nothing if the entity no longer names job.CID.
	FailMetadata(ctx context.Context, job MetadataJob, reason string, permanent bool, retryAt time.Time) error
	// MetadataAttempts returns how many attempts failed for the entity's
	// current metadata CID and the last reason; ok is false when none did.
	MetadataAttempts(ctx context.Context, kind string, id int64) (attempts int, reason string, ok bool, err error)
}
