package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// The viewer fields were once filled by decoding every answer into maps
// and encoding it again (and /v1/full answers still were, with their
// classes renamed). That way is kept here, as it was, to check that
// filling the typed answers gives every endpoint the same answers.

// legacyObjects are the users, tracks and playlists of a decoded answer,
// as the JSON objects to fill, by id.
type legacyObjects struct {
	users, tracks, playlists map[int64][]map[string]any
}

// legacyFillViewer sets the viewer fields of every user, track and
// playlist in data; with hasViewer false it sets them all false without
// asking the store.
func legacyFillViewer(ctx context.Context, store Store, data any, viewer int64, hasViewer bool) error {
	objs := legacyObjects{users: map[int64][]map[string]any{}, tracks: map[int64][]map[string]any{}, playlists: map[int64][]map[string]any{}}
	objs.collect(data)
	users := discovery.UserRelations{}
	tracks, playlists := discovery.ItemRelations{}, discovery.ItemRelations{}
	if hasViewer {
		var err error
		if len(objs.users) > 0 {
			if users, err = store.FollowRelations(ctx, viewer, legacyKeys(objs.users)); err != nil {
				return err
			}
		}
		if len(objs.tracks) > 0 {
			if tracks, err = store.ItemRelations(ctx, viewer, discovery.ItemTrack, legacyKeys(objs.tracks)); err != nil {
				return err
			}
		}
		if len(objs.playlists) > 0 {
			if playlists, err = store.ItemRelations(ctx, viewer, discovery.ItemPlaylist, legacyKeys(objs.playlists)); err != nil {
				return err
			}
		}
	}
	for id, list := range objs.users {
		for _, o := range list {
			o["does_current_user_follow"] = users.Follows[id]
			o["does_follow_current_user"] = users.FollowedBy[id]
		}
	}
	for _, kind := range []struct {
		objs map[int64][]map[string]any
		rel  discovery.ItemRelations
	}{{objs.tracks, tracks}, {objs.playlists, playlists}} {
		for id, list := range kind.objs {
			for _, o := range list {
				o["has_current_user_reposted"] = kind.rel.Reposted[id]
				o["has_current_user_saved"] = kind.rel.Saved[id]
			}
		}
	}
	return nil
}

// collect walks a decoded answer and files every object that is a user
// (it has a handle and a follower count), a playlist (a playlist name) or a
// track (a title and an embedded user), by its hashid.
func (v legacyObjects) collect(x any) {
	switch x := x.(type) {
	case []any:
		for _, e := range x {
			v.collect(e)
		}
	case map[string]any:
		if s, ok := x["id"].(string); ok {
			if id, err := hashid.Decode(s); err == nil {
				_, handle := x["handle"]
				_, followers := x["follower_count"]
				_, name := x["playlist_name"]
				_, title := x["title"]
				_, user := x["user"].(map[string]any)
				switch {
				case handle && followers:
					v.users[id] = append(v.users[id], x)
				case name:
					v.playlists[id] = append(v.playlists[id], x)
				case title && user:
					v.tracks[id] = append(v.tracks[id], x)
				}
			}
		}
		for _, e := range x {
			v.collect(e)
		}
	}
}

func legacyKeys(m map[int64][]map[string]any) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// legacyRenameClasses gives activity classes their full names, wherever
// they are.
func legacyRenameClasses(x any) {
	switch x := x.(type) {
	case []any:
		for _, e := range x {
			legacyRenameClasses(e)
		}
	case map[string]any:
		if c, ok := x["class"].(string); ok && fullClasses[c] != "" {
			x["class"] = fullClasses[c]
		}
		for _, e := range x {
			legacyRenameClasses(e)
		}
	}
}

// decodeNumbers decodes a JSON answer as the old way did, numbers kept as
// they were written.
func decodeNumbers(t *testing.T, path string, body []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("GET %s: decode %s: %v", path, body, err)
	}
	return v
}

// answerOf answers GET path with h, requiring a 200. unfilled asks the
// handlers for their answer as they make it, without viewer fields, as
// the old wrappers received it.
func answerOf(t *testing.T, h http.Handler, path string, unfilled bool) map[string]any {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if unfilled {
		req = req.WithContext(context.WithValue(req.Context(), answerFillKey{}, (*answerFill)(nil)))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d; body %s", path, rec.Code, rec.Body)
	}
	return decodeNumbers(t, path, rec.Body.Bytes())
}

// countTrue counts the true values of the viewer fields in a decoded
// answer.
func countTrue(x any) int {
	n := 0
	switch x := x.(type) {
	case []any:
		for _, e := range x {
			n += countTrue(e)
		}
	case map[string]any:
		for k, e := range x {
			if b, ok := e.(bool); ok && b && strings.Contains(k, "current_user") {
				n++
			}
			n += countTrue(e)
		}
	}
	return n
}

