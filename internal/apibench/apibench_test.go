package apibench

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// buildDiscovery builds cmd/discovery for the test.
func buildDiscovery(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "discovery")
	build := exec.Command("go", "build", "-o", bin, "github.com/discovery-node/discovery/cmd/discovery")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build discovery: %v\n%s", err, out)
	}
	return bin
}

// TestRunQuick runs the whole benchmark small, against a real discovery
// serve on both stores, so the harness keeps working as the API and the
// stores change: every endpoint must answer 200 throughout, and data
// wherever the data set has some. It asserts nothing about speed.
func TestRunQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves the discovery binary")
	}
	bin := buildDiscovery(t)
	dir := t.TempDir()
	d := Dataset{Seed: 1, Sizes: Quick}
	cfg := Config{
		Discovery: bin,
		WorkDir:   dir,
		Stores: []StoreRun{
			{Store: "postgres", Dataset: d, DSN: pgtest.DSN(t)},
			{Store: "sqlite", Dataset: d, Path: filepath.Join(dir, "quick.db")},
		},
		Plan: Plan{Clients: 32, Warmup: 100 * time.Millisecond, Duration: time.Second, Serial: 200 * time.Millisecond, ListLimit: 20},
	}
	var log strings.Builder
	cfg.Log = &log
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	names := []string{"get user", "get track", "followers, page 1", "followers, page 50", "trending week", "trending week, signed-in", "feed", "user search", "track search"}
	for _, s := range res.Stores {
		if s.Load == nil || s.Load.Rows != Quick.Rows() {
			t.Errorf("%s: load %+v, want %d rows loaded", s.Store, s.Load, Quick.Rows())
		}
		var got []string
		for _, e := range s.Endpoints {
			got = append(got, e.Name)
			if e.Requests == 0 || e.Errors != 0 || e.Checked == 0 || e.Alone == nil || e.Alone.Requests == 0 {
				t.Errorf("%s %s: %d requests, %d errors, %d checked, alone %+v", s.Store, e.Name, e.Requests, e.Errors, e.Checked, e.Alone)
			}
		}
		if strings.Join(got, ",") != strings.Join(names, ",") {
			t.Errorf("%s measured %q, want %q", s.Store, got, names)
		}
	}
	md := res.Markdown("test")
	for _, want := range []string{"### PostgreSQL: 3,000 users", "### SQLite: 3,000 users", "| followers, page 50 |", "--rate-limit 0"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	// A second run keeps what the first loaded.
	g, err := generate(d)
	if err != nil {
		t.Fatal(err)
	}
	k, err := cfg.kept(context.Background(), cfg.Stores[1])
	if err != nil {
		t.Fatal(err)
	}
	if st, err := ensureLoaded(context.Background(), k, g, 0, t.Logf); err != nil || st != nil {
		t.Errorf("second load: %+v, %v; want the data set kept", st, err)
	}
}

// TestKeptSQLite checks the keeping of data sets: a complete one is kept,
// one cut short is loaded again, a stale version is removed, and fresh
// starts over.
func TestKeptSQLite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := Dataset{Seed: 2, Sizes: Sizes{Users: 300, Tracks: 600, Playlists: 20, Follows: 3000, Reposts: 500, Saves: 500, PlayDays: 500}}
	g, err := generate(d)
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "apibench-"+d.sizeKey()+"-g0s1_00000000.db")
	s, err := sqlite.Open(ctx, stale)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	k, err := keptSQLite(dir, d, false)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(stale + "*"); len(m) != 0 {
		t.Errorf("stale data set %v not removed", m)
	}
	// A load cut short: the first 3 blocks.
	s, err = sqlite.Open(ctx, filepath.Join(dir, filepath.Base(k.name)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	errStop := errors.New("stop")
	err = g.blocks(200, false, func(b discovery.BlockRef, c *discovery.Changes) error {
		if n++; n > 3 {
			return errStop
		}
		return s.ApplyBlock(ctx, b, c)
	})
	s.Close()
	if !errors.Is(err, errStop) {
		t.Fatalf("partial load: %v", err)
	}
	for i, want := range []bool{true, false} { // loaded again, then kept
		st, err := ensureLoaded(ctx, k, g, 200, t.Logf)
		if err != nil {
			t.Fatalf("load %d: %v", i, err)
		}
		if loaded := st != nil; loaded != want {
			t.Errorf("load %d: loaded %v, want %v", i, loaded, want)
		}
	}
	k, err = keptSQLite(dir, d, true)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := ensureLoaded(ctx, k, g, 200, t.Logf); err != nil || st == nil {
		t.Errorf("fresh load: %+v, %v; want loaded again", st, err)
	}
}
