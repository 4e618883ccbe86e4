package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// lockBlocks serialises the writers of the state (ApplyBlock, RevertBlock,
// the digest backfill) so each reads a head no other can change before it
// commits. Plain reads are not blocked.
const lockBlocks = `LOCK TABLE blocks IN EXCLUSIVE MODE`

// headQuery reads the head with the state digest stored beside it.
const headQuery = `SELECT number, hash, parent_hash, time, state_digest FROM blocks ORDER BY number DESC LIMIT 1`

// headBlock is the head with the state digest stored beside it.
type headBlock struct {
	discovery.BlockRef
	digest []byte // nil on a block indexed before digests were kept
}

// stateDigest returns the digest stored with the block.
func (h headBlock) stateDigest() (discovery.Digest, error) {
	var d discovery.Digest
	if len(h.digest) != len(d) {
		return d, fmt.Errorf("block %d has no state digest", h.Number)
	}
	copy(d[:], h.digest)
	return d, nil
}

// scanHead reads the row of headQuery; ok is false when no block is
// indexed.
func scanHead(row pgx.Row) (headBlock, bool, error) {
	var (
		h            headBlock
		hash, parent string
	)
	err := row.Scan(&h.Number, &hash, &parent, &h.Time, &h.digest)
	if errors.Is(err, pgx.ErrNoRows) {
		return headBlock{}, false, nil
	}
	if err != nil {
		return headBlock{}, false, err
	}
	h.Hash, h.ParentHash = common.HexToHash(hash), common.HexToHash(parent)
	return h, true, nil
}

// Head returns the highest indexed block, which is the checkpoint.
func (s *Store) Head(ctx context.Context) (discovery.BlockRef, bool, error) {
	h, ok, err := scanHead(s.pool.QueryRow(ctx, headQuery))
	if err != nil {
		return discovery.BlockRef{}, false, fmt.Errorf("head: %w", err)
	}
	return h.BlockRef, ok, nil
}

// Block returns the indexed block at number n.
func (s *Store) Block(ctx context.Context, n uint64) (discovery.BlockRef, bool, error) {
	const query = `SELECT number, hash, parent_hash, time FROM blocks WHERE number = $1`
	var (
		b            discovery.BlockRef
		hash, parent string
	)
	err := s.pool.QueryRow(ctx, query, u64(n)).Scan(&b.Number, &hash, &parent, &b.Time)
	if errors.Is(err, pgx.ErrNoRows) {
		return discovery.BlockRef{}, false, nil
	}
	if err != nil {
		return discovery.BlockRef{}, false, fmt.Errorf("block %d: %w", n, err)
	}
	b.Hash, b.ParentHash = common.HexToHash(hash), common.HexToHash(parent)
	return b, true, nil
}

// lockedHead takes the writers' lock and reads the head, in one round trip.
func lockedHead(ctx context.Context, tx pgx.Tx) (headBlock, bool, error) {
	batch := &pgx.Batch{}
	batch.Queue(lockBlocks)
	batch.Queue(headQuery)
	br := tx.SendBatch(ctx, batch)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return headBlock{}, false, fmt.Errorf("lock blocks: %w", err)
	}
	h, ok, err := scanHead(br.QueryRow())
	if err != nil {
		br.Close()
		return headBlock{}, false, fmt.Errorf("read head: %w", err)
	}
	if err := br.Close(); err != nil {
		return headBlock{}, false, fmt.Errorf("read head: %w", err)
	}
	return h, ok, nil
}

// ApplyBlock writes b with its state digest, every row c changes, c's undo
// image and so the new checkpoint in one transaction.
func (s *Store) ApplyBlock(ctx context.Context, b discovery.BlockRef, c *discovery.Changes) error {
	return s.ApplyBlocks(ctx, []discovery.BlockChanges{{Block: b, Changes: c}})
}

