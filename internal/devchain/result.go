package devchain

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// SeedResult is what Seed put on chain and the state an indexer should reach
// from it, so tests and `discovery dev` can check the pipeline end to end.
// The indexer must run with ids unrestricted (--id-offsets=none), Verifier
// as its --verifier and Plays as its --plays-contract.
type SeedResult struct {
	Contract common.Address `json:"contract"` // EntityManager
	Plays    common.Address `json:"plays"`    // the Plays contract
	// Relayer paid for everything and deployed both contracts, so it is
	// EntityManager's verifier (ManageIsVerified) and the Plays recorder.
	Relayer common.Address `json:"relayer"`
	// Verifier signed the User Verify actions: VerifierKey's address.
	Verifier common.Address `json:"verifier"`

	Users     []SeedUser     `json:"users"`     // valid users, by id
	Tracks    []SeedTrack    `json:"tracks"`    // every valid track, deleted ones included, by id
	Playlists []SeedPlaylist `json:"playlists"` // playlists and albums, deleted ones included, by id

	// The edges that exist once every action is applied (an unfollowed,
	// unreposted, unsaved or unsubscribed edge is absent).
	Follows       []discovery.FollowKey `json:"follows"`
	Subscriptions []discovery.FollowKey `json:"subscriptions"`
	Reposts       []discovery.ItemKey   `json:"reposts"`
	Saves         []discovery.ItemKey   `json:"saves"`
	// The reposts and saves among those made with is_repost_of_repost or
	// is_save_of_repost.
	RepostsOfReposts []discovery.ItemKey `json:"reposts_of_reposts"`
	SavesOfReposts   []discovery.ItemKey `json:"saves_of_reposts"`

	Apps   []SeedApp   `json:"apps"`   // developer apps registered, deleted ones included
	Grants []SeedGrant `json:"grants"` // grants created, revoked ones included

	// PlayDays are the accepted plays per track and UTC day of the block;
	// the tracks' PlayCount are their totals.
	PlayDays []discovery.PlayDay `json:"play_days"`

	// Delegated lists the valid actions signed by a key other than the
	// acting user's wallet (a developer app, a manager, the verifier).
	Delegated []SeedAction `json:"delegated"`
	// Invalid lists the deliberately invalid actions; the indexer must
	// reject each of them and record why.
	Invalid []SeedAction `json:"invalid"`

	Actions      int    `json:"actions"`      // ManageEntity events emitted, invalid ones included
	Transactions int    `json:"transactions"` // relayer transactions after the deployments
	FirstBlock   uint64 `json:"first_block"`
	LastBlock    uint64 `json:"last_block"`
}

// SeedUser is a demo user; its wallet is UserKey(ID)'s address.
type SeedUser struct {
	ID           int64          `json:"id"`
	Handle       string         `json:"handle"`
	Name         string         `json:"name"`
	Wallet       common.Address `json:"wallet"`
	Creator      bool           `json:"creator"`
	Verified     bool           `json:"verified"`
	ArtistPickID int64          `json:"artist_pick_track_id"` // 0 when none
}

// SeedTrack is a demo track as it stands after seeding (renamed tracks carry
// their new title).
type SeedTrack struct {
	ID          int64  `json:"id"`
	OwnerID     int64  `json:"owner_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Deleted     bool   `json:"deleted"`
	// Slugs are the permalinks that resolve to the track under its owner,
	// the current one first.
	Slugs     []string `json:"slugs"`
	RemixOf   []int64  `json:"remix_of,omitempty"`
	StemOf    int64    `json:"stem_of,omitempty"`
	PlayCount int64    `json:"play_count"`
}

// SeedPlaylist is a demo playlist or album.
type SeedPlaylist struct {
	ID       int64   `json:"id"`
	OwnerID  int64   `json:"owner_id"`
	Name     string  `json:"name"`
	Slug     string  `json:"slug"`
	IsAlbum  bool    `json:"is_album"`
	Deleted  bool    `json:"deleted"`
	TrackIDs []int64 `json:"track_ids"`
}

// SeedApp is a developer app; its key is AppKey(N).
type SeedApp struct {
	N       int            `json:"n"`
	Address common.Address `json:"address"`
	UserID  int64          `json:"user_id"` // who registered it
	Name    string         `json:"name"`
	Deleted bool           `json:"deleted"`
}

// SeedGrant is a grant as it stands after seeding.
type SeedGrant struct {
	UserID  int64          `json:"user_id"`
	Grantee common.Address `json:"grantee"`
	// Manager: the grantee is another user's wallet, not an app.
	Manager bool `json:"manager"`
	// Live: approved and not revoked. (A live grant to a deleted app still
	// lets the app do nothing.)
	Live    bool `json:"live"`
	Revoked bool `json:"revoked"`
}

// Kinds of invalid demo actions, so a check can hold each rejection to the
// rule it breaks.
const (
	InvalidForeignSigner     = "foreign_signer"       // signed by another user's wallet, no grant
	InvalidTakenHandle       = "taken_handle"         // a handle another user holds
	InvalidMetadata          = "bad_metadata"         // metadata that is not JSON
	InvalidNotOwner          = "not_owner"            // a delegate updating a track its grantor does not own
	InvalidRevokedGrant      = "revoked_grant"        // signed by an app whose grant was revoked
	InvalidDeletedApp        = "deleted_app"          // signed by a deleted app holding a grant
	InvalidGrantToDeletedApp = "grant_to_deleted_app" // a grant to a deleted app
	InvalidUnapprovedManager = "unapproved_manager"   // signed by a manager before Approve
	InvalidPlay              = "deleted_track_play"   // a play of a deleted track
)

// SeedAction is one relayed action the result singles out: one the indexer
// must reject, or one signed by a delegate.
type SeedAction struct {
	Kind       string         `json:"kind,omitempty"` // for an invalid action, one of the Invalid* kinds
	UserID     int64          `json:"user_id"`
	EntityType string         `json:"entity_type"`
	EntityID   int64          `json:"entity_id"`
	Action     string         `json:"action"`
	Signer     common.Address `json:"signer"` // zero for a Play, which only the recorder sends
	Reason     string         `json:"reason"` // why it is invalid, or who signs, in words
	TxHash     common.Hash    `json:"tx_hash"`
	Block      uint64         `json:"block"`
}
