package sdktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/devchain"
)

// notYet lists the SDK calls that fail today, each with why. A call not
// listed must succeed and decode to the right values. Remove an entry when
// its call works: the test fails while a listed call succeeds, so the list
// never hides a call that could be checked.
var notYet = map[string]string{}

// Fields whose decoded value must equal our API's, by wire name; the SDK
// names them in camelCase.
var (
	userFields = []string{"id", "handle", "name", "bio", "location", "is_verified", "is_deactivated", "is_available",
		"wallet", "erc_wallet", "follower_count", "followee_count", "track_count", "playlist_count", "album_count", "repost_count"}
	trackFields = []string{"id", "title", "genre", "mood", "tags", "description", "duration", "permalink",
		"repost_count", "favorite_count", "play_count", "is_streamable", "track_cid"}
	playlistFields = []string{"id", "playlist_name", "description", "is_album", "permalink",
		"repost_count", "favorite_count", "track_count"}
)

// TestSDK runs the published @audius/sdk against `discovery dev` and checks
// each call's decoded value against the demo seed and our own API's answer.
func TestSDK(t *testing.T) {
	dir := sdkDir(t)
	srv := startDev(t)
	fx := pickFixture(t, srv.seed)
	run := runSDK(t, dir, srv.base, fx.params())
	if want := pinnedSDKVersion(t); run.SDKVersion != want {
		t.Errorf("ran @audius/sdk %s, package-lock.json pins %s", run.SDKVersion, want)
	}
	t.Logf("@audius/sdk %s on node %s against %s: user %d (%s), track %d, playlist %d",
		run.SDKVersion, run.Node, srv.base, fx.user.ID, fx.user.Handle, fx.track.ID, fx.playlist.ID)

	checks := []callCheck{
		{"storageNodeSelector.health_check", func(t *testing.T, v json.RawMessage) {
			api := srv.data(t, "/health_check").(map[string]any)
			equal(t, "content nodes", field(t, obj(t, v), "nodes"), field(t, obj(t, api["network"]), "content_nodes"))
		}},
		{"users.getUser", func(t *testing.T, v json.RawMessage) {
			fx.checkUser(t, obj(t, field(t, obj(t, v), "data")), obj(t, srv.data(t, "/v1/users/"+fx.userID())))
		}},
		{"users.getUserByHandle", func(t *testing.T, v json.RawMessage) {
			fx.checkUser(t, obj(t, field(t, obj(t, v), "data")), obj(t, srv.data(t, "/v1/users/handle/"+url.PathEscape(fx.user.Handle))))
		}},
		{"users.searchUsers", func(t *testing.T, v json.RawMessage) {
			got := list(t, field(t, obj(t, v), "data"))
			api := list(t, srv.data(t, "/v1/users/search?query="+url.QueryEscape(fx.user.Handle)))
			equal(t, "result ids", ids(t, got), ids(t, api))
			if !slices.Contains(ids(t, got), fx.userID()) {
				t.Errorf("searching %q did not find user %s", fx.user.Handle, fx.userID())
			}
			for i := range min(len(got), len(api)) {
				sameAs(t, fmt.Sprintf("result %d", i), obj(t, got[i]), obj(t, api[i]), userFields)
			}
		}},
		{"users.getFollowers", func(t *testing.T, v json.RawMessage) {
			got := list(t, field(t, obj(t, v), "data"))
			api := list(t, srv.data(t, "/v1/users/"+fx.userID()+"/followers"))
			equal(t, "follower ids", ids(t, got), ids(t, api))
			equal(t, "follower ids, sorted", sorted(ids(t, got)), fx.followers)
			for i := range min(len(got), len(api)) {
				sameAs(t, fmt.Sprintf("follower %d", i), obj(t, got[i]), obj(t, api[i]), userFields)
			}
		}},
		{"users.getTracksByUser", func(t *testing.T, v json.RawMessage) {
			got := list(t, field(t, obj(t, v), "data"))
			api := list(t, srv.data(t, "/v1/users/"+fx.userID()+"/tracks"))
			equal(t, "track ids", ids(t, got), ids(t, api))
			var want []string
			for _, tr := range fx.tracks {
				want = append(want, hashid.Encode(tr.ID))
			}
			equal(t, "track ids, sorted", sorted(ids(t, got)), sorted(want))
			for i := range min(len(got), len(api)) {
				checkTrack(t, fmt.Sprintf("track %d", i), obj(t, got[i]), obj(t, api[i]))
			}
		}},
		{"tracks.getTrack", func(t *testing.T, v json.RawMessage) {
			got := obj(t, field(t, obj(t, v), "data"))
			api := obj(t, srv.data(t, "/v1/tracks/"+hashid.Encode(fx.track.ID)))
			checkTrack(t, "track", got, api)
			equal(t, "id", got["id"], hashid.Encode(fx.track.ID))
			equal(t, "title", got["title"], fx.track.Title)
			equal(t, "user.id", obj(t, got["user"])["id"], hashid.Encode(fx.track.OwnerID))
			// The SDK turns release_date into a Date, which prints as an
			// ISO timestamp of that day.
			if rd, _ := api["release_date"].(string); rd != "" {
				if s, _ := got["releaseDate"].(string); !strings.HasPrefix(s, rd) {
					t.Errorf("releaseDate: got %v, want the day %s", got["releaseDate"], rd)
				}
			}
		}},
		{"tracks.getTrendingTracks", func(t *testing.T, v json.RawMessage) {
			got := list(t, field(t, obj(t, v), "data"))
			api := list(t, srv.data(t, "/v1/tracks/trending"))
			if len(got) == 0 {
				t.Error("no trending tracks, though the demo has tracks")
			}
			equal(t, "track ids", ids(t, got), ids(t, api))
			for i := range min(len(got), len(api)) {
				checkTrack(t, fmt.Sprintf("track %d", i), obj(t, got[i]), obj(t, api[i]))
			}
		}},
		{"playlists.getPlaylist", func(t *testing.T, v json.RawMessage) {
			got := list(t, field(t, obj(t, v), "data"))
			api := list(t, srv.data(t, "/v1/playlists/"+hashid.Encode(fx.playlist.ID)))
			if len(got) != 1 || len(api) != 1 {
				t.Fatalf("got %d playlists from the SDK and %d from the API, want 1", len(got), len(api))
			}
			p, a := obj(t, got[0]), obj(t, api[0])
			sameAs(t, "playlist", p, a, playlistFields)
			sameAs(t, "playlist.user", obj(t, p["user"]), obj(t, a["user"]), userFields)
			equal(t, "id", p["id"], hashid.Encode(fx.playlist.ID))
			equal(t, "playlistName", p["playlistName"], fx.playlist.Name)
			equal(t, "isAlbum", p["isAlbum"], fx.playlist.IsAlbum)
			equal(t, "user.id", obj(t, p["user"])["id"], hashid.Encode(fx.playlist.OwnerID))
			var want []string
			for _, id := range fx.playlist.TrackIDs {
				want = append(want, hashid.Encode(id))
			}
			var contents, apiContents []string
			for _, c := range list(t, p["playlistContents"]) {
				contents = append(contents, fmt.Sprint(obj(t, c)["trackId"]))
			}
			for _, c := range list(t, a["playlist_contents"]) {
				apiContents = append(apiContents, fmt.Sprint(obj(t, c)["track_id"]))
			}
			equal(t, "playlistContents track ids", contents, want)
			equal(t, "playlistContents track ids vs API", contents, apiContents)
		}},
	}

	for _, c := range checks {
		t.Run(c.call, func(t *testing.T) {
			res, ok := run.Calls[c.call]
			if !ok {
				t.Fatalf("calls.mjs made no %s", c.call)
			}
			logGaps(t, res.Gaps)
			reason, listed := notYet[c.call]
			if !res.OK {
				if listed {
					t.Logf("not yet (%s): %s", reason, res.failure())
					return
				}
				t.Fatalf("failed: %s", res.failure())
			}
			if listed {
				t.Errorf("succeeds now: remove it from notYet (%q)", reason)
			}
			c.check(t, res.Value)
		})
	}
	for name := range run.Calls {
		if !slices.ContainsFunc(checks, func(c callCheck) bool { return c.call == name }) {
			t.Errorf("calls.mjs made %s, which the test does not check", name)
		}
	}
}

