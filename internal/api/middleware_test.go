package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// newConfiguredServer serves s with cfg (testConfig's identity fields
// filled in) and a chain head of 3.
func newConfiguredServer(t *testing.T, cfg Config, s Store) http.Handler {
	t.Helper()
	cfg.Service, cfg.Version, cfg.HealthyBlockDiff = testConfig.Service, testConfig.Version, testConfig.HealthyBlockDiff
	return NewServer(cfg, s, ChainHeadFunc(func() uint64 { return 3 }), slog.New(slog.DiscardHandler))
}

// do answers one request with the given headers.
func do(h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestGzip(t *testing.T) {
	h := newConfiguredServer(t, Config{}, newFixtureStore(t))
	plain := do(h, http.MethodGet, "/v1/tracks/"+track10, nil)
	if plain.Body.Len() < minGzipSize {
		t.Fatalf("the track answer is %d bytes, too small to test compression", plain.Body.Len())
	}
	tests := []struct {
		name, path, accept string
		wantGzip           bool
	}{
		{"gzip accepted", "/v1/tracks/" + track10, "gzip", true},
		{"among others", "/v1/tracks/" + track10, "br;q=1.0, gzip;q=0.8, deflate", true},
		{"any encoding", "/v1/tracks/" + track10, "*", true},
		{"x-gzip", "/v1/tracks/" + track10, "x-gzip", true},
		{"not asked", "/v1/tracks/" + track10, "", false},
		{"refused", "/v1/tracks/" + track10, "gzip;q=0", false},
		{"refused over star", "/v1/tracks/" + track10, "gzip;q=0, *", false},
		{"other encodings only", "/v1/tracks/" + track10, "br, deflate", false},
		{"tiny body", "/v1/users/" + hashid404(), "gzip", false},
		{"the document", "/v1/openapi.yaml", "gzip", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := do(h, http.MethodGet, tt.path, nil).Body.Bytes()
			rec := do(h, http.MethodGet, tt.path, map[string]string{"Accept-Encoding": tt.accept})
			if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("Content-Length %q, body %d bytes", got, rec.Body.Len())
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q does not name Accept-Encoding", rec.Header().Get("Vary"))
			}
			body := rec.Body.Bytes()
			gzipped := rec.Header().Get("Content-Encoding") == "gzip"
			if gzipped != tt.wantGzip {
				t.Fatalf("Content-Encoding %q, want gzip: %v", rec.Header().Get("Content-Encoding"), tt.wantGzip)
			}
			if gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("open gzip body: %v", err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatalf("read gzip body: %v", err)
				}
				if rec.Body.Len() >= len(body) {
					t.Errorf("gzipped %d bytes into %d", len(body), rec.Body.Len())
				}
			}
			if !bytes.Equal(body, want) {
				t.Errorf("decoded body differs from the plain answer:\n%s\nwant:\n%s", body, want)
			}
		})
	}
}

func TestETag(t *testing.T) {
	h := newConfiguredServer(t, Config{CacheMaxAge: 5 * time.Second}, newFixtureStore(t))
	path := "/v1/tracks/" + track10
	first := do(h, http.MethodGet, path, nil)
	hash := strconv.FormatUint(xxhash.Sum64(first.Body.Bytes()), 16)
	if got := first.Header().Get("ETag"); got != `"`+hash+`"` {
		t.Fatalf("ETag %q, want the quoted hash of the body %q", got, hash)
	}
	zipped := do(h, http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip"})
	if got := zipped.Header().Get("ETag"); got != `"`+hash+`-gzip"` {
		t.Fatalf("gzipped ETag %q, want the body's with a -gzip suffix", got)
	}
	other := do(h, http.MethodGet, "/v1/tracks/"+track11, nil).Header().Get("ETag")
	if other == "" || other == first.Header().Get("ETag") {
		t.Fatalf("another track's ETag %q, want a different one", other)
	}

	tests := []struct {
		name, ifNoneMatch, accept string
		want                      int
	}{
		{"same tag", `"` + hash + `"`, "", http.StatusNotModified},
		{"weak form", `W/"` + hash + `"`, "", http.StatusNotModified},
		{"gzip tag, plain request", `"` + hash + `-gzip"`, "", http.StatusNotModified},
		{"plain tag, gzip request", `"` + hash + `"`, "gzip", http.StatusNotModified},
		{"one of several", `"abc", ` + other + `, "` + hash + `"`, "", http.StatusNotModified},
		{"any", "*", "", http.StatusNotModified},
		{"other tag", other, "", http.StatusOK},
		{"unquoted garbage", "nonsense", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, http.MethodGet, path, map[string]string{"If-None-Match": tt.ifNoneMatch, "Accept-Encoding": tt.accept})
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want != http.StatusNotModified {
				return
			}
			if rec.Body.Len() != 0 {
				t.Errorf("304 with a body: %q", rec.Body)
			}
			wantTag := `"` + hash + `"`
			if tt.accept == "gzip" {
				wantTag = `"` + hash + `-gzip"`
			}
			if got := rec.Header().Get("ETag"); got != wantTag {
				t.Errorf("304 ETag %q, want %q", got, wantTag)
			}
			if got := rec.Header().Get("Cache-Control"); got != "public, max-age=5" {
				t.Errorf("304 Cache-Control %q, want the 200's", got)
			}
		})
	}

	for _, path := range []string{"/v1/users/" + hashid404(), "/v1/users/search", "/v1/resolve?url=/Alice/first-song"} {
		if tag := do(h, http.MethodGet, path, nil).Header().Get("ETag"); tag != "" {
			t.Errorf("GET %s: ETag %q on an answer that is not 200", path, tag)
		}
	}
}

