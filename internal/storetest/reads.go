package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

var readTests = []testCase{
	{"rows read back exactly as written", testRoundTrip},
	{"a change replaces the whole row image", testUpdate},
	{"handles are looked up without regard to case", testHandles},
	{"handles can change hands within a block", testHandleSwap},
	{"a handle held by another user is refused", testHandleConflict},
	{"deleted tracks are hidden from the API but not the indexer", testDeletedTrack},
	{"playlists: deleted hidden, private returned", testPlaylists},
}

func testRoundTrip(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	b := newChain(42).block()
	u, tr, pl := user(1, "Alice", 12), track(10, 1, 42), playlist(20, 1)
	f := follow(2, 1, 42)
	c := changes(t, u, user(2, "bob", 0), tr, pl, f, rejected(42, 3))
	rp, sv := item(2, discovery.ItemTrack, 10, 42), item(2, discovery.ItemPlaylist, 20, 42)
	c.Reposts[rp.ItemKey], c.Saves[sv.ItemKey] = rp, sv
	mustApply(t, s, b, c)

	h, _ := mustHead(t, s)
	equal(t, "head", h, b)
	gotU, ok := mustUser(t, s, 1)
	if !ok {
		t.Fatal("user 1 missing")
	}
	equal(t, "User", gotU, u)
	apiU, err := s.GetUser(ctx, 1)
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	equal(t, "GetUser", apiU, u)
	gotT, ok, err := s.Track(ctx, 10)
	if err != nil || !ok {
		t.Fatalf("Track(10) = %v, %v", ok, err)
	}
	equal(t, "Track", gotT, tr)
	apiT, err := s.GetTrack(ctx, 10)
	if err != nil {
		t.Fatalf("GetTrack: %v", err)
	}
	equal(t, "GetTrack", apiT, tr)
	gotP, ok, err := s.Playlist(ctx, 20)
	if err != nil || !ok {
		t.Fatalf("Playlist(20) = %v, %v", ok, err)
	}
	equal(t, "Playlist", gotP, pl)
	apiP, err := s.GetPlaylist(ctx, 20)
	if err != nil {
		t.Fatalf("GetPlaylist: %v", err)
	}
	equal(t, "GetPlaylist", apiP, pl)

	equal(t, "Follow(2->1)", mustFollow(t, s, f.FollowKey), f)
	equal(t, "Follow(1->2): follows have a direction", mustFollow(t, s, discovery.FollowKey{FollowerID: 1, FolloweeID: 2}), nil)
	equal(t, "Repost", mustRepost(t, s, rp.ItemKey), rp)
	equal(t, "Save", mustSave(t, s, sv.ItemKey), sv)
	// A repost is not a save, and a track is not a playlist with the same id.
	equal(t, "Save(repost key)", mustSave(t, s, rp.ItemKey), nil)
	other := rp.ItemKey
	other.ItemType = discovery.ItemPlaylist
	equal(t, "Repost(playlist 10)", mustRepost(t, s, other), nil)
	r, err := s.RejectedActions(ctx, discovery.Page{Limit: 10})
	if err != nil {
		t.Fatalf("RejectedActions: %v", err)
	}
	equal(t, "RejectedActions", r, []discovery.RejectedAction{rejected(42, 3)})
}

func testUpdate(t *testing.T, s discovery.Store) {
	c := newChain(1)
	mustApply(t, s, c.block(), changes(t, user(1, "alice", 3), track(10, 1, 1), playlist(20, 1)))

	u := user(1, "alice", 4)
	u.Bio, u.Location, u.ArtistPickID, u.IsVerified, u.IsDeactivated = "", "", 0, true, true
	u.UpdatedBlock, u.UpdatedAt = 2, 1_700_000_999
	tr := track(10, 1, 1)
	tr.Title, tr.IsUnlisted, tr.PlayCount = "Renamed", false, 0
	pl := playlist(20, 1)
	pl.Tracks, pl.IsAlbum, pl.Name = nil, false, "Emptied"
	mustApply(t, s, c.block(), changes(t, u, tr, pl))

	got, _ := mustUser(t, s, 1)
	equal(t, "user", got, u)
	gotT, _, err := s.Track(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "track", gotT, tr)
	gotP, _, err := s.Playlist(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "playlist (an empty track list reads back nil)", gotP, pl)
}

