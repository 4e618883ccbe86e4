package metadata

import "github.com/prometheus/client_golang/prometheus"

// fetchMetrics let an operator see whether metadata arrives, how long it
// takes, and which sources are down or serving bad bytes.
type fetchMetrics struct {
	fetches  *prometheus.CounterVec   // by outcome
	seconds  *prometheus.HistogramVec // by outcome
	requests *prometheus.CounterVec   // by source and outcome
}

func newFetchMetrics(reg prometheus.Registerer) (*fetchMetrics, error) {
	m := &fetchMetrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_metadata_fetches_total",
			Help: "Metadata fetches by CID, by outcome (ok, not_found, unavailable, mismatch, too_large, not_json, ...).",
		}, []string{"outcome"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "discovery_metadata_fetch_seconds",
			Help:    "Time to fetch and verify metadata by CID across all sources, by outcome.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"outcome"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_metadata_source_requests_total",
			Help: "Block requests to each configured IPFS source, by outcome.",
		}, []string{"source", "outcome"}),
	}
	return m, register(reg, m.fetches, m.seconds, m.requests)
}

// workerMetrics count what became of the jobs the worker took.
type workerMetrics struct {
	jobs *prometheus.CounterVec // by outcome: resolved, retry, failed
}

func newWorkerMetrics(reg prometheus.Registerer) (*workerMetrics, error) {
	m := &workerMetrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_metadata_jobs_total",
			Help: "Pending-metadata jobs handled, by outcome (resolved, retry, failed).",
		}, []string{"outcome"}),
	}
	return m, register(reg, m.jobs)
}

func register(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	if reg == nil {
		return nil
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
