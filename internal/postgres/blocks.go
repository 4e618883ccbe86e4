package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// Head returns the highest indexed block, which is the checkpoint.
func (s *Store) Head(ctx context.Context) (discovery.BlockRef, bool, error) {
	b, ok, err := head(ctx, s.pool)
	if err != nil {
		return discovery.BlockRef{}, false, fmt.Errorf("head: %w", err)
	}
	return b, ok, nil
}

// querier is what head needs: the pool for Head, the transaction for
// ApplyBlock.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func head(ctx context.Context, q querier) (discovery.BlockRef, bool, error) {
	const query = `SELECT number, hash, parent_hash, time FROM blocks ORDER BY number DESC LIMIT 1`
	var (
		b            discovery.BlockRef
		hash, parent string
	)
	err := q.QueryRow(ctx, query).Scan(&b.Number, &hash, &parent, &b.Time)
	if errors.Is(err, pgx.ErrNoRows) {
		return discovery.BlockRef{}, false, nil
	}
	if err != nil {
		return discovery.BlockRef{}, false, err
	}
	b.Hash, b.ParentHash = common.HexToHash(hash), common.HexToHash(parent)
	return b, true, nil
}

// ApplyBlock writes b, every row c changes and so the new checkpoint in one
// transaction: one round trip to read the head, one batch for all writes.
func (s *Store) ApplyBlock(ctx context.Context, b discovery.BlockRef, c *discovery.Changes) error {
	if c == nil {
		c = discovery.NewChanges()
	}
	if err := checkChanges(c); err != nil {
		return fmt.Errorf("apply block %d: %w", b.Number, err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("apply block %d: begin: %w", b.Number, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit

	if err := checkExtends(ctx, tx, b); err != nil {
		return fmt.Errorf("apply block %d: %w", b.Number, err)
	}
	batch := &pgx.Batch{}
	queueInsertBlock(batch, b)
	queueUpsertUsers(batch, sortedRows(c.Users))
	queueUpsertTracks(batch, sortedRows(c.Tracks))
	if err := queueUpsertPlaylists(batch, sortedRows(c.Playlists)); err != nil {
		return fmt.Errorf("apply block %d: %w", b.Number, err)
	}
	putF, delF := splitFollows(c.Follows)
	queueDeleteFollows(batch, delF)
	queueUpsertFollows(batch, putF)
	putR, delR := splitItems(c.Reposts)
	queueItems(batch, repostsSQL, putR, delR)
	putS, delS := splitItems(c.Saves)
	queueItems(batch, savesSQL, putS, delS)
	queueInsertRejected(batch, c.Rejected)

	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("apply block %d: write: %w", b.Number, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("apply block %d: commit: %w", b.Number, err)
	}
	return nil
}

// checkExtends refuses a block that is not the direct child of the head.
// Any block is accepted as the first one, so indexing can start anywhere.
func checkExtends(ctx context.Context, tx pgx.Tx, b discovery.BlockRef) error {
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

func queueInsertBlock(batch *pgx.Batch, b discovery.BlockRef) {
	const query = `INSERT INTO blocks (number, hash, parent_hash, time) VALUES ($1, $2, $3, $4)`
	batch.Queue(query, u64(b.Number), b.Hash.Hex(), b.ParentHash.Hex(), u64(b.Time))
}
