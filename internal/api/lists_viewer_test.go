package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The viewer fields and the /v1/full variants.

// viewerFields picks the viewer fields of an object, absent ones as nil.
func viewerFields(o map[string]any, keys ...string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = o[k]
	}
	return out
}

var (
	userViewerKeys = []string{"does_current_user_follow", "does_follow_current_user"}
	itemViewerKeys = []string{"has_current_user_reposted", "has_current_user_saved"}
)

func TestViewerFieldsOnUsers(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 3)
	// Alice follows bob and erin; all four follow her.
	followers := getData[[]map[string]any](t, h, "/v1/users/"+alice+"/followers?user_id="+alice)
	want := map[string][]any{erin: {true, true}, bob: {true, true}, carol: {false, true}, dave: {false, true}}
	if len(followers) != len(want) {
		t.Fatalf("followers = %v, want %d", ids(t, followers), len(want))
	}
	for _, u := range followers {
		id, _ := u["id"].(string)
		assertFields(t, "follower "+id, map[string]any{"viewer": viewerFields(u, userViewerKeys...)}, map[string]any{"viewer": want[id]})
	}
	// Without a viewer, /v1 answers have no viewer fields.
	for _, u := range getData[[]map[string]any](t, h, "/v1/users/"+alice+"/followers") {
		if got := viewerFields(u, userViewerKeys...); got[0] != nil || got[1] != nil {
			t.Errorf("follower %v has viewer fields %v without a viewer", u["id"], got)
		}
	}
	// A viewer nobody follows, and who follows nobody.
	for _, u := range getData[[]map[string]any](t, h, "/v1/users?id=1&id=2&user_id="+finn) {
		assertFields(t, "seen by finn", map[string]any{"viewer": viewerFields(u, userViewerKeys...)}, map[string]any{"viewer": []any{false, false}})
	}
}

func TestViewerFieldsOnItems(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 3)
	// Bob reposted album 21 and track 10 and saved track 10; both are
	// alice's, whom bob follows and who follows bob.
	reposts := getData[[]map[string]any](t, h, "/v1/users/"+bob+"/reposts?user_id="+bob)
	wants := [][]any{{true, false}, {true, true}}
	for i, r := range reposts {
		item, _ := r["item"].(map[string]any)
		assertFields(t, "reposted item", map[string]any{"viewer": viewerFields(item, itemViewerKeys...)}, map[string]any{"viewer": wants[i]})
		user, _ := item["user"].(map[string]any)
		assertFields(t, "its owner", map[string]any{"viewer": viewerFields(user, userViewerKeys...)}, map[string]any{"viewer": []any{true, true}})
	}
	// Dave reposted and saved track 10 but not track 11.
	tracks := getData[[]map[string]any](t, h, "/v1/users/"+alice+"/tracks?user_id="+dave)
	got := map[string][]any{}
	for _, tr := range tracks {
		got[tr["id"].(string)] = viewerFields(tr, itemViewerKeys...)
	}
	assertFields(t, "alice's tracks seen by dave", map[string]any{track10: got[track10], track11: got[track11]},
		map[string]any{track10: []any{true, true}, track11: []any{false, false}})
	// Erin saved playlist 20.
	p := getData[[]map[string]any](t, h, "/v1/playlists/by_permalink/Alice/road-trip?user_id="+erin)[0]
	assertFields(t, "playlist 20 seen by erin", map[string]any{"viewer": viewerFields(p, itemViewerKeys...)}, map[string]any{"viewer": []any{false, true}})
}

// TestViewerQueriesAreBatched: one query per kind, however many objects.
func TestViewerQueriesAreBatched(t *testing.T) {
	store := &countingStore{Store: newListStore(t)}
	h, _ := newTestServer(t, store, 3)
	feed := getData[[]map[string]any](t, h, "/v1/users/"+dave+"/feed?user_id="+bob)
	if len(feed) != 7 {
		t.Fatalf("feed holds %d items, want 7", len(feed))
	}
	if store.follows != 1 || store.items != 2 {
		t.Fatalf("%d follow and %d item queries, want 1 and 2 (tracks, playlists)", store.follows, store.items)
	}
	store.follows, store.items = 0, 0
	getData[[]map[string]any](t, h, "/v1/users/"+alice+"/followers")
	getData[[]map[string]any](t, h, "/v1/users/"+alice+"/subscribers?user_id="+bob)
	if store.follows != 1 || store.items != 0 {
		t.Fatalf("%d follow and %d item queries, want 1 and 0", store.follows, store.items)
	}
}

