package api

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/discovery-node/discovery"
)

// The lists of one user: /v1/users/{id}/{list} and the bulk /v1/users.
// Lists of what a deactivated user made or did are empty, as their profile
// is on Audius; lists of users leave deactivated users out (the store's
// rule).

// userLists are the handlers of /v1/users/{id}/{list}, by list name.
func userLists(store Store, logger *slog.Logger) map[string]http.Handler {
	return map[string]http.Handler{
		"tracks":      handleUserTrackList(store, logger, userOfPath),
		"followers":   handleFollowers(store, logger),
		"following":   handleFollowing(store, logger),
		"reposts":     handleUserReposts(store, logger),
		"favorites":   handleUserFavorites(store, logger),
		"playlists":   handleUserPlaylists(store, logger, false),
		"albums":      handleUserPlaylists(store, logger, true),
		"mutuals":     handleMutuals(store, logger),
		"related":     handleRelated(store, logger),
		"subscribers": handleSubscribers(store, logger),
		"feed":        handleFeed(store, logger),
	}
}

// handleBulkUsers answers /v1/users?id=..&id=..: the users that exist, in
// the order asked, deactivated ones included as /v1/users/{id} serves them.
func handleBulkUsers(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		ids, err := idsOf(r, "user")
		if err != nil {
			return nil, err
		}
		users, err := store.GetUsers(r.Context(), ids)
		if err != nil {
			return nil, fmt.Errorf("get %d users: %w", len(ids), err)
		}
		return newUsersJSON(users), nil
	})
}

// userByHandle loads the user named by the {handle} path value.
func userByHandle(r *http.Request, store Store) (*discovery.User, error) {
	handle := r.PathValue("handle")
	u, err := store.GetUserByHandle(r.Context(), handle)
	if err != nil {
		return nil, fmt.Errorf("get user by handle %q: %w", handle, err)
	}
	return u, nil
}

// handleUserTrackList answers a user's tracks, the user named by the path
// as userOf reads it, sorted and filtered as userTracksQuery reads.
func handleUserTrackList(store Store, logger *slog.Logger, userOf func(*http.Request, Store) (*discovery.User, error)) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]trackJSON, error) {
		page, err := listPage(r)
		if err != nil {
			return nil, err
		}
		q, wantUnlisted, err := userTracksQuery(r)
		if err != nil {
			return nil, err
		}
		owner, err := userOf(r, store)
		if err != nil {
			return nil, err
		}
		if owner.IsDeactivated {
			return []trackJSON{}, nil
		}
		q.OwnerID, q.Unlisted = owner.ID, wantUnlisted && isViewer(r, owner.ID)
		tracks, err := store.UserTrackList(r.Context(), q, page)
		if err != nil {
			return nil, fmt.Errorf("list tracks of user %d: %w", owner.ID, err)
		}
		return newTracksJSON(tracks, owner), nil
	})
}

func handleUserPlaylists(store Store, logger *slog.Logger, albums bool) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]playlistJSON, error) {
		page, err := listPage(r)
		if err != nil {
			return nil, err
		}
		q, err := userPlaylistsQuery(r, albums)
		if err != nil {
			return nil, err
		}
		owner, err := userOfPath(r, store)
		if err != nil {
			return nil, err
		}
		if owner.IsDeactivated {
			return []playlistJSON{}, nil
		}
		q.OwnerID, q.IncludePrivate = owner.ID, isViewer(r, owner.ID)
		playlists, err := store.UserPlaylists(r.Context(), q, page)
		if err != nil {
			return nil, fmt.Errorf("list playlists of user %d: %w", owner.ID, err)
		}
		out := make([]playlistJSON, len(playlists))
		for i := range playlists {
			out[i] = newPlaylistJSON(&playlists[i], owner)
		}
		return out, nil
	})
}

func handleUserReposts(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]activityJSON, error) {
		u, page, err := listUserAndPage(r, store)
		if err != nil || u.IsDeactivated {
			return []activityJSON{}, err
		}
		acts, err := store.UserReposts(r.Context(), u.ID, page)
		if err != nil {
			return nil, fmt.Errorf("list reposts of user %d: %w", u.ID, err)
		}
		tracks, playlists, err := activityItems(r.Context(), store, acts)
		if err != nil {
			return nil, fmt.Errorf("reposts of user %d: %w", u.ID, err)
		}
		out := make([]activityJSON, 0, len(acts))
		for _, a := range acts {
			item := itemOf(a, tracks, playlists)
			if item == nil {
				continue
			}
			class := "track_activity"
			if a.ItemType == discovery.ItemPlaylist {
				class = "collection_activity"
			}
			out = append(out, activityJSON{Timestamp: timestampOf(a.At), ItemType: a.ItemType, Item: item, Class: class})
		}
		return out, nil
	})
}

