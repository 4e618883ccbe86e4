package api

import (
	"log/slog"
	"net/http"
)

// addRoutes is the whole API surface in one place.
func addRoutes(mux *http.ServeMux, cfg Config, store Store, chain ChainHead, pages *trendingPages, logger *slog.Logger) {
	mux.Handle("GET /health_check", handleHealthCheck(cfg, store, chain, logger))

	addSearchRoutes(mux, store, logger) // /v1/users, /v1/tracks and /v1/playlists search
	mux.Handle("GET /v1/users/handle/{handle}", withViewer(store, logger, handleUserByHandle(store, logger)))
	mux.Handle("GET /v1/users/{id}", withViewer(store, logger, handleUser(store, logger)))
	addListRoutes(mux, cfg, store, chain, logger) // lists, bulk lookups, /v1/full

	mux.Handle("GET /v1/tracks/{id}", withViewer(store, logger, handleTrack(store, logger)))
	mux.Handle("GET /v1/playlists/{id}", withViewer(store, logger, handlePlaylist(store, logger)))

	mux.Handle("GET /v1/resolve", handleResolve(store, logger))
	addTrendingRoutes(mux, store, pages, logger)
	addOpenAPIRoutes(mux)

	mux.Handle("/", handleNoRoute(logger))
}
