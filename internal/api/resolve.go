package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// maxResolveURL bounds the url parameter; real permalinks are far shorter.
const maxResolveURL = 2048

// handleResolve turns an app URL (https://host/{handle},
// /{handle}/{slug}, /{handle}/playlist/{slug} or /{handle}/album/{slug})
// into a redirect to the API resource it names, as the reference API does;
// clients follow it and get the entity. Old slugs of renamed tracks and
// playlists resolve too: routes are kept.
func handleResolve(store Store, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target, err := resolve(r, store)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}

func resolve(r *http.Request, store Store) (string, error) {
	raw := r.URL.Query().Get("url")
	if raw == "" {
		return "", discovery.Errorf(discovery.EINVALID, "url is required: an app URL or its path, e.g. /handle/track-slug")
	}
	if len(raw) > maxResolveURL {
		return "", discovery.Errorf(discovery.EINVALID, "url is %d characters, over %d", len(raw), maxResolveURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", discovery.Errorf(discovery.EINVALID, "url %q does not parse: %v", raw, err)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 0 || parts[0] == "" || len(parts) > 3 {
		return "", discovery.Errorf(discovery.EINVALID, "url %q is not /{handle}, /{handle}/{slug}, /{handle}/playlist/{slug} or /{handle}/album/{slug}", raw)
	}
	owner, err := store.GetUserByHandle(r.Context(), parts[0])
	if err != nil {
		return "", notFoundAs("user", parts[0], fmt.Errorf("resolve %q: %w", raw, err))
	}
	kind, prefix, slug := discovery.ItemTrack, "/v1/tracks/", ""
	switch {
	case len(parts) == 1:
		return "/v1/users/" + hashid.Encode(owner.ID), nil
	case len(parts) == 2:
		slug = parts[1]
	case parts[1] == "playlist" || parts[1] == "album":
		kind, prefix, slug = discovery.ItemPlaylist, "/v1/playlists/", parts[2]
	default:
		return "", discovery.Errorf(discovery.EINVALID, "url %q: the second part of a three-part path must be playlist or album", raw)
	}
	route, ok, err := store.Route(r.Context(), discovery.RouteKey{OwnerID: owner.ID, Kind: kind, Slug: slug})
	if err != nil {
		return "", fmt.Errorf("resolve %q: %w", raw, err)
	}
	if !ok {
		return "", discovery.Errorf(discovery.ENOTFOUND, "nothing of %s is at %q", owner.Handle, slug)
	}
	// A deleted entity keeps its routes so they never name another one,
	// but it resolves to nothing.
	if kind == discovery.ItemTrack {
		_, err = store.GetTrack(r.Context(), route.EntityID)
	} else {
		_, err = store.GetPlaylist(r.Context(), route.EntityID)
	}
	if err != nil {
		return "", notFoundAs(kind, slug, fmt.Errorf("resolve %q: %w", raw, err))
	}
	return prefix + hashid.Encode(route.EntityID), nil
}
