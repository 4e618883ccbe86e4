package chain

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

// request is one JSON-RPC request (a call or a batch) together with the
// checks its answer must pass; a check that fails makes the attempt fail,
// so the answer of a lagging or confused node is never used.
type request func(ctx context.Context, rc *rpc.Client) error

// retry runs req against the first healthy endpoint until it succeeds, at
// most Options.MaxAttempts times. A failed endpoint cools down and the next
// healthy one is tried at once; when none is left, transient failures wait
// (Retry-After, else backoff with full jitter) and try again, while wrong
// answers end the call with the error so the caller retries later. what
// says what was being done, method labels the metrics.
func (c *Client) retry(ctx context.Context, what, method string, req request) error {
	var (
		failures []failure
		waits    int
	)
	ep := c.pick()
	for attempt := 1; ; attempt++ {
		retryAfter, err := c.attempt(ctx, ep, method, req)
		if err == nil {
			ep.healthy()
			return nil
		}
		k, outcome := classify(ctx, err)
		c.m.requests.WithLabelValues(method, outcome).Inc()
		switch k {
		case fatal:
			return fmt.Errorf("%s: %w", what, err)
		case tooLarge: // not the endpoint's fault: the caller splits the range
			return &tooLargeError{fmt.Errorf("%s: %w", what, err)}
		}
		failures = append(failures, failure{ep, err})
		ep.cool(max(c.opts.Cooldown, min(retryAfter, c.opts.RetryAfterMax)))
		if attempt >= c.opts.MaxAttempts {
			return giveUp(what, attempt, ep, err, earlierFailures(failures))
		}
		next, ok := c.healthy()
		switch {
		case ok:
			c.m.failovers.Inc()
			c.log.Warn("chain node failed; trying the next one", "what", what, "endpoint", ep.name, "next", next.name, "outcome", outcome, "err", err)
		case k == untrusted:
			return fmt.Errorf("%s: at %s: %w", what, ep.name, err)
		default:
			wait := c.backoff(waits)
			if retryAfter > 0 {
				wait = min(retryAfter, c.opts.RetryAfterMax)
			}
			waits++
			c.log.Warn("chain node failed; waiting to retry", "what", what, "endpoint", ep.name, "outcome", outcome, "wait", wait, "err", err)
			if err := c.sleep(ctx, wait); err != nil {
				return fmt.Errorf("%s: waiting to retry after %w: %w", what, failures[len(failures)-1].err, err)
			}
			next = c.pick()
		}
		c.m.retries.WithLabelValues(method).Inc()
		ep = next
	}
}

// failure is one failed attempt, kept for the final error message.
type failure struct {
	ep  *endpoint
	err error
}

// earlierFailures describes the last failure of each endpoint other than
// the one tried last, in the order they were tried.
func earlierFailures(fs []failure) []string {
	last := map[*endpoint]int{}
	for i, f := range fs {
		last[f.ep] = i
	}
	final := fs[len(fs)-1].ep
	var out []string
	for i, f := range fs {
		if f.ep != final && last[f.ep] == i {
			out = append(out, fmt.Sprintf("%s: %v", f.ep.name, f.err))
		}
	}
	return out
}

func giveUp(what string, attempts int, ep *endpoint, err error, others []string) error {
	also := ""
	if len(others) > 0 {
		also = " (earlier: " + strings.Join(others, "; ") + ")"
	}
	return fmt.Errorf("%s: gave up after %d attempts%s; last at %s: %w", what, attempts, also, ep.name, err)
}

// attempt runs req once on ep under Options.RequestTimeout and reports the
// node's Retry-After, if it sent one.
func (c *Client) attempt(ctx context.Context, ep *endpoint, method string, req request) (time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	box := &retryAfterBox{}
	actx = context.WithValue(actx, retryAfterKey{}, box)
	start := time.Now()
	rc, err := ep.client(actx)
	if err == nil {
		err = req(actx, rc)
	}
	c.m.latency.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if err == nil {
		c.m.requests.WithLabelValues(method, "ok").Inc()
		return 0, nil
	}
	return box.get(), ep.scrub(err)
}

// pick returns the first healthy endpoint, or when all are cooling down
// the one that recovers first.
func (c *Client) pick() *endpoint {
	if ep, ok := c.healthy(); ok {
		return ep
	}
	best := c.eps[0]
	for _, ep := range c.eps[1:] {
		if ep.until().Before(best.until()) {
			best = ep
		}
	}
	return best
}

// healthy returns the first endpoint not cooling down.
func (c *Client) healthy() (*endpoint, bool) {
	now := time.Now()
	for _, ep := range c.eps {
		if !ep.until().After(now) {
			return ep, true
		}
	}
	return nil, false
}

func (ep *endpoint) until() time.Time {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	return ep.coolUntil
}

func (ep *endpoint) cool(d time.Duration) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.coolUntil = time.Now().Add(d)
}

func (ep *endpoint) healthy() {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.coolUntil = time.Time{}
}

// backoff returns the n-th wait: uniform in [0, min(max, base*2^n)].
func (c *Client) backoff(n int) time.Duration {
	ceiling := c.opts.BackoffMax
	if n < 30 {
		ceiling = min(ceiling, c.opts.BackoffBase<<n)
	}
	return rand.N(ceiling + 1)
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
