package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// chain hands out consecutive blocks with distinct hashes, each the child
// of the previous one.
type chain struct {
	next discovery.BlockRef
}

func newChain(first uint64) *chain {
	return &chain{next: discovery.BlockRef{Number: first, Hash: hashOf("block", first), ParentHash: hashOf("block", first-1), Time: 1_700_000_000 + first*2}}
}

// block returns the next block and advances.
func (c *chain) block() discovery.BlockRef {
	b := c.next
	n := b.Number + 1
	c.next = discovery.BlockRef{Number: n, Hash: hashOf("block", n), ParentHash: b.Hash, Time: b.Time + 2}
	return b
}

// hashOf makes a full 32-byte hash, so a store that truncates or mangles
// one is caught.
func hashOf(kind string, n uint64) common.Hash {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return sha256.Sum256(append([]byte(kind), b[:]...))
}

// addressOf makes an address with mixed-case hex in its checksum form.
func addressOf(n int64) common.Address {
	h := hashOf("address", uint64(n))
	return common.BytesToAddress(h[:20])
}

// user returns a user with every field set, so a lost column shows.
func user(id int64, handle string, followers int64) *discovery.User {
	return &discovery.User{
		ID:             id,
		Handle:         handle,
		HandleLower:    strings.ToLower(handle),
		Wallet:         addressOf(id),
		Name:           "Name of " + handle,
		Bio:            "bio " + handle,
		Location:       "Lisbon",
		ProfilePicture: fmt.Sprintf("QmPicture%d", id),
		CoverPhoto:     fmt.Sprintf("QmCover%d", id),
		ArtistPickID:   id * 10,
		IsVerified:     id%2 == 0,
		IsDeactivated:  false,
		MetadataCID:    fmt.Sprintf("QmUserMeta%d", id),
		FollowerCount:  followers,
		FolloweeCount:  id + 1,
		TrackCount:     id + 2,
		PlaylistCount:  id + 3,
		AlbumCount:     id + 4,
		RepostCount:    id + 5,
		CreatedBlock:   uint64(id) + 100,
		UpdatedBlock:   uint64(id) + 200,
		CreatedAt:      1_700_000_000 + uint64(id),
		UpdatedAt:      1_700_000_500 + uint64(id),
	}
}

// track returns a track with every field set.
func track(id, owner int64, createdBlock uint64) *discovery.Track {
	return &discovery.Track{
		ID:           id,
		OwnerID:      owner,
		Title:        fmt.Sprintf("Track %d", id),
		Slug:         fmt.Sprintf("track-%d", id),
		Genre:        "Electronic",
		Mood:         "Peaceful",
		Tags:         "ambient,night",
		Description:  "a description",
		ReleaseDate:  "2024-05-01",
		Duration:     180 + id,
		TrackCID:     fmt.Sprintf("QmTrack%d", id),
		CoverArt:     fmt.Sprintf("QmArt%d", id),
		IsUnlisted:   id%2 == 1,
		RemixOf:      []int64{id + 200, id + 100}, // not in order: the order given is kept
		StemOf:       stemOf(id),
		MetadataCID:  fmt.Sprintf("QmTrackMeta%d", id),
		RepostCount:  id + 1,
		SaveCount:    id + 2,
		PlayCount:    id + 3,
		CreatedBlock: createdBlock,
		UpdatedBlock: createdBlock + 1,
		CreatedAt:    1_700_000_000 + createdBlock,
		UpdatedAt:    1_700_000_100 + createdBlock,
	}
}

// stemOf gives every other track a stem parent, so both kinds of rows are
// stored.
func stemOf(id int64) int64 {
	if id%2 == 0 {
		return id + 300
	}
	return 0
}

