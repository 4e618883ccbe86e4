package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

// StateDigest returns the digest stored with the head block: the state
// digest as kept block by block.
func (s *Store) StateDigest(ctx context.Context) (discovery.Digest, error) {
	h, ok, err := readHead(ctx, s.r)
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

// ComputeDigest recomputes the state digest from every row, in one read
// transaction so the tables are seen at one block.
func (s *Store) ComputeDigest(ctx context.Context) (discovery.Digest, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("compute digest: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to commit
	d, err := computeDigest(ctx, tx)
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("compute digest: %w", err)
	}
	return d, nil
}

// rowsQuerier is a transaction, to computeDigest.
type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// digestTables lists every table of chain-derived state with how to read
// its rows as the read methods return them. track_remixes (derived from
// tracks) and metadata_attempts (not chain state) are left out.
var digestTables = []struct {
	table, query string
	scan         func(scanner) (any, error)
}{
	{discovery.TableUsers, `SELECT ` + userColumns + ` FROM users`, byValue(scanUser)},
	{discovery.TableTracks, `SELECT ` + trackColumns + ` FROM tracks`, byValue(scanTrack)},
	{discovery.TablePlaylists, `SELECT ` + playlistColumns + ` FROM playlists`, byValue(scanPlaylist)},
	{discovery.TableFollows, followsSQL.all, byValue(scanFollow)},
	{discovery.TableReposts, repostsSQL.all, byValue(scanItem)},
	{discovery.TableSaves, savesSQL.all, byValue(scanItem)},
	{discovery.TableSubscriptions, subscriptionsSQL.all, byValue(scanFollow)},
	{discovery.TableRoutes, `SELECT ` + routeColumns + ` FROM routes`, byValue(scanRoute)},
	{discovery.TableDeveloperApps, `SELECT ` + developerAppColumns + ` FROM developer_apps`, byValue(scanDeveloperApp)},
	{discovery.TableGrants, `SELECT ` + grantColumns + ` FROM grants`, byValue(scanGrant)},
	{discovery.TablePlayDays, `SELECT ` + playDayColumns + ` FROM play_days`, byValue(scanPlayDay)},
	{discovery.TableRejected, `SELECT ` + rejectedColumns + ` FROM rejected_actions`, func(r scanner) (any, error) { return scanRejected(r) }},
}

// byValue adapts a scan function for HashRow, which hashes rows by value.
func byValue[T any](scan func(scanner) (*T, error)) func(scanner) (any, error) {
	return func(r scanner) (any, error) {
		row, err := scan(r)
		if err != nil {
			return nil, err
		}
		return *row, nil
	}
}

// computeDigest sums the hash of every row, reading one row at a time.
func computeDigest(ctx context.Context, q rowsQuerier) (discovery.Digest, error) {
	var sum discovery.Digest
	for _, t := range digestTables {
		rows, err := q.QueryContext(ctx, t.query)
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
		if err := rows.Close(); err != nil {
			return discovery.Digest{}, fmt.Errorf("read %s: %w", t.table, err)
		}
		if err := rows.Err(); err != nil {
			return discovery.Digest{}, fmt.Errorf("read %s: %w", t.table, err)
		}
	}
	return sum, nil
}

// backfillDigest stores the digest of the current state with the head
// when the head was indexed before digests were kept, so the incremental
// digest can go on from there.
func backfillDigest(ctx context.Context, w *sql.DB) error {
	var missing bool
	err := w.QueryRowContext(ctx, `SELECT state_digest IS NULL FROM blocks ORDER BY number DESC LIMIT 1`).Scan(&missing)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !missing) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	h, ok, err := readHead(ctx, tx)
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	if !ok || h.digest != nil {
		return nil // another process got there first
	}
	d, err := computeDigest(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE blocks SET state_digest = ? WHERE number = ?`, d[:], u64(h.Number)); err != nil {
		return fmt.Errorf("store digest of head %d: %w", h.Number, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
