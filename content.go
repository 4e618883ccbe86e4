package discovery

import (
	"context"
	"errors"

	"github.com/ethereum/go-ethereum/common"
)

// Entity types and actions of the content protocol's ManageEntity event, as
// the existing chain spells them. Social actions name the target's entity
// type: a follow is (User, Follow) with the followee as entity id, a repost of
// a track is (Track, Repost) with the track as entity id.
const (
	EntityUser         = "User"
	EntityTrack        = "Track"
	EntityPlaylist     = "Playlist"
	EntityDeveloperApp = "DeveloperApp"
	EntityGrant        = "Grant"

	ActionCreate      = "Create"
	ActionUpdate      = "Update"
	ActionDelete      = "Delete"
	ActionVerify      = "Verify"
	ActionFollow      = "Follow"
	ActionUnfollow    = "Unfollow"
	ActionRepost      = "Repost"
	ActionUnrepost    = "Unrepost"
	ActionSave        = "Save"
	ActionUnsave      = "Unsave"
	ActionSubscribe   = "Subscribe"
	ActionUnsubscribe = "Unsubscribe"
	ActionApprove     = "Approve"
	ActionReject      = "Reject"
)

// Item types a repost or save can point at.
const (
	ItemTrack    = "track"
	ItemPlaylist = "playlist"
)

// User is a profile of the content protocol. Its wallet is the address that
// signed the Create; only that wallet may act for the user. The counts are
// kept by the indexer as part of the row so a revert restores them exactly.
type User struct {
	ID             int64
	Handle         string
	HandleLower    string
	Wallet         common.Address
	Name           string
	Bio            string
	Location       string
	ProfilePicture string // CID
	CoverPhoto     string // CID
	ArtistPickID   int64  // 0 when unset
	IsVerified     bool
	IsDeactivated  bool
	MetadataCID    string
	// MetadataStatus says where the descriptive fields (name, bio, location,
	// pictures) came from; see the Metadata* constants.
	MetadataStatus string

	FollowerCount int64
	FolloweeCount int64
	TrackCount    int64
	PlaylistCount int64
	AlbumCount    int64
	RepostCount   int64 // reposts this user made

	CreatedBlock uint64
	UpdatedBlock uint64
	CreatedAt    uint64 // block time, unix seconds
	UpdatedAt    uint64
}

// Track is an uploaded piece of audio. A deleted track keeps its row with
// IsDelete set so its id is never reused.
type Track struct {
	ID          int64
	OwnerID     int64
	Title       string
	Slug        string
	Genre       string
	Mood        string
	Tags        string
	Description string
	ReleaseDate string
	Duration    int64 // seconds
	TrackCID    string
	CoverArt    string // CID
	IsUnlisted  bool
	IsDelete    bool
	RemixOf     []int64 // parent tracks this track remixes, in the order given
	StemOf      int64   // the parent track this track is a stem of; 0 when none
	MetadataCID string
	// MetadataStatus says where the descriptive fields (title, genre, mood,
	// tags, description, release date, duration, CIDs) came from.
	MetadataStatus string

	RepostCount int64
	SaveCount   int64
	PlayCount   int64 // kept by the indexer from Play events

	CreatedBlock uint64
	UpdatedBlock uint64
	CreatedAt    uint64
	UpdatedAt    uint64
}

// PlaylistTrack is one entry of a playlist's ordered track list.
type PlaylistTrack struct {
	TrackID           int64  `json:"track_id"`
	Timestamp         uint64 `json:"timestamp"`
	MetadataTimestamp uint64 `json:"metadata_timestamp"`
}

// Playlist is an ordered list of tracks, or an album when IsAlbum is set.
type Playlist struct {
	ID          int64
	OwnerID     int64
	Name        string
	Slug        string
	Description string
	CoverArt    string // CID
	IsAlbum     bool
	IsPrivate   bool
	IsDelete    bool
	Tracks      []PlaylistTrack
	MetadataCID string
	// MetadataStatus says where the descriptive fields (name, description,
	// cover art) came from.
	MetadataStatus string

	RepostCount int64
	SaveCount   int64

	CreatedBlock uint64
	UpdatedBlock uint64
	CreatedAt    uint64
	UpdatedAt    uint64
}

