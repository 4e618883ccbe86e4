package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/discovery-node/discovery/internal/storetest"
)

func mustOpen(t *testing.T, path string) *sqlite.Store {
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
}

func TestApplyBlockNotNextWrapsSentinel(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	defer s.Close()
	b := discovery.BlockRef{Number: 1}
	if err := s.ApplyBlock(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	err := s.ApplyBlock(ctx, discovery.BlockRef{Number: 3}, nil)
	if !errors.Is(err, sqlite.ErrNotNextBlock) || discovery.ErrorCode(err) != discovery.EINVALID {
		t.Errorf("err = %v; want ErrNotNextBlock with code EINVALID", err)
	}
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
