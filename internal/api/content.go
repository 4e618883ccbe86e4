package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/discovery-node/discovery"
)

func handleTrack(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) (trackJSON, error) {
		raw := r.PathValue("id")
		id, err := parseID("track", raw)
		if err != nil {
			return trackJSON{}, err
		}
		t, err := store.GetTrack(r.Context(), id)
		if err != nil {
			return trackJSON{}, notFoundAs("track", raw, fmt.Errorf("get track %d: %w", id, err))
		}
		owner, err := ownerOf(r.Context(), store, t.OwnerID)
		if err != nil {
			return trackJSON{}, fmt.Errorf("track %d: %w", id, err)
		}
		return newTrackJSON(t, owner), nil
	})
}

// handlePlaylist answers an array holding the one playlist, as the Audius
// API does.
func handlePlaylist(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]playlistJSON, error) {
		raw := r.PathValue("id")
		id, err := parseID("playlist", raw)
		if err != nil {
			return nil, err
		}
		p, err := store.GetPlaylist(r.Context(), id)
		if err != nil {
			return nil, notFoundAs("playlist", raw, fmt.Errorf("get playlist %d: %w", id, err))
		}
		owner, err := ownerOf(r.Context(), store, p.OwnerID)
		if err != nil {
			return nil, fmt.Errorf("playlist %d: %w", id, err)
		}
		return []playlistJSON{newPlaylistJSON(p, owner)}, nil
	})
}

// ownerOf loads the owner of a track or playlist. A missing owner is a fault
// of the index, not of the request, so it is reported as internal rather
// than "not found".
func ownerOf(ctx context.Context, store Store, ownerID int64) (*discovery.User, error) {
	owner, err := store.GetUser(ctx, ownerID)
	if discovery.ErrorCode(err) == discovery.ENOTFOUND {
		return nil, &discovery.Error{Code: discovery.EINTERNAL, Message: fmt.Sprintf("owner %d is missing from the index", ownerID), Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("get owner %d: %w", ownerID, err)
	}
	return owner, nil
}
