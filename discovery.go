// Package discovery holds the vocabulary shared by every part of Discovery:
// blocks as the follower hands them on, the entities the content protocol
// produces, the changes one block makes to them, and the small interfaces
// that let the follower, the indexers, the stores and the API be built and
// tested apart. Implementations live under internal/; wiring lives in
// cmd/discovery.
package discovery

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// BlockRef names one block of the followed chain. The parent hash is kept so
// a reorganisation can be detected by walking parent links.
type BlockRef struct {
	Number     uint64
	Hash       common.Hash
	ParentHash common.Hash
	Time       uint64 // unix seconds, from the block header
}

// Block is one block as the follower hands it to an indexer: its header
// reference and the logs of the watched contracts, in log-index order. A block
// without matching logs is still handed on, so the chain of parent hashes the
// indexer records has no gaps.
type Block struct {
	BlockRef
	Logs []types.Log
	// Final says the follower already takes the block as final when it
	// hands it on: a reorganisation below it would stop the follower
	// rather than be followed, so the block will never be reverted and a
	// store keeps no undo image for it. Blocks of a backfill far behind the
	// head are final; blocks near the head are not.
	Final bool
}

// BlockSink consumes an ordered stream of apply and revert steps. Each must
// be atomic: a block's changes and the checkpoint commit together or not at
// all, so a crash at any moment resumes exactly.
type BlockSink interface {
	// Apply indexes b, which extends the sink's head.
	Apply(ctx context.Context, b Block) error
	// Revert undoes b, the sink's head, after a reorganisation orphaned it.
	Revert(ctx context.Context, b BlockRef) error
}

// BlockSource is where the follower reads the chain: a JSON-RPC node, or a
// recording of one in tests.
type BlockSource interface {
	// Head returns the number of the newest block the source knows.
	Head(ctx context.Context) (uint64, error)
	// Blocks returns blocks from..to inclusive, each with its logs from the
	// watched addresses, in order and with parent links already checked.
	Blocks(ctx context.Context, from, to uint64) ([]Block, error)
}

// Page selects a window of a list answer.
type Page struct {
	Offset int
	Limit  int
}