func TestFull(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 7)
	before := time.Now().UTC().Truncate(time.Second)
	rec := get(t, h, "/v1/full/tracks/"+track10+"?user_id="+bob)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d; body %s", rec.Code, rec.Body)
	}
	body := decodeBody[map[string]any](t, rec.Body)
	assertFields(t, "full envelope", body, map[string]any{
		"latest_chain_block": 7.0, "latest_indexed_block": 3.0,
		"latest_chain_slot_plays": 7.0, "latest_indexed_slot_plays": 3.0, "signature": "",
		"version": map[string]any{"service": "discovery-node", "version": "1.2.3"},
	})
	ts, _ := body["timestamp"].(string)
	if at, err := time.Parse(time.RFC3339, ts); err != nil || at.Before(before) {
		t.Errorf("timestamp %q: want the time of the answer, RFC 3339 (%v)", ts, err)
	}
	track, _ := body["data"].(map[string]any)
	assertFields(t, "full track", track, map[string]any{"id": track10, "title": "First Song!", "play_count": 42.0,
		"has_current_user_reposted": true, "has_current_user_saved": true})
	user, _ := track["user"].(map[string]any)
	assertFields(t, "its owner", user, map[string]any{"id": alice, "does_current_user_follow": true, "does_follow_current_user": true})

	// Without a viewer the fields are there, false, as in Audius's full API.
	track = getData[map[string]any](t, h, "/v1/full/tracks/"+track10)
	assertFields(t, "full track without viewer", track, map[string]any{"has_current_user_reposted": false, "has_current_user_saved": false})
	// Every /v1 endpoint has its full variant, with the same data.
	for _, path := range []string{"/users/" + alice, "/users/handle/alice", "/users/" + alice + "/followers?limit=2",
		"/users/" + alice + "/tracks?sort=plays", "/playlists/" + album21, "/users/" + dave + "/feed", "/tracks?id=10&id=12"} {
		plain := getData[any](t, h, "/v1"+path)
		full := getData[any](t, h, "/v1/full"+path)
		stripViewer(full)
		assertFields(t, path, map[string]any{"data": full}, map[string]any{"data": plain})
	}
	// Activity classes get their full names.
	reposts := getData[[]map[string]any](t, h, "/v1/full/users/"+bob+"/reposts")
	if reposts[0]["class"] != "collection_activity_full" || reposts[1]["class"] != "track_activity_full" {
		t.Errorf("full reposts classes %v, %v", reposts[0]["class"], reposts[1]["class"])
	}
}

// stripViewer removes the viewer fields full answers add.
func stripViewer(x any) {
	switch x := x.(type) {
	case []any:
		for _, e := range x {
			stripViewer(e)
		}
	case map[string]any:
		for _, k := range append(userViewerKeys, itemViewerKeys...) {
			delete(x, k)
		}
		for _, e := range x {
			stripViewer(e)
		}
	}
}

func TestFullErrorsAndRedirects(t *testing.T) {
	h, _ := newTestServer(t, newListStore(t), 3)
	tests := []struct {
		path       string
		wantStatus int
		wantInMsg  string
	}{
		{"/v1/full/users/" + hid(404), http.StatusNotFound, "user"},
		{"/v1/full/users/" + alice + "/tracks?limit=0", http.StatusBadRequest, "limit"},
		{"/v1/full/users/" + alice + "?user_id=bad!", http.StatusBadRequest, "user_id"},
		{"/v1/full/", http.StatusNotFound, "no such endpoint"},
		{"/v1/full/full/users/" + alice, http.StatusNotFound, "no such endpoint"},
		{"/v1/full/nothing", http.StatusNotFound, "no such endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			msg := getError(t, h, tt.path, tt.wantStatus)
			if !strings.Contains(msg, tt.wantInMsg) {
				t.Fatalf("error %q does not mention %q", msg, tt.wantInMsg)
			}
		})
	}
	rec := httptestDo(h, http.MethodGet, "/v1/full/resolve?url=/Alice/first-draft")
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusFound || loc != "/v1/full/tracks/"+track10 {
		t.Fatalf("full resolve: %d to %q, want 302 to the full track", rec.Code, loc)
	}
}
