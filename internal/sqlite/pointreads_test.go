package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/discovery-node/discovery"
)

// TestPointReadsPrepared checks the prepared point reads: a read answers
// what was written since the statement was prepared, and after a schema
// change, and a read after Close fails instead of reaching a closed
// statement.
func TestPointReadsPrepared(t *testing.T) {
	ctx := context.Background()
	s := mustOpenInternal(t, filepath.Join(t.TempDir(), "discovery.db"))
	var prior *discovery.User
	write := func(number uint64, name string) {
		t.Helper()
		c := discovery.NewChanges()
		u := &discovery.User{ID: 1, Handle: "alice", HandleLower: "alice", Name: name}
		c.Users[1], c.Prior.Users[1] = u, prior
		prior = u
		if err := s.ApplyBlock(ctx, discovery.BlockRef{Number: number}, c); err != nil {
			t.Fatal(err)
		}
	}
	read := func(when, want string) {
		t.Helper()
		u, ok, err := s.User(ctx, 1)
		if err != nil || !ok || u.Name != want {
			t.Fatalf("%s: User(1) = %+v, %v, %v; want name %q", when, u, ok, err, want)
		}
		if id, ok, err := s.UserIDByHandle(ctx, "alice"); err != nil || !ok || id != 1 {
			t.Fatalf("%s: UserIDByHandle = %d, %v, %v; want 1", when, id, ok, err)
		}
	}
	write(1, "first")
	read("first read", "first")
	write(2, "second")
	read("after a write", "second")
	if _, err := s.w.ExecContext(ctx, `CREATE INDEX point_reads_test_idx ON users (name)`); err != nil {
		t.Fatal(err)
	}
	read("after a schema change", "second")
	if n := len(s.points.stmts); n != 2 {
		t.Errorf("%d prepared statements, want 2: one per query", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.User(ctx, 1); err == nil {
		t.Error("User after Close: no error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