// ApplyBlocks writes a run of blocks in one transaction: one round trip to
// lock and read the head, one batch for all writes. Each block gets its
// row, state digest, rejected actions and undo image; the entity tables
// get one statement per table and kind for the whole run, with the images
// the last block leaves, so a run of a hundred blocks costs about what one
// block does.
func (s *Store) ApplyBlocks(ctx context.Context, bcs []discovery.BlockChanges) error {
	if len(bcs) == 0 {
		return nil
	}
	what := discovery.RunName(bcs)
	blocks, err := discovery.PrepareRun(bcs)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	// The writes are prepared before the lock is taken, so it is held for
	// round trips only.
	batch := &pgx.Batch{}
	if err := queueRows(batch, discovery.MergeChanges(bcs)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for _, bc := range bcs {
		queueInsertRejected(batch, bc.Changes.Rejected)
	}
	numbers := make([]int64, len(blocks))
	var undoBlocks []int64
	var undos []string // JSON, for the jsonb column
	for i, b := range blocks {
		numbers[i] = u64(b.Ref.Number)
		if bcs[i].Final {
			continue // never reverted: no undo image
		}
		undo, err := encodeUndo(bcs[i].Changes.Prior)
		if err != nil {
			return fmt.Errorf("%s: %w", what, discovery.RunBlockError(len(bcs), b.Ref, fmt.Errorf("encode undo image: %w", err)))
		}
		undoBlocks, undos = append(undoBlocks, numbers[i]), append(undos, string(undo))
	}
	if len(undos) > 0 {
		batch.Queue(`INSERT INTO undo (block, data) SELECT n, d::jsonb FROM unnest($1::bigint[], $2::text[]) AS u(n, d)`, undoBlocks, undos)
	}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", what, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit

	h, ok, err := lockedHead(ctx, tx)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := checkExtends(bcs[0].Block, h.BlockRef, ok); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	settled := s.searchSettled.Load()
	if !settled {
		if settled, err = prepareSearch(ctx, tx, ok, bcs); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	var digest discovery.Digest // of the empty state
	if ok {
		if digest, err = h.stateDigest(); err != nil {
			return fmt.Errorf("%s: head: %w", what, err)
		}
	}
	var (
		hashes, parents = make([]string, len(blocks)), make([]string, len(blocks))
		times           = make([]int64, len(blocks))
		digests         = make([][]byte, len(blocks))
	)
	for i, b := range blocks {
		digest = digest.Add(b.Add).Sub(b.Sub)
		d := digest
		hashes[i], parents[i], times[i], digests[i] = b.Ref.Hash.Hex(), b.Ref.ParentHash.Hex(), u64(b.Ref.Time), d[:]
	}
	const insertBlocks = `INSERT INTO blocks (number, hash, parent_hash, time, state_digest)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bytea[])`
	batch.Queue(insertBlocks, numbers, hashes, parents, times, digests)

	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("%s: write: %w", what, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	if settled {
		s.searchSettled.Store(true)
	}
	return nil
}

// checkExtends refuses a block that is not the direct child of the head h
// (ok is false when no block is indexed). Any block is accepted as the
// first one, so indexing can start anywhere.
func checkExtends(b, h discovery.BlockRef, ok bool) error {
	if ok && (b.Number != h.Number+1 || b.ParentHash != h.Hash) {
		return &discovery.Error{
			Code: discovery.EINVALID,
			Message: fmt.Sprintf("block %d with parent %s does not follow head %d (%s)",
				b.Number, b.ParentHash.Hex(), h.Number, h.Hash.Hex()),
			Err: discovery.ErrNotNextBlock,
		}
	}
	return nil
}

// queueRows queues the statements that bring every row of rs to its image
// there, a nil image deleting the row: one statement per table and kind,
// then the rewrite of the remix pairs of every track written. ApplyBlock
// writes a block's new images with it. The handle constraint is checked at
// commit, so users may trade handles within a block.
func queueRows(batch *pgx.Batch, rs discovery.RowSet) error {
	users, delUsers := discovery.SplitRows(rs.Users, cmp.Compare[int64])
	tracks, delTracks := discovery.SplitRows(rs.Tracks, cmp.Compare[int64])
	playlists, delPlaylists := discovery.SplitRows(rs.Playlists, cmp.Compare[int64])
	follows, delFollows := discovery.SplitRows(rs.Follows, discovery.CompareFollowKeys)
	reposts, delReposts := discovery.SplitRows(rs.Reposts, discovery.CompareItemKeys)
	saves, delSaves := discovery.SplitRows(rs.Saves, discovery.CompareItemKeys)
	subscriptions, delSubscriptions := discovery.SplitRows(rs.Subscriptions, discovery.CompareFollowKeys)
	routes, delRoutes := discovery.SplitRows(rs.Routes, discovery.CompareRouteKeys)
	apps, delApps := discovery.SplitRows(rs.DeveloperApps, discovery.CompareAddresses)
	grants, delGrants := discovery.SplitRows(rs.Grants, discovery.CompareGrantKeys)
	playDays, delPlayDays := discovery.SplitRows(rs.PlayDays, discovery.ComparePlayDayKeys)

	queueDeleteIDs(batch, `DELETE FROM users WHERE id = ANY($1)`, delUsers)
	queueDeleteIDs(batch, `DELETE FROM tracks WHERE id = ANY($1)`, delTracks)
	queueDeleteIDs(batch, `DELETE FROM playlists WHERE id = ANY($1)`, delPlaylists)
	queueDeleteFollows(batch, delFollows)
	queueDeleteItems(batch, repostsSQL, delReposts)
	queueDeleteItems(batch, savesSQL, delSaves)
	queueDeleteSubscriptions(batch, delSubscriptions)
	queueDeleteRoutes(batch, delRoutes)
	queueDeleteDeveloperApps(batch, delApps)
	queueDeleteGrants(batch, delGrants)
	queueDeletePlayDays(batch, delPlayDays)
	queueUpsertUsers(batch, users)
	if err := queueUpsertTracks(batch, tracks); err != nil {
		return err
	}
	if err := queueUpsertPlaylists(batch, playlists); err != nil {
		return err
	}
	queueUpsertFollows(batch, follows)
	queueUpsertItems(batch, repostsSQL, reposts)
	queueUpsertItems(batch, savesSQL, saves)
	queueUpsertSubscriptions(batch, subscriptions)
	queueUpsertRoutes(batch, routes)
	queueUpsertDeveloperApps(batch, apps)
	queueUpsertGrants(batch, grants)
	queueUpsertPlayDays(batch, playDays)

	written := make([]int64, 0, len(tracks)+len(delTracks))
	for _, t := range tracks {
		written = append(written, t.ID)
	}
	written = append(written, delTracks...)
	queueRemixes(batch, written)
	return nil
}

// queueDeleteIDs queues the removal of entity rows by id.
func queueDeleteIDs(batch *pgx.Batch, query string, ids []int64) {
	if len(ids) > 0 {
		batch.Queue(query, ids)
	}
}
