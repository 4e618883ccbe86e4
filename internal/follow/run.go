package follow

import (
	"context"
	"errors"
	"time"
)

// HeadSubscriber is a discovery.BlockSource that can push new chain heads
// (eth_subscribe "newHeads"), so a block is indexed as soon as it appears
// rather than at the next poll. The channel carries head numbers and is
// closed when the subscription ends or ctx is done. The follower reads it
// only while idle, so a sender should not block on it (drop, or keep only
// the newest). An error means the source cannot push, and Run polls.
type HeadSubscriber interface {
	SubscribeHeads(ctx context.Context) (<-chan uint64, error)
}

// Run calls Step until ctx is done, then returns nil. After progress it goes
// straight on; when there is nothing new it waits for the next head the
// source pushes (HeadSubscriber), or Config.PollInterval, whichever comes
// first, so polling stays the fallback if pushes stall. After an error it
// logs and waits, doubling the wait on each consecutive error up to
// Config.MaxBackoff: a lagging node, a broken connection or a busy database
// heal with time. A fork below the final block does not, so Run returns
// that error. Every Config.PruneInterval it also prunes undo images of
// final blocks.
func (f *Follower) Run(ctx context.Context) error {
	if f.cfg.IndexedBlock == nil {
		f.log.WarnContext(ctx, "no IndexedBlock configured: a chain reorganisation will stall the follower")
	}
	heads := newHeadFeed(f)
	heads.subscribe(ctx)
	var backoff time.Duration
	var lastPrune time.Time
	for {
		err := f.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if isFatal(err) {
			f.metrics.errors.Inc()
			f.log.ErrorContext(ctx, "cannot follow the chain", "err", err)
			return err
		}
		if (err == nil || errors.Is(err, ErrNothingNew)) && time.Since(lastPrune) >= f.cfg.PruneInterval {
			lastPrune = time.Now()
			n, perr := f.Prune(ctx)
			switch {
			case perr != nil && ctx.Err() != nil:
				// Shutdown cut the prune short: not a failure, and the
				// next start prunes what is left. Whatever the store made
				// of the cancellation (context canceled, or a driver's
				// own "interrupted"), logging it as an error would only
				// alarm; real failures show while the node runs.
				f.log.DebugContext(ctx, "pruning undo images stopped by shutdown", "err", perr)
				return nil
			case perr != nil:
				f.log.ErrorContext(ctx, "pruning undo images", "err", perr)
			case n > 0:
				f.log.DebugContext(ctx, "pruned undo images of final blocks", "images", n, "final_block", f.final)
			}
		}
		var wait time.Duration
		switch {
		case err == nil:
			backoff = 0
			heads.drain()
			continue
		case errors.Is(err, ErrNothingNew):
			backoff = 0
			wait = f.cfg.PollInterval
		default:
			backoff = min(max(2*backoff, f.cfg.PollInterval), f.cfg.MaxBackoff)
			wait = backoff
			f.metrics.errors.Inc()
			f.log.ErrorContext(ctx, "following the chain", "err", err, "retry_in", wait)
		}
		if !heads.wait(ctx, wait) {
			return nil
		}
	}
}

// headFeed is Run's view of a head subscription: the channel while it
// lives, and when to try again after it ended.
type headFeed struct {
	f       *Follower
	sub     HeadSubscriber // nil when the source cannot push
	ch      <-chan uint64  // nil while not subscribed
	retryAt time.Time
}

func newHeadFeed(f *Follower) *headFeed {
	sub, _ := f.src.(HeadSubscriber)
	return &headFeed{f: f, sub: sub}
}

// subscribe (re)subscribes when the source can push and the last attempt is
// far enough back. A failure is not an error: Run polls meanwhile.
func (h *headFeed) subscribe(ctx context.Context) {
	if h.sub == nil || h.ch != nil || time.Now().Before(h.retryAt) {
		return
	}
	ch, err := h.sub.SubscribeHeads(ctx)
	if err != nil {
		h.retryAt = time.Now().Add(h.f.cfg.MaxBackoff)
		h.f.log.DebugContext(ctx, "no head subscription, polling", "err", err, "poll_interval", h.f.cfg.PollInterval)
		return
	}
	h.ch = ch
}

// wait returns after d, or as soon as the source pushes a head; false when
// ctx is done.
func (h *headFeed) wait(ctx context.Context, d time.Duration) bool {
	h.subscribe(ctx)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	case n, ok := <-h.ch: // a nil channel never delivers
		if !ok {
			h.ch = nil
			h.retryAt = time.Now().Add(h.f.cfg.MaxBackoff)
			h.f.log.InfoContext(ctx, "head subscription ended, polling", "resubscribe_in", h.f.cfg.MaxBackoff)
			return true
		}
		h.f.setHead(n)
	}
	return true
}

// drain discards heads pushed while Run was busy: the Step that follows
// reads the head anyway.
func (h *headFeed) drain() {
	for h.ch != nil {
		select {
		case _, ok := <-h.ch:
			if !ok {
				h.ch = nil
				h.retryAt = time.Now().Add(h.f.cfg.MaxBackoff)
			}
		default:
			return
		}
	}
}
