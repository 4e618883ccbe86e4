package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current answers")

// TestGolden pins the full JSON of a few answers, field names and order
// included. Run with -update after an intended change and review the diff.
func TestGolden(t *testing.T) {
	h, _ := newTestServer(t, newFixtureStore(t), 3)
	tests := []struct {
		golden string
		path   string
		status int
	}{
		{"user.golden", "/v1/users/" + alice, http.StatusOK},
		{"track.golden", "/v1/tracks/" + track10, http.StatusOK},
		{"playlist.golden", "/v1/playlists/" + album21, http.StatusOK},
		{"followers.golden", "/v1/users/" + bob + "/followers", http.StatusOK},
		{"health_check.golden", "/health_check", http.StatusOK},
		{"limit_error.golden", "/v1/users/" + alice + "/tracks?limit=500", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			rec := get(t, h, tt.path)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, rec.Body.Bytes(), "", "  "); err != nil {
				t.Fatalf("answer is not JSON: %v; body %s", err, rec.Body)
			}
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("GET %s differs from %s:\ngot:\n%s\nwant:\n%s", tt.path, path, got.Bytes(), want)
			}
		})
	}
}

// TestInternalErrorsAreHidden: a store failure answers 500 with a generic
// message, and the real error goes to the log.
func TestInternalErrorsAreHidden(t *testing.T) {
	store := newFixtureStore(t)
	h, logs := newTestServer(t, store, 2)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/v1/users/" + alice, "/v1/tracks/" + track10, "/health_check", "/v1/users/search?query=a"} {
		msg := getError(t, h, path, http.StatusInternalServerError)
		if msg != "internal error" {
			t.Errorf("GET %s: error %q, want the generic message", path, msg)
		}
	}
	var failures int
	for _, rec := range logRecords(t, logs) {
		if rec["msg"] == "request failed" {
			failures++
			if e, _ := rec["err"].(string); !strings.Contains(e, "closed") {
				t.Errorf("logged error %q does not say what failed", e)
			}
		}
	}
	if failures != 4 {
		t.Fatalf("logged %d failures, want 4", failures)
	}
}

func TestRequestLog(t *testing.T) {
	h, logs := newTestServer(t, newFixtureStore(t), 2)
	get(t, h, "/v1/users/"+alice)
	get(t, h, "/v1/users/"+hashid404())
	get(t, h, "/v1/users/"+alice+"/followers?limit=0")

	type entry struct {
		path   string
		status float64
	}
	var got []entry
	for _, rec := range logRecords(t, logs) {
		if rec["msg"] != "request" {
			continue
		}
		if rec["method"] != "GET" || rec["level"] != "INFO" {
			t.Errorf("request log %v: want method GET at level INFO", rec)
		}
		if _, ok := rec["duration"].(float64); !ok {
			t.Errorf("request log %v has no duration", rec)
		}
		path, _ := rec["path"].(string)
		status, _ := rec["status"].(float64)
		got = append(got, entry{path, status})
	}
	want := []entry{
		{"/v1/users/" + alice, 200},
		{"/v1/users/" + hashid404(), 404},
		{"/v1/users/" + alice + "/followers", 400},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("request logs %v, want %v", got, want)
	}
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{discovery.Errorf(discovery.EINVALID, "bad"), http.StatusBadRequest},
		{fmt.Errorf("wrapped: %w", discovery.Errorf(discovery.EINVALID, "bad")), http.StatusBadRequest},
		{discovery.Errorf(discovery.ENOTFOUND, "gone"), http.StatusNotFound},
		{fmt.Errorf("wrapped: %w", discovery.Errorf(discovery.ENOTFOUND, "gone")), http.StatusNotFound},
		{discovery.Errorf(discovery.EINTERNAL, "ours"), http.StatusInternalServerError},
		{errors.New("plain"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		if got := statusOf(tt.err); got != tt.want {
			t.Errorf("statusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestMethodsOtherThanGet(t *testing.T) {
	h, _ := newTestServer(t, newFixtureStore(t), 2)
	for _, method := range []string{http.MethodPost, http.MethodDelete} {
		rec := httptestDo(h, method, "/v1/users/"+alice)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", method, rec.Code)
		}
		if body := decodeBody[errorBody](t, rec.Body); !strings.Contains(body.Error, "no such endpoint") {
			t.Errorf("%s: error %q, want it to say there is no such endpoint", method, body.Error)
		}
	}
}

// ownerlessStore is the fixture store with one user's row out of reach, or
// with every user lookup failing: states the real stores cannot be put in.
type ownerlessStore struct {
	*sqlite.Store
	missing int64
	fault   error
}

func (s ownerlessStore) GetUser(ctx context.Context, id int64) (*discovery.User, error) {
	if s.fault != nil {
		return nil, s.fault
	}
	if id == s.missing {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "user %d not found", id)
	}
	return s.Store.GetUser(ctx, id)
}

func (s ownerlessStore) GetTrackWithOwner(ctx context.Context, id int64) (*discovery.Track, *discovery.User, error) {
	t, err := s.Store.GetTrack(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	owner, err := s.GetUser(ctx, t.OwnerID)
	if discovery.ErrorCode(err) == discovery.ENOTFOUND {
		return t, nil, nil // as the stores report an owner the index lacks
	}
	if err != nil {
		return nil, nil, err
	}
	return t, owner, nil
}

func TestBrokenIndexIsNotAClientError(t *testing.T) {
	tests := []struct {
		name    string
		store   ownerlessStore
		path    string
		wantLog string
	}{
		{"track without owner", ownerlessStore{missing: 1}, "/v1/tracks/" + track10, "missing from the index"},
		{"playlist without owner", ownerlessStore{missing: 1}, "/v1/playlists/" + playlist20, "missing from the index"},
		{"internal error with a message", ownerlessStore{fault: discovery.Errorf(discovery.EINTERNAL, "secret detail")},
			"/v1/users/" + alice, "secret detail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.store.Store = newFixtureStore(t)
			h, logs := newTestServer(t, tt.store, 2)
			if msg := getError(t, h, tt.path, http.StatusInternalServerError); msg != "internal error" {
				t.Fatalf("error %q, want the generic message", msg)
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Fatalf("logs do not hold %q:\n%s", tt.wantLog, logs)
			}
		})
	}
}
