package follow

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics show how far behind the chain the follower is, whether it is
// stuck retrying, and how often and how deeply the chain reorganises.
type metrics struct {
	head      prometheus.Gauge
	block     prometheus.Gauge
	finalized prometheus.Gauge
	applied   prometheus.Counter
	readAhead prometheus.Counter
	reverted  prometheus.Counter
	pruned    prometheus.Counter
	reorgs    prometheus.Histogram
	errors    prometheus.Counter
}

// newMetrics creates the metrics and registers them on reg when it is not
// nil. A registration failure (say, a second follower on one registry) only
// costs the metrics, so it is logged rather than returned.
func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	m := &metrics{
		head: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "discovery_follower_chain_head",
			Help: "Newest block number the chain node reported.",
		}),
		block: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "discovery_follower_block",
			Help: "Number of the sink's head block after the last apply or revert.",
		}),
		finalized: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "discovery_follower_finalized_block",
			Help: "Newest block the follower takes as final: forks below it stop the follower.",
		}),
		applied: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_follower_blocks_applied_total",
			Help: "Blocks applied to the sink.",
		}),
		readAhead: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_follower_runs_read_ahead_total",
			Help: "Runs of blocks fetched while the run before them was applied.",
		}),
		reverted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_follower_blocks_reverted_total",
			Help: "Blocks reverted from the sink because a reorganisation orphaned them.",
		}),
		pruned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_follower_undo_images_pruned_total",
			Help: "Undo images of final blocks dropped from the store.",
		}),
		reorgs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "discovery_follower_reorg_depth",
			Help:    "Reorganisations followed, by the number of blocks reverted.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 9), // 1 .. 256
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_follower_errors_total",
			Help: "Steps that failed and were retried.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.head, m.block, m.finalized, m.applied, m.readAhead, m.reverted, m.pruned, m.reorgs, m.errors} {
			if err := reg.Register(c); err != nil {
				log.Warn("registering follower metrics", "err", err)
			}
		}
	}
	return m
}