// playlist returns a playlist with every field set and two tracks.
func playlist(id, owner int64) *discovery.Playlist {
	return &discovery.Playlist{
		ID:          id,
		OwnerID:     owner,
		Name:        fmt.Sprintf("Playlist %d", id),
		Slug:        fmt.Sprintf("playlist-%d", id),
		Description: "songs",
		CoverArt:    fmt.Sprintf("QmPlArt%d", id),
		IsAlbum:     true,
		Tracks: []discovery.PlaylistTrack{
			{TrackID: 7, Timestamp: 1_700_000_001, MetadataTimestamp: 1_700_000_002},
			{TrackID: 3, Timestamp: 1_700_000_003, MetadataTimestamp: 1_700_000_004},
		},
		MetadataCID:  fmt.Sprintf("QmPlMeta%d", id),
		RepostCount:  4,
		SaveCount:    5,
		CreatedBlock: 10,
		UpdatedBlock: 11,
		CreatedAt:    1_700_000_010,
		UpdatedAt:    1_700_000_011,
	}
}

func follow(follower, followee int64, block uint64) *discovery.Follow {
	return &discovery.Follow{FollowKey: discovery.FollowKey{FollowerID: follower, FolloweeID: followee}, Block: block, CreatedAt: 1_700_000_000 + block}
}

func item(userID int64, itemType string, itemID int64, block uint64) *discovery.ItemAction {
	return &discovery.ItemAction{ItemKey: discovery.ItemKey{UserID: userID, ItemType: itemType, ItemID: itemID}, Block: block, CreatedAt: 1_700_000_000 + block}
}

// ofRepost marks a repost or save as made from someone's repost.
func ofRepost(a *discovery.ItemAction) *discovery.ItemAction {
	a.OfRepost = true
	return a
}

// subscription is a subscription edge for changes, which would take a bare
// Follow for a follow.
type subscription struct{ *discovery.Follow }

func subscribe(subscriber, user int64, block uint64) subscription {
	return subscription{follow(subscriber, user, block)}
}

func subKey(subscriber, user int64) discovery.FollowKey {
	return discovery.FollowKey{FollowerID: subscriber, FolloweeID: user}
}

func route(owner int64, kind, slug string, entity int64, current bool, block uint64) *discovery.Route {
	return &discovery.Route{RouteKey: discovery.RouteKey{OwnerID: owner, Kind: kind, Slug: slug}, EntityID: entity, IsCurrent: current, Block: block}
}

// appAddress is the address of developer app n, apart from users' wallets.
func appAddress(n int64) common.Address { return addressOf(-n) }

// developerApp returns app n of a user with every field set.
func developerApp(n, userID int64, block uint64) *discovery.DeveloperApp {
	return &discovery.DeveloperApp{
		Address: appAddress(n), UserID: userID, Name: fmt.Sprintf("App %d", n), Description: "does things",
		CreatedBlock: block, UpdatedBlock: block, CreatedAt: 1_700_000_000 + block, UpdatedAt: 1_700_000_000 + block,
	}
}

func grant(userID int64, grantee common.Address, approved bool, block uint64) *discovery.Grant {
	return &discovery.Grant{
		GrantKey: discovery.GrantKey{UserID: userID, Grantee: grantee}, IsApproved: approved,
		CreatedBlock: block, UpdatedBlock: block, CreatedAt: 1_700_000_000 + block, UpdatedAt: 1_700_000_000 + block,
	}
}

func playDay(trackID, day, count int64) *discovery.PlayDay {
	return &discovery.PlayDay{PlayDayKey: discovery.PlayDayKey{TrackID: trackID, Day: day}, Count: count}
}

// withStatus sets the metadata status of a user, track or playlist and
// returns it.
func withStatus[T discovery.User | discovery.Track | discovery.Playlist](row *T, status string) *T {
	switch r := any(row).(type) {
	case *discovery.User:
		r.MetadataStatus = status
	case *discovery.Track:
		r.MetadataStatus = status
	case *discovery.Playlist:
		r.MetadataStatus = status
	}
	return row
}

