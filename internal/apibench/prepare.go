package apibench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// Where kept data sets live: a PostgreSQL database, or a SQLite file,
// named apibench plus the data set's size key and version key. A data set
// is complete when the store's head is the data set's last block; one cut
// short, or made by another version (same size key, other version key),
// is dropped.

// keptDB is a data set's database or file.
type keptDB struct {
	store string // "postgres" or "sqlite"
	where string // the --db value discovery serve is given
	name  string // the database or file name, for the report
	// recreate empties it; nil for a database given by the caller, which
	// is never dropped.
	recreate func(ctx context.Context) error
}

// open opens the store of k.
func (k keptDB) open(ctx context.Context) (discovery.Store, error) {
	if k.store == "postgres" {
		return postgres.Open(ctx, k.where)
	}
	return sqlite.Open(ctx, strings.TrimPrefix(k.where, "sqlite:"))
}

// keptPostgres returns the database of d on the server of admin (a DSN of
// any database there), creating it if needed, and dropping stale versions
// of it; fresh drops it first.
func keptPostgres(ctx context.Context, admin string, d Dataset, fresh bool) (keptDB, error) {
	schema, err := postgres.SchemaVersion()
	if err != nil {
		return keptDB{}, err
	}
	prefix := "apibench_" + d.sizeKey() + "_"
	name := prefix + versionKey(schema)
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return keptDB{}, errors.New("the PostgreSQL server: want a postgres:// URL")
	}
	dsn := *u
	dsn.Path = "/" + name
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return keptDB{}, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{name}.Sanitize()
	recreate := func(ctx context.Context) error {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		if _, err := c.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
		return nil
	}
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, prefix)
	if err != nil {
		return keptDB{}, fmt.Errorf("list data set databases: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return keptDB{}, fmt.Errorf("list data set databases: %w", err)
	}
	exists := false
	for _, n := range names {
		if n == name {
			exists = true
			continue
		}
		if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			return keptDB{}, fmt.Errorf("drop stale data set database %s: %w", n, err)
		}
	}
	if !exists || fresh {
		if err := recreate(ctx); err != nil {
			return keptDB{}, err
		}
	}
	return keptDB{store: "postgres", where: dsn.String(), name: name, recreate: recreate}, nil
}

// keptSQLite returns the file of d in dir, removing stale versions of it;
// fresh removes it first.
func keptSQLite(dir string, d Dataset, fresh bool) (keptDB, error) {
	schema, err := sqlite.SchemaVersion()
	if err != nil {
		return keptDB{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return keptDB{}, fmt.Errorf("make the data set directory: %w", err)
	}
	prefix := "apibench-" + d.sizeKey() + "-"
	name := prefix + versionKey(schema) + ".db"
	path := filepath.Join(dir, name)
	stale, err := filepath.Glob(filepath.Join(dir, prefix+"*"))
	if err != nil {
		return keptDB{}, err
	}
	for _, f := range stale {
		if !strings.HasPrefix(filepath.Base(f), name) {
			if err := os.Remove(f); err != nil {
				return keptDB{}, fmt.Errorf("remove stale data set %s: %w", f, err)
			}
		}
	}
	recreate := func(context.Context) error { return removeSQLite(path) }
	if fresh {
		if err := recreate(context.Background()); err != nil {
			return keptDB{}, err
		}
	}
	return keptDB{store: "sqlite", where: "sqlite:" + path, name: path, recreate: recreate}, nil
}

// removeSQLite removes a database file with its WAL and shared memory.
func removeSQLite(path string) error {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", f, err)
		}
	}
	return nil
}

// ensureLoaded makes k hold g's data set: kept when its head is the data
// set's last block, else loaded (into a recreated database when it held
// something else). loaded is nil when the data set was kept.
func ensureLoaded(ctx context.Context, k keptDB, g *graph, blockRows int, logf func(string, ...any)) (loaded *LoadStats, err error) {
	want, _, err := g.head(blockRows)
	if err != nil {
		return nil, err
	}
	store, err := k.open(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { store.Close() }()
	head, ok, err := store.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the head of %s: %w", k.name, err)
	}
	if ok && head == want {
		// A load cut short after its last block has no rankings yet; a
		// refresh of rankings already made at this head is a no-op.
		if err := store.RefreshTrending(ctx); err != nil {
			return nil, err
		}
		logf("%s: data set kept in %s (head %d)", k.store, k.name, head.Number)
		return nil, nil
	}
	if ok {
		if k.recreate == nil {
			return nil, fmt.Errorf("%s holds blocks up to %d, not this data set: give an empty database", k.name, head.Number)
		}
		logf("%s: %s holds an incomplete load (head %d of %d): starting over", k.store, k.name, head.Number, want.Number)
		store.Close()
		if err := k.recreate(ctx); err != nil {
			return nil, err
		}
		if store, err = k.open(ctx); err != nil {
			return nil, err
		}
	}
	logf("%s: loading %s into %s", k.store, g.d.Sizes, k.name)
	var settle func(context.Context) error
	if k.store == "postgres" {
		settle = func(ctx context.Context) error { return vacuumAnalyze(ctx, k.where) }
	}
	st, err := load(ctx, store, g, blockRows, settle, logf)
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// vacuumAnalyze gives the planner statistics of the loaded tables and
// marks their pages all-visible, as autovacuum does in time on a database
// that grew block by block; right after a bulk load neither has happened,
// and plans (the trending refresh's above all) would be made blind. It
// changes no row.
func vacuumAnalyze(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect to vacuum: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("vacuum (analyze): %w", err)
	}
	return nil
}