// callCheck checks the value the SDK decoded for one call.
type callCheck struct {
	call  string
	check func(t *testing.T, value json.RawMessage)
}

// fixture is what the SDK is asked for, chosen from the demo seed so that
// every list is non-empty.
type fixture struct {
	user      devchain.SeedUser
	followers []string             // hashids of the user's followers, sorted
	tracks    []devchain.SeedTrack // the user's tracks that are not deleted
	track     devchain.SeedTrack
	playlist  devchain.SeedPlaylist
}

// pickFixture takes the creator with the most followers among those with a
// live track, its first live track, and the first live playlist with tracks.
func pickFixture(t *testing.T, seed devchain.SeedResult) fixture {
	t.Helper()
	followers := map[int64][]string{}
	for _, f := range seed.Follows {
		followers[f.FolloweeID] = append(followers[f.FolloweeID], hashid.Encode(f.FollowerID))
	}
	var fx fixture
	found := false
	for _, u := range seed.Users {
		var live []devchain.SeedTrack
		for _, tr := range seed.Tracks {
			if tr.OwnerID == u.ID && !tr.Deleted {
				live = append(live, tr)
			}
		}
		if !u.Creator || len(live) == 0 || len(followers[u.ID]) == 0 {
			continue
		}
		if !found || len(followers[u.ID]) > len(fx.followers) {
			fx = fixture{user: u, followers: sorted(followers[u.ID]), tracks: live, track: live[0]}
			found = true
		}
	}
	if !found {
		t.Fatal("the demo seed has no creator with followers and a track")
	}
	for _, p := range seed.Playlists {
		if !p.Deleted && len(p.TrackIDs) > 0 {
			fx.playlist = p
			break
		}
	}
	if fx.playlist.ID == 0 {
		t.Fatal("the demo seed has no playlist with tracks")
	}
	return fx
}