// TestViewerAnswersAsBefore checks, for every endpoint that honours
// user_id, on the list and trending data sets, for several viewers and
// none, that the /v1 and /v1/full answers are what the old way made of
// the handler's answer.
func TestViewerAnswersAsBefore(t *testing.T) {
	ctx := context.Background()
	lists := []string{
		"/users/" + alice, "/users/handle/alice", "/users?id=1&id=2&id=5&id=3",
		"/users/" + alice + "/followers", "/users/" + alice + "/following", "/users/" + bob + "/following",
		"/users/" + alice + "/tracks", "/users/" + alice + "/tracks?sort=plays", "/users/handle/alice/tracks",
		"/users/" + bob + "/reposts", "/users/" + bob + "/favorites", "/users/" + alice + "/playlists",
		"/users/" + alice + "/albums", "/users/" + alice + "/mutuals", "/users/" + erin + "/related",
		"/users/" + alice + "/subscribers", "/users/" + dave + "/feed", "/users/" + bob + "/feed?filter=repost",
		"/tracks?id=10&id=12&id=40&id=43&id=10", "/tracks/" + track10, "/tracks/" + track12,
		"/tracks/" + track10 + "/reposts", "/tracks/" + track10 + "/favorites", "/tracks/" + track10 + "/remixes",
		"/tracks/" + track10 + "/stems",
		"/playlists?id=20&id=21&id=51", "/playlists/" + playlist20, "/playlists/" + album21,
		"/playlists/" + album21 + "/reposts", "/playlists/" + playlist20 + "/favorites", "/playlists/" + hid(51) + "/tracks",
		"/playlists/by_permalink/Alice/road-trip",
		"/users/search?query=a", "/tracks/search?query=song", "/tracks/search?query=remix", "/playlists/search?query=road",
	}
	trending := []string{
		"/tracks/trending", "/tracks/trending?genre=Electronic", "/tracks/trending?time=month&limit=2",
		"/tracks/trending/ids", "/playlists/trending", "/playlists/trending?type=album",
	}
	viewers := []string{"", alice, bob, dave, erin, finn, "3"}
	sets := []struct {
		name  string
		store func(t *testing.T) Store
		paths []string
	}{
		{"lists", func(t *testing.T) Store { return newListStore(t) }, lists},
		{"trending", func(t *testing.T) Store { return newTrendingStore(t, true) }, trending},
	}
	trues := 0
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			store := set.store(t)
			h, _ := newTestServer(t, store, 7)
			for _, path := range set.paths {
				for _, viewer := range viewers {
					asked, sep := path, "?"
					if strings.Contains(path, "?") {
						sep = "&"
					}
					var viewerID int64
					if viewer != "" {
						asked += sep + "user_id=" + viewer
						id, err := parseID("user", viewer)
						if err != nil {
							t.Fatal(err)
						}
						viewerID = id
					}
					t.Run(strings.TrimPrefix(asked, "/"), func(t *testing.T) {
						if viewer != "" {
							want := answerOf(t, h, "/v1"+asked, true)
							if err := legacyFillViewer(ctx, store, want["data"], viewerID, true); err != nil {
								t.Fatal(err)
							}
							got := answerOf(t, h, "/v1"+asked, false)
							if !reflect.DeepEqual(got, want) {
								t.Errorf("/v1 answer:\n got  %v\n want %v", got, want)
							}
							trues += countTrue(got)
						}
						data := answerOf(t, h, "/v1"+asked, true)["data"]
						if err := legacyFillViewer(ctx, store, data, viewerID, viewer != ""); err != nil {
							t.Fatal(err)
						}
						legacyRenameClasses(data)
						got := answerOf(t, h, "/v1/full"+asked, false)
						if !reflect.DeepEqual(got["data"], data) {
							t.Errorf("/v1/full data:\n got  %v\n want %v", got["data"], data)
						}
						if _, err := time.Parse(time.RFC3339, fmt.Sprint(got["timestamp"])); err != nil {
							t.Errorf("/v1/full timestamp %v: %v", got["timestamp"], err)
						}
						delete(got, "data")
						delete(got, "timestamp")
						wantEnv := map[string]any{"latest_chain_block": json.Number("7"), "latest_indexed_block": json.Number("3"),
							"latest_chain_slot_plays": json.Number("7"), "latest_indexed_slot_plays": json.Number("3"), "signature": "",
							"version": map[string]any{"service": "discovery-node", "version": "1.2.3"}}
						if !reflect.DeepEqual(got, wantEnv) {
							t.Errorf("/v1/full envelope %v, want %v", got, wantEnv)
						}
					})
				}
			}
		})
	}
	// The comparison means something only if some viewer fields are true.
	if trues < 50 {
		t.Errorf("only %d viewer fields are true in all the answers: the data sets check too little", trues)
	}
}
