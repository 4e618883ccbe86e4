package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// The fuzz targets send client mistakes of every kind to the main
// endpoints and check the rules every answer keeps: never a 5xx, always a
// JSON object holding either "data" or a non-empty "error", and never more
// items than the limit allows. Interesting inputs are kept in
// testdata/fuzz/<FuzzName>/; run one with, for example,
//
//	go test ./internal/api -run '^$' -fuzz '^FuzzGetUser$' -fuzztime 1m

// fuzzHandler serves the fixture data to every input of one fuzzing run.
// newFixtureStore ties its store to one *testing.T, whose end would close
// it after the first input, and loading the data for each input caps
// fuzzing at a few inputs a second; so the same data set is loaded here
// once per F. Keep it in step with newFixtureStore.
func fuzzHandler(f *testing.F) http.Handler {
	f.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "content.db"))
	if err != nil {
		f.Fatalf("open sqlite store: %v", err)
	}
	f.Cleanup(func() { s.Close() })
	b1, b2 := fixtureBlocks[0], fixtureBlocks[1]
	users := discovery.NewChanges()
	for _, u := range fixtureUsers {
		u := *u
		u.CreatedBlock, u.UpdatedBlock, u.CreatedAt, u.UpdatedAt = b1.Number, b1.Number, b1.Time, b1.Time
		users.Users[u.ID] = &u
	}
	if err := s.ApplyBlock(ctx, b1, creating(users)); err != nil {
		f.Fatalf("apply block 1: %v", err)
	}
	c := discovery.NewChanges()
	for _, tr := range fixtureTracks {
		tr := *tr
		tr.CreatedBlock, tr.UpdatedBlock, tr.CreatedAt, tr.UpdatedAt = b2.Number, b2.Number, b2.Time, b2.Time
		c.Tracks[tr.ID] = &tr
	}
	for _, p := range fixturePlaylists {
		p := *p
		p.CreatedBlock, p.UpdatedBlock, p.CreatedAt, p.UpdatedAt = b2.Number, b2.Number, b2.Time, b2.Time
		c.Playlists[p.ID] = &p
	}
	for _, r := range fixtureRoutes {
		r.Block = b2.Number
		c.Routes[r.RouteKey] = &r
	}
	for _, k := range fixtureFollows {
		c.Follows[k] = &discovery.Follow{FollowKey: k, Block: b2.Number, CreatedAt: b2.Time}
	}
	for _, k := range fixtureReposts {
		c.Reposts[k] = &discovery.ItemAction{ItemKey: k, Block: b2.Number, CreatedAt: b2.Time}
	}
	for _, k := range fixtureSaves {
		c.Saves[k] = &discovery.ItemAction{ItemKey: k, Block: b2.Number, CreatedAt: b2.Time}
	}
	if err := s.ApplyBlock(ctx, b2, creating(c)); err != nil {
		f.Fatalf("apply block 2: %v", err)
	}
	// Logs are discarded: kept, they would grow for as long as the fuzzer runs.
	return NewServer(testConfig, s, ChainHeadFunc(func() uint64 { return 3 }), slog.New(slog.DiscardHandler))
}

// checkAnswer asserts the rules of every answer and returns the decoded
// body, or nil for a redirect.
func checkAnswer(t *testing.T, target string, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("GET %s: status %d; body %s", target, rec.Code, rec.Body)
	}
	if rec.Code >= 300 && rec.Code < 400 {
		// ServeMux redirects paths with "." or ".." segments to their
		// clean form, and /v1/resolve answers with a redirect: HTTP's own
		// answers, not errors.
		if rec.Header().Get("Location") == "" {
			t.Fatalf("GET %s: redirect %d without a Location", target, rec.Code)
		}
		return nil
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: Content-Type %q, want application/json; body %s", target, ct, rec.Body)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: body is not a JSON object: %v; body %s", target, err, rec.Body)
	}
	_, hasData := body["data"]
	msg, _ := body["error"].(string)
	switch {
	case rec.Code == http.StatusOK && !hasData:
		t.Fatalf("GET %s: 200 without data: %s", target, rec.Body)
	case rec.Code != http.StatusOK && (msg == "" || len(body) != 1):
		t.Fatalf("GET %s: status %d without a lone error message: %s", target, rec.Code, rec.Body)
	}
	return body
}

