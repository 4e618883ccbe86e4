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

	"github.com/discovery-node/discovery"
)

// Config describes the node to clients of /health_check.
type Config struct {
	Service string // name reported by /health_check
	Version string // version reported by /health_check
	// HealthyBlockDiff is how many blocks the indexed head may trail the
	// chain head before /health_check answers 500.
	HealthyBlockDiff uint64
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
	mux := http.NewServeMux()
	addRoutes(mux, cfg, store, chain, logger)
	return logRequests(logger, mux)
}
