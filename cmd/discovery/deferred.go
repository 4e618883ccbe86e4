package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
)

// deferredPoll is how often the node asks whether the index has caught up,
// to build what the store deferred.
const deferredPoll = time.Second

// finishDeferred waits until the index has caught up with its chain (ready)
// and then builds what the store put off while it indexed the chain from
// nothing (discovery.DeferredBuilder: PostgreSQL's search documents), once;
// a failure is logged and retried. The gauge discovery_derived_ready turns
// 1 when that is done, or at once for a store that defers nothing, so an
// operator (and the benchmark) can tell when search answers are complete.
func finishDeferred(ctx context.Context, logger *slog.Logger, store discovery.Store, reg prometheus.Registerer, ready func(context.Context) bool, poll time.Duration) error {
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "discovery_derived_ready",
		Help: "1 once the state derived from the index (search documents) is complete; 0 while a backfill from nothing defers it.",
	})
	if err := reg.Register(gauge); err != nil {
		return fmt.Errorf("register discovery_derived_ready: %w", err)
	}
	d, ok := store.(discovery.DeferredBuilder)
	if !ok {
		gauge.Set(1)
		return nil
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if ready(ctx) {
			start := time.Now()
			built, err := d.FinishDeferred(ctx)
			switch {
			case err == nil:
				if built {
					logger.Info("built the search documents the backfill deferred", "took", time.Since(start))
				}
				gauge.Set(1)
				return nil
			case ctx.Err() == nil:
				logger.Warn("building the search documents the backfill deferred failed; retrying", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
