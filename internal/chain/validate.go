package chain

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/discovery-node/discovery"
)

// checkHeaders turns the headers of blocks from, from+1, ... into blocks,
// refusing any answer that is missing a block or a field, names another
// block, or breaks the parent links inside the range.
func checkHeaders(from uint64, headers []*rpcHeader) ([]discovery.Block, error) {
	blocks := make([]discovery.Block, len(headers))
	for i, h := range headers {
		num := from + uint64(i)
		if h == nil {
			return nil, fmt.Errorf("fetching block %d: %w", num, ErrMissingBlock)
		}
		for _, f := range []struct {
			name    string
			missing bool
		}{
			{"number", h.Number == nil}, {"hash", h.Hash == nil},
			{"parentHash", h.ParentHash == nil}, {"timestamp", h.Time == nil},
		} {
			if f.missing {
				return nil, fmt.Errorf("decoding block %d: the node sent no %s", num, f.name)
			}
		}
		if uint64(*h.Number) != num {
			return nil, fmt.Errorf("fetching block %d: node answered with block %d: %w", num, uint64(*h.Number), ErrInconsistent)
		}
		if i > 0 && *h.ParentHash != *headers[i-1].Hash {
			return nil, fmt.Errorf("checking block %d: parent hash %s is not the hash %s of block %d: %w",
				num, *h.ParentHash, *headers[i-1].Hash, num-1, ErrInconsistent)
		}
		blocks[i].BlockRef = discovery.BlockRef{
			Number:     num,
			Hash:       *h.Hash,
			ParentHash: *h.ParentHash,
			Time:       uint64(*h.Time),
		}
	}
	return blocks, nil
}

// attachLogs hands each log to its block after checking that it belongs to
// the headers fetched with it: same block hash, covered by the block's
// bloom, matching the filter, not removed, and not repeated. Logs are put in
// (block, index) order whatever order the node used.
func (c *Client) attachLogs(blocks []discovery.Block, headers []*rpcHeader, logs []types.Log) error {
	slices.SortStableFunc(logs, func(a, b types.Log) int {
		return cmp.Or(cmp.Compare(a.BlockNumber, b.BlockNumber), cmp.Compare(a.Index, b.Index))
	})
	from := blocks[0].Number
	for i := range logs {
		l := &logs[i]
		if l.BlockNumber < from || l.BlockNumber-from >= uint64(len(blocks)) {
			return fmt.Errorf("checking logs of blocks %d-%d: log %d is from block %d, outside the range asked for: %w",
				from, blocks[len(blocks)-1].Number, l.Index, l.BlockNumber, ErrInconsistent)
		}
		b := &blocks[l.BlockNumber-from]
		if err := c.checkLog(l, b.BlockRef, headers[l.BlockNumber-from]); err != nil {
			return fmt.Errorf("checking log %d of block %d: %w", l.Index, l.BlockNumber, err)
		}
		if i > 0 && logs[i-1].BlockNumber == l.BlockNumber && logs[i-1].Index == l.Index {
			return fmt.Errorf("checking log %d of block %d: the node sent it twice: %w", l.Index, l.BlockNumber, ErrInconsistent)
		}
		b.Logs = append(b.Logs, *l)
	}
	return nil
}

func (c *Client) checkLog(l *types.Log, ref discovery.BlockRef, h *rpcHeader) error {
	if l.Removed {
		return fmt.Errorf("the node marked it removed: %w", ErrInconsistent)
	}
	if l.BlockHash != ref.Hash {
		return fmt.Errorf("its block hash %s is not the header hash %s: %w", l.BlockHash, ref.Hash, ErrInconsistent)
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
