package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/discovery-node/discovery"
)

// RevertBlock undoes b, the head, from its undo image in one transaction on
// the writer connection: every row the block changed gets its prior image
// back, its rejected actions, undo image and block row go, and the parent
// becomes the head with its stored digest.
func (s *Store) RevertBlock(ctx context.Context, b discovery.BlockRef) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("revert block %d: begin: %w", b.Number, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	if err := revertBlock(ctx, tx, b); err != nil {
		return fmt.Errorf("revert block %d: %w", b.Number, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("revert block %d: commit: %w", b.Number, err)
	}
	return nil
}

func revertBlock(ctx context.Context, tx *sql.Tx, b discovery.BlockRef) error {
	h, ok, err := readHead(ctx, tx)
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	if err := checkIsHead(b, h.BlockRef, ok); err != nil {
		return err
	}
	var data []byte
	err = tx.QueryRowContext(ctx, `SELECT data FROM undo WHERE block = ?`, u64(b.Number)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return &discovery.Error{
			Code:    discovery.EINVALID,
			Message: fmt.Sprintf("block %d (%s) is final: its undo image was pruned", b.Number, b.Hash.Hex()),
			Err:     discovery.ErrFinalized,
		}
	}
	if err != nil {
		return fmt.Errorf("read undo image: %w", err)
	}
	prior, err := decodeUndo(data)
	if err != nil {
		return fmt.Errorf("decode undo image: %w", err)
	}
	if err := writeRows(ctx, tx, prior); err != nil {
		return err
	}
	deletes := []struct{ what, query string }{
		{"rejected actions", `DELETE FROM rejected_actions WHERE block = ?`},
		{"undo image", `DELETE FROM undo WHERE block = ?`},
		{"block", `DELETE FROM blocks WHERE number = ?`},
	}
	for _, d := range deletes {
		if _, err := tx.ExecContext(ctx, d.query, u64(b.Number)); err != nil {
			return fmt.Errorf("delete %s: %w", d.what, err)
		}
	}
	return nil
}

// checkIsHead refuses to revert a block other than the head h (ok is false
// when no block is indexed).
func checkIsHead(b, h discovery.BlockRef, ok bool) error {
	if ok && b.Number == h.Number && b.Hash == h.Hash {
		return nil
	}
	msg := fmt.Sprintf("block %d (%s) is not the head: no block is indexed", b.Number, b.Hash.Hex())
	if ok {
		msg = fmt.Sprintf("block %d (%s) is not the head %d (%s)", b.Number, b.Hash.Hex(), h.Number, h.Hash.Hex())
	}
	return &discovery.Error{Code: discovery.EINVALID, Message: msg, Err: discovery.ErrNotHead}
}

// Prune drops the undo images of blocks below the given number; those
// blocks can no longer be reverted. Block rows stay: they are small, and
// the follower compares old hashes with the node's to find a fork point.
func (s *Store) Prune(ctx context.Context, below uint64) (int, error) {
	limit := int64(math.MaxInt64)
	if below < math.MaxInt64 {
		limit = int64(below)
	}
	res, err := s.w.ExecContext(ctx, `DELETE FROM undo WHERE block < ?`, limit)
	if err != nil {
		return 0, fmt.Errorf("prune undo images below %d: %w", below, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune undo images below %d: %w", below, err)
	}
	return int(n), nil
}
