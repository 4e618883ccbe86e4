package api

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// The data set every handler test reads: four users, three live tracks and a
// deleted one, a playlist, an album and a deleted playlist, with the counts
// the indexer would have kept.
//
//	alice (1, verified, pictures, artist pick 10)  tracks 10, 11 (13 deleted)
//	bob (2)                                        track 12
//	carol (3, deactivated), dave (4, name "Dave Alison")
//	follows: bob, carol, dave → alice; alice → bob
//	playlist 20 and album 21 by alice (22 deleted)
var (
	aliceWallet = common.HexToAddress("0xAbCdEf0123456789aBcDeF0123456789AbCdEf01")

	fixtureUsers = []*discovery.User{
		{
			ID: 1, Handle: "Alice", HandleLower: "alice", Wallet: aliceWallet,
			Name: "Alice Anders", Bio: "Synths at night.", Location: "Berlin",
			ProfilePicture: "QmAlicePicture", CoverPhoto: "QmAliceCover", ArtistPickID: 10,
			IsVerified: true, MetadataCID: "QmAliceMeta",
			FollowerCount: 3, FolloweeCount: 1, TrackCount: 2, PlaylistCount: 1, AlbumCount: 1, RepostCount: 0,
		},
		{
			ID: 2, Handle: "bob", HandleLower: "bob",
			Wallet: common.HexToAddress("0x0000000000000000000000000000000000000b0b"),
			Name:   "Bob", FollowerCount: 1, FolloweeCount: 1, TrackCount: 1, RepostCount: 1,
		},
		{
			ID: 3, Handle: "carol", HandleLower: "carol",
			Wallet: common.HexToAddress("0x00000000000000000000000000000000000ca201"),
			Name:   "Carol", IsDeactivated: true, FolloweeCount: 1,
		},
		{
			ID: 4, Handle: "dave", HandleLower: "dave",
			Wallet: common.HexToAddress("0x0000000000000000000000000000000000000da4"),
			Name:   "Dave Alison", FolloweeCount: 1,
		},
	}

	fixtureTracks = []*discovery.Track{
		{
			ID: 10, OwnerID: 1, Title: "First Song!", Slug: "first-song", Genre: "Electronic",
			Mood: "Upbeat", Tags: "synth,night", Description: "The first one.", ReleaseDate: "2024-05-01",
			Duration: 180, TrackCID: "QmTrack10", CoverArt: "QmArt10", MetadataCID: "QmTrack10Meta",
			RepostCount: 1, SaveCount: 2, PlayCount: 42,
		},
		{ID: 11, OwnerID: 1, Title: "Second Song", Slug: "second-song", Duration: 200, TrackCID: "QmTrack11"},
		{ID: 12, OwnerID: 2, Title: "Bob Tune", Slug: "bob-tune", Genre: "Jazz", Duration: 95, TrackCID: "QmTrack12"},
		{ID: 13, OwnerID: 1, Title: "Gone", Slug: "gone", TrackCID: "QmTrack13", IsDelete: true},
	}

	fixturePlaylists = []*discovery.Playlist{
		{
			ID: 20, OwnerID: 1, Name: "Road Trip", Slug: "road-trip", Description: "For the A9.",
			Tracks: []discovery.PlaylistTrack{
				{TrackID: 10, Timestamp: 1700000100, MetadataTimestamp: 1700000100},
				{TrackID: 12, Timestamp: 1700000200, MetadataTimestamp: 1700000200},
			},
			SaveCount: 1,
		},
		{
			ID: 21, OwnerID: 1, Name: "Debut", Slug: "debut", IsAlbum: true, CoverArt: "QmDebutArt",
			Tracks: []discovery.PlaylistTrack{
				{TrackID: 10, Timestamp: 1700000300, MetadataTimestamp: 1700000300},
				{TrackID: 11, Timestamp: 1700000300, MetadataTimestamp: 1700000400},
			},
		},
		{ID: 22, OwnerID: 1, Name: "Old", Slug: "old", IsDelete: true},
	}

	fixtureFollows = []discovery.FollowKey{
		{FollowerID: 2, FolloweeID: 1},
		{FollowerID: 3, FolloweeID: 1},
		{FollowerID: 4, FolloweeID: 1},
		{FollowerID: 1, FolloweeID: 2},
	}
	fixtureReposts = []discovery.ItemKey{{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 10}}
	fixtureSaves   = []discovery.ItemKey{
		{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 10},
		{UserID: 4, ItemType: discovery.ItemTrack, ItemID: 10},
		{UserID: 3, ItemType: discovery.ItemPlaylist, ItemID: 20},
	}
)

