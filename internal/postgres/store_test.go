package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func mustOpen(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) discovery.Store {
		s := mustOpen(t, pgtest.DSN(t))
		t.Cleanup(func() { s.Close() })
		return s
	})
	storetest.RunRestart(t, func(t *testing.T) func(t *testing.T) discovery.Store {
		dsn := pgtest.DSN(t)
		return func(t *testing.T) discovery.Store { return mustOpen(t, dsn) }
	})
	storetest.RunOutsideWrites(t, func(t *testing.T) (func(t *testing.T) discovery.Store, func(context.Context, string) error) {
		dsn := pgtest.DSN(t)
		exec := func(ctx context.Context, stmt string) error {
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				return err
			}
			defer conn.Close(ctx)
			_, err = conn.Exec(ctx, stmt)
			return err
		}
		return func(t *testing.T) discovery.Store { return mustOpen(t, dsn) }, exec
	})
}

// TestOpenErrorsHidePassword checks that Open says what failed and never
// repeats the password of the DSN.
func TestOpenErrorsHidePassword(t *testing.T) {
	const secret = "s3cr3t-pw"
	tests := []struct {
		name, dsn, want string
	}{
		{"unreachable", "postgres://u:" + secret + "@127.0.0.1:1/db?connect_timeout=2", "open postgres: ping: "},
		{"malformed url", "postgres://u:" + secret + "@127.0.0.1:notaport/db", "open postgres: parse dsn: "},
		{"malformed keywords", "host=127.0.0.1 password=" + secret + " port=x", "open postgres: parse dsn: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := postgres.Open(context.Background(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v; want prefix %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("err %v shows the password", err)
			}
		})
	}
}

// TestMigrationsIdempotent opens the same database twice: the second Open
// finds the schema current and changes nothing.
func TestMigrationsIdempotent(t *testing.T) {
	dsn := pgtest.DSN(t)
	mustOpen(t, dsn).Close()
	s := mustOpen(t, dsn)
	defer s.Close()
	if _, ok, err := s.Head(context.Background()); ok || err != nil {
		t.Errorf("Head = %v, %v on a fresh schema", ok, err)
	}
}

func BenchmarkRevert(b *testing.B) {
	storetest.BenchRevert(b, func(b *testing.B) discovery.Store {
		s := mustOpen(b, pgtest.DSN(b))
		b.Cleanup(func() { s.Close() })
		return s
	})
}
