package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
)

// The list endpoints on the list data set (lists_fixture_test.go).

// typedIDs returns "track:<id>" or "playlist:<id>" for every entry of a
// reposts or feed answer, from its item_type or type.
func typedIDs(t *testing.T, list []map[string]any) []string {
	t.Helper()
	out := []string{}
	for _, e := range list {
		kind, _ := e["item_type"].(string)
		if kind == "" {
			kind, _ = e["type"].(string)
		}
		item, _ := e["item"].(map[string]any)
		out = append(out, fmt.Sprintf("%s:%v", kind, item["id"]))
	}
	return out
}

func TestListIDs(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 3)
	tests := []struct {
		path string
		want []string
	}{
		// Bulk lookups: in the order asked, repeats and unknown ids dropped.
		{"/v1/users?id=" + bob + "&id=404&id=1&id=" + bob, []string{bob, alice}},
		{"/v1/users?id=" + carol, []string{carol}},
		{"/v1/tracks?id=13&id=" + hid(41) + "&id=10", []string{hid(41), track10}},
		{"/v1/playlists?id=22&id=" + hid(50) + "&id=" + album21, []string{hid(50), album21}},

		// A user's tracks: deleted, unlisted (but to their owner) and stems
		// left out; newest first unless asked otherwise.
		{"/v1/users/" + alice + "/tracks", []string{track11, track10}},
		{"/v1/users/" + alice + "/tracks?user_id=" + alice, []string{hid(41), track11, track10}},
		{"/v1/users/" + alice + "/tracks?user_id=1", []string{hid(41), track11, track10}},
		{"/v1/users/" + alice + "/tracks?user_id=" + bob, []string{track11, track10}},
		{"/v1/users/" + alice + "/tracks?sort=plays", []string{track10, track11}},
		{"/v1/users/" + alice + "/tracks?sort=plays&user_id=" + alice, []string{hid(41), track10, track11}},
		{"/v1/users/" + alice + "/tracks?sort=date&sort_direction=asc", []string{track10, track11}},
		{"/v1/users/" + alice + "/tracks?sort_method=title", []string{track10, track11}},
		{"/v1/users/" + alice + "/tracks?sort_method=title&sort_direction=desc", []string{track11, track10}},
		{"/v1/users/" + alice + "/tracks?sort=plays&sort_method=added_date", []string{track11, track10}},
		{"/v1/users/" + alice + "/tracks?sort_method=plays&sort_direction=asc", []string{track11, track10}},
		{"/v1/users/" + alice + "/tracks?filter_tracks=unlisted&user_id=" + alice, []string{hid(41)}},
		{"/v1/users/" + alice + "/tracks?filter_tracks=unlisted", []string{}},
		{"/v1/users/" + alice + "/tracks?filter_tracks=public&user_id=" + alice, []string{track11, track10}},
		{"/v1/users/" + alice + "/tracks?limit=1&offset=1", []string{track10}},
		{"/v1/users/handle/alice/tracks", []string{track11, track10}},
		{"/v1/users/handle/ALICE/tracks?sort=plays&limit=1", []string{track10}},
		{"/v1/users/" + carol + "/tracks", []string{}}, // deactivated: her remix is not listed

		// Playlists and albums: private ones to their owner only.
		{"/v1/users/" + alice + "/playlists", []string{playlist20}},
		{"/v1/users/" + alice + "/playlists?user_id=" + alice, []string{hid(50), playlist20}},
		{"/v1/users/" + alice + "/playlists?sort_method=popular", []string{playlist20}},
		{"/v1/users/" + alice + "/albums", []string{album21}},
		{"/v1/users/" + bob + "/albums", []string{}},

		// Lists of users: most followed first, deactivated carol left out.
		{"/v1/users/" + alice + "/subscribers", []string{erin, bob}},
		{"/v1/users/" + alice + "/subscribers?offset=1", []string{bob}},
		{"/v1/users/" + alice + "/mutuals?user_id=" + bob, []string{dave}},
		{"/v1/users/" + alice + "/mutuals", []string{}},
		{"/v1/users/" + erin + "/related", []string{alice, bob}},
		{"/v1/users/" + erin + "/related?limit=1", []string{alice}},
		{"/v1/users/" + erin + "/related?filter_followed=true&user_id=" + dave, []string{bob}},
		{"/v1/users/" + erin + "/related?filter_followed=false&user_id=" + dave, []string{alice, bob}},
		{"/v1/tracks/" + track10 + "/reposts", []string{bob, dave}},
		{"/v1/tracks/" + track10 + "/reposts?limit=1&offset=1", []string{dave}},
		{"/v1/tracks/10/favorites", []string{bob, dave}},
		{"/v1/playlists/" + album21 + "/reposts", []string{bob}},
		{"/v1/playlists/" + playlist20 + "/favorites", []string{erin}},

		// Remixes: newest first, unlisted and deactivated users' left out.
		{"/v1/tracks/" + track10 + "/remixes", []string{hid(43), hid(40)}},
		{"/v1/tracks/" + track10 + "/remixes?offset=1", []string{hid(40)}},
		{"/v1/tracks/" + track12 + "/remixes", []string{}},

		// A playlist's tracks in its order, repeats kept; the deleted track,
		// carol's, and the unlisted one (but to the playlist's owner) left out.
		{"/v1/playlists/" + hid(51) + "/tracks", []string{track12, track12}},
		{"/v1/playlists/" + hid(51) + "/tracks?user_id=" + erin, []string{hid(41), track12, track12}},
		{"/v1/playlists/" + playlist20 + "/tracks", []string{track10, track12}},
		{"/v1/playlists/" + hid(50) + "/tracks", []string{}},

		// By permalink, old slugs included.
		{"/v1/playlists/by_permalink/Alice/road-trip", []string{playlist20}},
		{"/v1/playlists/by_permalink/alice/road-trip-old", []string{playlist20}},
		{"/v1/playlists/by_permalink/alice/debut", []string{album21}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := ids(t, getData[[]map[string]any](t, h, tt.path))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("GET %s = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

func TestListActivities(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 3)
	tr := func(id string) string { return "track:" + id }
	pl := func(id string) string { return "playlist:" + id }
	tests := []struct {
		path string
		want []string
	}{
		// Bob's repost of the unlisted track 41 is left out.
		{"/v1/users/" + bob + "/reposts", []string{pl(album21), tr(track10)}},
		{"/v1/users/" + bob + "/reposts?limit=1", []string{pl(album21)}},
		{"/v1/users/" + dave + "/reposts", []string{tr(track10)}},
		{"/v1/users/" + carol + "/reposts", []string{}},
		// Dave follows alice and erin: erin's track, her repost of bob's,
		// her playlist, then alice's originals.
		{"/v1/users/" + dave + "/feed", []string{tr(hid(43)), tr(track12), pl(hid(51)), tr(track11), tr(track10), pl(album21), pl(playlist20)}},
		{"/v1/users/" + dave + "/feed?offset=2&limit=2", []string{pl(hid(51)), tr(track11)}},
		// Bob follows alice and dave: track 10 once, at dave's repost.
		{"/v1/users/" + bob + "/feed", []string{tr(track10), tr(track11), pl(album21), pl(playlist20)}},
		{"/v1/users/" + bob + "/feed?filter=original", []string{tr(track11), tr(track10), pl(album21), pl(playlist20)}},
		{"/v1/users/" + bob + "/feed?filter=repost", []string{tr(track10)}},
		{"/v1/users/" + finn + "/feed", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := typedIDs(t, getData[[]map[string]any](t, h, tt.path))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("GET %s = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

func TestListShapes(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 3)

	reposts := getData[[]map[string]any](t, h, "/v1/users/"+bob+"/reposts")
	assertFields(t, "album repost", reposts[0], map[string]any{
		"timestamp": "2023-11-14T22:13:44Z", "item_type": "playlist", "class": "collection_activity"})
	assertFields(t, "track repost", reposts[1], map[string]any{
		"timestamp": "2023-11-14T22:13:32Z", "item_type": "track", "class": "track_activity"})
	item, _ := reposts[1]["item"].(map[string]any)
	if missing := missingKeys(item, trackRequired); len(missing) > 0 {
		t.Errorf("reposted track lacks %v", missing)
	}
	if user, _ := item["user"].(map[string]any); user["id"] != alice {
		t.Errorf("reposted track has user %v, want alice", user["id"])
	}
	album, _ := reposts[0]["item"].(map[string]any)
	if missing := missingKeys(album, playlistRequired); len(missing) > 0 || album["permalink"] != "/Alice/album/debut" {
		t.Errorf("reposted album %v lacks %v", album, missing)
	}

	feed := getData[[]map[string]any](t, h, "/v1/users/"+bob+"/feed")
	assertFields(t, "feed item", feed[0], map[string]any{"type": "track", "timestamp": "2023-11-14T22:13:44Z"})

	favorites := getData[[]map[string]any](t, h, "/v1/users/"+bob+"/favorites")
	want := []map[string]any{
		{"favorite_item_id": hid(43), "favorite_type": "track", "user_id": bob, "created_at": "2023-11-14T22:13:44Z"},
		{"favorite_item_id": track10, "favorite_type": "track", "user_id": bob, "created_at": "2023-11-14T22:13:32Z"},
	}
	if len(favorites) != len(want) {
		t.Fatalf("favorites = %v, want %v", favorites, want)
	}
	for i := range want {
		assertFields(t, "favorite", favorites[i], want[i])
	}

	stems := getData[[]map[string]any](t, h, "/v1/tracks/"+track10+"/stems")
	if len(stems) != 1 {
		t.Fatalf("stems = %v, want one", stems)
	}
	assertFields(t, "stem", stems[0], map[string]any{"id": hid(42), "parent_id": track10, "category": "",
		"cid": "QmStem42", "user_id": alice, "blocknumber": 3.0, "orig_filename": ""})

	for _, path := range []string{"/v1/users?id=" + alice, "/v1/users/" + alice + "/subscribers"} {
		for _, u := range getData[[]map[string]any](t, h, path) {
			if missing := missingKeys(u, userRequired); len(missing) > 0 {
				t.Errorf("GET %s: user lacks %v", path, missing)
			}
		}
	}
	for _, path := range []string{"/v1/tracks?id=10", "/v1/tracks/10/remixes", "/v1/playlists/20/tracks"} {
		for _, tr := range getData[[]map[string]any](t, h, path) {
			if missing := missingKeys(tr, trackRequired); len(missing) > 0 {
				t.Errorf("GET %s: track lacks %v", path, missing)
			}
		}
	}
	for _, path := range []string{"/v1/playlists?id=20", "/v1/users/" + alice + "/albums", "/v1/playlists/by_permalink/Alice/debut"} {
		for _, p := range getData[[]map[string]any](t, h, path) {
			if missing := missingKeys(p, playlistRequired); len(missing) > 0 {
				t.Errorf("GET %s: playlist lacks %v", path, missing)
			}
		}
	}
}

func TestListErrors(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 3)
	tests := []struct {
		path       string
		wantStatus int
		wantInMsg  string
	}{
		{"/v1/users", http.StatusBadRequest, "id is required"},
		{"/v1/users?id=nope!", http.StatusBadRequest, "not a valid user id"},
		{"/v1/users?" + strings.Repeat("id=1&", 101), http.StatusBadRequest, "at most 100"},
		{"/v1/tracks", http.StatusBadRequest, "id is required"},
		{"/v1/tracks?id=-3", http.StatusBadRequest, "not a valid track id"},
		{"/v1/tracks?permalink=/Alice/first-song", http.StatusBadRequest, "permalink"},
		{"/v1/playlists?upc=123", http.StatusBadRequest, "upc"},
		{"/v1/playlists?id=x.y", http.StatusBadRequest, "not a valid playlist id"},

		{"/v1/users/" + alice + "/tracks?sort=newest", http.StatusBadRequest, "sort"},
		{"/v1/users/" + alice + "/tracks?sort_method=bpm", http.StatusBadRequest, "sort_method"},
		{"/v1/users/" + alice + "/tracks?sort_method=last_listen_date", http.StatusBadRequest, "not supported"},
		{"/v1/users/" + alice + "/tracks?sort_method=most_listens_by_user", http.StatusBadRequest, "not supported"},
		{"/v1/users/" + alice + "/tracks?sort_direction=up", http.StatusBadRequest, "sort_direction"},
		{"/v1/users/" + alice + "/tracks?filter_tracks=hidden", http.StatusBadRequest, "filter_tracks"},
		{"/v1/users/" + alice + "/tracks?query=song", http.StatusBadRequest, "query"},
		{"/v1/users/" + alice + "/tracks?limit=101", http.StatusBadRequest, "limit"},
		{"/v1/users/" + alice + "/playlists?sort_method=name", http.StatusBadRequest, "sort_method"},
		{"/v1/users/" + alice + "/albums?query=x", http.StatusBadRequest, "query"},
		{"/v1/users/" + alice + "/related?filter_followed=yes", http.StatusBadRequest, "filter_followed"},
		{"/v1/users/" + alice + "/feed?filter=everything", http.StatusBadRequest, "filter"},
		{"/v1/users/" + alice + "/feed?offset=-1", http.StatusBadRequest, "offset"},
		{"/v1/users/" + alice + "/mutuals?user_id=nobody!", http.StatusBadRequest, "user_id"},
		{"/v1/users/" + alice + "/followers?user_id=-2", http.StatusBadRequest, "user_id"},
		{"/v1/tracks/" + track10 + "/stems?limit=0", http.StatusBadRequest, "limit"},
		{"/v1/tracks/" + track10 + "/reposts?user_id=%20", http.StatusBadRequest, "user_id"},
		{"/v1/playlists/" + playlist20 + "/tracks?user_id=zz", http.StatusBadRequest, "user_id"},
		{"/v1/users?id=1&user_id=zz", http.StatusBadRequest, "user_id"},
		// Parameters are checked before the user is looked up.
		{"/v1/users/" + hid(404) + "/tracks?sort=newest", http.StatusBadRequest, "sort"},

		{"/v1/users/" + hid(404) + "/reposts", http.StatusNotFound, "user"},
		{"/v1/users/" + hid(404) + "/favorites", http.StatusNotFound, "user"},
		{"/v1/users/" + hid(404) + "/playlists", http.StatusNotFound, "user"},
		{"/v1/users/" + hid(404) + "/albums", http.StatusNotFound, "user"},
		{"/v1/users/" + hid(404) + "/mutuals?user_id=1", http.StatusNotFound, "user"},
		{"/v1/users/" + hid(404) + "/related", http.StatusNotFound, "user"},
		{"/v1/users/" + hid(404) + "/subscribers", http.StatusNotFound, "user"},
		{"/v1/users/" + hid(404) + "/feed", http.StatusNotFound, "user"},
		{"/v1/users/handle/nobody/tracks", http.StatusNotFound, "nobody"},
		{"/v1/users/" + alice + "/likes", http.StatusNotFound, "no such endpoint"},
		{"/v1/tracks/" + track13 + "/reposts", http.StatusNotFound, track13},
		{"/v1/tracks/" + hid(404) + "/favorites", http.StatusNotFound, "track"},
		{"/v1/tracks/" + hid(404) + "/remixes", http.StatusNotFound, "track"},
		{"/v1/tracks/" + hid(404) + "/stems", http.StatusNotFound, "track"},
		{"/v1/tracks/" + track10 + "/covers", http.StatusNotFound, "no such endpoint"},
		{"/v1/tracks/bad!/remixes", http.StatusBadRequest, "not a valid track id"},
		{"/v1/playlists/" + playlist22 + "/reposts", http.StatusNotFound, playlist22},
		{"/v1/playlists/" + hid(404) + "/favorites", http.StatusNotFound, "playlist"},
		{"/v1/playlists/" + hid(404) + "/tracks", http.StatusNotFound, "playlist"},
		{"/v1/playlists/bad!/tracks", http.StatusBadRequest, "not a valid playlist id"},
		{"/v1/playlists/by_permalink/nobody/road-trip", http.StatusNotFound, "nobody"},
		{"/v1/playlists/by_permalink/Alice/nothing", http.StatusNotFound, "nothing"},
		{"/v1/playlists/by_permalink/Alice/first-song", http.StatusNotFound, "first-song"}, // a track's slug
		{"/v1/playlists/by_permalink/Alice/old", http.StatusNotFound, "old"},               // deleted
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			msg := getError(t, h, tt.path, tt.wantStatus)
			if !strings.Contains(msg, tt.wantInMsg) {
				t.Fatalf("error %q does not mention %q", msg, tt.wantInMsg)
			}
		})
	}
}

// TestListLimits: the default page is 20 and a page holds at most 100,
// on the new lists as on the old; stems come whole, up to a page of 100.
func TestListLimits(t *testing.T) {
	s := newStore(t)
	loadFans(t, s, 25)
	c := discovery.NewChanges()
	tr := &discovery.Track{ID: 10, OwnerID: 1, Title: "Hit", Slug: "hit"}
	c.Tracks[10], c.Prior.Tracks[10] = tr, nil
	for i := int64(11); i < 36; i++ {
		c.Tracks[i] = &discovery.Track{ID: i, OwnerID: 1, Title: "Stem", Slug: fmt.Sprint("stem-", i), StemOf: 10}
		c.Prior.Tracks[i] = nil
		k := discovery.ItemKey{UserID: i - 9, ItemType: discovery.ItemTrack, ItemID: 10}
		c.Reposts[k], c.Prior.Reposts[k] = &discovery.ItemAction{ItemKey: k, Block: 2}, nil
		sub := discovery.FollowKey{FollowerID: i - 9, FolloweeID: 1}
		c.Subscriptions[sub], c.Prior.Subscriptions[sub] = &discovery.Follow{FollowKey: sub, Block: 2}, nil
	}
	if err := s.ApplyBlock(context.Background(), fixtureBlocks[1], c); err != nil {
		t.Fatal(err)
	}
	h, _ := newTestServer(t, s, 0)
	tests := []struct {
		path string
		want int
	}{
		{"/v1/tracks/10/reposts", 20},
		{"/v1/tracks/10/reposts?offset=20", 5},
		{"/v1/tracks/10/reposts?limit=100", 25},
		{"/v1/users/1/subscribers", 20},
		{"/v1/users/1/subscribers?offset=20&limit=100", 5},
		{"/v1/users/1/feed", 0},
		{"/v1/users/2/feed", 1},
		{"/v1/tracks/10/stems", 25},
		{"/v1/tracks/10/stems?limit=5", 5},
	}
	for _, tt := range tests {
		if got := getData[[]map[string]any](t, h, tt.path); len(got) != tt.want {
			t.Errorf("GET %s: %d items, want %d", tt.path, len(got), tt.want)
		}
	}
	ids := "/v1/users?"
	for i := 2; i < 27; i++ {
		ids += fmt.Sprintf("id=%d&", i)
	}
	if got := getData[[]map[string]any](t, h, ids); len(got) != 25 {
		t.Fatalf("bulk users = %d, want all 25 asked for", len(got))
	}
}
