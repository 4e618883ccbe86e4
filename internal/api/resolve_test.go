package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	h, _ := newTestServer(t, newFixtureStore(t), 2)
	tests := []struct {
		url  string
		want string // Location of the redirect
	}{
		{"https://audius.co/Alice/first-song", "/v1/tracks/" + track10},
		{"/alice/first-song", "/v1/tracks/" + track10},
		{"/Alice/first-draft", "/v1/tracks/" + track10}, // an old slug after a rename
		{"/bob/bob-tune", "/v1/tracks/" + track12},
		{"https://audius.co/Alice/playlist/road-trip", "/v1/playlists/" + playlist20},
		{"/Alice/album/debut", "/v1/playlists/" + album21},
		{"https://audius.co/Alice", "/v1/users/" + alice},
		{"/bob/", "/v1/users/" + bob},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/resolve?url="+urlQuery(tt.url), nil))
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != tt.want {
			t.Errorf("resolve %s: %d to %q, want 302 to %q", tt.url, rec.Code, rec.Header().Get("Location"), tt.want)
		}
	}

	// Following the redirect answers the entity, as clients do.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/resolve?url=/Alice/first-draft", nil))
	tr := getData[map[string]any](t, h, rec.Header().Get("Location"))
	if tr["title"] != "First Song!" || tr["permalink"] != "/Alice/first-song" {
		t.Errorf("resolved track = %v", tr)
	}

	errs := []struct {
		url    string
		status int
		msg    string
	}{
		{"", http.StatusBadRequest, "url is required"},
		{"/a/b/c/d", http.StatusBadRequest, "is not /{handle}"},
		{"/Alice/tracks/first-song", http.StatusBadRequest, "playlist or album"},
		{"/nobody/first-song", http.StatusNotFound, "nobody"},
		{"/Alice/no-such-song", http.StatusNotFound, "no-such-song"},
		{"/bob/first-song", http.StatusNotFound, "first-song"}, // another owner's slug
		{"/Alice/gone", http.StatusNotFound, "gone"},           // a deleted track
		{"/Alice/playlist/first-song", http.StatusNotFound, "first-song"},
		{"/" + strings.Repeat("a", 3000), http.StatusBadRequest, "over 2048"},
	}
	for _, e := range errs {
		msg := getError(t, h, "/v1/resolve?url="+urlQuery(e.url), e.status)
		if !strings.Contains(msg, e.msg) {
			t.Errorf("resolve %q: error %q, want it to mention %q", e.url, msg, e.msg)
		}
	}
}
