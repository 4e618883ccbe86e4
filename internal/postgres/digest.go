package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/discovery-node/discovery"
)

// StateDigest returns the digest stored with the head block: the state
// digest as kept block by block.
func (s *Store) StateDigest(ctx context.Context) (discovery.Digest, error) {
	h, ok, err := scanHead(s.pool.QueryRow(ctx, headQuery))
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("state digest: %w", err)
	}
	if !ok {
		return discovery.Digest{}, nil
	}
	d, err := h.stateDigest()
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("state digest: %w", err)
	}
	return d, nil
}

// ComputeDigest recomputes the state digest from every row, in one
// read-only REPEATABLE READ transaction so the tables are seen at one
// block while the indexer goes on writing.
func (s *Store) ComputeDigest(ctx context.Context) (discovery.Digest, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("compute digest: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read only: nothing to commit
	d, err := computeDigest(ctx, tx)
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("compute digest: %w", err)
	}
	return d, nil
}

// digestTables lists every table of chain-derived state with how to read
// its rows as the read methods return them. track_remixes (derived from
// tracks) and metadata_attempts (not chain state) are not among them.
var digestTables = []struct {
	table, query string
	scan         func(pgx.Row) (any, error)
}{
	{discovery.TableUsers, `SELECT ` + userColumns + ` FROM users`, byValue(scanUser)},
	{discovery.TableTracks, `SELECT ` + trackColumns + ` FROM tracks`, byValue(scanTrack)},
	{discovery.TablePlaylists, `SELECT ` + playlistColumns + ` FROM playlists`, byValue(scanPlaylist)},
	{discovery.TableFollows, `SELECT ` + followColumns + ` FROM follows`, byValue(scanFollow)},
	{discovery.TableReposts, repostsSQL.all, byValue(scanItem)},
	{discovery.TableSaves, savesSQL.all, byValue(scanItem)},
	{discovery.TableRejected, `SELECT ` + rejectedColumns + ` FROM rejected_actions`, func(r pgx.Row) (any, error) { return scanRejected(r) }},
	{discovery.TableSubscriptions, `SELECT ` + subscriptionColumns + ` FROM subscriptions`, byValue(scanSubscription)},
	{discovery.TableRoutes, `SELECT ` + routeColumns + ` FROM routes`, byValue(scanRoute)},
	{discovery.TableDeveloperApps, `SELECT ` + developerAppColumns + ` FROM developer_apps`, byValue(scanDeveloperApp)},
	{discovery.TableGrants, `SELECT ` + grantColumns + ` FROM grants`, byValue(scanGrant)},
	{discovery.TablePlayDays, `SELECT ` + playDayColumns + ` FROM play_days`, byValue(scanPlayDay)},
}

// byValue adapts a scan function for HashRow, which hashes rows by value.
func byValue[T any](scan func(pgx.Row) (*T, error)) func(pgx.Row) (any, error) {
	return func(r pgx.Row) (any, error) {
		row, err := scan(r)
		if err != nil {
			return nil, err
		}
		return *row, nil
	}
}

// computeDigest sums the hash of every row, as the rows stream in.
func computeDigest(ctx context.Context, tx pgx.Tx) (discovery.Digest, error) {
	var sum discovery.Digest
	for _, t := range digestTables {
		rows, err := tx.Query(ctx, t.query)
		if err != nil {
			return discovery.Digest{}, fmt.Errorf("read %s: %w", t.table, err)
		}
		for rows.Next() {
			row, err := t.scan(rows)
			if err != nil {
				rows.Close()
				return discovery.Digest{}, fmt.Errorf("read %s: %w", t.table, err)
			}
			h, err := discovery.HashRow(t.table, row)
			if err != nil {
				rows.Close()
				return discovery.Digest{}, err
			}
			sum = sum.Add(h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return discovery.Digest{}, fmt.Errorf("read %s: %w", t.table, err)
		}
	}
	return sum, nil
}

// backfillDigest stores the digest of the current state with the head
// when the head was indexed before digests were kept, so the incremental
// digest can go on from there.
func backfillDigest(ctx context.Context, pool *pgxpool.Pool) error {
	var missing bool
	err := pool.QueryRow(ctx, `SELECT state_digest IS NULL FROM blocks ORDER BY number DESC LIMIT 1`).Scan(&missing)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !missing) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	h, ok, err := lockedHead(ctx, tx)
	if err != nil {
		return err
	}
	if !ok || h.digest != nil {
		return nil // another process got there first
	}
	d, err := computeDigest(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE blocks SET state_digest = $1 WHERE number = $2`, d[:], u64(h.Number)); err != nil {
		return fmt.Errorf("store digest of head %d: %w", h.Number, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
