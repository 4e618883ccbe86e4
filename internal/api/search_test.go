package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/discovery-node/discovery/internal/api/hashid"
)

func TestSearchEndpoints(t *testing.T) {
	h, _ := newTestServer(t, newFixtureStore(t), 2)
	track10, track11, track12 := hashid.Encode(10), hashid.Encode(11), hashid.Encode(12)
	playlist20 := hashid.Encode(20)
	tests := []struct {
		path string
		want []string
	}{
		// Tracks: every word of the title, by prefix and with typos, the
		// most played first; the deleted track is never found.
		{"/v1/tracks/search?query=song", []string{track10, track11}},
		{"/v1/tracks/search?query=sogn", []string{track10, track11}},
		{"/v1/tracks/search?query=firs", []string{track10}},
		{"/v1/tracks/search?query=FIRST+SONG", []string{track10}},
		{"/v1/tracks/search?query=tune", []string{track12}},
		{"/v1/tracks/search?query=gone", []string{}},
		{"/v1/tracks/search?query=song&genre=electronic", []string{track10}},
		{"/v1/tracks/search?query=s&genre=Electronic&genre=Jazz", []string{}},
		{"/v1/tracks/search?genre=Electronic&genre=Jazz", []string{track10, track12}},
		{"/v1/tracks/search?query=song&mood=Upbeat", []string{track10}},
		{"/v1/tracks/search?query=song&mood=Sad", []string{}},
		{"/v1/tracks/search?query=song&sort_method=popular", []string{track10, track11}},
		{"/v1/tracks/search?query=song&sort_method=recent", []string{track11, track10}},
		{"/v1/tracks/search?query=song&sort_method=relevant&limit=1&offset=1", []string{track11}},
		// Accepted, with no effect: Discovery indexes no purchases,
		// downloads, keys or tempo.
		{"/v1/tracks/search?query=song&only_downloadable=true&includePurchaseable=true&key=C&bpm_min=90", []string{track10, track11}},
		// Playlists: albums, private and deleted playlists are not found.
		{"/v1/playlists/search?query=road", []string{playlist20}},
		{"/v1/playlists/search?query=raod", []string{playlist20}},
		{"/v1/playlists/search?query=debut", []string{}},
		{"/v1/playlists/search?query=old", []string{}},
		{"/v1/playlists/search?query=road&genre=Jazz", []string{playlist20}},
		// Users: deactivated users are not found.
		{"/v1/users/search?query=alice&is_verified=true", []string{alice}},
		{"/v1/users/search?query=bob&is_verified=true", []string{}},
		{"/v1/users/search?query=bob&is_verified=false", []string{bob}},
		{"/v1/users/search?is_verified=true", []string{alice}},
		{"/v1/users/search?query=carol", []string{}},
		{"/v1/users/search?query=alison", []string{dave}},
		{"/v1/users/search?query=alsion", []string{dave}},
		{"/v1/users/search?query=ali&sort_method=recent", []string{dave, alice}},
		{"/v1/users/search?genre=Jazz", []string{bob}},
		{"/v1/full/users/search?query=alice", []string{alice}},
		{"/v1/full/tracks/search?query=song", []string{track10, track11}},
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

func TestSearchShapes(t *testing.T) {
	h, _ := newTestServer(t, newFixtureStore(t), 2)
	tracks := getData[[]map[string]any](t, h, "/v1/tracks/search?query=first")
	if len(tracks) != 1 {
		t.Fatalf("tracks = %v, want one", tracks)
	}
	if missing := missingKeys(tracks[0], trackRequired); len(missing) > 0 {
		t.Errorf("track lacks required keys %v", missing)
	}
	if u, _ := tracks[0]["user"].(map[string]any); u["id"] != alice {
		t.Errorf("track has user %v, want alice embedded", u)
	}
	playlists := getData[[]map[string]any](t, h, "/v1/playlists/search?query=road")
	if len(playlists) != 1 {
		t.Fatalf("playlists = %v, want one", playlists)
	}
	if u, _ := playlists[0]["user"].(map[string]any); u["id"] != alice {
		t.Errorf("playlist has user %v, want alice embedded", u)
	}
	// The viewer fields: bob saved and reposted track 10.
	viewed := getData[[]map[string]any](t, h, "/v1/tracks/search?query=first&user_id="+bob)
	if len(viewed) != 1 || viewed[0]["has_current_user_saved"] != true || viewed[0]["has_current_user_reposted"] != true {
		t.Errorf("track seen by bob = %v, want has_current_user_saved and has_current_user_reposted", viewed)
	}
}

func TestSearchBadRequests(t *testing.T) {
	h, _ := newTestServer(t, newFixtureStore(t), 2)
	long := strings.Repeat("a", 101)
	tests := []struct {
		path, wantInMsg string
	}{
		{"/v1/tracks/search", "query"},
		{"/v1/tracks/search?query=%20", "query"},
		{"/v1/playlists/search", "query"},
		{"/v1/playlists/search?genre=Jazz", "query"},
		{"/v1/users/search?is_verified=false", "query"},
		{"/v1/users/search?query=a&sort_method=best", "sort_method"},
		{"/v1/tracks/search?query=a&sort_method=RELEVANT", "sort_method"},
		{"/v1/users/search?query=a&is_verified=maybe", "is_verified"},
		{"/v1/tracks/search?query=" + long, "characters"},
		{"/v1/tracks/search?query=" + url.QueryEscape("a b c d e f g h i"), "words"},
		{"/v1/tracks/search?query=%FF", "UTF-8"},
		{"/v1/tracks/search?query=a&genre=" + long, "genre"},
		{"/v1/tracks/search?query=a&mood=" + long, "mood"},
		{"/v1/tracks/search?query=a" + strings.Repeat("&genre=x", 21), "genre"},
		{"/v1/tracks/search?query=a&limit=0", "limit"},
		{"/v1/playlists/search?query=a&limit=101", "limit"},
		{"/v1/users/search?query=a&offset=-1", "offset"},
		{"/v1/tracks/search?query=a&user_id=not-an-id!", "user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if msg := getError(t, h, tt.path, http.StatusBadRequest); !strings.Contains(msg, tt.wantInMsg) {
				t.Errorf("GET %s: error %q does not mention %q", tt.path, msg, tt.wantInMsg)
			}
		})
	}
	// At the bounds: answered.
	for _, path := range []string{
		"/v1/tracks/search?query=" + long[:100],
		"/v1/tracks/search?query=" + url.QueryEscape("a b c d e f g h"),
		"/v1/tracks/search?query=a" + strings.Repeat("&genre=x", 20),
	} {
		if got := getData[[]map[string]any](t, h, path); len(got) != 0 {
			t.Errorf("GET %s = %v, want nothing", path, got)
		}
	}
}