func (fx fixture) userID() string { return hashid.Encode(fx.user.ID) }

// params is the JSON calls.mjs takes.
func (fx fixture) params() string {
	b, _ := json.Marshal(map[string]string{
		"userId":     fx.userID(),
		"handle":     fx.user.Handle,
		"query":      fx.user.Handle,
		"trackId":    hashid.Encode(fx.track.ID),
		"playlistId": hashid.Encode(fx.playlist.ID),
	})
	return string(b)
}

// checkUser compares a decoded user with our API's and with the seed.
func (fx fixture) checkUser(t *testing.T, got, api map[string]any) {
	t.Helper()
	sameAs(t, "user", got, api, userFields)
	equal(t, "id", got["id"], fx.userID())
	equal(t, "handle", got["handle"], fx.user.Handle)
	equal(t, "name", got["name"], fx.user.Name)
	equal(t, "wallet", got["wallet"], strings.ToLower(fx.user.Wallet.Hex()))
	equal(t, "isVerified", got["isVerified"], fx.user.Verified)
	equal(t, "followerCount", got["followerCount"], float64(len(fx.followers)))
}

// checkTrack compares a decoded track, and its embedded owner, with our
// API's.
func checkTrack(t *testing.T, what string, got, api map[string]any) {
	t.Helper()
	sameAs(t, what, got, api, trackFields)
	sameAs(t, what+".user", obj(t, got["user"]), obj(t, api["user"]), userFields)
}

// sdkRun is what calls.mjs writes.
type sdkRun struct {
	SDKVersion string                `json:"sdkVersion"`
	Node       string                `json:"node"`
	Calls      map[string]callResult `json:"calls"`
}

