package chain

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery"
)

// MaxRange is the largest number of blocks one Blocks call accepts. It guards
// against a caller's arithmetic slip turning into a huge allocation; real
// batch sizes are far smaller.
const MaxRange = 10_000

// rpcHeader holds only the header fields the follower needs. Decoding into
// types.Header would demand fields (difficulty, mixHash, ...) that other
// chains leave out or spell differently. Pointers tell a missing field from
// a zero one.
type rpcHeader struct {
	Number     *hexutil.Uint64 `json:"number"`
	Hash       *common.Hash    `json:"hash"`
	ParentHash *common.Hash    `json:"parentHash"`
	Time       *hexutil.Uint64 `json:"timestamp"`
	Bloom      *types.Bloom    `json:"logsBloom"`
}

// logFilter is the eth_getLogs argument. Empty address or topic lists are
// left out, which nodes read as "any".
type logFilter struct {
	FromBlock hexutil.Uint64   `json:"fromBlock"`
	ToBlock   hexutil.Uint64   `json:"toBlock"`
	Address   []common.Address `json:"address,omitempty"`
	Topics    [][]common.Hash  `json:"topics,omitempty"`
}

// Blocks returns blocks from..to inclusive with the logs of the watched
// addresses attached, after checking that the node's answers describe one
// chain. Headers and logs travel in one JSON-RPC batch (split only when it
// exceeds Options.MaxBatch calls).
func (c *Client) Blocks(ctx context.Context, from, to uint64) ([]discovery.Block, error) {
	if from > to || to-from >= MaxRange {
		return nil, discovery.Errorf(discovery.EINVALID, "block range %d-%d: want from <= to and at most %d blocks", from, to, MaxRange)
	}
	n := int(to-from) + 1
	headers := make([]*rpcHeader, n)
	var logs []types.Log
	calls := make([]rpc.BatchElem, 0, n+1)
	for i := range headers {
		calls = append(calls, rpc.BatchElem{
			Method: "eth_getBlockByNumber",
			Args:   []any{hexutil.Uint64(from + uint64(i)), false},
			Result: &headers[i],
		})
	}
	calls = append(calls, rpc.BatchElem{
		Method: "eth_getLogs",
		Args:   []any{c.filter(from, to)},
		Result: &logs,
	})
	if err := c.batch(ctx, calls); err != nil {
		return nil, fmt.Errorf("fetching blocks %d-%d: %w", from, to, err)
	}
	for i, call := range calls[:n] {
		if err := call.Error; err != nil {
			if errors.Is(err, rpc.ErrNoResult) {
				err = ErrMissingBlock
			}
			return nil, fmt.Errorf("fetching block %d: %w", from+uint64(i), err)
		}
	}
	if err := calls[n].Error; err != nil {
		return nil, fmt.Errorf("fetching logs of blocks %d-%d: %w", from, to, err)
	}
	blocks, err := checkHeaders(from, headers)
	if err != nil {
		return nil, err
	}
	if err := c.attachLogs(blocks, headers, logs); err != nil {
		return nil, err
	}
	return blocks, nil
}

func (c *Client) filter(from, to uint64) logFilter {
	f := logFilter{FromBlock: hexutil.Uint64(from), ToBlock: hexutil.Uint64(to), Address: c.addresses}
	if len(c.topics) > 0 {
		f.Topics = [][]common.Hash{c.topics}
	}
	return f
}

// batch sends calls in as few requests as Options.MaxBatch allows, in order.
func (c *Client) batch(ctx context.Context, calls []rpc.BatchElem) error {
	for start := 0; start < len(calls); start += c.opts.MaxBatch {
		end := min(start+c.opts.MaxBatch, len(calls))
		if err := c.rc.BatchCallContext(ctx, calls[start:end]); err != nil {
			return fmt.Errorf("sending batch of %d calls: %w", end-start, err)
		}
	}
	return nil
}
