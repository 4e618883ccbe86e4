package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// querier is what the block readers need: the reader pool for Head and
// Block, the writer's transaction for ApplyBlock and RevertBlock.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

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

// Head returns the highest indexed block, which is the checkpoint.
func (s *Store) Head(ctx context.Context) (discovery.BlockRef, bool, error) {
	h, ok, err := readHead(ctx, s.r)
	if err != nil {
		return discovery.BlockRef{}, false, fmt.Errorf("head: %w", err)
	}
	return h.BlockRef, ok, nil
}

func readHead(ctx context.Context, q querier) (headBlock, bool, error) {
	const query = `SELECT number, hash, parent_hash, time, state_digest FROM blocks ORDER BY number DESC LIMIT 1`
	var (
		h            headBlock
		hash, parent string
	)
	err := q.QueryRowContext(ctx, query).Scan(&h.Number, &hash, &parent, &h.Time, &h.digest)
	if errors.Is(err, sql.ErrNoRows) {
		return headBlock{}, false, nil
	}
	if err != nil {
		return headBlock{}, false, err
	}
	h.Hash, h.ParentHash = common.HexToHash(hash), common.HexToHash(parent)
	return h, true, nil
}

// Block returns the indexed block at number n.
func (s *Store) Block(ctx context.Context, n uint64) (discovery.BlockRef, bool, error) {
	const query = `SELECT number, hash, parent_hash, time FROM blocks WHERE number = ?`
	var (
		b            discovery.BlockRef
		hash, parent string
	)
	err := s.r.QueryRowContext(ctx, query, u64(n)).Scan(&b.Number, &hash, &parent, &b.Time)
	if errors.Is(err, sql.ErrNoRows) {
		return discovery.BlockRef{}, false, nil
	}
	if err != nil {
		return discovery.BlockRef{}, false, fmt.Errorf("block %d: %w", n, err)
	}
	b.Hash, b.ParentHash = common.HexToHash(hash), common.HexToHash(parent)
	return b, true, nil
}

// ApplyBlock writes b with its state digest, every row c changes, c's undo
// image and so the new checkpoint in one transaction on the writer
// connection.
func (s *Store) ApplyBlock(ctx context.Context, b discovery.BlockRef, c *discovery.Changes) error {
	return s.ApplyBlocks(ctx, []discovery.BlockChanges{{Block: b, Changes: c}})
}