// changes builds a Changes from rows of every table but reposts and
// saves, which share a type: tests put those in by hand.
func changes(t testing.TB, rows ...any) *discovery.Changes {
	t.Helper()
	c := discovery.NewChanges()
	for _, r := range rows {
		switch r := r.(type) {
		case *discovery.User:
			c.Users[r.ID] = r
		case *discovery.Track:
			c.Tracks[r.ID] = r
		case *discovery.Playlist:
			c.Playlists[r.ID] = r
		case *discovery.Follow:
			c.Follows[r.FollowKey] = r
		case subscription:
			c.Subscriptions[r.FollowKey] = r.Follow
		case *discovery.Route:
			c.Routes[r.RouteKey] = r
		case *discovery.DeveloperApp:
			c.DeveloperApps[r.Address] = r
		case *discovery.Grant:
			c.Grants[r.GrantKey] = r
		case *discovery.PlayDay:
			c.PlayDays[r.PlayDayKey] = r
		case discovery.RejectedAction:
			c.Rejected = append(c.Rejected, r)
		default:
			t.Fatalf("changes: unexpected %T", r)
		}
	}
	return c
}

// withPrior fills c.Prior the way the content indexer does: for every
// changed row without a prior image yet, the row as the store holds it now
// (nil when it has none). It returns c, for chaining.
func withPrior(t testing.TB, s discovery.EntityReader, c *discovery.Changes) *discovery.Changes {
	t.Helper()
	if c == nil {
		return nil
	}
	ctx := context.Background()
	p := &c.Prior
	p.Users = priorOf(t, c.Users, p.Users, func(id int64) (*discovery.User, bool, error) { return s.User(ctx, id) })
	p.Tracks = priorOf(t, c.Tracks, p.Tracks, func(id int64) (*discovery.Track, bool, error) { return s.Track(ctx, id) })
	p.Playlists = priorOf(t, c.Playlists, p.Playlists, func(id int64) (*discovery.Playlist, bool, error) { return s.Playlist(ctx, id) })
	p.Follows = priorOf(t, c.Follows, p.Follows, func(k discovery.FollowKey) (*discovery.Follow, bool, error) { return s.Follow(ctx, k) })
	p.Reposts = priorOf(t, c.Reposts, p.Reposts, func(k discovery.ItemKey) (*discovery.ItemAction, bool, error) { return s.Repost(ctx, k) })
	p.Saves = priorOf(t, c.Saves, p.Saves, func(k discovery.ItemKey) (*discovery.ItemAction, bool, error) { return s.Save(ctx, k) })
	p.Subscriptions = priorOf(t, c.Subscriptions, p.Subscriptions, func(k discovery.FollowKey) (*discovery.Follow, bool, error) { return s.Subscription(ctx, k) })
	p.Routes = priorOf(t, c.Routes, p.Routes, func(k discovery.RouteKey) (*discovery.Route, bool, error) { return s.Route(ctx, k) })
	p.DeveloperApps = priorOf(t, c.DeveloperApps, p.DeveloperApps, func(a common.Address) (*discovery.DeveloperApp, bool, error) { return s.DeveloperApp(ctx, a) })
	p.Grants = priorOf(t, c.Grants, p.Grants, func(k discovery.GrantKey) (*discovery.Grant, bool, error) { return s.Grant(ctx, k) })
	p.PlayDays = priorOf(t, c.PlayDays, p.PlayDays, func(k discovery.PlayDayKey) (*discovery.PlayDay, bool, error) { return s.PlayDay(ctx, k) })
	return c
}

func priorOf[K comparable, V any](t testing.TB, rows, prior map[K]*V, read func(K) (*V, bool, error)) map[K]*V {
	t.Helper()
	if prior == nil {
		prior = map[K]*V{}
	}
	for k := range rows {
		if _, ok := prior[k]; ok {
			continue
		}
		r, ok, err := read(k)
		if err != nil {
			t.Fatalf("read prior image of %v: %v", k, err)
		}
		if !ok {
			r = nil
		}
		prior[k] = r
	}
	return prior
}

