package api

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func trendEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

func TestTrendingTracks(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"/v1/tracks/trending", []string{track14, track10, track15}},
		{"/v1/tracks/trending?time=week", []string{track14, track10, track15}},
		{"/v1/tracks/trending?time=month", []string{track14, track10, track15}},
		{"/v1/tracks/trending?time=year", []string{track14, track10, track15}},
		{"/v1/tracks/trending?time=allTime", []string{track14, track10, track15}},
		{"/v1/tracks/trending?genre=Electronic", []string{track10, track15}},
		{"/v1/tracks/trending?genre=Jazz&time=month", []string{track14}},
		{"/v1/tracks/trending?genre=Pop", []string{}},
		{"/v1/tracks/trending?genre=" + urlQuery("' OR 1=1 --"), []string{}},
		{"/v1/tracks/trending?limit=1&offset=1", []string{track10}},
		{"/v1/tracks/trending?offset=3", []string{}},
		{"/v1/tracks/trending?user_id=" + bob, []string{track14, track10, track15}},
		{"/v1/full/tracks/trending?genre=Electronic", []string{track10, track15}},
	}
	for _, refreshed := range []bool{false, true} {
		h, _ := newTestServer(t, newTrendingStore(t, refreshed), 3)
		for _, tt := range tests {
			got := getData[[]map[string]any](t, h, tt.path)
			trendEqual(t, tt.path, ids(t, got), tt.want)
			for _, tr := range got {
				if missing := missingKeys(tr, trackRequired); len(missing) > 0 {
					t.Errorf("%s: track %v lacks %v", tt.path, tr["id"], missing)
				}
				user, _ := tr["user"].(map[string]any)
				trendEqual(t, tt.path+": owner of "+tr["id"].(string), user["id"], any(alice))
			}
		}
	}

	h, _ := newTestServer(t, newTrendingStore(t, true), 3)
	got := getData[[]map[string]any](t, h, "/v1/tracks/trending?genre=Electronic")
	assertFields(t, "track 10", got[0], map[string]any{
		"id": track10, "title": "First Song!", "genre": "Electronic", "repost_count": 1.0, "favorite_count": 2.0,
		"permalink": "/Alice/first-song",
	})
	// The viewer fields come with user_id: bob reposted and saved track 10.
	got = getData[[]map[string]any](t, h, "/v1/tracks/trending?genre=Electronic&user_id="+bob)
	assertFields(t, "track 10 seen by bob", got[0], map[string]any{"has_current_user_reposted": true, "has_current_user_saved": true})
	assertFields(t, "track 15 seen by bob", got[1], map[string]any{"has_current_user_reposted": false, "has_current_user_saved": false})
}

func TestTrendingTrackIDs(t *testing.T) {
	all := []string{track14, track10, track15}
	tests := []struct {
		path string
		want []string // the same for week, month and year
	}{
		{"/v1/tracks/trending/ids", all},
		{"/v1/tracks/trending/ids?limit=2", all[:2]},
		{"/v1/tracks/trending/ids?limit=2&offset=2", all[2:]},
		{"/v1/tracks/trending/ids?genre=Jazz", []string{track14}},
		{"/v1/tracks/trending/ids?genre=Pop", []string{}},
		{"/v1/full/tracks/trending/ids?limit=1", all[:1]},
	}
	for _, refreshed := range []bool{false, true} {
		h, _ := newTestServer(t, newTrendingStore(t, refreshed), 3)
		for _, tt := range tests {
			got := getData[map[string][]map[string]any](t, h, tt.path)
			if len(got) != 3 {
				t.Errorf("%s: keys %v, want week, month and year", tt.path, got)
			}
			for _, w := range []string{"week", "month", "year"} {
				list, ok := got[w]
				if !ok {
					t.Errorf("%s: no %q", tt.path, w)
				}
				for _, o := range list {
					if len(o) != 1 {
						t.Errorf("%s: %s entry %v, want only an id", tt.path, w, o)
					}
				}
				trendEqual(t, tt.path+" "+w, ids(t, list), tt.want)
			}
		}
	}
}

