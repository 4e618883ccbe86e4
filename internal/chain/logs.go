package chain

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// growAfter is how many eth_getLogs calls must succeed at the current range
// before it doubles again: often enough to recover from a provider's
// passing complaint, rarely enough not to keep provoking a standing limit.
const growAfter = 4

// tooLargeError is a node refusing an eth_getLogs range.
type tooLargeError struct{ err error }

func (e *tooLargeError) Error() string { return e.err.Error() }
func (e *tooLargeError) Unwrap() error { return e.err }

// fetchLogs reads the logs of r in sub-ranges of the current log range,
// splitting a range a node refuses until it is accepted or one block is
// left. Each sub-range is one batch with eth_blockNumber, so a node behind
// the range (which answers eth_getLogs with fewer logs, not an error) is
// caught.
func (c *Client) fetchLogs(ctx context.Context, r *blockRange) error {
	var all []types.Log
	for pos := r.from; pos <= r.to; {
		end := r.to
		if size := c.LogRange(); r.to-pos >= size {
			end = pos + size - 1
		}
		logs, err := c.getLogs(ctx, r, pos, end)
		var refused *tooLargeError
		switch {
		case errors.As(err, &refused):
			if end == pos {
				return fmt.Errorf("fetching logs of block %d: the node refuses even one block: %w", pos, refused.err)
			}
			c.shrink(pos, end, refused.err)
			continue
		case err != nil:
			return err
		}
		all = append(all, logs...)
		c.logsOK(end - pos + 1)
		pos = end + 1
	}
	r.logs, r.logsDone = all, true
	return nil
}

// getLogs reads and checks the logs of blocks a..b, which r's headers cover.
func (c *Client) getLogs(ctx context.Context, r *blockRange, a, b uint64) ([]types.Log, error) {
	var out []types.Log
	var refused error
	err := c.retry(ctx, fmt.Sprintf("fetching logs of blocks %d-%d", a, b), "eth_getLogs", func(ctx context.Context, rc *rpc.Client) error {
		refused = nil
		var head hexutil.Uint64
		var logs logList
		calls := []rpc.BatchElem{
			{Method: "eth_blockNumber", Result: &head},
			{Method: "eth_getLogs", Args: []any{c.filter(a, b)}, Result: &logs},
		}
		if c.opts.MaxBatch >= 2 {
			if err := rc.BatchCallContext(ctx, calls); err != nil {
				return err
			}
		} else {
			for i := range calls {
				if err := rc.BatchCallContext(ctx, calls[i:i+1]); err != nil {
					return err
				}
			}
		}
		if err := calls[1].Error; err != nil {
			if k, _ := classify(ctx, err); k == tooLarge {
				refused = err
				return nil
			}
			return err
		}
		if err := checkLogsAnswer(calls[0].Error, uint64(head), a, b); err != nil {
			return err
		}
		if err := c.checkLogs(r, logs, a, b); err != nil {
			return err
		}
		out = logs
		return nil
	})
	if err == nil && refused != nil {
		err = &tooLargeError{refused}
	}
	return out, err
}

// checkLogsAnswer refuses logs from a node whose head is below the range:
// it answered for blocks it does not have.
func checkLogsAnswer(headErr error, head, a, b uint64) error {
	if headErr != nil {
		return fmt.Errorf("reading the head along with logs of blocks %d-%d: %w", a, b, headErr)
	}
	if head < b {
		return fmt.Errorf("fetching logs of blocks %d-%d: the node's head %d is behind block %d: %w", a, b, head, b, ErrMissingBlock)
	}
	return nil
}

// shrink makes the log range smaller after a node refused a..b: to the
// range it suggested, when that starts at a and ends before b, else to half.
func (c *Client) shrink(a, b uint64, refusal error) {
	size := (b - a + 1) / 2
	hinted := false
	if end, ok := rangeHint(errorText(refusal), a, b); ok {
		size, hinted = end-a+1, true
	}
	c.mu.Lock()
	c.logRange = max(1, min(c.logRange, size))
	c.okStreak = 0
	now := c.logRange
	c.mu.Unlock()
	c.m.splits.Inc()
	c.m.logRange.Set(float64(now))
	c.log.Info("node refused an eth_getLogs range; asking for fewer blocks",
		"from", a, "to", b, "range", now, "suggested", hinted, "err", refusal)
}

// logsOK notes an eth_getLogs call over span blocks that succeeded, and
// doubles the log range, up to Options.MaxLogRange, after growAfter of them
// at the full current range.
func (c *Client) logsOK(span uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if span < c.logRange || c.logRange >= c.opts.MaxLogRange {
		return
	}
	c.okStreak++
	if c.okStreak < growAfter {
		return
	}
	c.logRange = min(c.opts.MaxLogRange, c.logRange*2)
	c.okStreak = 0
	c.m.logRange.Set(float64(c.logRange))
}
