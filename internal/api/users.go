package api

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/discovery-node/discovery"
)

func handleUser(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) (userJSON, error) {
		u, err := userOfPath(r, store)
		if err != nil {
			return userJSON{}, err
		}
		return newUserJSON(u), nil
	})
}

func handleUserByHandle(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) (userJSON, error) {
		handle := r.PathValue("handle")
		u, err := store.GetUserByHandle(r.Context(), handle)
		if err != nil {
			return userJSON{}, fmt.Errorf("get user by handle %q: %w", handle, err)
		}
		return newUserJSON(u), nil
	})
}

func handleFollowers(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		u, page, err := userAndPage(r, store)
		if err != nil {
			return nil, err
		}
		users, err := store.Followers(r.Context(), u.ID, page)
		if err != nil {
			return nil, fmt.Errorf("list followers of user %d: %w", u.ID, err)
		}
		return newUsersJSON(users), nil
	})
}

func handleFollowing(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		u, page, err := userAndPage(r, store)
		if err != nil {
			return nil, err
		}
		users, err := store.Following(r.Context(), u.ID, page)
		if err != nil {
			return nil, fmt.Errorf("list users followed by user %d: %w", u.ID, err)
		}
		return newUsersJSON(users), nil
	})
}

// userOfPath loads the user named by the {id} path value.
func userOfPath(r *http.Request, store Store) (*discovery.User, error) {
	raw := r.PathValue("id")
	id, err := parseID("user", raw)
	if err != nil {
		return nil, err
	}
	u, err := store.GetUser(r.Context(), id)
	if err != nil {
		return nil, notFoundAs("user", raw, fmt.Errorf("get user %d: %w", id, err))
	}
	return u, nil
}

// userAndPage reads what every list of a user needs. The page is checked
// before the store is asked anything.
func userAndPage(r *http.Request, store Store) (*discovery.User, discovery.Page, error) {
	page, err := pageOf(r)
	if err != nil {
		return nil, page, err
	}
	u, err := userOfPath(r, store)
	return u, page, err
}
