// Package follow moves an indexer along the chain. It exists to keep one
// rule in one place: the sink always holds a prefix of the canonical chain.
// Blocks are applied in order right after the sink's own checkpoint; when
// the chain reorganises (seen by parent hash) the orphaned blocks are
// reverted newest first back to the fork before the new branch is applied;
// a fork below a final block stops the follower instead of being guessed
// at. Every apply and revert commits with the checkpoint, so a restart at
// any moment resumes exactly.
package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
)

// ErrNothingNew says the sink is level with the chain head: there is no block
// to apply yet.
var ErrNothingNew = errors.New("no new block")

// ErrReorg says the chain no longer extends the checkpoint and the follower
// could not settle where it forked this time: the node changed its answer
// while being asked, or no Config.IndexedBlock was given to walk back with.
// Run retries it.
var ErrReorg = errors.New("chain reorganisation")

// ErrReorgTooDeep says the chain forked below a block the follower takes as
// final. Undoing it would mean guessing, or undo images that were pruned, so
// the follower stops and an operator decides (re-index from an earlier
// block, or point at an honest node). Run returns it instead of retrying.
var ErrReorgTooDeep = errors.New("chain reorganisation deeper than the finality window")

// Defaults for the zero values of Config.
const (
	DefaultBatchSize     = 100
	DefaultMaxRunLogs    = 8000
	DefaultPollInterval  = 250 * time.Millisecond
	DefaultMaxBackoff    = 30 * time.Second
	DefaultFinalityDepth = 128
	DefaultPruneInterval = 30 * time.Second
)

// Config tunes a Follower. The zero value is usable, but follows
// reorganisations only with IndexedBlock set.
type Config struct {
	// FromBlock is the first block to apply when the sink has no checkpoint.
	FromBlock uint64
	// BatchSize is the most blocks fetched and applied in one Step.
	BatchSize uint64
	// MaxRunLogs bounds the logs of one Step's run: on dense blocks the
	// follower fetches fewer than BatchSize blocks, so that memory and the
	// size of one transaction stay about the same whatever the chain.
	MaxRunLogs int
	// PollInterval is the wait after catching up with the head. Short, so new
	// blocks are indexed soon after they appear. It is also the first delay
	// after an error.
	PollInterval time.Duration
	// MaxBackoff caps the delay between retries after repeated errors.
	MaxBackoff time.Duration
	// FinalityDepth is how far below the chain head a block is taken as
	// final when the node does not say which block it finalized. A fork
	// below the final block stops the follower with ErrReorgTooDeep, and
	// undo images below it are pruned.
	FinalityDepth uint64
	// PruneInterval is how often Run prunes undo images of final blocks.
	PruneInterval time.Duration
	// IndexedBlock returns the block the sink indexed at height n, ok false
	// when it holds none (discovery.Store.Block). The follower compares these
	// with the node's blocks to find where a reorganisation forked; without
	// it a reorganisation only yields ErrReorg.
	IndexedBlock func(ctx context.Context, n uint64) (b discovery.BlockRef, ok bool, err error)
	// Prune drops the undo images of indexed blocks below the given height,
	// which are final (discovery.Store.Prune); nil keeps them all.
	Prune func(ctx context.Context, below uint64) (int, error)
	// Logger receives errors Run retries; nil means slog.Default().
	Logger *slog.Logger
	// Registerer, when set, receives the follower's Prometheus metrics.
	Registerer prometheus.Registerer
}

// CheckpointFunc returns the last block the sink applied, and false when it
// has applied none.
type CheckpointFunc func(ctx context.Context) (discovery.BlockRef, bool, error)

// Follower feeds a sink blocks from a source. Step, Prune and Run must not
// be called concurrently; ChainHead may be called from anywhere.
type Follower struct {
	src        discovery.BlockSource
	sink       discovery.BlockSink
	checkpoint CheckpointFunc
	cfg        Config
	log        *slog.Logger
	metrics    *metrics
	head       atomic.Uint64

	final  uint64 // newest block known final; finality never goes back
	pruned uint64 // undo images below this height were dropped

	ahead        *readAhead // the next run, being fetched while this one is applied
	logsPerBlock float64    // recent density, for sizing runs; 0 before the first
}