func testHandles(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	noHandle1, noHandle2 := user(3, "", 0), user(4, "", 0)
	mustApply(t, s, newChain(1).block(), changes(t, user(1, "MixedCase", 0), user(2, "bob", 0), noHandle1, noHandle2))

	tests := []struct {
		lookup string
		want   int64 // 0: not found
	}{
		{"MixedCase", 1},
		{"mixedcase", 1},
		{"MIXEDCASE", 1},
		{"bob", 2},
		{"BoB", 2},
		{"mixed", 0},
		{"", 0},
	}
	for _, tt := range tests {
		u, err := s.GetUserByHandle(ctx, tt.lookup)
		if tt.want == 0 {
			wantCode(t, "GetUserByHandle("+tt.lookup+")", err, discovery.ENOTFOUND)
			continue
		}
		if err != nil || u.ID != tt.want {
			t.Errorf("GetUserByHandle(%q) = %+v, %v; want user %d", tt.lookup, u, err, tt.want)
		}
	}
	for handleLower, want := range map[string]int64{"mixedcase": 1, "bob": 2, "": 0, "nobody": 0} {
		id, ok, err := s.UserIDByHandle(ctx, handleLower)
		if err != nil || ok != (want != 0) || id != want {
			t.Errorf("UserIDByHandle(%q) = %d, %v, %v; want %d", handleLower, id, ok, err, want)
		}
	}
	// Users without a handle do not collide with each other.
	got, _ := mustUser(t, s, 4)
	equal(t, "user without handle", got, noHandle2)
}

func testHandleSwap(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	c := newChain(1)
	mustApply(t, s, c.block(), changes(t, user(1, "alice", 0), user(2, "bob", 0)))
	a, b := user(1, "bob", 0), user(2, "Alice", 0)
	mustApply(t, s, c.block(), changes(t, a, b))
	for handle, want := range map[string]int64{"alice": 2, "bob": 1} {
		if id, ok, err := s.UserIDByHandle(ctx, handle); err != nil || !ok || id != want {
			t.Errorf("UserIDByHandle(%q) = %d, %v, %v; want %d", handle, id, ok, err, want)
		}
	}
	got, _ := mustUser(t, s, 2)
	equal(t, "user 2", got, b)
}

func testHandleConflict(t *testing.T, s discovery.Store) {
	c := newChain(1)
	b1 := c.block()
	mustApply(t, s, b1, changes(t, user(1, "alice", 0)))
	err := s.ApplyBlock(context.Background(), c.block(), withPrior(t, s, changes(t, user(2, "ALICE", 0))))
	if err == nil {
		t.Fatal("a second user took handle alice")
	}
	h, _ := mustHead(t, s)
	equal(t, "head", h, b1)
	if _, ok := mustUser(t, s, 2); ok {
		t.Error("user 2 exists after the refused block")
	}
}

func testDeletedTrack(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	c := newChain(1)
	mustApply(t, s, c.block(), changes(t, user(1, "alice", 0), track(10, 1, 1), track(11, 1, 1)))
	del := track(10, 1, 1)
	del.IsDelete, del.UpdatedBlock = true, 2
	mustApply(t, s, c.block(), changes(t, del))

	_, err := s.GetTrack(ctx, 10)
	wantCode(t, "GetTrack(deleted)", err, discovery.ENOTFOUND)
	_, _, err = s.GetTrackWithOwner(ctx, 10)
	wantCode(t, "GetTrackWithOwner(deleted)", err, discovery.ENOTFOUND)
	_, _, err = s.GetTrackWithOwner(ctx, 12)
	wantCode(t, "GetTrackWithOwner(never made)", err, discovery.ENOTFOUND)
	kept, owner, err := s.GetTrackWithOwner(ctx, 11)
	if err != nil || kept.ID != 11 || owner == nil || owner.ID != 1 || owner.Handle != "alice" {
		t.Errorf("GetTrackWithOwner(11) = %+v, %+v, %v; want track 11 and @alice", kept, owner, err)
	}
	got, ok, err := s.Track(ctx, 10)
	if err != nil || !ok {
		t.Fatalf("Track(deleted) = %v, %v; the indexer must see it", ok, err)
	}
	equal(t, "Track(deleted)", got, del)
	list, err := s.UserTracks(ctx, 1, discovery.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "UserTracks without the deleted track", trackIDs(list), []int64{11})
}

func testPlaylists(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	private, deleted := playlist(20, 1), playlist(21, 1)
	private.IsPrivate = true
	deleted.IsDelete = true
	mustApply(t, s, newChain(1).block(), changes(t, private, deleted))

	got, err := s.GetPlaylist(ctx, 20)
	if err != nil {
		t.Fatalf("GetPlaylist(private): %v", err)
	}
	equal(t, "GetPlaylist(private)", got, private)
	_, err = s.GetPlaylist(ctx, 21)
	wantCode(t, "GetPlaylist(deleted)", err, discovery.ENOTFOUND)
	gotDel, ok, err := s.Playlist(ctx, 21)
	if err != nil || !ok {
		t.Fatalf("Playlist(deleted) = %v, %v; the indexer must see it", ok, err)
	}
	equal(t, "Playlist(deleted)", gotDel, deleted)
}
