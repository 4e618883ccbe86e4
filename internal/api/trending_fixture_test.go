package api

import (
	"context"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// The trending data set: the fixture plus a third block with plays and
// more content, so the rankings have an order to check. Scores by
// docs/trending.md, in every window (nothing is older than a day):
//
//	track 14 (alice, Jazz): 500 plays                              500
//	track 10 (alice, Electronic): reposted by bob, saved by bob and
//	  dave (karma 1+1+0): (50 + 2 + 0.25 + 0.02) × 2             104.54
//	track 15 (alice, Electronic): 50 plays                          50
//	track 11 (alice): nothing happened to it, not ranked; track 12 (bob,
//	  one follower) and 16 (bob) are not ranked whatever their plays
//	playlist 25 (alice; tracks 10, 11, 14): saved by bob        2.01
//	album 26 (alice; tracks 10, 11, 14): saved by dave          2.01
//	playlist 20 and album 21 hold two tracks: not ranked
var (
	track14, track15    = hashid.Encode(14), hashid.Encode(15)
	playlist25, album26 = hashid.Encode(25), hashid.Encode(26)

	trendingBlock = discovery.BlockRef{Number: 3, Hash: common.HexToHash("0x03"), ParentHash: common.HexToHash("0x02"), Time: 1700000024}
)

// newTrendingStore opens a SQLite store holding the trending data set,
// refreshed or not.
func newTrendingStore(t *testing.T, refresh bool) *sqlite.Store {
	t.Helper()
	s := newFixtureStore(t)
	b := trendingBlock
	c := discovery.NewChanges()
	for _, tr := range []*discovery.Track{
		{ID: 14, OwnerID: 1, Title: "Blue", Slug: "blue", Genre: "Jazz", TrackCID: "QmTrack14"},
		{ID: 15, OwnerID: 1, Title: "Volt", Slug: "volt", Genre: "Electronic", TrackCID: "QmTrack15"},
		{ID: 16, OwnerID: 2, Title: "Loud", Slug: "loud", Genre: "Electronic", TrackCID: "QmTrack16"},
	} {
		tr.CreatedBlock, tr.UpdatedBlock, tr.CreatedAt, tr.UpdatedAt = b.Number, b.Number, b.Time, b.Time
		c.Tracks[tr.ID] = tr
	}
	day := int64(b.Time / 86400)
	for id, plays := range map[int64]int64{14: 500, 15: 50, 12: 10_000, 16: 10_000} {
		k := discovery.PlayDayKey{TrackID: id, Day: day}
		c.PlayDays[k] = &discovery.PlayDay{PlayDayKey: k, Count: plays}
		c.Prior.PlayDays[k] = nil
	}
	contents := []discovery.PlaylistTrack{{TrackID: 10}, {TrackID: 11}, {TrackID: 14}}
	for _, p := range []*discovery.Playlist{
		{ID: 25, OwnerID: 1, Name: "Mix", Slug: "mix", Tracks: contents},
		{ID: 26, OwnerID: 1, Name: "Live", Slug: "live", IsAlbum: true, Tracks: contents},
	} {
		p.CreatedBlock, p.UpdatedBlock, p.CreatedAt, p.UpdatedAt = b.Number, b.Number, b.Time, b.Time
		c.Playlists[p.ID] = p
	}
	for _, k := range []discovery.ItemKey{
		{UserID: 2, ItemType: discovery.ItemPlaylist, ItemID: 25},
		{UserID: 4, ItemType: discovery.ItemPlaylist, ItemID: 26},
	} {
		c.Saves[k] = &discovery.ItemAction{ItemKey: k, Block: b.Number, CreatedAt: b.Time}
	}
	if err := s.ApplyBlock(context.Background(), b, creating(c)); err != nil {
		t.Fatalf("apply block 3: %v", err)
	}
	if refresh {
		if err := s.RefreshTrending(context.Background()); err != nil {
			t.Fatalf("refresh trending: %v", err)
		}
	}
	return s
}

// loadTrendingMany indexes an owner with 3 followers and n tracks of hers
// played once more each than the one before, and refreshes trending.
func loadTrendingMany(t *testing.T, s *sqlite.Store, n int) {
	t.Helper()
	b := fixtureBlocks[0]
	c := discovery.NewChanges()
	c.Users[1] = &discovery.User{ID: 1, Handle: "star", HandleLower: "star", FollowerCount: 3}
	for i := range n {
		id := int64(100 + i)
		c.Tracks[id] = &discovery.Track{ID: id, OwnerID: 1, Title: "t", Slug: fmt.Sprintf("t-%d", id), CreatedAt: b.Time}
		k := discovery.PlayDayKey{TrackID: id, Day: int64(b.Time / 86400)}
		c.PlayDays[k], c.Prior.PlayDays[k] = &discovery.PlayDay{PlayDayKey: k, Count: int64(i + 1)}, nil
	}
	if err := s.ApplyBlock(context.Background(), b, creating(c)); err != nil {
		t.Fatalf("apply block 1: %v", err)
	}
	if err := s.RefreshTrending(context.Background()); err != nil {
		t.Fatalf("refresh trending: %v", err)
	}
}