func TestCacheControl(t *testing.T) {
	s := newFixtureStore(t)
	tests := []struct {
		maxAge time.Duration
		path   string
		want   string
	}{
		{5 * time.Second, "/v1/users/" + alice, "public, max-age=5"},
		{5 * time.Second, "/v1/users/" + alice + "/followers", "public, max-age=5"},
		{5 * time.Second, "/v1/resolve?url=/Alice/first-song", "public, max-age=5"},
		{90 * time.Second, "/v1/tracks/" + track10, "public, max-age=90"},
		{0, "/v1/users/" + alice, "no-cache"},
		{5 * time.Second, "/health_check", "no-store"},
		{5 * time.Second, "/v1/users/" + hashid404(), "no-store"},
		{5 * time.Second, "/v1/users/" + alice + "/tracks?limit=0", "no-store"},
		{5 * time.Second, "/no/such/path", "no-store"},
		{5 * time.Second, "/v1/openapi.yaml", "public, max-age=3600"},
	}
	for _, tt := range tests {
		h := newConfiguredServer(t, Config{CacheMaxAge: tt.maxAge}, s)
		if got := do(h, http.MethodGet, tt.path, nil).Header().Get("Cache-Control"); got != tt.want {
			t.Errorf("max age %s, GET %s: Cache-Control %q, want %q", tt.maxAge, tt.path, got, tt.want)
		}
	}
}

func TestCORS(t *testing.T) {
	h := newConfiguredServer(t, Config{RateLimit: 0.001, RateBurst: 1}, newFixtureStore(t))
	origin := map[string]string{"Origin": "https://app.example"}

	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		status int
		want   map[string]string
	}{
		{"answer", http.MethodGet, "/v1/users/" + alice, origin, http.StatusOK, map[string]string{
			"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Retry-After",
			"Access-Control-Allow-Credentials": ""}},
		{"refused over the rate", http.MethodGet, "/v1/users/" + alice, origin, http.StatusTooManyRequests, map[string]string{
			"Access-Control-Allow-Origin": "*"}},
		{"preflight", http.MethodOptions, "/v1/users/" + alice, map[string]string{
			"Origin": "https://app.example", "Access-Control-Request-Method": "GET",
			"Access-Control-Request-Headers": "encoded-data-message, encoded-data-signature"},
			http.StatusNoContent, map[string]string{
				"Access-Control-Allow-Origin":  "*",
				"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
				"Access-Control-Allow-Headers": "encoded-data-message, encoded-data-signature",
				"Access-Control-Max-Age":       "7200",
				"Vary":                         "Access-Control-Request-Headers",
			}},
		{"preflight asking odd headers", http.MethodOptions, "/v1/users/" + alice, map[string]string{
			"Origin": "https://app.example", "Access-Control-Request-Method": "GET",
			"Access-Control-Request-Headers": "x-a;evil=1"},
			http.StatusNoContent, map[string]string{"Access-Control-Allow-Headers": ""}},
		{"plain OPTIONS", http.MethodOptions, "/v1/tracks/" + track10, nil, http.StatusNoContent, map[string]string{
			"Allow": "GET, HEAD, OPTIONS", "Access-Control-Allow-Methods": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, tt.path, tt.header)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			for k, want := range tt.want {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		})
	}
}

// slowStore is the fixture store with user lookups that take until the
// request is cancelled, as a stuck query would, when stuck is set; it
// remembers the deadline of the last lookup.
type slowStore struct {
	*sqlite.Store
	stuck    bool
	deadline *time.Time
}

func (s slowStore) GetUser(ctx context.Context, id int64) (*discovery.User, error) {
	*s.deadline, _ = ctx.Deadline()
	if s.stuck {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Store.GetUser(ctx, id)
}

func TestRequestTimeout(t *testing.T) {
	reg := prometheus.NewRegistry()
	var deadline time.Time
	store := slowStore{Store: newFixtureStore(t), stuck: true, deadline: &deadline}
	h := newConfiguredServer(t, Config{RequestTimeout: 20 * time.Millisecond, Registerer: reg}, store)

	rec := do(h, http.MethodGet, "/v1/users/"+alice, nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503; body %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	body := decodeBody[errorBody](t, rec.Body)
	if !strings.Contains(body.Error, "took longer than 20ms") {
		t.Errorf("error %q does not say the request timed out", body.Error)
	}
	if n := counterValue(t, reg, "discovery_api_timeouts_total", nil); n != 1 {
		t.Errorf("timeouts counted %v, want 1", n)
	}

	// A request that finishes in time is answered as usual, and its
	// queries ran under the deadline.
	store.stuck = false
	start := time.Now()
	h = newConfiguredServer(t, Config{RequestTimeout: time.Hour}, store)
	if rec := do(h, http.MethodGet, "/v1/users/"+alice, nil); rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
	}
	if deadline.Before(start.Add(time.Hour)) || deadline.After(time.Now().Add(time.Hour)) {
		t.Errorf("lookup deadline %s, want an hour after the request", deadline)
	}

	// Without a timeout there is no deadline.
	h = newConfiguredServer(t, Config{}, store)
	do(h, http.MethodGet, "/v1/users/"+alice, nil)
	if !deadline.IsZero() {
		t.Errorf("lookup deadline %s without a request timeout", deadline)
	}
}
