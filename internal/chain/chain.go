// Package chain reads the followed chain from a JSON-RPC node. It exists so
// the follower can trust what it is handed: a node may lag behind, sit behind
// a load balancer that mixes two views of the chain, or answer a batch from
// two different forks, and this package turns each of those into an error
// instead of a silently wrong block.
package chain

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery"
)

// ErrMissingBlock marks an answer in which the node did not have a block it
// was asked for, typically a node that lags behind the head it reported or a
// load balancer routing to a node that does. Retrying later usually helps.
var ErrMissingBlock = errors.New("node does not have the block")

// ErrInconsistent marks answers that cannot all be true of one chain: broken
// parent links, logs from another block hash, logs the block's bloom rules
// out. It usually means a reorganisation happened while the batch was served
// or the node's view is mixed; retrying, or asking another node, helps.
var ErrInconsistent = errors.New("inconsistent answer from node")

// DefaultMaxBatch is the number of calls sent in one JSON-RPC batch when
// Options.MaxBatch is zero. Most providers accept at least 100.
const DefaultMaxBatch = 100

// Options tune how a Client talks to its node.
type Options struct {
	// MaxBatch bounds the calls in one JSON-RPC batch request, because
	// providers cap batch sizes; a larger range is split into several
	// requests. Zero means DefaultMaxBatch.
	MaxBatch int
	// SkipBloomCheck turns off the check that every returned log is covered
	// by its block's logs bloom, for chains whose nodes do not fill blooms.
	SkipBloomCheck bool
}

// Client is a discovery.BlockSource reading one JSON-RPC node. It keeps no
// state between calls, so one Client may serve concurrent callers.
type Client struct {
	rc        *rpc.Client
	addresses []common.Address
	topics    []common.Hash
	opts      Options
}

var _ discovery.BlockSource = (*Client)(nil)

// New returns a Client that reads blocks through rc and the logs emitted by
// addresses whose first topic is one of topics. An empty addresses or topics
// list does not filter on that field.
func New(rc *rpc.Client, addresses []common.Address, topics []common.Hash, opts Options) *Client {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	return &Client{
		rc:        rc,
		addresses: append([]common.Address(nil), addresses...),
		topics:    append([]common.Hash(nil), topics...),
		opts:      opts,
	}
}

// Dial connects to the node at url (http, ws or an IPC path) and returns a
// Client that owns the connection; Close releases it.
func Dial(ctx context.Context, url string, addresses []common.Address, topics []common.Hash, opts Options) (*Client, error) {
	rc, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("dialling chain node: %w", err)
	}
	return New(rc, addresses, topics, opts), nil
}

// Close closes the underlying RPC connection.
func (c *Client) Close() {
	c.rc.Close()
}

// Head returns the number of the newest block the node knows.
func (c *Client) Head(ctx context.Context) (uint64, error) {
	var n hexutil.Uint64
	if err := c.rc.CallContext(ctx, &n, "eth_blockNumber"); err != nil {
		return 0, fmt.Errorf("reading chain head: %w", err)
	}
	return uint64(n), nil
}