// FollowKey identifies a follow edge.
type FollowKey struct {
	FollowerID int64
	FolloweeID int64
}

// Follow is a follow edge between two users.
type Follow struct {
	FollowKey
	Block     uint64
	CreatedAt uint64
}

// ItemKey identifies a repost or a save: who acted on which item.
type ItemKey struct {
	UserID   int64
	ItemType string // ItemTrack or ItemPlaylist
	ItemID   int64
}

// ItemAction is a repost or a save of a track or playlist. OfRepost marks a
// repost of a repost, or a save of a repost (the client saw the item in
// someone's reposts), as the action's metadata said.
type ItemAction struct {
	ItemKey
	OfRepost  bool
	Block     uint64
	CreatedAt uint64
}

// RejectedAction records a ManageEntity event the indexer refused, and why,
// so operators and users can see what happened to an action that had no
// effect.
type RejectedAction struct {
	Block      uint64
	TxHash     common.Hash
	LogIndex   uint
	UserID     int64
	EntityType string
	EntityID   int64
	Action     string
	Signer     common.Address
	Reason     string
}

// RowSet is a set of row images keyed like the tables that hold them. A nil
// value means "no row": an edge removed, or, in an undo image, an entity that
// did not exist yet.
type RowSet struct {
	Users     map[int64]*User
	Tracks    map[int64]*Track
	Playlists map[int64]*Playlist
	Follows   map[FollowKey]*Follow
	Reposts   map[ItemKey]*ItemAction
	Saves     map[ItemKey]*ItemAction
	// Subscriptions reuse the follow edge: FollowerID subscribes to
	// FolloweeID's new releases.
	Subscriptions map[FollowKey]*Follow
	Routes        map[RouteKey]*Route
	DeveloperApps map[common.Address]*DeveloperApp
	Grants        map[GrantKey]*Grant
	PlayDays      map[PlayDayKey]*PlayDay
}

// NewRowSet returns an empty, ready to fill RowSet.
func NewRowSet() RowSet {
	return RowSet{
		Users:     map[int64]*User{},
		Tracks:    map[int64]*Track{},
		Playlists: map[int64]*Playlist{},
		Follows:   map[FollowKey]*Follow{},
		Reposts:   map[ItemKey]*ItemAction{},
		Saves:     map[ItemKey]*ItemAction{},

		Subscriptions: map[FollowKey]*Follow{},
		Routes:        map[RouteKey]*Route{},
		DeveloperApps: map[common.Address]*DeveloperApp{},
		Grants:        map[GrantKey]*Grant{},
		PlayDays:      map[PlayDayKey]*PlayDay{},
	}
}

// Changes is everything one block changes in the content state: the new image
// of every row it touched (nil: the row is removed), the actions it rejected,
// and Prior, the image of each of those rows before the block (nil: there
// was no row). Prior has exactly the keys of the embedded RowSet. A store
// applies Changes together with the block and the checkpoint in one
// transaction and keeps Prior until the block is final, so a reorg can undo
// the block exactly, and the state digest can be updated without rereading
// the tables.
type Changes struct {
	RowSet
	Rejected []RejectedAction
	Prior    RowSet
}

// NewChanges returns an empty, ready to fill Changes.
func NewChanges() *Changes {
	return &Changes{RowSet: NewRowSet(), Prior: NewRowSet()}
}

// EntityReader is what the content indexer reads while validating an action.
// Missing rows are reported with ok == false, not an error.
type EntityReader interface {
	User(ctx context.Context, id int64) (u *User, ok bool, err error)
	UserIDByHandle(ctx context.Context, handleLower string) (id int64, ok bool, err error)
	Track(ctx context.Context, id int64) (t *Track, ok bool, err error)
	Playlist(ctx context.Context, id int64) (p *Playlist, ok bool, err error)
	Follow(ctx context.Context, k FollowKey) (f *Follow, ok bool, err error)
	Repost(ctx context.Context, k ItemKey) (r *ItemAction, ok bool, err error)
	Save(ctx context.Context, k ItemKey) (s *ItemAction, ok bool, err error)
	Subscription(ctx context.Context, k FollowKey) (s *Follow, ok bool, err error)
	Route(ctx context.Context, k RouteKey) (r *Route, ok bool, err error)
	DeveloperApp(ctx context.Context, address common.Address) (a *DeveloperApp, ok bool, err error)
	Grant(ctx context.Context, k GrantKey) (g *Grant, ok bool, err error)
	PlayDay(ctx context.Context, k PlayDayKey) (d *PlayDay, ok bool, err error)
}

