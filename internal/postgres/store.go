// Package postgres keeps Discovery's content state in PostgreSQL, the store
// for production: many API processes can read it while one indexer writes,
// and big blocks are written in a few round trips rather than one per row.
// It implements discovery.Store; internal/storetest holds the behaviour it
// shares with the SQLite store.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/discovery-node/discovery"
)

var _ discovery.Store = (*Store)(nil)

// Store is the content state in one PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// generic runs the search and feed statements whose plans do not
	// depend on their arguments' values (search_generic.go); it connects
	// lazily.
	generic   *pgxpool.Pool
	closeOnce sync.Once
	// searchSettled is set once this writer has seen the search documents
	// kept by their triggers in a store with blocks; from then on no run
	// asks again (search_defer.go). A second writer that empties the
	// store and backfills it again is not supported.
	searchSettled atomic.Bool
}

//go:embed migrations/*.sql
var migrations embed.FS

// versionTable is goose's bookkeeping table, named after the content schema
// so another indexer's migrations can live in the same database.
const versionTable = "content_goose_db_version"

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string) and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error can quote the DSN, password included, so it is
		// not passed on.
		return nil, errors.New("open postgres: parse dsn: malformed connection string")
	}
	if !strings.Contains(dsn, "sslmode") && loopback(cfg.ConnConfig.Host) {
		plainOnLoopback(cfg.ConnConfig)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: ping: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: migrate: %w", err)
	}
	if err := backfillDigest(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: state digest: %w", err)
	}
	generic, err := genericPool(ctx, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool, generic: generic}, nil
}

// loopback reports whether host is this machine: a Unix socket directory,
// localhost or a loopback address.
func loopback(host string) bool {
	if strings.HasPrefix(host, "/") || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// plainOnLoopback drops TLS from a connection that never leaves the
// machine. libpq's default, sslmode=prefer, negotiates TLS whenever the
// server offers it, and on loopback that buys nothing but a share of the
// CPU on every round trip. An sslmode given in the DSN is always obeyed.
func plainOnLoopback(cfg *pgx.ConnConfig) {
	cfg.TLSConfig = nil
	plain := cfg.Fallbacks[:0]
	for _, fb := range cfg.Fallbacks {
		if fb.TLSConfig == nil && (fb.Host != cfg.Host || fb.Port != cfg.Port) {
			plain = append(plain, fb)
		}
	}
	cfg.Fallbacks = plain
}

// migrate applies the embedded migrations under a session advisory lock,
// so processes starting together do not race.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations dir: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("session locker: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool) // closing db leaves the pool open
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithTableName(versionTable),
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("goose provider: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("up: %w", err)
	}
	return nil
}

// Close releases the connections; it is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.pool.Close()
		s.generic.Close()
	})
	return nil
}
