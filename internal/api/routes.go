package api

import (
	"log/slog"
	"net/http"
)

// addRoutes is the whole API surface in one place.
func addRoutes(mux *http.ServeMux, cfg Config, store Store, chain ChainHead, logger *slog.Logger) {
	mux.Handle("GET /health_check", handleHealthCheck(cfg, store, chain, logger))

	mux.Handle("GET /v1/users/search", handleSearchUsers(store, logger))
	mux.Handle("GET /v1/users/handle/{handle}", handleUserByHandle(store, logger))
	mux.Handle("GET /v1/users/{id}", handleUser(store, logger))
	// ServeMux rejects "/v1/users/handle/{handle}" beside "/v1/users/{id}/tracks"
	// as conflicting patterns (both match /v1/users/handle/tracks), so the
	// lists of a user share one pattern and are chosen by name here.
	mux.Handle("GET /v1/users/{id}/{list}", byPathValue("list", map[string]http.Handler{
		"tracks":    handleUserTracks(store, logger),
		"followers": handleFollowers(store, logger),
		"following": handleFollowing(store, logger),
	}, logger))

	mux.Handle("GET /v1/tracks/{id}", handleTrack(store, logger))
	mux.Handle("GET /v1/playlists/{id}", handlePlaylist(store, logger))

	mux.Handle("GET /v1/resolve", handleResolve(store, logger))

	mux.Handle("/", handleNoRoute(logger))
}
