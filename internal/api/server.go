// Package api serves the indexed content over HTTP in the shape of the Audius
// discovery API v1, so that existing clients such as @audius/sdk can read from
// a Discovery node unchanged. It owns the wire format (hashids, the "data"
// envelope, paging rules, status codes) and nothing else: every answer comes
// from a Store, and the chain head from whoever follows the chain.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
)

// Config describes the node to clients of /health_check and sets how the
// API protects itself and lets its answers be cached. Zero values turn the
// protections off, which is what tests and benchmarks want.
type Config struct {
	Service string // name reported by /health_check
	Version string // version reported by /health_check
	// HealthyBlockDiff is how many blocks the indexed head may trail the
	// chain head before /health_check answers 500.
	HealthyBlockDiff uint64

	// RequestTimeout is how long a request may take; one that runs past it
	// is cancelled and answered 503. Zero: no limit.
	RequestTimeout time.Duration
	// RateLimit is how many requests a second one client (an IPv4
	// address or an IPv6 /64) may make on average, and RateBurst how many
	// it may make at once (zero: one second's worth). Over it the client
	// is answered 429 with Retry-After. Zero RateLimit: no limit.
	RateLimit float64
	RateBurst int
	// TrustProxy takes the client's address from the last X-Forwarded-For
	// entry instead of the connection. Only set it behind a proxy that
	// appends that header, or clients can claim any address.
	TrustProxy bool
	// CacheMaxAge is how long clients and shared caches may reuse a
	// successful answer without asking again (Cache-Control max-age). The
	// index changes with every block, so it should be a few seconds. Zero:
	// "no-cache", every reuse is revalidated with the ETag.
	CacheMaxAge time.Duration
	// AnswerCacheBytes is how many bytes of finished answers the per-head
	// answer cache may hold (answer_cache.go). Zero: no cache.
	AnswerCacheBytes int64
	// Registerer receives the API's metrics (requests and latency per
	// route). Nil: none are kept.
	Registerer prometheus.Registerer
}

// Store is what the API reads: the content queries and the indexed head.
type Store interface {
	discovery.ContentQueries
	discovery.ListQueries
	discovery.SearchQueries
	discovery.TrendingQueries
	Route(ctx context.Context, k discovery.RouteKey) (r *discovery.Route, ok bool, err error)
	Head(ctx context.Context) (b discovery.BlockRef, ok bool, err error)
	StateDigest(ctx context.Context) (discovery.Digest, error)
}

// ChainHead reports the newest block number the follower has seen on the
// node, so /health_check can tell how far indexing trails the chain.
type ChainHead interface {
	ChainHead() uint64
}

// ChainHeadFunc lets a plain function serve as a ChainHead.
type ChainHeadFunc func() uint64

// ChainHead returns f().
func (f ChainHeadFunc) ChainHead() uint64 { return f() }

// NewServer returns the HTTP handler of the whole API. chain must not be nil.
func NewServer(cfg Config, store Store, chain ChainHead, logger *slog.Logger) http.Handler {
	h, _ := newServer(cfg, store, chain, logger)
	return h
}

// newServer is NewServer, with the answer cache it uses (nil for none).
func newServer(cfg Config, store Store, chain ChainHead, logger *slog.Logger) (http.Handler, *answerCache) {
	m := newMetrics(cfg.Registerer, logger)
	cache := newAnswerCache(cfg.AnswerCacheBytes, sharedRoutes(sharedAnswerRoutes), store, m, logger)
	mux := http.NewServeMux()
	addRoutes(mux, cfg, store, chain, newTrendingPages(cache), logger)
	// Innermost first; middleware.go says why in this order.
	var h http.Handler = mux
	h = finishAnswers(answerOptions{timeout: cfg.RequestTimeout, cacheMaxAge: cfg.CacheMaxAge, cache: cache, metrics: m, logger: logger}, h)
	h = limitRate(newRateLimiter(cfg), m, logger, h)
	h = allowCORS(h)
	return observe(logger, m, mux, h), cache
}
