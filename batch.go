package discovery

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"
)

// BatchSink is a BlockSink that can also apply a run of blocks as one step.
// While catching up, the follower hands it every block it fetched at once:
// one transaction and one round of reads for the run instead of one per
// block, which is most of what backfill costs. The run commits atomically,
// block rows, undo images and checkpoint included, so every block can still
// be reverted on its own afterwards.
type BatchSink interface {
	BlockSink
	// ApplyBlocks indexes blocks, which extend the sink's head and each
	// other, in order; all of them or none.
	ApplyBlocks(ctx context.Context, blocks []Block) error
}

// BlockChanges is one block with what it changes, as a store applies it.
type BlockChanges struct {
	Block   BlockRef
	Changes *Changes
	// Final blocks get no undo image (see Block.Final): reverting one
	// fails with ErrFinalized, as for a block whose image was pruned.
	Final bool
}

// AllFinal reports whether every block of a run is final: only such a run
// may be written without what a revert needs (a store's deferred search
// documents, for one).
func AllFinal(bcs []BlockChanges) bool {
	for _, bc := range bcs {
		if !bc.Final {
			return false
		}
	}
	return true
}

// RowKeys names rows to read together, so a batch of blocks can fetch what
// its actions will look at in one round trip rather than one query per
// action.
type RowKeys struct {
	Users         []int64
	Tracks        []int64
	Playlists     []int64
	Follows       []FollowKey
	Reposts       []ItemKey
	Saves         []ItemKey
	Subscriptions []FollowKey
	Grants        []GrantKey
	DeveloperApps []common.Address
	PlayDays      []PlayDayKey
}

// Empty reports whether k names no row.
func (k RowKeys) Empty() bool {
	return len(k.Users)+len(k.Tracks)+len(k.Playlists)+len(k.Follows)+len(k.Reposts)+len(k.Saves)+
		len(k.Subscriptions)+len(k.Grants)+len(k.DeveloperApps)+len(k.PlayDays) == 0
}

// RowReader reads many rows at once. The rows it returns are exactly those
// the EntityReader methods would return one by one; keys without a row are
// left out of the result.
type RowReader interface {
	ReadRows(ctx context.Context, k RowKeys) (RowSet, error)
}

// Overlay lays the images of top over rs, table by table; an image in top
// (nil included) replaces rs's for the same key. Applied in block order it
// gives the state after a run of blocks: the rows a batch must write.
func (rs RowSet) Overlay(top RowSet) {
	maps.Copy(rs.Users, top.Users)
	maps.Copy(rs.Tracks, top.Tracks)
	maps.Copy(rs.Playlists, top.Playlists)
	maps.Copy(rs.Follows, top.Follows)
	maps.Copy(rs.Reposts, top.Reposts)
	maps.Copy(rs.Saves, top.Saves)
	maps.Copy(rs.Subscriptions, top.Subscriptions)
	maps.Copy(rs.Routes, top.Routes)
	maps.Copy(rs.DeveloperApps, top.DeveloperApps)
	maps.Copy(rs.Grants, top.Grants)
	maps.Copy(rs.PlayDays, top.PlayDays)
}

// MergeChanges returns the rows a run of blocks leaves behind: each block's
// images laid over the previous ones, in order.
func MergeChanges(bcs []BlockChanges) RowSet {
	if len(bcs) == 1 {
		return bcs[0].Changes.RowSet
	}
	rs := NewRowSet()
	for _, bc := range bcs {
		rs.Overlay(bc.Changes.RowSet)
	}
	return rs
}

// PreparedBlock is one block of a run, checked, with its digest delta.
type PreparedBlock struct {
	Ref      BlockRef
	Add, Sub Digest
}

// PrepareRun checks a run of blocks before a store writes it: each block's
// changes (Changes.Check), and that each block extends the one before; a
// nil Changes becomes an empty one. It returns each block's digest delta.
// Errors name the block when the run has several.
func PrepareRun(bcs []BlockChanges) ([]PreparedBlock, error) {
	out := make([]PreparedBlock, len(bcs))
	for i := range bcs {
		b := bcs[i].Block
		if bcs[i].Changes == nil {
			bcs[i].Changes = NewChanges()
		}
		c := bcs[i].Changes
		if i > 0 {
			if prev := bcs[i-1].Block; b.Number != prev.Number+1 || b.ParentHash != prev.Hash {
				return nil, &Error{
					Code: EINVALID,
					Message: fmt.Sprintf("block %d with parent %s does not follow block %d (%s) of the run",
						b.Number, b.ParentHash.Hex(), prev.Number, prev.Hash.Hex()),
					Err: ErrNotNextBlock,
				}
			}
		}
		if err := c.Check(b); err != nil {
			return nil, RunBlockError(len(bcs), b, err)
		}
		out[i].Ref = b
	}
	// Hashing every changed row twice is most of a run's CPU outside the
	// database, and the blocks are independent: spread them over the cores
	// while the database waits for the run anyway.
	errs := make([]error, len(bcs))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(runtime.GOMAXPROCS(0), len(bcs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(bcs); i = int(next.Add(1) - 1) {
				out[i].Add, out[i].Sub, errs[i] = bcs[i].Changes.DigestDelta()
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, RunBlockError(len(bcs), bcs[i].Block, err)
		}
	}
	return out, nil
}

// RunName names a run of blocks in a store's errors: "apply block 7", or
// "apply blocks 7-9".
func RunName(bcs []BlockChanges) string {
	first, last := bcs[0].Block.Number, bcs[len(bcs)-1].Block.Number
	if len(bcs) == 1 {
		return fmt.Sprintf("apply block %d", first)
	}
	return fmt.Sprintf("apply blocks %d-%d", first, last)
}

// RunBlockError names the block err is about when the run of n blocks has
// several; a single block is already named by RunName.
func RunBlockError(n int, b BlockRef, err error) error {
	if n == 1 {
		return err
	}
	return fmt.Errorf("block %d: %w", b.Number, err)
}

// DeferredBuilder is a store that may put off derived state while it
// indexes a chain from nothing, as a bulk load builds its indexes after the
// data: both stores defer their search documents over a backfill of final
// blocks. FinishDeferred builds what was put off, in one transaction; the
// node calls it once the index has caught up with its chain, and it costs
// nothing when nothing was deferred; built says whether there was.
type DeferredBuilder interface {
	FinishDeferred(ctx context.Context) (built bool, err error)
}
