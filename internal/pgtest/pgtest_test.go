package pgtest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func queryString(t *testing.T, dsn, query string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}

func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	return queryString(t, adminDSN, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)::text`, name) == "true"
}

func TestDSNGivesFreshDatabaseDroppedAtCleanup(t *testing.T) {
	var names []string
	t.Run("inner", func(t *testing.T) {
		for range 2 {
			dsn := DSN(t)
			name := queryString(t, dsn, `SELECT current_database()`)
			if !strings.HasPrefix(name, "pgtest_") || !strings.Contains(name, "droppedatcleanup_inner_") {
				t.Errorf("database name %q does not come from the test name", name)
			}
			tables := queryString(t, dsn, `SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'`)
			if tables != "0" {
				t.Errorf("fresh database %s has %s tables", name, tables)
			}
			names = append(names, name)
		}
		if names[0] == names[1] {
			t.Errorf("two calls gave the same database %q", names[0])
		}
		for _, n := range names {
			if !databaseExists(t, n) {
				t.Errorf("database %s missing while its test runs", n)
			}
		}
	})
	for _, n := range names {
		if databaseExists(t, n) {
			t.Errorf("database %s still exists after its test ended", n)
		}
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		dsn, want string
	}{
		{"postgres://postgres@127.0.0.1:5432/postgres", "postgres://postgres@127.0.0.1:5432/db1"},
		{"postgresql://u:p@h:1/x?sslmode=disable", "postgresql://u:p@h:1/db1?sslmode=disable"},
		{"host=127.0.0.1 user=postgres dbname=postgres", "host=127.0.0.1 user=postgres dbname=postgres dbname=db1"},
	}
	for _, tt := range tests {
		got, err := withDatabase(tt.dsn, "db1")
		if err != nil || got != tt.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil || cfg.Database != "db1" {
			t.Errorf("parsed %q: database %v, %v; want db1", got, cfg, err)
		}
	}
}

func TestDatabaseName(t *testing.T) {
	a, b := databaseName("TestX/sub case#1"), databaseName("TestX/sub case#1")
	if a == b {
		t.Errorf("names not unique: %q", a)
	}
	if !strings.HasPrefix(a, "pgtest_testx_sub_case_1_") {
		t.Errorf("name %q", a)
	}
	long := databaseName(strings.Repeat("y", 200))
	if len(long) > 63 {
		t.Errorf("name %q longer than PostgreSQL's 63 bytes", long)
	}
}

// unreachable is a DSN no server answers: nothing listens on port 1.
const unreachable = "postgres://postgres@127.0.0.1:1/postgres"

func TestResolveRefusesUnreachableDatabaseURL(t *testing.T) {
	t.Setenv("DATABASE_URL", unreachable)
	dsn, err := resolve(DefaultDSN)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("resolve = %q, %v; want an error naming DATABASE_URL", dsn, err)
	}
}

func TestResolveWithoutMainStartsNoCluster(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	mu.Lock()
	mainRan = false
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		mainRan = true
		mu.Unlock()
	})
	dsn, err := resolve(unreachable)
	if err == nil || !strings.Contains(err.Error(), "pgtest.Main") {
		t.Fatalf("resolve = %q, %v; want an error asking for pgtest.Main", dsn, err)
	}
}

// TestResolveStartsThrowawayCluster takes the fallback path that machines
// with a running server never need: initdb and pg_ctl in a temp dir.
func TestResolveStartsThrowawayCluster(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	dsn, err := resolve(unreachable)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	mu.Lock()
	c := cluster
	mu.Unlock()
	if c == nil || c.dsn != dsn {
		t.Fatalf("resolve returned %q but recorded cluster %+v", dsn, c)
	}
	got := queryString(t, dsn, `SELECT current_setting('listen_addresses')`)
	stopCluster()
	if got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want loopback only", got)
	}
	if err := ping(context.Background(), dsn); err == nil {
		t.Errorf("cluster still answers after stop")
	}
	if _, err := os.Stat(c.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cluster dir %s not removed: %v", c.dir, err)
	}
}
