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
		t, owner, err := store.GetTrackWithOwner(r.Context(), id)
		if err != nil {
			return trackJSON{}, notFoundAs("track", raw, fmt.Errorf("get track %d: %w", id, err))
		}
		if owner == nil {
			return trackJSON{}, missingOwner(t.OwnerID, nil)
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

// missingOwner is the error of an entity whose owner the index lacks: the
// index is inconsistent, which is the server's fault, not the client's, so
// it is reported as internal rather than "not found".
func missingOwner(ownerID int64, err error) error {
	return &discovery.Error{Code: discovery.EINTERNAL, Message: fmt.Sprintf("owner %d is missing from the index", ownerID), Err: err}
}

// ownerOf loads the owner of a track or playlist.
func ownerOf(ctx context.Context, store Store, ownerID int64) (*discovery.User, error) {
	owner, err := store.GetUser(ctx, ownerID)
	if discovery.ErrorCode(err) == discovery.ENOTFOUND {
		return nil, missingOwner(ownerID, err)
	}
	if err != nil {
		return nil, fmt.Errorf("get owner %d: %w", ownerID, err)
	}
	return owner, nil
}