// New returns a Follower that reads src and applies to sink, resuming after
// the block checkpoint reports.
func New(src discovery.BlockSource, sink discovery.BlockSink, checkpoint func(ctx context.Context) (discovery.BlockRef, bool, error), cfg Config) *Follower {
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.MaxRunLogs <= 0 {
		cfg.MaxRunLogs = DefaultMaxRunLogs
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.FinalityDepth == 0 {
		cfg.FinalityDepth = DefaultFinalityDepth
	}
	if cfg.PruneInterval <= 0 {
		cfg.PruneInterval = DefaultPruneInterval
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Follower{
		src:        src,
		sink:       sink,
		checkpoint: checkpoint,
		cfg:        cfg,
		log:        log,
		metrics:    newMetrics(cfg.Registerer, log),
	}
}

// ChainHead returns the newest block number the source reported at the
// latest Step or head notification, or 0 before the first. It costs no RPC
// call, so a health check may call it freely.
func (f *Follower) ChainHead() uint64 {
	return f.head.Load()
}

func (f *Follower) setHead(n uint64) {
	f.head.Store(n)
	f.metrics.head.Set(float64(n))
}

// Step makes one move towards the chain head: it applies the next batch of
// blocks after the checkpoint, up to Config.BatchSize of them (in one
// ApplyBlocks when the sink is a discovery.BatchSink), or, when the
// chain no longer extends the checkpoint, reverts the orphaned blocks newest
// first back to the block the sink and the chain share; the next Step
// applies the new branch. It returns ErrNothingNew when the sink is at the
// head, and an error wrapping ErrReorgTooDeep, applying nothing, when the
// fork lies below a final block. Blocks applied or reverted before a failure
// stay so: the checkpoint moves with each block, or with each run handed to
// a BatchSink, which commits whole or not at all. While the sink is level with the
// head Step reads no block, so a sibling replacing the head block is seen
// when the next block arrives.
func (f *Follower) Step(ctx context.Context) error {
	cp, ok, err := f.checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("reading checkpoint: %w", err)
	}
	next := f.cfg.FromBlock
	if ok {
		next = cp.Number + 1
	}
	head, err := f.src.Head(ctx)
	if err != nil {
		return fmt.Errorf("following from block %d: %w", next, err)
	}
	f.setHead(head)
	if ok && cp.Number > head {
		return f.checkBehind(ctx, cp, head)
	}
	if next > head {
		return ErrNothingNew
	}
	to := head
	if n := f.runBlocks(); head-next >= n {
		to = next + n - 1
	}
	blocks, err := f.fetch(ctx, next, to)
	if err != nil {
		return fmt.Errorf("following from block %d: %w", next, err)
	}
	if len(blocks) > 0 {
		// A read-ahead may have fetched a shorter run.
		to = blocks[len(blocks)-1].Number
	}
	if err := checkRun(blocks, next, to); err != nil {
		return err
	}
	f.observeRun(blocks)
	if ok && blocks[0].ParentHash != cp.Hash {
		if f.cfg.IndexedBlock == nil {
			return fmt.Errorf("%w at block %d: its parent is %s but the checkpoint holds block %d as %s",
				ErrReorg, next, blocks[0].ParentHash, cp.Number, cp.Hash)
		}
		f.log.InfoContext(ctx, "chain no longer extends the checkpoint", "block", next,
			"parent", blocks[0].ParentHash, "checkpoint", cp.Number, "checkpoint_hash", cp.Hash)
		return f.rewind(ctx, cp, head)
	}
	if bs, ok := f.sink.(discovery.BatchSink); ok && len(blocks) > 1 {
		// Catching up: blocks already final need no undo image, which is
		// much of what a block costs to write. One question to the node
		// per run.
		final, err := f.finalized(ctx, head)
		if err != nil {
			return fmt.Errorf("following from block %d: %w", next, err)
		}
		for i := range blocks {
			blocks[i].Final = blocks[i].Number <= final
		}
		f.startReadAhead(ctx, to, final)
		// One transaction for the run: all of it or none commits.
		if err := bs.ApplyBlocks(ctx, blocks); err != nil {
			return fmt.Errorf("applying blocks %d-%d: %w", next, to, err)
		}
		f.metrics.applied.Add(float64(len(blocks)))
		f.metrics.block.Set(float64(to))
		return nil
	}
	for _, b := range blocks {
		if err := f.sink.Apply(ctx, b); err != nil {
			return fmt.Errorf("applying block %d: %w", b.Number, err)
		}
		f.metrics.applied.Inc()
		f.metrics.block.Set(float64(b.Number))
	}
	return nil
}

// checkBehind handles a node whose head is below the checkpoint. Usually the
// node lags (a load balancer switched nodes), and waiting is right; but the
// chain may also have forked onto a shorter branch, which shows as a
// different block at the node's head height.
func (f *Follower) checkBehind(ctx context.Context, cp discovery.BlockRef, head uint64) error {
	if f.cfg.IndexedBlock == nil {
		return ErrNothingNew
	}
	ours, ok, err := f.cfg.IndexedBlock(ctx, head)
	if err != nil {
		return fmt.Errorf("reading indexed block %d: %w", head, err)
	}
	if !ok {
		return ErrNothingNew // the index starts above the node's head: nothing to compare
	}
	theirs, err := f.src.Blocks(ctx, head, head)
	if err != nil {
		return fmt.Errorf("checking block %d behind the checkpoint %d: %w", head, cp.Number, err)
	}
	if err := checkRun(theirs, head, head); err != nil {
		return err
	}
	if theirs[0].Hash == ours.Hash {
		return ErrNothingNew
	}
	f.log.InfoContext(ctx, "node's head is below the checkpoint, on another branch", "head", head,
		"head_hash", theirs[0].Hash, "indexed_hash", ours.Hash, "checkpoint", cp.Number)
	return f.rewind(ctx, cp, head)
}

// checkRun makes sure a source kept its promise of blocks from..to, linked
// by parent hash, since a gap here would become a gap in the index.
func checkRun(blocks []discovery.Block, from, to uint64) error {
	if uint64(len(blocks)) != to-from+1 {
		return fmt.Errorf("source returned %d blocks for %d-%d", len(blocks), from, to)
	}
	for i, b := range blocks {
		if b.Number != from+uint64(i) {
			return fmt.Errorf("source returned block %d in place of %d", b.Number, from+uint64(i))
		}
		if i > 0 && b.ParentHash != blocks[i-1].Hash {
			return fmt.Errorf("source returned block %d not linked to block %d", b.Number, b.Number-1)
		}
	}
	return nil
}