// ApplyBlocks writes a run of blocks in one transaction: each block's row,
// state digest, rejected actions and undo image, and the entity rows as
// the last block leaves them, each written once however many blocks of
// the run touched it.
func (s *Store) ApplyBlocks(ctx context.Context, bcs []discovery.BlockChanges) error {
	if len(bcs) == 0 {
		return nil
	}
	what := discovery.RunName(bcs)
	blocks, err := discovery.PrepareRun(bcs)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", what, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	h, ok, err := checkExtends(ctx, tx, bcs[0].Block)
	if err != nil {
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
	for i, b := range blocks {
		digest = digest.Add(b.Add).Sub(b.Sub)
		if err := applyBlock(ctx, tx, b.Ref, bcs[i].Changes, digest, !bcs[i].Final); err != nil {
			return fmt.Errorf("%s: %w", what, discovery.RunBlockError(len(bcs), b.Ref, err))
		}
	}
	if err := writeRows(ctx, tx, discovery.MergeChanges(bcs)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	if settled {
		s.searchSettled.Store(true)
	}
	return nil
}

// applyBlock writes what is the block's own: its row with the state
// digest, its rejected actions and, unless it is final, its undo image.
func applyBlock(ctx context.Context, tx *sql.Tx, b discovery.BlockRef, c *discovery.Changes, digest discovery.Digest, keepUndo bool) error {
	const insertBlock = `INSERT INTO blocks (number, hash, parent_hash, time, state_digest) VALUES (?, ?, ?, ?, ?)`
	if _, err := tx.ExecContext(ctx, insertBlock, u64(b.Number), b.Hash.Hex(), b.ParentHash.Hex(), u64(b.Time), digest[:]); err != nil {
		return fmt.Errorf("insert block: %w", err)
	}
	if err := insertRejected(ctx, tx, c.Rejected); err != nil {
		return err
	}
	if !keepUndo {
		return nil // a final block is never reverted
	}
	undo, err := encodeUndo(c.Prior)
	if err != nil {
		return fmt.Errorf("encode undo image: %w", err)
	}
	const insertUndo = `INSERT INTO undo (block, data) VALUES (?, ?)`
	if _, err := tx.ExecContext(ctx, insertUndo, u64(b.Number), undo); err != nil {
		return fmt.Errorf("insert undo image: %w", err)
	}
	return nil
}

// checkExtends refuses a block that is not the direct child of the head,
// and returns the head. Any block is accepted as the first one, so indexing
// can start anywhere.
func checkExtends(ctx context.Context, tx *sql.Tx, b discovery.BlockRef) (headBlock, bool, error) {
	h, ok, err := readHead(ctx, tx)
	if err != nil {
		return headBlock{}, false, fmt.Errorf("read head: %w", err)
	}
	if ok && (b.Number != h.Number+1 || b.ParentHash != h.Hash) {
		return headBlock{}, false, &discovery.Error{
			Code: discovery.EINVALID,
			Message: fmt.Sprintf("block %d with parent %s does not follow head %d (%s)",
				b.Number, b.ParentHash.Hex(), h.Number, h.Hash.Hex()),
			Err: discovery.ErrNotNextBlock,
		}
	}
	return h, ok, nil
}

// writeRows brings every row of rs to its image there: a nil image deletes
// the row. ApplyBlock writes a block's new images with it, RevertBlock the
// prior ones. Rows are removed before any is written, so a handle freed by
// a removed user is free for a written one. The remix edges of every track
// touched are rebuilt from the rows as written.
func writeRows(ctx context.Context, tx *sql.Tx, rs discovery.RowSet) error {
	users, delUsers := discovery.SplitRows(rs.Users, cmp.Compare[int64])
	tracks, delTracks := discovery.SplitRows(rs.Tracks, cmp.Compare[int64])
	playlists, delPlaylists := discovery.SplitRows(rs.Playlists, cmp.Compare[int64])
	follows, delFollows := discovery.SplitRows(rs.Follows, discovery.CompareFollowKeys)
	reposts, delReposts := discovery.SplitRows(rs.Reposts, discovery.CompareItemKeys)
	saves, delSaves := discovery.SplitRows(rs.Saves, discovery.CompareItemKeys)
	subs, delSubs := discovery.SplitRows(rs.Subscriptions, discovery.CompareFollowKeys)
	routes, delRoutes := discovery.SplitRows(rs.Routes, discovery.CompareRouteKeys)
	apps, delApps := discovery.SplitRows(rs.DeveloperApps, discovery.CompareAddresses)
	grants, delGrants := discovery.SplitRows(rs.Grants, discovery.CompareGrantKeys)
	playDays, delPlayDays := discovery.SplitRows(rs.PlayDays, discovery.ComparePlayDayKeys)

	steps := []func() error{
		func() error { return deleteByID(ctx, tx, "users", `DELETE FROM users WHERE id = ?`, delUsers) },
		func() error { return deleteByID(ctx, tx, "tracks", `DELETE FROM tracks WHERE id = ?`, delTracks) },
		func() error {
			return deleteByID(ctx, tx, "playlists", `DELETE FROM playlists WHERE id = ?`, delPlaylists)
		},
		func() error { return deleteEdges(ctx, tx, followsSQL, delFollows) },
		func() error { return deleteItems(ctx, tx, repostsSQL, delReposts) },
		func() error { return deleteItems(ctx, tx, savesSQL, delSaves) },
		func() error { return deleteEdges(ctx, tx, subscriptionsSQL, delSubs) },
		func() error { return deleteRoutes(ctx, tx, delRoutes) },
		func() error { return deleteDeveloperApps(ctx, tx, delApps) },
		func() error { return deleteGrants(ctx, tx, delGrants) },
		func() error { return deletePlayDays(ctx, tx, delPlayDays) },
		func() error { return upsertUsers(ctx, tx, users) },
		func() error { return upsertTracks(ctx, tx, tracks) },
		func() error { return syncRemixes(ctx, tx, trackIDs(tracks, delTracks)) },
		func() error { return upsertPlaylists(ctx, tx, playlists) },
		func() error { return upsertEdges(ctx, tx, followsSQL, follows) },
		func() error { return upsertItems(ctx, tx, repostsSQL, reposts) },
		func() error { return upsertItems(ctx, tx, savesSQL, saves) },
		func() error { return upsertEdges(ctx, tx, subscriptionsSQL, subs) },
		func() error { return upsertRoutes(ctx, tx, routes) },
		func() error { return upsertDeveloperApps(ctx, tx, apps) },
		func() error { return upsertGrants(ctx, tx, grants) },
		func() error { return upsertPlayDays(ctx, tx, playDays) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// trackIDs lists the ids of written and removed tracks.
func trackIDs(written []*discovery.Track, removed []int64) []int64 {
	ids := make([]int64, 0, len(written)+len(removed))
	for _, t := range written {
		ids = append(ids, t.ID)
	}
	return append(ids, removed...)
}

// deleteByID removes entity rows by id.
func deleteByID(ctx context.Context, tx *sql.Tx, table, query string, ids []int64) error {
	err := execEach(ctx, tx, query, ids, func(id int64) ([]any, error) { return []any{id}, nil })
	if err != nil {
		return fmt.Errorf("delete %s: %w", table, err)
	}
	return nil
}

// execEach runs one prepared statement for every row, with the arguments
// args returns for it. SQLite runs in process, so a statement per row
// costs no round trip.
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
