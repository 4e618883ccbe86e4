package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/discovery-node/discovery"
)

// Search answers /v1/users/search, /v1/tracks/search and
// /v1/playlists/search with the stores' relevance-ranked search (see
// discovery.SearchQuery for the ranking). The parameters are the
// reference's: query, sort_method, genre and mood (repeatable), is_verified
// for users; offset and limit; user_id for the viewer fields. The
// reference's purchase, download, key and bpm filters describe content
// Discovery does not index; they are accepted and have no effect.

// addSearchRoutes adds the three search endpoints, wrapped in withViewer
// so user_id fills the viewer fields; their /v1/full variants come with
// every other endpoint's (addListRoutes).
func addSearchRoutes(mux *http.ServeMux, store Store, logger *slog.Logger) {
	mux.Handle("GET /v1/users/search", withViewer(store, logger, handleUserSearch(store, logger)))
	mux.Handle("GET /v1/tracks/search", withViewer(store, logger, handleTrackSearch(store, logger)))
	mux.Handle("GET /v1/playlists/search", withViewer(store, logger, handlePlaylistSearch(store, logger)))
}

func handleUserSearch(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]userJSON, error) {
		q, page, err := searchOf(r, searchParams{genre: true, verified: true})
		if err != nil {
			return nil, err
		}
		users, err := store.FindUsers(r.Context(), q, page)
		if err != nil {
			return nil, fmt.Errorf("search users %q: %w", q.Query, err)
		}
		return newUsersJSON(users), nil
	})
}

func handleTrackSearch(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]trackJSON, error) {
		q, page, err := searchOf(r, searchParams{genre: true, mood: true})
		if err != nil {
			return nil, err
		}
		tracks, err := store.FindTracks(r.Context(), q, page)
		if err != nil {
			return nil, fmt.Errorf("search tracks %q: %w", q.Query, err)
		}
		return tracksWithOwners(r.Context(), store, tracks)
	})
}

func handlePlaylistSearch(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]playlistJSON, error) {
		// Playlists have no genre or mood: the reference lists both
		// parameters, so they are accepted, and filter nothing.
		q, page, err := searchOf(r, searchParams{})
		if err != nil {
			return nil, err
		}
		playlists, err := store.FindPlaylists(r.Context(), q, page)
		if err != nil {
			return nil, fmt.Errorf("search playlists %q: %w", q.Query, err)
		}
		return playlistsWithOwners(r.Context(), store, playlists)
	})
}

// searchParams says which filters an endpoint applies.
type searchParams struct {
	genre, mood, verified bool
}

// searchOf reads and checks a search's parameters. A query is required
// unless a filter is given: an empty search would list everything.
func searchOf(r *http.Request, use searchParams) (discovery.SearchQuery, discovery.Page, error) {
	v := r.URL.Query()
	q := discovery.SearchQuery{Query: strings.TrimSpace(v.Get("query"))}
	var err error
	if q.Sort, err = sortMethodOf(v.Get("sort_method")); err != nil {
		return q, discovery.Page{}, err
	}
	if use.genre {
		q.Genres = valuesOf(v["genre"])
	}
	if use.mood {
		q.Moods = valuesOf(v["mood"])
	}
	if use.verified {
		if q.VerifiedOnly, err = searchFlag("is_verified", v.Get("is_verified")); err != nil {
			return q, discovery.Page{}, err
		}
	}
	if q.Query == "" && len(q.Genres) == 0 && len(q.Moods) == 0 && !q.VerifiedOnly {
		return q, discovery.Page{}, discovery.Errorf(discovery.EINVALID,
			"the query parameter is required: say what to search for, as in ?query=name")
	}
	if err := q.Validate(); err != nil {
		return q, discovery.Page{}, err
	}
	page, err := pageOf(r)
	return q, page, err
}

// sortMethodOf reads sort_method; absent is relevant.
func sortMethodOf(s string) (discovery.SearchSort, error) {
	switch m := discovery.SearchSort(s); m {
	case "", discovery.SortRelevant, discovery.SortPopular, discovery.SortRecent:
		return m, nil
	default:
		return "", discovery.Errorf(discovery.EINVALID,
			"sort_method %q is invalid: use relevant, popular or recent", clipParam(s))
	}
}

// searchFlag reads a true/false parameter; absent is false.
func searchFlag(name, s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, discovery.Errorf(discovery.EINVALID, "%s %q is invalid: use true or false", name, clipParam(s))
	}
	return b, nil
}

// valuesOf drops the empty values of a repeated parameter.
func valuesOf(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// clipParam shortens a parameter quoted back in an error message.
func clipParam(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
