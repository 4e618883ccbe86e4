package reorgtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/follow"
)

// NewFollower wires the production pipeline from src into store: the
// content indexer as the sink, and the store's checkpoint, indexed blocks
// and pruning, as cmd/discovery wires them. Indexing starts at from.
func NewFollower(src discovery.BlockSource, store discovery.Store, from uint64, cfg follow.Config) (*follow.Follower, error) {
	ix, err := content.New(store, content.Options{})
	if err != nil {
		return nil, err
	}
	cfg.FromBlock = from
	cfg.IndexedBlock = store.Block
	cfg.Prune = store.Prune
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return follow.New(src, ix, store.Head, cfg), nil
}

// inconsistentRetries bounds how often one step is retried after the node
// answered inconsistently. A node (the simulated chain, geth) can, right
// after a block was mined again at the same height, still return the
// orphaned block's logs for a moment. The
// follower rejects such an answer without writing anything and `discovery
// run` retries the step after a backoff; the tests do the same. A node that
// stays inconsistent, or a follower that misjudges a consistent answer,
// still fails.
const inconsistentRetries = 50

// Step steps f once, retrying while the node answers inconsistently; it
// returns the step's error and how many retries it took.
func Step(ctx context.Context, f *follow.Follower) (retries int, err error) {
	for {
		err = f.Step(ctx)
		if !errors.Is(err, chain.ErrInconsistent) || retries == inconsistentRetries {
			return retries, err
		}
		retries++
		select {
		case <-ctx.Done():
			return retries, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// CatchUp steps f until it reports nothing new.
func CatchUp(ctx context.Context, f *follow.Follower) error {
	for {
		_, err := Step(ctx, f)
		if errors.Is(err, follow.ErrNothingNew) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Capped returns src as a node whose head is at most to, so an index can be
// built up to exactly the block another one reached.
func Capped(src discovery.BlockSource, to uint64) discovery.BlockSource {
	return capped{src, to}
}

type capped struct {
	discovery.BlockSource
	to uint64
}

func (c capped) Head(ctx context.Context) (uint64, error) {
	h, err := c.BlockSource.Head(ctx)
	return min(h, c.to), err
}

// Plain hides every optional capability of src (finality, head pushes), so
// a follower uses only Head and Blocks.
func Plain(src discovery.BlockSource) discovery.BlockSource {
	return struct{ discovery.BlockSource }{src}
}

// Digest returns the store's kept state digest after checking that it equals
// the one recomputed from every row.
func Digest(ctx context.Context, store discovery.Store) (discovery.Digest, error) {
	kept, err := store.StateDigest(ctx)
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("reading state digest: %w", err)
	}
	computed, err := store.ComputeDigest(ctx)
	if err != nil {
		return discovery.Digest{}, fmt.Errorf("computing state digest: %w", err)
	}
	if kept != computed {
		return discovery.Digest{}, fmt.Errorf("kept state digest %s differs from the one computed from the rows, %s", kept, computed)
	}
	return kept, nil
}

// FreshIndex indexes blocks from..to of src into store, which must be
// empty, and returns the head it reached and its state digest. It is the
// reference an index that lived through reorganisations and crashes must
// match.
func FreshIndex(ctx context.Context, src discovery.BlockSource, store discovery.Store, from, to uint64) (discovery.BlockRef, discovery.Digest, error) {
	f, err := NewFollower(Plain(Capped(src, to)), store, from, follow.Config{})
	if err != nil {
		return discovery.BlockRef{}, discovery.Digest{}, err
	}
	if err := CatchUp(ctx, f); err != nil {
		return discovery.BlockRef{}, discovery.Digest{}, fmt.Errorf("fresh index up to block %d: %w", to, err)
	}
	head, ok, err := store.Head(ctx)
	if err != nil {
		return discovery.BlockRef{}, discovery.Digest{}, err
	}
	if !ok || head.Number != to {
		return discovery.BlockRef{}, discovery.Digest{}, fmt.Errorf("fresh index stopped at block %d, want %d", head.Number, to)
	}
	d, err := Digest(ctx, store)
	return head, d, err
}
