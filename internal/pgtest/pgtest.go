// Package pgtest gives each test its own empty PostgreSQL database, so
// store tests run against a real server, in parallel, without seeing each
// other's rows. It finds a server the way a developer would expect: the
// one named by $DATABASE_URL, else the local default, else a throwaway
// cluster it starts from the installed PostgreSQL binaries.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultDSN is the server tried when $DATABASE_URL is not set: the local
// PostgreSQL of a development machine, trust auth.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/postgres"

var (
	resolveOnce sync.Once
	adminDSN    string // a database on the chosen server to run CREATE/DROP DATABASE from
	resolveErr  error

	mu      sync.Mutex
	cluster *tempCluster // the throwaway cluster, when one was started
	mainRan bool         // Main is in charge of stopping a throwaway cluster
)

// Main runs the tests of a package and then stops the throwaway cluster, if
// DSN had to start one. Call it from TestMain; without it DSN does not
// start a cluster, since nothing would stop it.
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	mu.Lock()
	mainRan = true
	mu.Unlock()
	defer stopCluster()
	m.Run() // TestMain returning makes the binary exit with m.Run's code
}

// DSN creates a fresh database for the test, drops it when the test ends,
// and returns a DSN for it. Without a reachable server the test is skipped,
// or fails when $CI is "true": in CI a skipped store test would hide a
// missing database.
func DSN(t testing.TB) string {
	t.Helper()
	resolveOnce.Do(func() { adminDSN, resolveErr = resolve(DefaultDSN) })
	if resolveErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pgtest: no PostgreSQL server for this test: %v", resolveErr)
		}
		t.Skipf("pgtest: no PostgreSQL server (set DATABASE_URL or install PostgreSQL): %v", resolveErr)
	}
	name := databaseName(t.Name())
	ident := pgx.Identifier{name}.Sanitize()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := adminExec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := adminExec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	dsn, err := withDatabase(adminDSN, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// resolve picks the server: $DATABASE_URL (no fallback when it is set but
// unreachable: that is a mistake to report), localDSN, or a throwaway
// cluster.
func resolve(localDSN string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		if err := ping(ctx, dsn); err != nil {
			return "", fmt.Errorf("DATABASE_URL: %w", err)
		}
		return dsn, nil
	}
	localErr := ping(ctx, localDSN)
	if localErr == nil {
		return localDSN, nil
	}
	mu.Lock()
	defer mu.Unlock()
	if !mainRan {
		return "", fmt.Errorf("%s: %w; no throwaway cluster either: TestMain does not call pgtest.Main", localDSN, localErr)
	}
	c, err := startCluster(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: %w; throwaway cluster: %w", localDSN, localErr, err)
	}
	cluster = c
	return c.dsn, nil
}

func stopCluster() {
	mu.Lock()
	defer mu.Unlock()
	if cluster != nil {
		cluster.stop()
		cluster = nil
	}
}

// ping connects once, quickly, so an absent server costs seconds, not the
// default connect timeout.
func ping(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return errors.New("malformed connection string") // the parse error may quote a password
	}
	cfg.ConnectTimeout = 3 * time.Second
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.Ping(ctx)
}

// adminExec runs one statement on the admin database. The statements are
// DDL on names this package generated, so they cannot take placeholders.
func adminExec(ctx context.Context, stmt string) error {
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, stmt)
	return err
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// databaseName derives a recognisable, unique name from the test's name.
func databaseName(testName string) string {
	base := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(testName), "_"), "_")
	if len(base) > 40 {
		base = base[len(base)-40:]
	}
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "pgtest_" + base + "_" + hex.EncodeToString(b[:])
}

// withDatabase returns dsn pointing at database name instead, for both
// URL and keyword=value connection strings.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", errors.New("malformed connection URL")
		}
		u.Path, u.RawPath = "/"+name, ""
		return u.String(), nil
	}
	return dsn + " dbname=" + name, nil // a later keyword wins
}
