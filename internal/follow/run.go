package follow

import (
	"context"
	"errors"
	"time"
)

// Run calls Step until ctx is done, then returns nil. It waits
// Config.PollInterval when there is nothing new, goes straight on after
// progress, and after an error logs it and waits, doubling the wait on each
// consecutive error up to Config.MaxBackoff. Every error is retried: a
// lagging node, a broken connection or a busy database all heal with time,
// and a reorganisation will be handled by the step itself.
func (f *Follower) Run(ctx context.Context) error {
	var backoff time.Duration
	for {
		err := f.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var wait time.Duration
		switch {
		case err == nil:
			backoff = 0
			continue
		case errors.Is(err, ErrNothingNew):
			backoff = 0
			wait = f.cfg.PollInterval
		default:
			backoff = min(max(2*backoff, f.cfg.PollInterval), f.cfg.MaxBackoff)
			wait = backoff
			f.metrics.errors.Inc()
			if errors.Is(err, ErrReorg) {
				f.log.WarnContext(ctx, "reorganisation detected; not handled yet, retrying", "err", err, "retry_in", wait)
			} else {
				f.log.ErrorContext(ctx, "following the chain", "err", err, "retry_in", wait)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