func handleUserFavorites(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]favoriteJSON, error) {
		u, page, err := listUserAndPage(r, store)
		if err != nil || u.IsDeactivated {
			return []favoriteJSON{}, err
		}
		saves, err := store.UserFavorites(r.Context(), u.ID, page)
		if err != nil {
			return nil, fmt.Errorf("list favorites of user %d: %w", u.ID, err)
		}
		out := make([]favoriteJSON, len(saves))
		for i, s := range saves {
			out[i] = newFavoriteJSON(s)
		}
		return out, nil
	})
}

// handleMutuals answers the followers of the user whom the viewer follows;
// without a viewer there are none, as on Audius.
func handleMutuals(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		u, page, err := listUserAndPage(r, store)
		if err != nil {
			return nil, err
		}
		viewer, hasViewer, err := viewerOf(r)
		if err != nil || !hasViewer {
			return []userJSON{}, err
		}
		users, err := store.Mutuals(r.Context(), u.ID, viewer, page)
		if err != nil {
			return nil, fmt.Errorf("list mutuals of user %d: %w", u.ID, err)
		}
		return newUsersJSON(users), nil
	})
}

func handleRelated(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		filterFollowed, err := boolParam(r, "filter_followed", false)
		if err != nil {
			return nil, err
		}
		u, page, err := listUserAndPage(r, store)
		if err != nil {
			return nil, err
		}
		viewer, hasViewer, err := viewerOf(r)
		if err != nil {
			return nil, err
		}
		var exclude int64
		if filterFollowed && hasViewer {
			exclude = viewer
		}
		users, err := store.RelatedUsers(r.Context(), u.ID, exclude, page)
		if err != nil {
			return nil, fmt.Errorf("list users related to %d: %w", u.ID, err)
		}
		return newUsersJSON(users), nil
	})
}

func handleSubscribers(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		u, page, err := listUserAndPage(r, store)
		if err != nil {
			return nil, err
		}
		users, err := store.Subscribers(r.Context(), u.ID, page)
		if err != nil {
			return nil, fmt.Errorf("list subscribers of user %d: %w", u.ID, err)
		}
		return newUsersJSON(users), nil
	})
}

// handleFeed answers the feed of the user in the path. filter chooses the
// originals of followed users, their reposts, or both (all), as on Audius.
func handleFeed(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]feedItemJSON, error) {
		filter, err := choice(r, "filter", "all", "all", "original", "repost")
		if err != nil {
			return nil, err
		}
		u, page, err := listUserAndPage(r, store)
		if err != nil {
			return nil, err
		}
		q := discovery.FeedQuery{UserID: u.ID, Originals: filter != "repost", Reposts: filter != "original"}
		acts, err := store.Feed(r.Context(), q, page)
		if err != nil {
			return nil, fmt.Errorf("feed of user %d: %w", u.ID, err)
		}
		tracks, playlists, err := activityItems(r.Context(), store, acts)
		if err != nil {
			return nil, fmt.Errorf("feed of user %d: %w", u.ID, err)
		}
		out := make([]feedItemJSON, 0, len(acts))
		for _, a := range acts {
			if item := itemOf(a, tracks, playlists); item != nil {
				out = append(out, feedItemJSON{Type: a.ItemType, Timestamp: timestampOf(a.At), Item: item})
			}
		}
		return out, nil
	})
}

// listPage reads the page and checks the viewer parameter, the arguments
// every list takes, before the store is asked anything.
func listPage(r *http.Request) (discovery.Page, error) {
	page, err := pageOf(r)
	if err != nil {
		return page, err
	}
	_, _, err = viewerOf(r)
	return page, err
}

// listUserAndPage reads the list arguments and the user of the path.
func listUserAndPage(r *http.Request, store Store) (*discovery.User, discovery.Page, error) {
	page, err := listPage(r)
	if err != nil {
		return nil, page, err
	}
	u, err := userOfPath(r, store)
	return u, page, err
}
