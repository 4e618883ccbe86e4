package follow

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics show how far behind the chain the follower is and whether it is
// stuck retrying.
type metrics struct {
	head    prometheus.Gauge
	block   prometheus.Gauge
	applied prometheus.Counter
	errors  prometheus.Counter
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
			Help: "Number of the last block applied to the sink.",
		}),
		applied: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_follower_blocks_applied_total",
			Help: "Blocks applied to the sink.",
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_follower_errors_total",
			Help: "Steps that failed and were retried.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.head, m.block, m.applied, m.errors} {
			if err := reg.Register(c); err != nil {
				log.Warn("registering follower metrics", "err", err)
			}
		}
	}
	return m
}
