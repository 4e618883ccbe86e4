package chain

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/core/types"
)

// checkHeader refuses the header of block num when the node did not have
// the block, left out a field, named another block, or broke the parent
// link to prev, the header of block num-1 (nil when not fetched).
func checkHeader(num uint64, h, prev *rpcHeader) error {
	if h == nil {
		return fmt.Errorf("fetching block %d: %w", num, ErrMissingBlock)
	}
	for _, f := range []struct {
		name    string
		missing bool
	}{
		{"number", h.Number == nil}, {"hash", h.Hash == nil},
		{"parentHash", h.ParentHash == nil}, {"timestamp", h.Time == nil},
	} {
		if f.missing {
			return fmt.Errorf("decoding block %d: the node sent no %s: %w", num, f.name, ErrInconsistent)
		}
	}
	if uint64(*h.Number) != num {
		return fmt.Errorf("fetching block %d: node answered with block %d: %w", num, uint64(*h.Number), ErrInconsistent)
	}
	if prev != nil && *h.ParentHash != *prev.Hash {
		return fmt.Errorf("checking block %d: parent hash %s is not the hash %s of block %d: %w",
			num, *h.ParentHash, *prev.Hash, num-1, ErrInconsistent)
	}
	return nil
}

// checkLogs checks that logs, the answer to eth_getLogs over blocks a..b,
// belong to the headers of r: inside the range, same block hash, covered by
// the block's bloom, matching the filter, not removed, and not repeated. It
// puts them in (block, index) order whatever order the node used.
func (c *Client) checkLogs(r *blockRange, logs []types.Log, a, b uint64) error {
	slices.SortStableFunc(logs, func(x, y types.Log) int {
		return cmp.Or(cmp.Compare(x.BlockNumber, y.BlockNumber), cmp.Compare(x.Index, y.Index))
	})
	for i := range logs {
		l := &logs[i]
		if l.BlockNumber < a || l.BlockNumber > b {
			return fmt.Errorf("checking logs of blocks %d-%d: log %d is from block %d, outside the range asked for: %w",
				a, b, l.Index, l.BlockNumber, ErrInconsistent)
		}
		if err := c.checkLog(l, r.header(l.BlockNumber)); err != nil {
			return fmt.Errorf("checking log %d of block %d: %w", l.Index, l.BlockNumber, err)
		}
		if i > 0 && logs[i-1].BlockNumber == l.BlockNumber && logs[i-1].Index == l.Index {
			return fmt.Errorf("checking log %d of block %d: the node sent it twice: %w", l.Index, l.BlockNumber, ErrInconsistent)
		}
	}
	return nil
}

func (c *Client) checkLog(l *types.Log, h *rpcHeader) error {
	if l.Removed {
		return fmt.Errorf("the node marked it removed: %w", ErrInconsistent)
	}
	if l.BlockHash != *h.Hash {
		return fmt.Errorf("its block hash %s is not the header hash %s: %w", l.BlockHash, *h.Hash, ErrInconsistent)
	}
	if len(c.addresses) > 0 && !slices.Contains(c.addresses, l.Address) {
		return fmt.Errorf("its address %s was not asked for: %w", l.Address, ErrInconsistent)
	}
	if len(c.topics) > 0 && (len(l.Topics) == 0 || !slices.Contains(c.topics, l.Topics[0])) {
		return fmt.Errorf("its first topic was not asked for: %w", ErrInconsistent)
	}
	if c.opts.SkipBloomCheck || h.Bloom == nil {
		return nil
	}
	if !h.Bloom.Test(l.Address.Bytes()) {
		return fmt.Errorf("the block's logs bloom rules out its address %s: %w", l.Address, ErrInconsistent)
	}
	for _, t := range l.Topics {
		if !h.Bloom.Test(t.Bytes()) {
			return fmt.Errorf("the block's logs bloom rules out its topic %s: %w", t, ErrInconsistent)
		}
	}
	return nil
}