// mustApply applies c, with its prior images read from the store, on b.
func mustApply(t testing.TB, s discovery.Store, b discovery.BlockRef, c *discovery.Changes) {
	t.Helper()
	if err := s.ApplyBlock(context.Background(), b, withPrior(t, s, c)); err != nil {
		t.Fatalf("ApplyBlock(%d): %v", b.Number, err)
	}
}

func mustRevert(t testing.TB, s discovery.Store, b discovery.BlockRef) {
	t.Helper()
	if err := s.RevertBlock(context.Background(), b); err != nil {
		t.Fatalf("RevertBlock(%d): %v", b.Number, err)
	}
}

// mustFollow returns the follow edge, nil when there is none.
func mustFollow(t testing.TB, s discovery.Store, k discovery.FollowKey) *discovery.Follow {
	t.Helper()
	f, ok, err := s.Follow(context.Background(), k)
	if err != nil || ok != (f != nil) {
		t.Fatalf("Follow(%+v) = %v, %v, %v", k, f, ok, err)
	}
	return f
}

// mustRepost returns the repost, nil when there is none.
func mustRepost(t testing.TB, s discovery.Store, k discovery.ItemKey) *discovery.ItemAction {
	t.Helper()
	a, ok, err := s.Repost(context.Background(), k)
	if err != nil || ok != (a != nil) {
		t.Fatalf("Repost(%+v) = %v, %v, %v", k, a, ok, err)
	}
	return a
}

// mustSave returns the save, nil when there is none.
func mustSave(t testing.TB, s discovery.Store, k discovery.ItemKey) *discovery.ItemAction {
	t.Helper()
	a, ok, err := s.Save(context.Background(), k)
	if err != nil || ok != (a != nil) {
		t.Fatalf("Save(%+v) = %v, %v, %v", k, a, ok, err)
	}
	return a
}

// mustRead reads one row with an EntityReader method, nil when there is
// none; an error, or an ok that disagrees with the row, fails the test.
func mustRead[K any, V any](t testing.TB, read func(context.Context, K) (*V, bool, error), k K) *V {
	t.Helper()
	r, ok, err := read(context.Background(), k)
	if err != nil || ok != (r != nil) {
		t.Fatalf("read %T %+v = %v, %v, %v", r, k, r, ok, err)
	}
	return r
}

func mustHead(t testing.TB, s discovery.Store) (discovery.BlockRef, bool) {
	t.Helper()
	h, ok, err := s.Head(context.Background())
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	return h, ok
}

func mustUser(t testing.TB, s discovery.Store, id int64) (*discovery.User, bool) {
	t.Helper()
	u, ok, err := s.User(context.Background(), id)
	if err != nil {
		t.Fatalf("user %d: %v", id, err)
	}
	return u, ok
}

func equal[T any](t testing.TB, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// wantCode checks err carries the discovery error code.
func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if got := discovery.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
	var de *discovery.Error
	if code != discovery.EINTERNAL && !errors.As(err, &de) {
		t.Errorf("%s: error %v is not a *discovery.Error", what, err)
	}
}

// ids lists the ids of users, for comparing orders.
func ids(users []discovery.User) []int64 {
	out := []int64{}
	for _, u := range users {
		out = append(out, u.ID)
	}
	return out
}

func trackIDs(tracks []discovery.Track) []int64 {
	out := []int64{}
	for _, t := range tracks {
		out = append(out, t.ID)
	}
	return out
}

// rejected returns a refused action with every field set.
func rejected(block uint64, logIndex uint) discovery.RejectedAction {
	return discovery.RejectedAction{
		Block:      block,
		TxHash:     hashOf("tx", block*1000+uint64(logIndex)),
		LogIndex:   logIndex,
		UserID:     int64(logIndex) + 1,
		EntityType: discovery.EntityTrack,
		EntityID:   7,
		Action:     discovery.ActionUpdate,
		Signer:     addressOf(99),
		Reason:     fmt.Sprintf("signer is not the owner (%d/%d)", block, logIndex),
	}
}