type callResult struct {
	OK    bool            `json:"ok"`
	Value json.RawMessage `json:"value"`
	Error *struct {
		Kind    string `json:"kind"`
		Status  int    `json:"status"`
		Model   string `json:"model"`
		Message string `json:"message"`
		Body    string `json:"body"`
	} `json:"error"`
	Gaps []gap `json:"gaps"`
}

// gap is a field the SDK's model requires that our answer left out. Fatal
// ones make the decoder throw; the others decode to undefined.
type gap struct {
	Model string `json:"model"`
	Field string `json:"field"`
	At    string `json:"at"`
	Fatal bool   `json:"fatal"`
}

// failure says why a call failed, naming the missing fields that broke
// decoding.
func (r callResult) failure() string {
	if r.Error == nil {
		return "no error reported"
	}
	e := r.Error
	s := fmt.Sprintf("%s error: %s", e.Kind, e.Message)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d: %s)", e.Status, strings.TrimSpace(e.Body))
	}
	var fatal []string
	for _, g := range r.Gaps {
		if g.Fatal {
			fatal = append(fatal, fmt.Sprintf("%s.%s (first missing at %s)", g.Model, g.Field, g.At))
		}
	}
	if len(fatal) > 0 {
		s += "; the SDK's " + e.Model + " decoder needs required fields our answer lacks: " + strings.Join(fatal, ", ")
	}
	return s
}

// logGaps records the required fields the SDK decodes as undefined: not an
// error, since apps read few of them, but the list of what is left to add.
func logGaps(t *testing.T, gaps []gap) {
	t.Helper()
	var soft []string
	for _, g := range gaps {
		if !g.Fatal {
			soft = append(soft, g.Model+"."+g.Field)
		}
	}
	if len(soft) > 0 {
		t.Logf("required by the SDK's models, absent from our answer (decoded as undefined): %s", strings.Join(soft, ", "))
	}
}

// runSDK runs calls.mjs once, making every call in one node process.
func runSDK(t *testing.T, sdkDir, base, params string) sdkRun {
	t.Helper()
	out := filepath.Join(t.TempDir(), "calls.json")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "calls.mjs", sdkDir, base, params, out)
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node calls.mjs: %v\n%s", err, log)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("node calls.mjs wrote no results: %v\n%s", err, log)
	}
	var run sdkRun
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatalf("decoding the results of calls.mjs: %v\n%s", err, b)
	}
	return run
}

// data fetches path from our API and returns its "data".
func (s *server) data(t *testing.T, path string) any {
	t.Helper()
	var env struct {
		Data any `json:"data"`
	}
	status, err := s.get(path, &env)
	if err != nil || status != 200 {
		t.Fatalf("GET %s: status %d, %v", path, status, err)
	}
	return env.Data
}

// sameAs checks that the SDK decoded each wire field of api, under its
// camelCase name, to the same value.
func sameAs(t *testing.T, what string, got, api map[string]any, wire []string) {
	t.Helper()
	for _, w := range wire {
		want, ok := api[w]
		if !ok {
			t.Errorf("%s: our API sent no %s", what, w)
			continue
		}
		if g := got[camel(w)]; !reflect.DeepEqual(g, want) {
			t.Errorf("%s.%s: the SDK decoded %#v, our API sent %s=%#v", what, camel(w), g, w, want)
		}
	}
}

// camel is the SDK's name for a wire field: follower_count → followerCount.
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %#v, want %#v", what, got, want)
	}
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	if raw, ok := v.(json.RawMessage); ok {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		return m
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want an object, got %#v", v)
	}
	return m
}

func list(t *testing.T, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("want a list, got %#v", v)
	}
	return l
}

func field(t *testing.T, m map[string]any, k string) any {
	t.Helper()
	v, ok := m[k]
	if !ok {
		t.Fatalf("no %q in %v", k, m)
	}
	return v
}

// ids are the "id" fields of a list of objects, in order.
func ids(t *testing.T, l []any) []string {
	t.Helper()
	out := []string{}
	for _, v := range l {
		out = append(out, fmt.Sprint(obj(t, v)["id"]))
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