// fixtureRoutes are the permalinks of the data set: track 10 was renamed
// from "First Draft", so its old slug still resolves.
var fixtureRoutes = []discovery.Route{
	{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemTrack, Slug: "first-song"}, EntityID: 10, IsCurrent: true},
	{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemTrack, Slug: "first-draft"}, EntityID: 10},
	{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemTrack, Slug: "second-song"}, EntityID: 11, IsCurrent: true},
	{RouteKey: discovery.RouteKey{OwnerID: 2, Kind: discovery.ItemTrack, Slug: "bob-tune"}, EntityID: 12, IsCurrent: true},
	{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemTrack, Slug: "gone"}, EntityID: 13, IsCurrent: true},
	{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemPlaylist, Slug: "road-trip"}, EntityID: 20, IsCurrent: true},
	{RouteKey: discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemPlaylist, Slug: "debut"}, EntityID: 21, IsCurrent: true},
}

// fixtureBlocks are the two blocks the data set is indexed in: users first,
// then everything that refers to them.
var fixtureBlocks = []discovery.BlockRef{
	{Number: 1, Hash: common.HexToHash("0x01"), ParentHash: common.HexToHash("0x00"), Time: 1700000000},
	{Number: 2, Hash: common.HexToHash("0x02"), ParentHash: common.HexToHash("0x01"), Time: 1700000012},
}

// newStore opens an empty SQLite store in the test's temporary directory.
func newStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "content.db"))
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newFixtureStore opens a SQLite store holding the data set.
func newFixtureStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s := newStore(t)
	ctx := context.Background()
	b1, b2 := fixtureBlocks[0], fixtureBlocks[1]

	users := discovery.NewChanges()
	for _, u := range fixtureUsers {
		u := *u
		u.CreatedBlock, u.UpdatedBlock, u.CreatedAt, u.UpdatedAt = b1.Number, b1.Number, b1.Time, b1.Time
		users.Users[u.ID] = &u
	}
	if err := s.ApplyBlock(ctx, b1, creating(users)); err != nil {
		t.Fatalf("apply block 1: %v", err)
	}

	content := discovery.NewChanges()
	for _, tr := range fixtureTracks {
		tr := *tr
		tr.CreatedBlock, tr.UpdatedBlock, tr.CreatedAt, tr.UpdatedAt = b2.Number, b2.Number, b2.Time, b2.Time
		content.Tracks[tr.ID] = &tr
	}
	for _, p := range fixturePlaylists {
		p := *p
		p.CreatedBlock, p.UpdatedBlock, p.CreatedAt, p.UpdatedAt = b2.Number, b2.Number, b2.Time, b2.Time
		content.Playlists[p.ID] = &p
	}
	for _, r := range fixtureRoutes {
		r := r
		r.Block = b2.Number
		content.Routes[r.RouteKey] = &r
	}
	for _, k := range fixtureFollows {
		content.Follows[k] = &discovery.Follow{FollowKey: k, Block: b2.Number, CreatedAt: b2.Time}
	}
	for _, k := range fixtureReposts {
		content.Reposts[k] = &discovery.ItemAction{ItemKey: k, Block: b2.Number, CreatedAt: b2.Time}
	}
	for _, k := range fixtureSaves {
		content.Saves[k] = &discovery.ItemAction{ItemKey: k, Block: b2.Number, CreatedAt: b2.Time}
	}
	if err := s.ApplyBlock(ctx, b2, creating(content)); err != nil {
		t.Fatalf("apply block 2: %v", err)
	}
	return s
}
