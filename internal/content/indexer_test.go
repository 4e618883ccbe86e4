package content_test

import (
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// TestHappyPath walks every supported action and checks rows and counts after
// each step, on both stores.
func TestHappyPath(t *testing.T) {
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		h := newHarness(t, s)
		h.apply(createUser(1, "Alice"), createUser(2, "bob"), createUser(3, "carol"))
		if got := h.user(1); got.Handle != "Alice" || got.HandleLower != "alice" || got.Wallet != wallet("Alice") || got.Name != "Name of Alice" || got.Location != "Earth" {
			t.Fatalf("user 1 = %+v", got)
		}

		// Tracks, and a user created and acting in the same block.
		h.apply(createTrack(1, "Alice", 10, "First Song!"), createTrack(1, "Alice", 11, "Second"),
			createUser(4, "dave"), createTrack(4, "dave", 12, "Dave's"))
		if tr := h.track(10); tr.OwnerID != 1 || tr.Title != "First Song!" || tr.Slug != "first-song" || tr.Genre != "Electronic" || tr.Duration != 180 {
			t.Fatalf("track 10 = %+v", tr)
		}
		if got := h.user(1).TrackCount; got != 2 {
			t.Fatalf("alice track_count = %d, want 2", got)
		}

		// Follows.
		h.apply(social(2, "bob", "User", 1, "Follow"), social(3, "carol", "User", 1, "Follow"), social(1, "Alice", "User", 2, "Follow"))
		if u := h.user(1); u.FollowerCount != 2 || u.FolloweeCount != 1 {
			t.Fatalf("alice follower/followee = %d/%d, want 2/1", u.FollowerCount, u.FolloweeCount)
		}
		h.apply(social(3, "carol", "User", 1, "Unfollow"))
		if u := h.user(1); u.FollowerCount != 1 {
			t.Fatalf("after unfollow alice follower_count = %d, want 1", u.FollowerCount)
		}
		if u := h.user(3); u.FolloweeCount != 0 {
			t.Fatalf("after unfollow carol followee_count = %d, want 0", u.FolloweeCount)
		}

		// Reposts and saves of a track, including a follow+unfollow in one block.
		h.apply(social(2, "bob", "Track", 10, "Repost"), social(3, "carol", "Track", 10, "Repost"),
			social(2, "bob", "Track", 10, "Save"), social(3, "carol", "User", 2, "Follow"), social(3, "carol", "User", 2, "Unfollow"))
		if tr := h.track(10); tr.RepostCount != 2 || tr.SaveCount != 1 {
			t.Fatalf("track 10 reposts/saves = %d/%d, want 2/1", tr.RepostCount, tr.SaveCount)
		}
		if u := h.user(2); u.RepostCount != 1 || u.FollowerCount != 1 {
			t.Fatalf("bob repost_count/follower_count = %d/%d, want 1/1", u.RepostCount, u.FollowerCount)
		}
		h.apply(social(3, "carol", "Track", 10, "Unrepost"), social(2, "bob", "Track", 10, "Unsave"))
		if tr := h.track(10); tr.RepostCount != 1 || tr.SaveCount != 0 {
			t.Fatalf("after undo track 10 reposts/saves = %d/%d, want 1/0", tr.RepostCount, tr.SaveCount)
		}

		// Playlists and albums.
		h.apply(act{user: 1, signer: wallet("Alice"), entity: "Playlist", id: 100, action: "Create", meta: meta(map[string]any{
			"playlist_name": "Mix", "description": "d", "playlist_contents": map[string]any{"track_ids": []map[string]any{{"track": 10, "time": 5}, {"track": 12, "time": 6}}}})},
			act{user: 1, signer: wallet("Alice"), entity: "Playlist", id: 101, action: "Create", meta: meta(map[string]any{"playlist_name": "LP", "is_album": true})})
		p := h.playlist(100)
		if p.Name != "Mix" || len(p.Tracks) != 2 || p.Tracks[1].TrackID != 12 || p.Tracks[0].Timestamp != 5 || p.IsAlbum {
			t.Fatalf("playlist 100 = %+v", p)
		}
		if u := h.user(1); u.PlaylistCount != 1 || u.AlbumCount != 1 {
			t.Fatalf("alice playlist/album count = %d/%d, want 1/1", u.PlaylistCount, u.AlbumCount)
		}
		h.apply(social(2, "bob", "Playlist", 100, "Save"), social(2, "bob", "Playlist", 100, "Repost"),
			act{user: 1, signer: wallet("Alice"), entity: "Playlist", id: 100, action: "Update", meta: meta(map[string]any{"playlist_name": "Mix 2", "is_album": true})})
		if p := h.playlist(100); p.SaveCount != 1 || p.RepostCount != 1 || p.Name != "Mix 2" || len(p.Tracks) != 2 {
			t.Fatalf("playlist 100 after update = %+v", p)
		}
		if u := h.user(1); u.PlaylistCount != 0 || u.AlbumCount != 2 {
			t.Fatalf("after update alice playlist/album count = %d/%d, want 0/2", u.PlaylistCount, u.AlbumCount)
		}
		h.apply(act{user: 1, signer: wallet("Alice"), entity: "Playlist", id: 101, action: "Delete"})
		if p := h.playlist(101); !p.IsDelete {
			t.Fatal("playlist 101 not deleted")
		}
		if u := h.user(1); u.AlbumCount != 1 {
			t.Fatalf("after delete alice album_count = %d, want 1", u.AlbumCount)
		}

		// Updates: track rename, user handle change frees the old handle.
		h.apply(act{user: 1, signer: wallet("Alice"), entity: "Track", id: 11, action: "Update", meta: meta(map[string]any{"title": "Renamed"})},
			act{user: 2, signer: wallet("bob"), entity: "User", id: 2, action: "Update", meta: meta(map[string]any{"handle": "bobby", "bio": "new bio"})})
		if tr := h.track(11); tr.Title != "Renamed" || tr.Genre != "Electronic" || tr.UpdatedBlock != h.head.Number {
			t.Fatalf("track 11 after update = %+v", tr)
		}
		if u := h.user(2); u.Handle != "bobby" || u.Bio != "new bio" || u.Name != "Name of bob" {
			t.Fatalf("bob after update = %+v", u)
		}
		h.apply(createUser(5, "BOB"))
		if u := h.user(5); u.Handle != "BOB" {
			t.Fatalf("freed handle not reusable: %+v", u)
		}

		// Track delete.
		h.apply(act{user: 1, signer: wallet("Alice"), entity: "Track", id: 11, action: "Delete"})
		if tr := h.track(11); !tr.IsDelete {
			t.Fatal("track 11 not deleted")
		}
		if got := h.user(1).TrackCount; got != 1 {
			t.Fatalf("after delete alice track_count = %d, want 1", got)
		}
		if rs := h.rejectionsSoFar(); len(rs) != 0 {
			t.Fatalf("happy path rejected actions: %v", rs)
		}
	})
}

