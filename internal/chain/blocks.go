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
// left out, which nodes read as "any". A filter names either a block range
// or one block by hash.
type logFilter struct {
	FromBlock *hexutil.Uint64  `json:"fromBlock,omitempty"`
	ToBlock   *hexutil.Uint64  `json:"toBlock,omitempty"`
	BlockHash *common.Hash     `json:"blockHash,omitempty"`
	Address   []common.Address `json:"address,omitempty"`
	Topics    [][]common.Hash  `json:"topics,omitempty"`
}

// Blocks returns blocks from..to inclusive with the logs of the watched
// addresses attached, after checking that the nodes' answers describe one
// chain. When the range fits one eth_getLogs call, headers and logs travel
// in one JSON-RPC batch (split only when it exceeds Options.MaxBatch calls);
// otherwise logs are fetched in sub-ranges as large as the nodes accept.
func (c *Client) Blocks(ctx context.Context, from, to uint64) ([]discovery.Block, error) {
	if from > to || to-from >= MaxRange {
		return nil, discovery.Errorf(discovery.EINVALID, "block range %d-%d: want from <= to and at most %d blocks", from, to, MaxRange)
	}
	r := &blockRange{from: from, to: to, headers: make([]*rpcHeader, to-from+1)}
	inline := to-from+1 <= c.LogRange() && c.opts.MaxBatch >= 2
	n := len(r.headers)
	for start := 0; start < n; start += c.opts.MaxBatch {
		end := min(start+c.opts.MaxBatch, n)
		withLogs := inline && end == n && end-start+2 <= c.opts.MaxBatch
		if err := c.fetchHeaders(ctx, r, start, end, withLogs); err != nil {
			return nil, err
		}
	}
	if !r.logsDone {
		if err := c.fetchLogs(ctx, r); err != nil {
			return nil, err
		}
	}
	blocks := r.blocks()
	if err := c.refetchDropped(ctx, r, blocks); err != nil {
		return nil, err
	}
	return blocks, nil
}

// blockRange is what one Blocks call has gathered so far.
type blockRange struct {
	from, to uint64
	headers  []*rpcHeader // checked, in order
	logs     []types.Log  // checked, in (block, index) order
	logsDone bool
}

func (r *blockRange) header(num uint64) *rpcHeader { return r.headers[num-r.from] }

// blocks hands each log to its block.
func (r *blockRange) blocks() []discovery.Block {
	blocks := make([]discovery.Block, len(r.headers))
	for i, h := range r.headers {
		blocks[i].BlockRef = discovery.BlockRef{
			Number:     uint64(*h.Number),
			Hash:       *h.Hash,
			ParentHash: *h.ParentHash,
			Time:       uint64(*h.Time),
		}
	}
	for _, l := range r.logs {
		b := &blocks[l.BlockNumber-r.from]
		b.Logs = append(b.Logs, l)
	}
	return blocks
}

// fetchHeaders reads the headers start..end-1 of r in one batch, with the
// whole range's logs when withLogs is set, and keeps them once they pass
// the checks. A refused log range is not an error here: fetchLogs splits it.
func (c *Client) fetchHeaders(ctx context.Context, r *blockRange, start, end int, withLogs bool) error {
	first, last := r.from+uint64(start), r.from+uint64(end-1)
	what, method := fmt.Sprintf("fetching blocks %d-%d", first, last), "eth_getBlockByNumber"
	if withLogs {
		method = "eth_getBlockByNumber+eth_getLogs"
	}
	var refused error
	err := c.retry(ctx, what, method, func(ctx context.Context, rc *rpc.Client) error {
		refused = nil
		got := make([]*rpcHeader, end-start)
		calls := make([]rpc.BatchElem, 0, len(got)+2)
		for i := range got {
			calls = append(calls, rpc.BatchElem{
				Method: "eth_getBlockByNumber",
				Args:   []any{hexutil.Uint64(first + uint64(i)), false},
				Result: &got[i],
			})
		}
		var head hexutil.Uint64
		var logs logList
		if withLogs {
			calls = append(calls,
				rpc.BatchElem{Method: "eth_blockNumber", Result: &head},
				rpc.BatchElem{Method: "eth_getLogs", Args: []any{c.filter(r.from, r.to)}, Result: &logs})
		}
		if err := rc.BatchCallContext(ctx, calls); err != nil {
			return err
		}
		var prev *rpcHeader
		if start > 0 {
			prev = r.headers[start-1]
		}
		for i, call := range calls[:len(got)] {
			num := first + uint64(i)
			if err := call.Error; err != nil {
				if errors.Is(err, rpc.ErrNoResult) {
					err = ErrMissingBlock
				}
				return fmt.Errorf("fetching block %d: %w", num, err)
			}
			if err := checkHeader(num, got[i], prev); err != nil {
				return err
			}
			prev = got[i]
		}
		copy(r.headers[start:end], got)
		if !withLogs {
			return nil
		}
		if err := calls[len(got)+1].Error; err != nil {
			if k, _ := classify(ctx, err); k == tooLarge {
				refused = err
				return nil
			}
			return fmt.Errorf("fetching logs of blocks %d-%d: %w", r.from, r.to, err)
		}
		if err := checkLogsAnswer(calls[len(got)].Error, uint64(head), r.from, r.to); err != nil {
			return err
		}
		if err := c.checkLogs(r, logs, r.from, r.to); err != nil {
			return err
		}
		r.logs = logs
		return nil
	})
	var tl *tooLargeError
	if withLogs && errors.As(err, &tl) {
		// The whole batch was refused for the logs' sake: fetch the
		// headers alone and leave the logs to fetchLogs.
		c.shrink(r.from, r.to, tl.err)
		return c.fetchHeaders(ctx, r, start, end, false)
	}
	if err != nil {
		return err
	}
	if withLogs {
		if refused != nil {
			c.shrink(r.from, r.to, refused)
		} else {
			r.logsDone = true
			c.logsOK(r.to - r.from + 1)
		}
	}
	return nil
}

func (c *Client) filter(from, to uint64) logFilter {
	f := logFilter{FromBlock: (*hexutil.Uint64)(&from), ToBlock: (*hexutil.Uint64)(&to), Address: c.addresses}
	if len(c.topics) > 0 {
		f.Topics = [][]common.Hash{c.topics}
	}
	return f
}
