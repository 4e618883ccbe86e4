package follow

import (
	"context"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

// firstWalkChunk is how many of the node's blocks the first probe of a walk
// back fetches. Most forks are a block or two deep, so the first probe
// usually settles it; each further probe is four times larger, up to
// Config.BatchSize, so a deep fork costs a few requests, not one per block.
const firstWalkChunk = 4

// rewind finds the newest block the sink and the node share, at or below
// min(cp.Number, head), and reverts every indexed block above it, newest
// first. It never looks at or below the final block: a fork there is
// ErrReorgTooDeep.
func (f *Follower) rewind(ctx context.Context, cp discovery.BlockRef, head uint64) error {
	if f.cfg.IndexedBlock == nil {
		return fmt.Errorf("%w at block %d: no IndexedBlock to find the fork with", ErrReorg, cp.Number)
	}
	final, err := f.finalized(ctx, head)
	if err != nil {
		return err
	}
	ancestor, err := f.forkPoint(ctx, min(cp.Number, head), final)
	if err != nil {
		return err
	}
	if ancestor == cp.Number {
		// Our head is on the node's chain after all: the node changed its
		// answer between two requests. Ask again after a pause.
		return fmt.Errorf("%w at block %d: the node's answers disagree with each other", ErrReorg, cp.Number+1)
	}
	for n := cp.Number; n > ancestor; n-- {
		b, ok, err := f.cfg.IndexedBlock(ctx, n)
		if err != nil {
			return fmt.Errorf("reading indexed block %d to revert it: %w", n, err)
		}
		if !ok {
			return fmt.Errorf("reverting to block %d: the index holds no block %d", ancestor, n)
		}
		if err := f.sink.Revert(ctx, b); err != nil {
			return fmt.Errorf("reverting block %d (%s): %w", n, b.Hash, err)
		}
		f.metrics.reverted.Inc()
		f.metrics.block.Set(float64(n - 1))
	}
	depth := cp.Number - ancestor
	f.metrics.reorgs.Observe(float64(depth))
	f.log.WarnContext(ctx, "chain reorganisation: reverted orphaned blocks", "depth", depth,
		"fork_block", ancestor, "old_head", cp.Number, "old_head_hash", cp.Hash)
	return nil
}

// forkPoint walks down from top comparing the sink's blocks with the node's
// and returns the newest height at which both hold the same block. The walk
// stops at final: a difference there means the fork is too deep to follow.
func (f *Follower) forkPoint(ctx context.Context, top, final uint64) (uint64, error) {
	chunk := uint64(firstWalkChunk)
	hi := top
	for {
		var lo uint64
		switch {
		case hi <= final:
			lo = hi // our head is already at or below the final block
		case hi-final >= chunk:
			lo = hi - chunk + 1
		default:
			lo = final
		}
		theirs, err := f.src.Blocks(ctx, lo, hi)
		if err != nil {
			return 0, fmt.Errorf("reading blocks %d-%d to find where the chain forked: %w", lo, hi, err)
		}
		if err := checkRun(theirs, lo, hi); err != nil {
			return 0, err
		}
		for i := len(theirs) - 1; i >= 0; i-- {
			n := lo + uint64(i)
			ours, ok, err := f.cfg.IndexedBlock(ctx, n)
			if err != nil {
				return 0, fmt.Errorf("reading indexed block %d: %w", n, err)
			}
			if !ok {
				return 0, fmt.Errorf("%w: the index holds no block %d to compare with the node's %s; its history ends above the fork (walked down from block %d)",
					ErrReorgTooDeep, n, theirs[i].Hash, top)
			}
			if ours.Hash == theirs[i].Hash {
				return n, nil
			}
			if n <= final {
				return 0, fmt.Errorf("%w: block %d is %s in the index but %s on the node, and block %d is final (walked down from block %d)",
					ErrReorgTooDeep, n, ours.Hash, theirs[i].Hash, final, top)
			}
		}
		hi = lo - 1
		chunk = min(4*chunk, max(f.cfg.BatchSize, firstWalkChunk))
	}
}

// FinalitySource is a discovery.BlockSource that knows which block its chain
// finalized (eth_getBlockByNumber "finalized"). ok is false when the node
// does not say, for instance on a chain without a finality gadget; the
// follower then takes blocks Config.FinalityDepth below the head as final.
type FinalitySource interface {
	Finalized(ctx context.Context) (n uint64, ok bool, err error)
}

// finalized returns the newest block taken as final given the chain head:
// the node's finalized block when it reports one, else head minus
// Config.FinalityDepth, and never less than an earlier answer, since a
// finalized block stays final and its undo image may already be gone.
func (f *Follower) finalized(ctx context.Context, head uint64) (uint64, error) {
	var n uint64
	known := false
	if fs, ok := f.src.(FinalitySource); ok {
		var err error
		if n, known, err = fs.Finalized(ctx); err != nil {
			return 0, fmt.Errorf("reading the finalized block: %w", err)
		}
	}
	if !known && head > f.cfg.FinalityDepth {
		n = head - f.cfg.FinalityDepth
	}
	f.final = max(f.final, n)
	f.metrics.finalized.Set(float64(f.final))
	return f.final, nil
}

// Prune drops the undo images of indexed blocks below the final block
// (Config.Prune), never at or above the indexed head, so the head can
// always be reverted while it is not final. It returns how many images
// were dropped; without Config.Prune it does nothing.
func (f *Follower) Prune(ctx context.Context) (int, error) {
	if f.cfg.Prune == nil {
		return 0, nil
	}
	cp, ok, err := f.checkpoint(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading checkpoint: %w", err)
	}
	if !ok {
		return 0, nil
	}
	head, err := f.src.Head(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading chain head to prune: %w", err)
	}
	f.setHead(head)
	final, err := f.finalized(ctx, head)
	if err != nil {
		return 0, err
	}
	below := min(final, cp.Number)
	if below <= f.pruned {
		return 0, nil
	}
	n, err := f.cfg.Prune(ctx, below)
	if err != nil {
		return 0, fmt.Errorf("pruning undo images below block %d: %w", below, err)
	}
	f.pruned = below
	f.metrics.pruned.Add(float64(n))
	return n, nil
}

// isFatal tells Run which errors retrying cannot heal: a fork below the
// final block, and a revert the sink refuses because the block's undo image
// was already pruned (after a restart forgot how far finality had got).
func isFatal(err error) bool {
	return errors.Is(err, ErrReorgTooDeep) || errors.Is(err, discovery.ErrFinalized)
}
