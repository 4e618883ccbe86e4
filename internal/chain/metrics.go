package chain

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics show how hard the node makes reading the chain: failed and
// retried requests, endpoints abandoned, log ranges split, and blooms that
// disagreed with the logs returned.
type metrics struct {
	requests  *prometheus.CounterVec // method, outcome
	retries   *prometheus.CounterVec // method
	failovers prometheus.Counter
	splits    prometheus.Counter
	refetches *prometheus.CounterVec // result: recovered, empty
	latency   *prometheus.HistogramVec
	logRange  prometheus.Gauge
}

// newMetrics creates the metrics and registers them on reg when it is not
// nil. A registration failure (say, two clients on one registry) only costs
// the metrics, so it is logged rather than returned.
func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_chain_rpc_requests_total",
			Help: "JSON-RPC requests (single calls or batches) sent to chain nodes, by method and outcome.",
		}, []string{"method", "outcome"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_chain_rpc_retries_total",
			Help: "JSON-RPC requests sent again after a failed attempt, by method.",
		}, []string{"method"}),
		failovers: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_chain_rpc_failovers_total",
			Help: "Times a request moved to another endpoint after one failed.",
		}),
		splits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_chain_getlogs_range_splits_total",
			Help: "eth_getLogs ranges made smaller after a node refused them.",
		}),
		refetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_chain_bloom_refetches_total",
			Help: "Blocks whose logs were asked for again because the bloom admitted watched logs the node did not return, by result.",
		}, []string{"result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "discovery_chain_rpc_duration_seconds",
			Help:    "Time one JSON-RPC request attempt took, by method.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}, []string{"method"}),
		logRange: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "discovery_chain_getlogs_range",
			Help: "Number of blocks currently asked of eth_getLogs at once.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.requests, m.retries, m.failovers, m.splits, m.refetches, m.latency, m.logRange} {
			if err := reg.Register(c); err != nil {
				log.Warn("registering chain metrics", "err", err)
			}
		}
	}
	return m
}
