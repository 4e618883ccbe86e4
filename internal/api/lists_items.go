package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/discovery-node/discovery"
)

// The lists of one track or playlist (/v1/tracks/{id}/{list},
// /v1/playlists/{id}/{list}), the bulk /v1/tracks and /v1/playlists, and
// playlists by permalink.

func trackLists(store Store, logger *slog.Logger) map[string]http.Handler {
	return map[string]http.Handler{
		"reposts":   handleItemUsers(store, logger, discovery.ItemTrack, Store.Reposters),
		"favorites": handleItemUsers(store, logger, discovery.ItemTrack, Store.Savers),
		"remixes":   handleRemixes(store, logger),
		"stems":     handleStems(store, logger),
	}
}

func playlistLists(store Store, logger *slog.Logger) map[string]http.Handler {
	return map[string]http.Handler{
		"reposts":   handleItemUsers(store, logger, discovery.ItemPlaylist, Store.Reposters),
		"favorites": handleItemUsers(store, logger, discovery.ItemPlaylist, Store.Savers),
		"tracks":    handlePlaylistTracks(store, logger),
	}
}

// handleBulkTracks answers /v1/tracks?id=..: the live tracks among the ids,
// in the order asked, unlisted ones included as /v1/tracks/{id} serves them.
func handleBulkTracks(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]trackJSON, error) {
		if err := refuseParams(r, "ask by id, or resolve a permalink with /v1/resolve", "permalink", "isrc"); err != nil {
			return nil, err
		}
		ids, err := idsOf(r, "track")
		if err != nil {
			return nil, err
		}
		tracks, err := store.TracksByID(r.Context(), ids)
		if err != nil {
			return nil, fmt.Errorf("get %d tracks: %w", len(ids), err)
		}
		return tracksWithOwners(r.Context(), store, tracks)
	})
}

// handleBulkPlaylists answers /v1/playlists?id=..: the live playlists among
// the ids, in the order asked.
func handleBulkPlaylists(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]playlistJSON, error) {
		if err := refuseParams(r, "ask by id", "upc"); err != nil {
			return nil, err
		}
		ids, err := idsOf(r, "playlist")
		if err != nil {
			return nil, err
		}
		playlists, err := store.PlaylistsByID(r.Context(), ids)
		if err != nil {
			return nil, fmt.Errorf("get %d playlists: %w", len(ids), err)
		}
		return playlistsWithOwners(r.Context(), store, playlists)
	})
}

// itemOfPath checks that the track or playlist named by the {id} path value
// exists and is not deleted, and returns its id.
func itemOfPath(r *http.Request, store Store, itemType string) (int64, error) {
	raw := r.PathValue("id")
	id, err := parseID(itemType, raw)
	if err != nil {
		return 0, err
	}
	if itemType == discovery.ItemTrack {
		_, err = store.GetTrack(r.Context(), id)
	} else {
		_, err = store.GetPlaylist(r.Context(), id)
	}
	if err != nil {
		return 0, notFoundIn(itemType, raw, err)
	}
	return id, nil
}

// handleItemUsers answers who reposted or saved a track or playlist.
func handleItemUsers(store Store, logger *slog.Logger, itemType string,
	list func(Store, context.Context, string, int64, discovery.Page) ([]discovery.User, error)) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		page, err := listPage(r)
		if err != nil {
			return nil, err
		}
		id, err := itemOfPath(r, store, itemType)
		if err != nil {
			return nil, err
		}
		users, err := list(store, r.Context(), itemType, id, page)
		if err != nil {
			return nil, fmt.Errorf("list users of %s %d: %w", itemType, id, err)
		}
		return newUsersJSON(users), nil
	})
}

func handleRemixes(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]trackJSON, error) {
		page, err := listPage(r)
		if err != nil {
			return nil, err
		}
		id, err := itemOfPath(r, store, discovery.ItemTrack)
		if err != nil {
			return nil, err
		}
		tracks, err := store.Remixes(r.Context(), id, page)
		if err != nil {
			return nil, fmt.Errorf("list remixes of track %d: %w", id, err)
		}
		return tracksWithOwners(r.Context(), store, tracks)
	})
}

// handleStems answers the stems of a track in the reference's stem shape.
func handleStems(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]stemJSON, error) {
		page, err := stemsPage(r)
		if err != nil {
			return nil, err
		}
		id, err := itemOfPath(r, store, discovery.ItemTrack)
		if err != nil {
			return nil, err
		}
		stems, err := store.Stems(r.Context(), id, page)
		if err != nil {
			return nil, fmt.Errorf("list stems of track %d: %w", id, err)
		}
		out := make([]stemJSON, len(stems))
		for i := range stems {
			out[i] = newStemJSON(&stems[i])
		}
		return out, nil
	})
}

// handlePlaylistTracks answers a playlist's tracks in its order, repeats
// kept. Deleted tracks and tracks of deactivated users are left out, and
// unlisted ones unless the viewer owns the playlist, as Audius hides them.
func handlePlaylistTracks(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]trackJSON, error) {
		if _, _, err := viewerOf(r); err != nil {
			return nil, err
		}
		raw := r.PathValue("id")
		id, err := parseID("playlist", raw)
		if err != nil {
			return nil, err
		}
		p, err := store.GetPlaylist(r.Context(), id)
		if err != nil {
			return nil, notFoundIn("playlist", raw, err)
		}
		ids := make([]int64, len(p.Tracks))
		for i, t := range p.Tracks {
			ids[i] = t.TrackID
		}
		tracks, err := store.TracksByID(r.Context(), ids)
		if err != nil {
			return nil, fmt.Errorf("tracks of playlist %d: %w", id, err)
		}
		all, err := tracksWithOwners(r.Context(), store, tracks)
		if err != nil {
			return nil, fmt.Errorf("tracks of playlist %d: %w", id, err)
		}
		showUnlisted := isViewer(r, p.OwnerID)
		byID := make(map[int64]int, len(tracks))
		for i := range tracks {
			if (!tracks[i].IsUnlisted || showUnlisted) && !all[i].User.IsDeactivated {
				byID[tracks[i].ID] = i
			}
		}
		out := make([]trackJSON, 0, len(ids))
		for _, tid := range ids {
			if i, ok := byID[tid]; ok {
				out = append(out, all[i])
			}
		}
		return out, nil
	})
}

// handlePlaylistByPermalink answers /v1/playlists/by_permalink/{handle}/{slug}
// with an array of the one playlist, as /v1/playlists/{id} does. Playlists
// and albums share the slugs of their owner, and a renamed one's old slug
// still resolves.
func handlePlaylistByPermalink(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]playlistJSON, error) {
		if _, _, err := viewerOf(r); err != nil {
			return nil, err
		}
		owner, err := userByHandle(r, store)
		if err != nil {
			return nil, err
		}
		slug := r.PathValue("slug")
		route, ok, err := store.Route(r.Context(), discovery.RouteKey{OwnerID: owner.ID, Kind: discovery.ItemPlaylist, Slug: slug})
		if err != nil {
			return nil, fmt.Errorf("route %s/%s: %w", owner.Handle, slug, err)
		}
		if !ok {
			return nil, discovery.Errorf(discovery.ENOTFOUND, "%s has no playlist or album at %q", owner.Handle, slug)
		}
		p, err := store.GetPlaylist(r.Context(), route.EntityID)
		if err != nil {
			return nil, notFoundAs("playlist", slug, fmt.Errorf("playlist of %s/%s: %w", owner.Handle, slug, err))
		}
		return []playlistJSON{newPlaylistJSON(p, owner)}, nil
	})
}
