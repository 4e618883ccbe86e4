package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// syncProgress is the object eth_syncing returns while a node syncs. Only
// the fields every client sends are read.
type syncProgress struct {
	StartingBlock *hexutil.Uint64 `json:"startingBlock"`
	CurrentBlock  *hexutil.Uint64 `json:"currentBlock"`
	HighestBlock  *hexutil.Uint64 `json:"highestBlock"`
}

// WaitSynced returns once an endpoint says, through eth_syncing, that it is
// not syncing: a node still catching up answers old heads and lacks recent
// blocks, and following it would only produce retries. It polls every
// Options.SyncPollInterval, logging progress to log (nil: the Client's
// logger); failed polls are logged and polled again, until ctx ends. An
// endpoint that does not know eth_syncing is taken as synced.
func (c *Client) WaitSynced(ctx context.Context, log *slog.Logger) error {
	if log == nil {
		log = c.log
	}
	for round := 0; ; round++ {
		for _, ep := range c.eps {
			synced, progress, err := c.syncing(ctx, ep)
			switch {
			case ctx.Err() != nil:
				return fmt.Errorf("waiting for the chain node to sync: %w", ctx.Err())
			case err != nil:
				log.Warn("asking the chain node whether it is syncing", "endpoint", ep.name, "err", err)
			case synced:
				if round > 0 {
					log.Info("chain node synced", "endpoint", ep.name)
				}
				return nil
			default:
				log.Info("chain node is syncing; waiting", "endpoint", ep.name,
					"current", num(progress.CurrentBlock), "highest", num(progress.HighestBlock),
					"behind", num(progress.HighestBlock)-min(num(progress.CurrentBlock), num(progress.HighestBlock)))
			}
		}
		if err := c.sleep(ctx, c.opts.SyncPollInterval); err != nil {
			return fmt.Errorf("waiting for the chain node to sync: %w", err)
		}
	}
}

// syncing asks ep once whether it syncs.
func (c *Client) syncing(ctx context.Context, ep *endpoint) (bool, syncProgress, error) {
	var raw json.RawMessage
	_, err := c.attempt(ctx, ep, "eth_syncing", func(ctx context.Context, rc *rpc.Client) error {
		return rc.CallContext(ctx, &raw, "eth_syncing")
	})
	if err != nil {
		k, outcome := classify(ctx, err)
		c.m.requests.WithLabelValues("eth_syncing", outcome).Inc()
		if k == fatal && outcome == "rpc_error" {
			return true, syncProgress{}, nil // method not found
		}
		return false, syncProgress{}, err
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("false")) {
		return true, syncProgress{}, nil
	}
	var p syncProgress
	if err := json.Unmarshal(raw, &p); err != nil {
		return false, p, ep.scrub(fmt.Errorf("decoding eth_syncing answer: %w", err))
	}
	return false, p, nil
}

func num(n *hexutil.Uint64) uint64 {
	if n == nil {
		return 0
	}
	return uint64(*n)
}
