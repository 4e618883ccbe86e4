package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics count the API's answers and time them per route. Routes are the
// ServeMux patterns ("GET /v1/users/{id}"), never raw paths, and methods and
// statuses are folded into a few values, so no client can create an
// unbounded number of series.
type metrics struct {
	requests    *prometheus.CounterVec   // by route, method and status class
	duration    *prometheus.HistogramVec // by route
	rateLimited prometheus.Counter
	timeouts    prometheus.Counter

	// The answer cache (answer_cache.go): hits and misses by route,
	// evictions by reason, and the bytes of the answers it holds.
	cacheHits      *prometheus.CounterVec
	cacheMisses    *prometheus.CounterVec
	cacheEvictions *prometheus.CounterVec
	cacheBytes     prometheus.Gauge
}

// newMetrics creates the API's metrics and registers them on reg when it is
// not nil. A registration failure (say, two servers on one registry) only
// costs the metrics, so it is logged rather than returned, as the
// follower's metrics do.
func newMetrics(reg prometheus.Registerer, logger *slog.Logger) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_api_requests_total",
			Help: "API requests answered, by route pattern, method and status class (2xx, 3xx, 4xx, 5xx).",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "discovery_api_request_duration_seconds",
			Help: "Time to answer an API request, by route pattern.",
			// 0.5 ms .. ~4 s: single lookups take well under a
			// millisecond, searches tens of milliseconds.
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_api_rate_limited_total",
			Help: "API requests refused with 429 because their client exceeded its rate limit.",
		}),
		timeouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_api_timeouts_total",
			Help: "API requests answered with 503 because they ran past the request timeout.",
		}),
		cacheHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_api_answer_cache_hits_total",
			Help: "API answers served from the per-head answer cache, by route.",
		}, []string{"route"}),
		cacheMisses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_api_answer_cache_misses_total",
			Help: "API answers computed for the per-head answer cache, by route (requests waiting on one computation count once).",
		}, []string{"route"}),
		cacheEvictions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_api_answer_cache_evictions_total",
			Help: "Answers dropped from the per-head answer cache, by reason: head (the indexed head moved), budget (room for newer ones), replaced.",
		}, []string{"reason"}),
		cacheBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "discovery_api_answer_cache_bytes",
			Help: "Bytes of answers the per-head answer cache holds, bodies and gzipped bodies.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.requests, m.duration, m.rateLimited, m.timeouts,
			m.cacheHits, m.cacheMisses, m.cacheEvictions, m.cacheBytes} {
			if err := reg.Register(c); err != nil {
				logger.Warn("registering api metrics", "err", err)
			}
		}
	}
	return m
}

// observe records one answered request.
func (m *metrics) observe(route, method string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, methodLabel(method), statusClass(status)).Inc()
	m.duration.WithLabelValues(route).Observe(took.Seconds())
}

// routeLabel is the pattern mux would serve r with, or "unmatched". Only
// methods the label keeps are looked up: ServeMux names a CONNECT redirect
// after the request's own path, which would be unbounded.
func routeLabel(mux *http.ServeMux, r *http.Request) string {
	if methodLabel(r.Method) == "other" {
		return "unmatched"
	}
	if r.Method == http.MethodOptions {
		// A preflight is for the GET that follows: label it so.
		get := *r
		get.Method = http.MethodGet
		r = &get
	}
	_, pattern := mux.Handler(r)
	if pattern == "" {
		return "unmatched"
	}
	return pattern
}

// methodLabel keeps the standard methods a client of a read API sends and
// folds anything else into "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost,
		http.MethodPut, http.MethodPatch, http.MethodDelete:
		return m
	}
	return "other"
}

// statusClass is "2xx" for 200..299 and so on.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}
