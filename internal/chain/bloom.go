package chain

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery"
)

// refetchDropped asks once more, by block hash, for the logs of each block
// whose bloom admits a watched address and a watched topic but for which
// the node returned no logs: a load balancer may have sent eth_getLogs to
// a node that had not indexed the block yet. Blooms have false positives,
// so a second empty answer is accepted (and counted).
//
// It needs both an address and a topic filter: a bloom admitting one
// address of a busy contract says little about the events watched.
func (c *Client) refetchDropped(ctx context.Context, r *blockRange, blocks []discovery.Block) error {
	if c.opts.SkipBloomCheck || len(c.addresses) == 0 || len(c.topics) == 0 {
		return nil
	}
	var suspects []int
	for i, b := range blocks {
		if len(b.Logs) == 0 && r.headers[i].Bloom != nil && c.bloomAdmits(r.headers[i].Bloom) {
			suspects = append(suspects, i)
		}
	}
	for start := 0; start < len(suspects); start += c.opts.MaxBatch {
		chunk := suspects[start:min(start+c.opts.MaxBatch, len(suspects))]
		found := make([][]types.Log, len(chunk))
		what := fmt.Sprintf("refetching logs of %d blocks from %d", len(chunk), blocks[chunk[0]].Number)
		err := c.retry(ctx, what, "eth_getLogs_by_hash", func(ctx context.Context, rc *rpc.Client) error {
			got := make([][]types.Log, len(chunk))
			calls := make([]rpc.BatchElem, len(chunk))
			for j, i := range chunk {
				f := logFilter{BlockHash: &blocks[i].Hash, Address: c.addresses, Topics: [][]common.Hash{c.topics}}
				calls[j] = rpc.BatchElem{Method: "eth_getLogs", Args: []any{f}, Result: &got[j]}
			}
			if err := rc.BatchCallContext(ctx, calls); err != nil {
				return err
			}
			for j, i := range chunk {
				num := blocks[i].Number
				if err := calls[j].Error; err != nil {
					return fmt.Errorf("refetching logs of block %d: %w", num, err)
				}
				if err := c.checkLogs(r, got[j], num, num); err != nil {
					return err
				}
			}
			copy(found, got)
			return nil
		})
		if err != nil {
			return err
		}
		for j, i := range chunk {
			b := &blocks[i]
			if len(found[j]) == 0 {
				c.m.refetches.WithLabelValues("empty").Inc()
				c.log.Debug("logs bloom admitted watched logs the node does not have (a bloom false positive)", "block", b.Number)
				continue
			}
			c.m.refetches.WithLabelValues("recovered").Inc()
			c.log.Warn("node left out logs of a block; recovered them by block hash", "block", b.Number, "logs", len(found[j]))
			b.Logs = found[j]
		}
	}
	return nil
}

// bloomAdmits reports whether bloom may hold a log of a watched address
// with a watched topic.
func (c *Client) bloomAdmits(bloom *types.Bloom) bool {
	anyOf := func(items [][]byte) bool {
		for _, it := range items {
			if bloom.Test(it) {
				return true
			}
		}
		return false
	}
	addrs := make([][]byte, len(c.addresses))
	for i, a := range c.addresses {
		addrs[i] = a.Bytes()
	}
	topics := make([][]byte, len(c.topics))
	for i, t := range c.topics {
		topics[i] = t.Bytes()
	}
	return anyOf(addrs) && anyOf(topics)
}
