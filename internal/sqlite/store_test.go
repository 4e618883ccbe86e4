package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/discovery-node/discovery/internal/storetest"
)

func mustOpen(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) discovery.Store {
		s := mustOpen(t, filepath.Join(t.TempDir(), "discovery.db"))
		t.Cleanup(func() { s.Close() })
		return s
	})
	storetest.RunRestart(t, func(t *testing.T) func(t *testing.T) discovery.Store {
		path := filepath.Join(t.TempDir(), "dir with space?", "discovery.db")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		return func(t *testing.T) discovery.Store { return mustOpen(t, path) }
	})
	storetest.RunOutsideWrites(t, func(t *testing.T) (func(t *testing.T) discovery.Store, func(context.Context, string) error) {
		path := filepath.Join(t.TempDir(), "discovery.db")
		exec := func(ctx context.Context, stmt string) error {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, stmt)
			return err
		}
		return func(t *testing.T) discovery.Store { return mustOpen(t, path) }, exec
	})
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{"in-memory", ":memory:", "want the path of a database file"},
		{"empty", "", "want the path of a database file"},
		{"uri", "file:x.db", "want the path of a database file"},
		{"missing directory", filepath.Join(t.TempDir(), "no", "such", "dir", "d.db"), "open sqlite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := sqlite.Open(context.Background(), tt.path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tt.path)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "open sqlite") {
				t.Errorf("Open(%q) = %v; want it to say %q", tt.path, err, tt.want)
			}
		})
	}
}

func BenchmarkRevert(b *testing.B) {
	storetest.BenchRevert(b, func(b *testing.B) discovery.Store {
		s := mustOpen(b, filepath.Join(b.TempDir(), "discovery.db"))
		b.Cleanup(func() { s.Close() })
		return s
	})
}