func (h *harness) rejectionsSoFar() []discovery.RejectedAction {
	h.t.Helper()
	rs, err := h.store.RejectedActions(h.ctx, discovery.Page{Limit: 100})
	if err != nil {
		h.t.Fatal(err)
	}
	return rs
}

// TestRejected checks each refused action case by case: it is recorded with
// a reason and changes nothing.
func TestRejected(t *testing.T) {
	alice := wallet("alice")
	mallory := wallet("mallory")
	tests := []struct {
		name   string
		action act
		raw    *types.Log // a malformed log instead of action
		reason string
	}{
		{name: "wrong signer updates another user's track", action: act{user: 1, signer: mallory, entity: "Track", id: 10, action: "Update", meta: meta(map[string]any{"title": "pwned"})}, reason: "is not the wallet of user 1"},
		{name: "user acts for a track of someone else", action: act{user: 2, signer: wallet("bob"), entity: "Track", id: 10, action: "Delete"}, reason: "belongs to user 1"},
		{name: "wrong signer follows", action: act{user: 1, signer: mallory, entity: "User", id: 2, action: "Follow"}, reason: "is not the wallet"},
		{name: "unknown user", action: act{user: 99, signer: mallory, entity: "Track", id: 50, action: "Create", meta: meta(map[string]any{"title": "x"})}, reason: "user 99 does not exist"},
		{name: "duplicate handle other case", action: createUserWith(3, "ALICE", mallory), reason: "already taken"},
		{name: "user already exists", action: createUserWith(1, "someone", mallory), reason: "user 1 already exists"},
		{name: "invalid handle", action: createUserWith(3, "no spaces allowed", mallory), reason: "must be 1-30"},
		{name: "user id differs from entity id", action: act{user: 3, signer: mallory, entity: "User", id: 4, action: "Create", meta: meta(map[string]any{"handle": "m"})}, reason: "differ"},
		{name: "metadata not JSON", action: act{user: 1, signer: alice, entity: "Track", id: 50, action: "Create", meta: "{not json"}, reason: "not valid JSON"},
		{name: "metadata neither JSON nor a CID", action: act{user: 1, signer: alice, entity: "Track", id: 50, action: "Create", meta: "bafy not a cid"}, reason: "nor a CID"},
		{name: "metadata by a CID of an unverifiable hash", action: act{user: 1, signer: alice, entity: "Track", id: 50, action: "Create", meta: "bafkr4ihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}, reason: "nor a CID"},
		{name: "metadata over 64 KiB", action: act{user: 1, signer: alice, entity: "Track", id: 50, action: "Create", meta: `{"data":{"title":"` + strings.Repeat("a", 70000) + `"}}`}, reason: "over the 65536 byte limit"},
		{name: "metadata wrong field type", action: act{user: 1, signer: alice, entity: "Track", id: 50, action: "Create", meta: meta(map[string]any{"title": 5})}, reason: "metadata data"},
		{name: "missing metadata", action: act{user: 1, signer: alice, entity: "Track", id: 50, action: "Create"}, reason: "metadata is required"},
		{name: "bio too long", action: act{user: 1, signer: alice, entity: "User", id: 1, action: "Update", meta: meta(map[string]any{"bio": strings.Repeat("b", 257)})}, reason: "bio is 257 characters"},
		{name: "NUL in title", action: act{user: 1, signer: alice, entity: "Track", id: 50, action: "Create", meta: meta(map[string]any{"title": "a\x00b"})}, reason: "NUL"},
		{name: "track exists", action: createTrack(1, "alice", 10, "again"), reason: "track 10 already exists"},
		{name: "unknown entity type", action: act{user: 1, signer: alice, entity: "Spaceship", id: 1, action: "Create"}, reason: "unknown entity type"},
		{name: "unknown action", action: act{user: 1, signer: alice, entity: "Track", id: 10, action: "Explode"}, reason: "unknown action"},
		{name: "self follow", action: social(1, "alice", "User", 1, "Follow"), reason: "cannot follow themselves"},
		{name: "follow twice", action: social(2, "bob", "User", 1, "Follow"), reason: "already follows"},
		{name: "unfollow of nothing", action: social(1, "alice", "User", 2, "Unfollow"), reason: "does not follow"},
		{name: "follow unknown user", action: social(1, "alice", "User", 77, "Follow"), reason: "user 77 to follow does not exist"},
		{name: "repost twice", action: social(2, "bob", "Track", 10, "Repost"), reason: "already did Repost"},
		{name: "unsave of nothing", action: social(2, "bob", "Track", 10, "Unsave"), reason: "no Save"},
		{name: "save unknown track", action: social(2, "bob", "Track", 999, "Save"), reason: "track 999 does not exist"},
		{name: "playlist with unknown track", action: act{user: 1, signer: alice, entity: "Playlist", id: 200, action: "Create", meta: meta(map[string]any{"playlist_name": "p", "playlist_contents": map[string]any{"track_ids": []map[string]any{{"track": 12345, "time": 1}}}})}, reason: "track 12345, which does not exist"},
		{name: "update deleted track", action: act{user: 1, signer: alice, entity: "Track", id: 11, action: "Update", meta: meta(map[string]any{"title": "zombie"})}, reason: "track 11 does not exist"},
		{name: "log with extra topic", raw: &types.Log{Topics: []common.Hash{{1}, {2}}}, reason: "not an indexed event log"},
		{name: "truncated log data", raw: &types.Log{Topics: []common.Hash{content.ManageEntityTopic}, Data: []byte{1, 2, 3}}, reason: "malformed ManageEntity data"},
	}
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		h := newHarness(t, s)
		h.apply(createUserWith(1, "alice", alice), createUser(2, "bob"), createTrack(1, "alice", 10, "Song"), createTrack(1, "alice", 11, "Gone"))
		h.apply(social(2, "bob", "User", 1, "Follow"), social(2, "bob", "Track", 10, "Repost"),
			act{user: 1, signer: alice, entity: "Track", id: 11, action: "Delete"})
		before := snapshot(h)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h.t = t
				if tt.raw != nil {
					h.applyLogs(*tt.raw)
				} else {
					h.apply(tt.action)
				}
				got := h.rejections()
				if len(got) != 1 || !strings.Contains(got[0], tt.reason) {
					t.Fatalf("rejections = %q, want one containing %q", got, tt.reason)
				}
				if after := snapshot(h); after != before {
					t.Fatalf("state changed by a rejected action:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	})
}

func createUserWith(id int64, handle string, signer common.Address) act {
	a := createUser(id, handle)
	a.signer = signer
	return a
}