// ContentQueries answers the API's questions. Lookups of a missing or deleted
// entity return an *Error with code ENOTFOUND.
type ContentQueries interface {
	GetUser(ctx context.Context, id int64) (*User, error)
	GetUserByHandle(ctx context.Context, handle string) (*User, error)
	GetUsers(ctx context.Context, ids []int64) ([]User, error)
	SearchUsers(ctx context.Context, query string, p Page) ([]User, error)
	Followers(ctx context.Context, userID int64, p Page) ([]User, error)
	Following(ctx context.Context, userID int64, p Page) ([]User, error)
	UserTracks(ctx context.Context, userID int64, p Page) ([]Track, error)
	GetTrack(ctx context.Context, id int64) (*Track, error)
	// GetTrackWithOwner is GetTrack with the track's owner, read at once
	// (every track answer embeds its owner). owner is nil, with no error,
	// when the index lacks the owner's row.
	GetTrackWithOwner(ctx context.Context, id int64) (t *Track, owner *User, err error)
	GetPlaylist(ctx context.Context, id int64) (*Playlist, error)
	RejectedActions(ctx context.Context, p Page) ([]RejectedAction, error)
}

// Store is the durable content state: the indexed blocks with the checkpoint,
// the entities, and the queries over them. Each method owns its transaction.
type Store interface {
	EntityReader
	ContentQueries
	ListQueries
	SearchQueries
	TrendingQueries
	MetadataStore
	// Head returns the newest indexed block (the checkpoint); ok is false
	// before the first block.
	Head(ctx context.Context) (b BlockRef, ok bool, err error)
	// Block returns the indexed block at number n; ok is false when there is
	// none. The follower compares these with the node's to find where a
	// reorganisation forked.
	Block(ctx context.Context, n uint64) (b BlockRef, ok bool, err error)
	// ApplyBlock writes the block row, its changes, their undo image, the
	// new state digest and the checkpoint in one transaction. The block must
	// extend the current head (ErrNotNextBlock otherwise).
	ApplyBlock(ctx context.Context, b BlockRef, c *Changes) error
	// ApplyBlocks applies a run of blocks, each extending the one before and
	// the first extending the head, in one transaction: for each block what
	// ApplyBlock would write (block row, rejected actions, undo image, state
	// digest), and the rows as the last block leaves them. A block of the
	// run that does not fit fails the whole run.
	ApplyBlocks(ctx context.Context, bcs []BlockChanges) error
	// RowReader reads the rows a batch of actions will look at in one go.
	RowReader
	// RevertBlock undoes the head block exactly — every row, count and
	// rejected action it wrote — and makes its parent the head, in one
	// transaction. b must be the head (ErrNotHead otherwise); a block whose
	// undo image was pruned cannot be reverted (ErrFinalized).
	RevertBlock(ctx context.Context, b BlockRef) error
	// Prune drops undo images of blocks below the given number, which the
	// chain has finalized, and returns how many it dropped.
	Prune(ctx context.Context, below uint64) (int, error)
	// StateDigest returns the digest of all chain-derived state at the head,
	// as kept incrementally block by block (zero before the first block).
	StateDigest(ctx context.Context) (Digest, error)
	// ComputeDigest recomputes the digest from every row, ignoring the kept
	// one; a difference between the two means the tables were changed
	// outside indexing.
	ComputeDigest(ctx context.Context) (Digest, error)
	Close() error
}

// Errors a Store returns for blocks that do not fit its head. Callers test
// with errors.Is; the stores wrap them in an *Error with code EINVALID.
var (
	ErrNotNextBlock = errors.New("block does not extend the indexed head")
	ErrNotHead      = errors.New("block is not the indexed head")
	ErrFinalized    = errors.New("block is final: its undo image was pruned")
)
