// Package follow moves an indexer along the chain. It exists to keep one
// rule in one place: blocks reach the sink in order, each exactly once,
// starting right after the sink's own checkpoint, so a restart at any moment
// resumes where the last committed block left off. Reorganisations are
// detected here (by parent hash) before anything is applied on a stale base.
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

// ErrReorg says the chain no longer extends the checkpoint: the next block's
// parent is not the block the sink applied last.
var ErrReorg = errors.New("chain reorganisation")

// Defaults for the zero values of Config.
const (
	DefaultBatchSize    = 100
	DefaultPollInterval = 250 * time.Millisecond
	DefaultMaxBackoff   = 30 * time.Second
)

// Config tunes a Follower. The zero value is usable.
type Config struct {
	// FromBlock is the first block to apply when the sink has no checkpoint.
	FromBlock uint64
	// BatchSize is the most blocks fetched and applied in one Step.
	BatchSize uint64
	// PollInterval is the wait after catching up with the head. Short, so new
	// blocks are indexed soon after they appear. It is also the first delay
	// after an error.
	PollInterval time.Duration
	// MaxBackoff caps the delay between retries after repeated errors.
	MaxBackoff time.Duration
	// Logger receives errors Run retries; nil means slog.Default().
	Logger *slog.Logger
	// Registerer, when set, receives the follower's Prometheus metrics.
	Registerer prometheus.Registerer
}

// CheckpointFunc returns the last block the sink applied, and false when it
// has applied none.
type CheckpointFunc func(ctx context.Context) (discovery.BlockRef, bool, error)

// Follower feeds a sink blocks from a source. Step and Run must not be called
// concurrently; ChainHead may be called from anywhere.
type Follower struct {
	src        discovery.BlockSource
	sink       discovery.BlockSink
	checkpoint CheckpointFunc
	cfg        Config
	log        *slog.Logger
	metrics    *metrics
	head       atomic.Uint64
}

// New returns a Follower that reads src and applies to sink, resuming after
// the block checkpoint reports.
func New(src discovery.BlockSource, sink discovery.BlockSink, checkpoint func(ctx context.Context) (discovery.BlockRef, bool, error), cfg Config) *Follower {
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
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
// latest Step, or 0 before the first. It costs no RPC call, so a health check
// may call it freely.
func (f *Follower) ChainHead() uint64 {
	return f.head.Load()
}

// Step applies the next batch of blocks after the checkpoint, up to
// Config.BatchSize of them. It returns ErrNothingNew when the sink is at the
// head and an error wrapping ErrReorg when the chain no longer extends the
// checkpoint; neither applies anything. Blocks applied before a failing one
// stay applied: the checkpoint moves with each.
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
	f.head.Store(head)
	f.metrics.head.Set(float64(head))
	if next > head {
		return ErrNothingNew
	}
	to := head
	if head-next >= f.cfg.BatchSize {
		to = next + f.cfg.BatchSize - 1
	}
	blocks, err := f.src.Blocks(ctx, next, to)
	if err != nil {
		return fmt.Errorf("following from block %d: %w", next, err)
	}
	if err := checkRun(blocks, next, to); err != nil {
		return err
	}
	if ok && blocks[0].ParentHash != cp.Hash {
		return fmt.Errorf("%w at block %d: its parent is %s but the checkpoint holds block %d as %s",
			ErrReorg, next, blocks[0].ParentHash, cp.Number, cp.Hash)
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