// TestTrendingTrackIDsDefaultLimit: without a limit, ten ids per window,
// as Audius answers.
func TestTrendingTrackIDsDefaultLimit(t *testing.T) {
	s := newStore(t)
	loadTrendingMany(t, s, 12)
	h, _ := newTestServer(t, s, 1)
	got := getData[map[string][]map[string]any](t, h, "/v1/tracks/trending/ids")
	for _, w := range []string{"week", "month", "year"} {
		trendEqual(t, w+" ids", len(got[w]), 10)
	}
	trendEqual(t, "trending tracks", len(getData[[]map[string]any](t, h, "/v1/tracks/trending")), 12)
}

func TestTrendingPlaylists(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"/v1/playlists/trending", []string{playlist25}},
		{"/v1/playlists/trending?time=allTime&type=playlist", []string{playlist25}},
		{"/v1/playlists/trending?type=album", []string{album26}},
		{"/v1/playlists/trending?type=album&time=year&omit_tracks=true", []string{album26}},
		{"/v1/playlists/trending?offset=1", []string{}},
		{"/v1/full/playlists/trending?omit_tracks=false", []string{playlist25}},
	}
	for _, refreshed := range []bool{false, true} {
		h, _ := newTestServer(t, newTrendingStore(t, refreshed), 3)
		for _, tt := range tests {
			got := getData[[]map[string]any](t, h, tt.path)
			trendEqual(t, tt.path, ids(t, got), tt.want)
			for _, p := range got {
				if missing := missingKeys(p, playlistRequired); len(missing) > 0 {
					t.Errorf("%s: playlist %v lacks %v", tt.path, p["id"], missing)
				}
			}
		}
	}
}

func TestTrendingEmpty(t *testing.T) {
	h, _ := newTestServer(t, newStore(t), 0)
	for _, path := range []string{"/v1/tracks/trending", "/v1/playlists/trending"} {
		rec := get(t, h, path)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"data":[]`) {
			t.Errorf("GET %s: %d %s, want 200 with an empty list", path, rec.Code, rec.Body)
		}
	}
	rec := get(t, h, "/v1/tracks/trending/ids")
	if want := `{"data":{"week":[],"month":[],"year":[]}}`; rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != want {
		t.Errorf("GET /v1/tracks/trending/ids: %d %s, want 200 %s", rec.Code, rec.Body, want)
	}
}

func TestTrendingBadParams(t *testing.T) {
	h, _ := newTestServer(t, newTrendingStore(t, true), 3)
	tests := []struct {
		path string
		want string // in the error message
	}{
		{"/v1/tracks/trending?time=day", "time"},
		{"/v1/tracks/trending?time=WEEK", "time"},
		{"/v1/tracks/trending?time=allTime%00", "time"},
		{"/v1/tracks/trending?limit=0", "limit"},
		{"/v1/tracks/trending?limit=101", "limit"},
		{"/v1/tracks/trending?limit=ten", "limit"},
		{"/v1/tracks/trending?offset=-1", "offset"},
		{"/v1/tracks/trending?offset=99999999999999999999", "offset"},
		{"/v1/tracks/trending/ids?limit=0", "limit"},
		{"/v1/tracks/trending/ids?limit=500", "limit"},
		{"/v1/tracks/trending/ids?offset=x", "offset"},
		{"/v1/playlists/trending?time=decade", "time"},
		{"/v1/playlists/trending?type=song", "type"},
		{"/v1/playlists/trending?omit_tracks=maybe", "omit_tracks"},
		{"/v1/playlists/trending?limit=-5", "limit"},
		{"/v1/tracks/trending?user_id=not-an-id!", "user"},
		{"/v1/full/tracks/trending?time=day", "time"},
	}
	for _, tt := range tests {
		msg := getError(t, h, tt.path, http.StatusBadRequest)
		if !strings.Contains(msg, tt.want) {
			t.Errorf("GET %s: error %q does not mention %q", tt.path, msg, tt.want)
		}
	}
}
