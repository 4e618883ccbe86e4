package chain

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// headEvent is the part of a newHeads notification we read.
type headEvent struct {
	Number *hexutil.Uint64 `json:"number"`
}

// SubscribeHeads delivers the numbers of new chain heads as a node pushes
// them (eth_subscribe "newHeads"), so the follower learns of a block at
// once instead of at its next poll. Only ws, wss and IPC endpoints push;
// with none it returns ErrNoSubscriptions and the caller polls Head.
//
// The channel keeps only the newest number when the reader is slow, and is
// closed when ctx ends. A broken subscription is renewed, on the next
// endpoint that pushes, after a backoff.
func (c *Client) SubscribeHeads(ctx context.Context) (<-chan uint64, error) {
	var eps []*endpoint
	for _, ep := range c.eps {
		if ep.subs {
			eps = append(eps, ep)
		}
	}
	if len(eps) == 0 {
		return nil, ErrNoSubscriptions
	}
	events := make(chan *headEvent, 64)
	sub, at, err := c.subscribe(ctx, eps, 0, events)
	if err != nil {
		return nil, err
	}
	out := make(chan uint64, 1)
	go c.pumpHeads(ctx, eps, at, sub, events, out)
	return out, nil
}

// subscribe subscribes on the first endpoint that accepts, starting at
// eps[at], and says which one did.
func (c *Client) subscribe(ctx context.Context, eps []*endpoint, at int, events chan *headEvent) (*rpc.ClientSubscription, int, error) {
	var errs []error
	unsupported := 0
	for i := range eps {
		k := (at + i) % len(eps)
		ep := eps[k]
		var sub *rpc.ClientSubscription
		// The attempt's timeout bounds only the subscribe request: the
		// subscription itself lives on after it.
		_, err := c.attempt(ctx, ep, "eth_subscribe", func(actx context.Context, rc *rpc.Client) error {
			var err error
			sub, err = rc.EthSubscribe(actx, events, "newHeads")
			return err
		})
		if err == nil {
			return sub, k, nil
		}
		if errors.Is(err, rpc.ErrNotificationsUnsupported) {
			unsupported++
			continue
		}
		_, outcome := classify(ctx, err)
		c.m.requests.WithLabelValues("eth_subscribe", outcome).Inc()
		errs = append(errs, fmt.Errorf("%s: %w", ep.name, err))
		if ctx.Err() != nil {
			break
		}
	}
	if unsupported == len(eps) {
		return nil, 0, ErrNoSubscriptions
	}
	return nil, 0, fmt.Errorf("subscribing to new heads: %w", errors.Join(errs...))
}

// pumpHeads forwards head numbers to out until ctx ends, renewing the
// subscription when it breaks.
func (c *Client) pumpHeads(ctx context.Context, eps []*endpoint, at int, sub *rpc.ClientSubscription, events chan *headEvent, out chan uint64) {
	defer close(out)
	failures := 0
	for {
		select {
		case <-ctx.Done():
			sub.Unsubscribe()
			return
		case ev := <-events:
			if ev == nil || ev.Number == nil {
				continue
			}
			failures = 0
			select { // keep only the newest head for a slow reader
			case <-out:
			default:
			}
			out <- uint64(*ev.Number)
		case err := <-sub.Err():
			sub.Unsubscribe()
			c.log.Warn("new heads subscription broke; renewing it", "endpoint", eps[at].name, "err", err)
			for {
				wait := c.backoff(failures)
				failures++
				if err := c.sleep(ctx, wait); err != nil {
					return
				}
				at = (at + 1) % len(eps)
				var serr error
				sub, at, serr = c.subscribe(ctx, eps, at, events)
				if serr == nil {
					break
				}
				if ctx.Err() != nil {
					return
				}
				c.log.Warn("renewing new heads subscription", "err", serr)
			}
		}
	}
}
