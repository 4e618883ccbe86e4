// Package sqlite keeps Discovery's content state in one SQLite file, the
// zero-setup store of `discovery dev` and small nodes: no server, no cgo
// (modernc.org/sqlite). It implements discovery.Store with the same
// behaviour as the Postgres store, checked by internal/storetest.
//
// SQLite lets one writer in at a time, so writes go through a pool of a
// single connection while reads use their own pool; in WAL mode readers
// never wait for the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/discovery-node/discovery"
)

var _ discovery.Store = (*Store)(nil)

// Store is the content state in one SQLite database file.
type Store struct {
	w *sql.DB // the single writer connection
	r *sql.DB // read-only connections
	// searchSettled is set once the writer has seen the search documents
	// kept by their triggers in a store with blocks; from then on no run
	// asks again (search_defer.go).
	searchSettled atomic.Bool
	// points are the reader pool's prepared point reads (pointreads.go).
	points pointReads
}

//go:embed migrations/*.sql
var migrations embed.FS

// Connection settings. busy_timeout lets another process's writer finish
// instead of failing at once; synchronous=NORMAL is durable across a crash
// of this process in WAL mode, and a power cut can lose at most the last
// blocks together with their checkpoint, which are then indexed again.
// BEGIN IMMEDIATE takes the write lock before ApplyBlock or RevertBlock
// reads the head, so the check and the write are one step even against
// another process. The schema has no foreign keys: the indexer validates
// references, and a revert must be free to restore rows in any order.
// Readers map the first readerMmap bytes of the file (mmap_size) rather
// than copy each page they read into their own 2 MB page cache, where a
// missing page costs a system call: the API's lists and the indexer's
// point reads seek all over the tables. The mapped pages are the
// operating system's file cache, yet the kernel counts each page in the
// process's RSS once per connection that touched it. Mapping the whole
// file (1 GiB) let RSS grow with the database: 312 MB backfilling 1M
// events (213 MB of file pages against 79 MB of its own memory), 486 MB
// serving the API benchmark's 255 MB file. 64 MiB caps that at 4 × 64
// MiB and keeps part of the gain: CPU per followers page 50 on that file,
// four readers at once, 6.9 ms mapped whole, 9.1 ms at 64 MiB, 10.8 ms
// unmapped.
const (
	writerParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_txlock=immediate"
	readerParams = "_pragma=busy_timeout(10000)&_pragma=query_only(1)&_pragma=mmap_size(" + readerMmap + ")"
	readerMmap   = "67108864" // 64 MiB per reader connection
	readerConns  = 4
)

// Open opens (creating if needed) the database file at path and brings its
// schema up to date. In-memory databases are refused: the reader and writer
// pools must see the same database.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open sqlite: path %q: want the path of a database file", path)
	}
	uri := "file:" + (&url.URL{Path: path}).EscapedPath()

	w, err := sql.Open("sqlite", uri+"?"+writerParams)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: migrate: %w", path, err)
	}
	if err := backfillDigest(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: state digest: %w", path, err)
	}
	r, err := sql.Open("sqlite", uri+"?"+readerParams)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: readers: %w", path, err)
	}
	r.SetMaxOpenConns(readerConns)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite %s: readers: %w", path, err)
	}
	return &Store{w: w, r: r}, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	p, err := migrationProvider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("up: %w", err)
	}
	return nil
}

// migrationProvider runs the embedded migrations on db, and the one
// written in Go (search_owner.go).
func migrationProvider(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations dir: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys,
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(searchOwnerMigration()),
	)
	if err != nil {
		return nil, fmt.Errorf("goose provider: %w", err)
	}
	return p, nil
}

// versionTable is goose's bookkeeping table, named after the content schema
// so another indexer's migrations can live in the same file.
const versionTable = "content_goose_db_version"

// Close closes both pools; it is safe to call more than once.
func (s *Store) Close() error {
	return errors.Join(s.points.close(), s.r.Close(), s.w.Close())
}
