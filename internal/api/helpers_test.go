package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// testConfig is the configuration of every test server.
var testConfig = Config{Service: "discovery-node", Version: "1.2.3", HealthyBlockDiff: 5}

// newTestServer serves s with a chain head of chainHead. The returned buffer
// holds the server's logs, as JSON lines.
func newTestServer(t *testing.T, s Store, chainHead uint64) (http.Handler, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	return NewServer(testConfig, s, ChainHeadFunc(func() uint64 { return chainHead }), logger), &logs
}

// get answers one GET request and checks it is JSON.
func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q, want application/json", path, ct)
	}
	return rec
}

// getData answers GET path, requires status 200, and returns the "data" of
// the answer decoded into T.
func getData[T any](t *testing.T, h http.Handler, path string) T {
	t.Helper()
	rec := get(t, h, path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body %s", path, rec.Code, rec.Body)
	}
	env := decodeBody[envelope[T]](t, rec.Body)
	return env.Data
}

// getError answers GET path, requires wantStatus, and returns the error
// message of the answer.
func getError(t *testing.T, h http.Handler, path string, wantStatus int) string {
	t.Helper()
	rec := get(t, h, path)
	if rec.Code != wantStatus {
		t.Fatalf("GET %s: status %d, want %d; body %s", path, rec.Code, wantStatus, rec.Body)
	}
	body := decodeBody[map[string]any](t, rec.Body)
	msg, ok := body["error"].(string)
	if !ok || msg == "" || len(body) != 1 {
		t.Fatalf("GET %s: body %v, want only a non-empty \"error\" string", path, body)
	}
	return msg
}

func decodeBody[T any](t *testing.T, body io.Reader) T {
	t.Helper()
	v, err := decode[T](body)
	if err != nil {
		t.Fatalf("decode answer: %v", err)
	}
	return v
}

// ids returns the "id" of every object in a list answer.
func ids(t *testing.T, list []map[string]any) []string {
	t.Helper()
	out := []string{}
	for _, o := range list {
		id, ok := o["id"].(string)
		if !ok {
			t.Fatalf("object without string id: %v", o)
		}
		out = append(out, id)
	}
	return out
}

// logRecords parses the JSON lines a test server logged.
func logRecords(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(logs.Bytes()))
	for dec.More() {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("parse log line: %v", err)
		}
		out = append(out, rec)
	}
	return out
}

// missingKeys returns the keys of want that o lacks.
func missingKeys(o map[string]any, want []string) []string {
	var out []string
	for _, k := range want {
		if _, ok := o[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// assertFields checks that o holds every key of want with the same value.
func assertFields(t *testing.T, name string, o, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := o[k]
		if !ok {
			t.Errorf("%s: no %q, want %v", name, k, w)
			continue
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: %q = %#v, want %#v", name, k, got, w)
		}
	}
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// loadFans indexes user 1 and n users who follow it, in one block.
func loadFans(t *testing.T, s *sqlite.Store, n int) {
	t.Helper()
	c := discovery.NewChanges()
	c.Users[1] = &discovery.User{ID: 1, Handle: "star", HandleLower: "star", FollowerCount: int64(n)}
	for i := 2; i < n+2; i++ {
		id := int64(i)
		handle := fmt.Sprintf("fan%d", i)
		c.Users[id] = &discovery.User{ID: id, Handle: handle, HandleLower: handle, FolloweeCount: 1}
		k := discovery.FollowKey{FollowerID: id, FolloweeID: 1}
		c.Follows[k] = &discovery.Follow{FollowKey: k, Block: 1}
	}
	if err := s.ApplyBlock(context.Background(), fixtureBlocks[0], creating(c)); err != nil {
		t.Fatalf("apply fans: %v", err)
	}
}

// hashid404 is the hashid of an id no fixture entity has.
func hashid404() string { return hashid.Encode(404) }

// httptestDo answers one request of any method.
func httptestDo(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// creating marks every row of c as new (no prior image), as the indexer
// would for rows it creates; the fixtures only ever create rows.
func creating(c *discovery.Changes) *discovery.Changes {
	for k := range c.Users {
		c.Prior.Users[k] = nil
	}
	for k := range c.Tracks {
		c.Prior.Tracks[k] = nil
	}
	for k := range c.Playlists {
		c.Prior.Playlists[k] = nil
	}
	for k := range c.Follows {
		c.Prior.Follows[k] = nil
	}
	for k := range c.Reposts {
		c.Prior.Reposts[k] = nil
	}
	for k := range c.Saves {
		c.Prior.Saves[k] = nil
	}
	for k := range c.Routes {
		c.Prior.Routes[k] = nil
	}
	return c
}

// decode reads one JSON value of type T from body, as the server's answers carry it.
func decode[T any](body io.Reader) (T, error) {
	var v T
	if err := json.NewDecoder(body).Decode(&v); err != nil {
		return v, fmt.Errorf("decode json: %w", err)
	}
	return v, nil
}
