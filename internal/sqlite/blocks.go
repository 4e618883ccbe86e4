package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// querier is what head needs: the reader pool for Head, the transaction
// for ApplyBlock.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Head returns the highest indexed block, which is the checkpoint.
func (s *Store) Head(ctx context.Context) (discovery.BlockRef, bool, error) {
	b, ok, err := head(ctx, s.r)
	if err != nil {
		return discovery.BlockRef{}, false, fmt.Errorf("head: %w", err)
	}
	return b, ok, nil
}

func head(ctx context.Context, q querier) (discovery.BlockRef, bool, error) {
	const query = `SELECT number, hash, parent_hash, time FROM blocks ORDER BY number DESC LIMIT 1`
	var (
		b            discovery.BlockRef
		hash, parent string
	)
	err := q.QueryRowContext(ctx, query).Scan(&b.Number, &hash, &parent, &b.Time)
	if errors.Is(err, sql.ErrNoRows) {
		return discovery.BlockRef{}, false, nil
	}
	if err != nil {
		return discovery.BlockRef{}, false, err
	}
	b.Hash, b.ParentHash = common.HexToHash(hash), common.HexToHash(parent)
	return b, true, nil
}

// ApplyBlock writes b, every row c changes and so the new checkpoint in one
// transaction on the writer connection.
func (s *Store) ApplyBlock(ctx context.Context, b discovery.BlockRef, c *discovery.Changes) error {
	if c == nil {
		c = discovery.NewChanges()
	}
	if err := checkChanges(c); err != nil {
		return fmt.Errorf("apply block %d: %w", b.Number, err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("apply block %d: begin: %w", b.Number, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	if err := applyBlock(ctx, tx, b, c); err != nil {
		return fmt.Errorf("apply block %d: %w", b.Number, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("apply block %d: commit: %w", b.Number, err)
	}
	return nil
}

func applyBlock(ctx context.Context, tx *sql.Tx, b discovery.BlockRef, c *discovery.Changes) error {
	if err := checkExtends(ctx, tx, b); err != nil {
		return err
	}
	if err := insertBlock(ctx, tx, b); err != nil {
		return err
	}
	if err := upsertUsers(ctx, tx, sortedRows(c.Users)); err != nil {
		return err
	}
	if err := upsertTracks(ctx, tx, sortedRows(c.Tracks)); err != nil {
		return err
	}
	if err := upsertPlaylists(ctx, tx, sortedRows(c.Playlists)); err != nil {
		return err
	}
	putF, delF := splitFollows(c.Follows)
	if err := deleteFollows(ctx, tx, delF); err != nil {
		return err
	}
	if err := upsertFollows(ctx, tx, putF); err != nil {
		return err
	}
	putR, delR := splitItems(c.Reposts)
	if err := writeItems(ctx, tx, repostsSQL, putR, delR); err != nil {
		return err
	}
	putS, delS := splitItems(c.Saves)
	if err := writeItems(ctx, tx, savesSQL, putS, delS); err != nil {
		return err
	}
	return insertRejected(ctx, tx, c.Rejected)
}

// checkExtends refuses a block that is not the direct child of the head.
// Any block is accepted as the first one, so indexing can start anywhere.
func checkExtends(ctx context.Context, tx *sql.Tx, b discovery.BlockRef) error {
	h, ok, err := head(ctx, tx)
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	if ok && (b.Number != h.Number+1 || b.ParentHash != h.Hash) {
		return &discovery.Error{
			Code: discovery.EINVALID,
			Message: fmt.Sprintf("block %d with parent %s does not follow head %d (%s)",
				b.Number, b.ParentHash.Hex(), h.Number, h.Hash.Hex()),
			Err: ErrNotNextBlock,
		}
	}
	return nil
}

func insertBlock(ctx context.Context, tx *sql.Tx, b discovery.BlockRef) error {
	const query = `INSERT INTO blocks (number, hash, parent_hash, time) VALUES (?, ?, ?, ?)`
	if _, err := tx.ExecContext(ctx, query, u64(b.Number), b.Hash.Hex(), b.ParentHash.Hex(), u64(b.Time)); err != nil {
		return fmt.Errorf("insert block: %w", err)
	}
	return nil
}

// execEach runs one prepared statement for every row, with the arguments
// args returns for it.
func execEach[T any](ctx context.Context, tx *sql.Tx, query string, rows []T, args func(T) ([]any, error)) error {
	if len(rows) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		a, err := args(r)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, a...); err != nil {
			return err
		}
	}
	return nil
}