// serve answers GET target.
func serve(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// wantedLimit is the most items a list may hold for a limit parameter, as
// pageOf reads it, and false when the parameter is invalid and the request
// must not succeed. Without one, endpoints pick their own default, never
// more than a page.
func wantedLimit(raw string) (int, bool) {
	if strings.TrimSpace(raw) == "" {
		return maxLimit, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxLimit {
		return 0, false
	}
	return n, true
}

// checkPage asserts that a list answer honours its limit and offset.
func checkPage(t *testing.T, target string, code int, body map[string]any, q url.Values) {
	t.Helper()
	limit, limitOK := wantedLimit(q.Get("limit"))
	offsetOK := true
	if raw := q.Get("offset"); strings.TrimSpace(raw) != "" {
		n, err := strconv.Atoi(raw)
		offsetOK = err == nil && n >= 0
	}
	if code != http.StatusOK {
		return
	}
	if !limitOK || !offsetOK {
		t.Fatalf("GET %s: 200 for limit %q, offset %q", target, q.Get("limit"), q.Get("offset"))
	}
	if list, ok := body["data"].([]any); ok && len(list) > limit {
		t.Fatalf("GET %s: %d items, over the limit %d", target, len(list), limit)
	}
}

// FuzzGetUser sends arbitrary path ids and handles to the lookups.
func FuzzGetUser(f *testing.F) {
	for _, seed := range []string{alice, "1", "0", "-1", "", ".", "..", "7eP5n7eP5n", "99999999999999999999", "Alice", "ALICE", "a/b", "%00", "\x00", "ü", "' OR 1=1 --"} {
		f.Add(seed)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, id string) {
		for _, tmpl := range []string{"/v1/users/%s", "/v1/users/handle/%s", "/v1/tracks/%s", "/v1/playlists/%s",
			"/v1/users/%s/followers", "/v1/full/users/%s"} {
			target := strings.Replace(tmpl, "%s", url.PathEscape(id), 1)
			body := checkAnswer(t, target, serve(h, target))
			if data, ok := body["data"].(map[string]any); ok && data["id"] == nil {
				t.Fatalf("GET %s: an entity without id: %v", target, data)
			}
		}
	})
}

// fuzzedLists are the paged lists the fuzzer picks from. A playlist's
// tracks are not paged (as in the reference), so they are not here.
var fuzzedLists = []string{
	"/v1/users/" + alice + "/tracks", "/v1/users/" + alice + "/followers", "/v1/users/" + bob + "/following",
	"/v1/users/" + alice + "/subscribers", "/v1/users/" + alice + "/mutuals", "/v1/users/" + bob + "/related",
	"/v1/users/" + bob + "/reposts", "/v1/users/" + bob + "/favorites", "/v1/users/" + alice + "/playlists",
	"/v1/users/" + alice + "/albums", "/v1/users/" + bob + "/feed", "/v1/users/handle/alice/tracks",
	"/v1/tracks/" + track10 + "/reposts", "/v1/tracks/" + track10 + "/favorites", "/v1/tracks/" + track10 + "/remixes",
	"/v1/tracks/" + track10 + "/stems", "/v1/playlists/" + album21 + "/reposts", "/v1/playlists/" + playlist20 + "/favorites",
	"/v1/tracks/trending", "/v1/tracks/trending/ids", "/v1/playlists/trending", "/v1/full/users/" + alice + "/followers",
}

// FuzzUserLists sends arbitrary paging, sorting and filtering parameters
// to the lists of users, tracks and playlists and to trending. The filter
// value is sent as each list's filter parameter (filter_tracks, filter,
// type).
func FuzzUserLists(f *testing.F) {
	f.Add(uint8(0), "", "", "", "", "", "", "", "")
	f.Add(uint8(0), "0", "100", "plays", "title", "asc", "public", "", alice)
	f.Add(uint8(1), "1", "1", "date", "release_date", "desc", "all", "", "2")
	f.Add(uint8(2), "-1", "0", "", "", "", "", "", "")
	f.Add(uint8(3), "9223372036854775807", "101", "x", "y", "z", "unlisted", "decade", "nope")
	f.Add(uint8(10), " 1", "+5", "", "", "", "original", "", "")
	f.Add(uint8(18), "1e3", "0x10", "", "", "", "", "allTime", "")
	f.Add(uint8(20), "", "", "", "", "", "album", "year", bob)
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, list uint8, offset, limit, sort, sortMethod, sortDirection, filter, timeRange, viewer string) {
		q := url.Values{}
		for k, v := range map[string]string{"offset": offset, "limit": limit, "sort": sort, "sort_method": sortMethod,
			"sort_direction": sortDirection, "filter_tracks": filter, "filter": filter, "type": filter,
			"time": timeRange, "user_id": viewer} {
			if v != "" {
				q.Set(k, v)
			}
		}
		target := fuzzedLists[int(list)%len(fuzzedLists)] + "?" + q.Encode()
		rec := serve(h, target)
		body := checkAnswer(t, target, rec)
		checkPage(t, target, rec.Code, body, q)
	})
}

// FuzzSearch sends arbitrary queries and limits to the searches.
func FuzzSearch(f *testing.F) {
	for _, seed := range []struct{ query, limit string }{
		{"a", ""}, {"danc", "5"}, {"dacne", ""}, {"Dänce", ""}, {"", ""}, {" ", ""}, {"%", ""}, {"_", ""},
		{"'", ""}, {"\"", ""}, {"\\", ""}, {"a:b", ""}, {"NEAR(a b)", ""}, {"a AND OR NOT", ""}, {"*", ""},
		{"^", ""}, {"-a", ""}, {"\x00", ""}, {strings.Repeat("a", 2000), ""}, {"alice", "101"}, {"alice", "0"},
	} {
		f.Add(seed.query, seed.limit)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, query, limit string) {
		q := url.Values{"query": {query}}
		if limit != "" {
			q.Set("limit", limit)
		}
		for _, path := range []string{"/v1/users/search", "/v1/tracks/search", "/v1/playlists/search"} {
			target := path + "?" + q.Encode()
			rec := serve(h, target)
			body := checkAnswer(t, target, rec)
			checkPage(t, target, rec.Code, body, q)
		}
	})
}

// FuzzResolve sends arbitrary URLs to /v1/resolve: every redirect must
// name an API resource.
func FuzzResolve(f *testing.F) {
	for _, seed := range []string{"/Alice", "/alice/first-song", "/alice/first-draft", "https://audius.co/Alice/album/debut",
		"/alice/playlist/road-trip", "", "/", "//", "/a/b/c/d", "http://[::1", "/alice/track/x", "%zz", "/../etc"} {
		f.Add(seed)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, raw string) {
		target := "/v1/resolve?" + url.Values{"url": {raw}}.Encode()
		rec := serve(h, target)
		checkAnswer(t, target, rec)
		if rec.Code == http.StatusFound {
			loc := rec.Header().Get("Location")
			if !strings.HasPrefix(loc, "/v1/users/") && !strings.HasPrefix(loc, "/v1/tracks/") && !strings.HasPrefix(loc, "/v1/playlists/") {
				t.Fatalf("GET %s: redirect to %q, not an API resource", target, loc)
			}
		}
	})
}
