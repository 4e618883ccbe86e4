package api

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// The list data set: the fixture (fixture_test.go) plus a third block.
//
//	users: erin (5, 2 followers, a track), finn (6)
//	tracks: 40 bob remix of 10, 41 alice unlisted (100 plays), 42 alice stem
//	  of 10, 43 erin remix of 10, 44 carol (deactivated) remix of 10
//	playlists: 50 alice private, 51 erin (tracks 41, 12, 13, 44, 12)
//	routes: alice's playlist 20 also at its old slug "road-trip-old"; the
//	  deleted playlist 22 at "old"
//	follows: alice → erin, dave → erin, bob → dave, erin → alice
//	subscriptions: bob, carol, erin → alice
//	reposts: bob: album 21, track 41; dave: track 10; erin: track 12
//	saves: bob: track 43; erin: playlist 20
//
// So, with the fixture: alice's followers are bob, carol, dave and erin;
// dave follows alice and erin; bob follows alice and dave.
var (
	erin, finn = hashid.Encode(5), hashid.Encode(6)

	listBlock = discovery.BlockRef{Number: 3, Hash: common.HexToHash("0x03"), ParentHash: common.HexToHash("0x02"), Time: 1700000024}
)

// hid is the hashid of an id.
func hid(id int64) string { return hashid.Encode(id) }

// newListStore opens a SQLite store holding the list data set.
func newListStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s := newFixtureStore(t)
	b := listBlock
	c := discovery.NewChanges()
	for _, u := range []*discovery.User{
		{ID: 5, Handle: "erin", HandleLower: "erin", Name: "Erin", FollowerCount: 2, FolloweeCount: 1, TrackCount: 1, PlaylistCount: 1},
		{ID: 6, Handle: "finn", HandleLower: "finn", Name: "Finn"},
	} {
		u.CreatedBlock, u.UpdatedBlock, u.CreatedAt, u.UpdatedAt = b.Number, b.Number, b.Time, b.Time
		c.Users[u.ID] = u
	}
	for _, tr := range []*discovery.Track{
		{ID: 40, OwnerID: 2, Title: "Bob Remix", Slug: "bob-remix", RemixOf: []int64{10}},
		{ID: 41, OwnerID: 1, Title: "Secret", Slug: "secret", IsUnlisted: true, PlayCount: 100},
		{ID: 42, OwnerID: 1, Title: "Stem", Slug: "stem", StemOf: 10, TrackCID: "QmStem42"},
		{ID: 43, OwnerID: 5, Title: "Erin Remix", Slug: "erin-remix", RemixOf: []int64{10}},
		{ID: 44, OwnerID: 3, Title: "Carol Remix", Slug: "carol-remix", RemixOf: []int64{10}},
	} {
		tr.CreatedBlock, tr.UpdatedBlock, tr.CreatedAt, tr.UpdatedAt = b.Number, b.Number, b.Time, b.Time
		c.Tracks[tr.ID] = tr
	}
	for _, p := range []*discovery.Playlist{
		{ID: 50, OwnerID: 1, Name: "Private", Slug: "private", IsPrivate: true},
		{ID: 51, OwnerID: 5, Name: "Erin Mix", Slug: "erin-mix", Tracks: []discovery.PlaylistTrack{
			{TrackID: 41}, {TrackID: 12}, {TrackID: 13}, {TrackID: 44}, {TrackID: 12}}},
	} {
		p.CreatedBlock, p.UpdatedBlock, p.CreatedAt, p.UpdatedAt = b.Number, b.Number, b.Time, b.Time
		c.Playlists[p.ID] = p
	}
	for _, r := range []discovery.Route{
		{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemPlaylist, Slug: "road-trip-old"}, EntityID: 20},
		{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemPlaylist, Slug: "old"}, EntityID: 22, IsCurrent: true},
	} {
		r.Block = b.Number
		c.Routes[r.RouteKey] = &r
	}
	for _, f := range [][2]int64{{1, 5}, {4, 5}, {2, 4}, {5, 1}} {
		k := discovery.FollowKey{FollowerID: f[0], FolloweeID: f[1]}
		c.Follows[k] = &discovery.Follow{FollowKey: k, Block: b.Number, CreatedAt: b.Time}
	}
	for _, sub := range []int64{2, 3, 5} {
		k := discovery.FollowKey{FollowerID: sub, FolloweeID: 1}
		c.Subscriptions[k] = &discovery.Follow{FollowKey: k, Block: b.Number, CreatedAt: b.Time}
		c.Prior.Subscriptions[k] = nil
	}
	for _, k := range []discovery.ItemKey{
		{UserID: 2, ItemType: discovery.ItemPlaylist, ItemID: 21}, {UserID: 2, ItemType: discovery.ItemTrack, ItemID: 41},
		{UserID: 4, ItemType: discovery.ItemTrack, ItemID: 10}, {UserID: 5, ItemType: discovery.ItemTrack, ItemID: 12},
	} {
		c.Reposts[k] = &discovery.ItemAction{ItemKey: k, Block: b.Number, CreatedAt: b.Time}
	}
	for _, k := range []discovery.ItemKey{
		{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 43}, {UserID: 5, ItemType: discovery.ItemPlaylist, ItemID: 20},
	} {
		c.Saves[k] = &discovery.ItemAction{ItemKey: k, Block: b.Number, CreatedAt: b.Time}
	}
	if err := s.ApplyBlock(context.Background(), b, creating(c)); err != nil {
		t.Fatalf("apply block 3: %v", err)
	}
	return s
}

// countingStore counts the viewer queries, to check they are batched.
type countingStore struct {
	*sqlite.Store
	follows, items int
}

func (s *countingStore) FollowRelations(ctx context.Context, viewer int64, ids []int64) (discovery.UserRelations, error) {
	s.follows++
	return s.Store.FollowRelations(ctx, viewer, ids)
}

func (s *countingStore) ItemRelations(ctx context.Context, viewer int64, itemType string, ids []int64) (discovery.ItemRelations, error) {
	s.items++
	return s.Store.ItemRelations(ctx, viewer, itemType, ids)
}
