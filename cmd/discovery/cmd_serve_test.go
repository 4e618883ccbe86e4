package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/apibench"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// tinyIndex builds a small index into store the way the API benchmark
// builds its data sets, and returns its head and its first user.
func tinyIndex(t *testing.T, store discovery.Store) (discovery.BlockRef, *discovery.User) {
	t.Helper()
	ctx := context.Background()
	defer store.Close()
	d := apibench.Dataset{Seed: 5, Sizes: apibench.Sizes{Users: 200, Tracks: 400, Playlists: 10, Follows: 2000,
		Reposts: 300, Saves: 300, PlayDays: 300}}
	if _, err := apibench.Load(ctx, store, d); err != nil {
		t.Fatalf("build the index: %v", err)
	}
	head, ok, err := store.Head(ctx)
	if err != nil || !ok {
		t.Fatalf("head: %v %v", ok, err)
	}
	u, err := store.GetUser(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	return head, u
}

// TestServe serves an existing index on each store: the indexed head and
// users come back, and --rate-limit 0 turns the limit off while a small
// limit answers 429.
func TestServe(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) (string, discovery.Store)
	}{
		{"sqlite", func(t *testing.T) (string, discovery.Store) {
			path := filepath.Join(t.TempDir(), "index.db")
			s, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			return "sqlite:" + path, s
		}},
		{"postgres", func(t *testing.T) (string, discovery.Store) {
			dsn := pgtest.DSN(t)
			s, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			return dsn, s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, store := tc.db(t)
			head, user := tinyIndex(t, store)

			p := start(t, nil, "serve", "--db", db, "--listen", "127.0.0.1:0", "--rate-limit", "0")
			var h health
			if code := p.get(t, "/health_check", &h); code != http.StatusOK || h.Data.DB.Number != head.Number {
				t.Errorf("health %d, db head %d; want 200 and %d", code, h.Data.DB.Number, head.Number)
			}
			var got struct {
				Data struct {
					ID     string `json:"id"`
					Handle string `json:"handle"`
				} `json:"data"`
			}
			path := "/v1/users/" + hashid.Encode(user.ID)
			if code := p.get(t, path, &got); code != http.StatusOK || got.Data.Handle != user.Handle {
				t.Fatalf("GET %s: %d %+v, want 200 and @%s", path, code, got.Data, user.Handle)
			}
			// Past the default burst of 200: nothing is refused.
			for i := range 300 {
				if code := p.get(t, path, nil); code != http.StatusOK {
					t.Fatalf("request %d with --rate-limit 0: %d", i, code)
				}
			}

			limited := start(t, nil, "serve", "--db", db, "--listen", "127.0.0.1:0", "--rate-limit", "1", "--rate-burst", "1")
			codes := []int{limited.get(t, path, nil), limited.get(t, path, nil)}
			if codes[0] != http.StatusOK || codes[1] != http.StatusTooManyRequests {
				t.Errorf("--rate-limit 1 --rate-burst 1: %v, want [200 429]", codes)
			}
		})
	}
}

// TestServeRefuses checks serve's refusals: no --db, and a SQLite file
// that is not there (opening would create an empty index to serve).
func TestServeRefuses(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "--db is required"},
		{[]string{"serve", "--db", "sqlite:" + missing}, "no index there"},
		{[]string{"serve", "--db", "sqlite:" + missing, "--rate-limit", "-1"}, "cannot be negative"},
	} {
		err := run(context.Background(), tc.args, func(string) string { return "" }, &strings.Builder{}, &strings.Builder{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
}
