package api

import (
	"log/slog"
	"net/http"
)

// addListRoutes adds the list endpoints of users, tracks and playlists, the
// bulk lookups, and the /v1/full variants of every /v1 endpoint. Each
// endpoint is wrapped in withViewer, so user_id fills the viewer fields.
//
// The lists of one entity share one {list} pattern per kind, chosen by
// name: ServeMux refuses /v1/users/{id}/reposts beside
// /v1/users/handle/{handle} (both match /v1/users/handle/reposts), and a
// fixed path such as /v1/tracks/trending/ids stays more specific than
// /v1/tracks/{id}/{list}, so other endpoints can be added beside these.
func addListRoutes(mux *http.ServeMux, cfg Config, store Store, chain ChainHead, logger *slog.Logger) {
	handle := func(pattern string, h http.Handler) {
		mux.Handle(pattern, withViewer(store, logger, h))
	}
	handle("GET /v1/users", handleBulkUsers(store, logger))
	handle("GET /v1/users/{id}/{list}", byPathValue("list", userLists(store, logger), logger))
	handle("GET /v1/users/handle/{handle}/tracks", handleUserTrackList(store, logger, userByHandle))

	handle("GET /v1/tracks", handleBulkTracks(store, logger))
	handle("GET /v1/tracks/{id}/{list}", byPathValue("list", trackLists(store, logger), logger))

	handle("GET /v1/playlists", handleBulkPlaylists(store, logger))
	handle("GET /v1/playlists/{id}/{list}", byPathValue("list", playlistLists(store, logger), logger))
	handle("GET /v1/playlists/by_permalink/{handle}/{slug}", handlePlaylistByPermalink(store, logger))

	mux.Handle("GET "+fullPrefix+"/", handleFull(mux, cfg, store, chain, logger))
}
