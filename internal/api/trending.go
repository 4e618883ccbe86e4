package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// Trending answers: the rankings the store keeps (docs/trending.md), in
// the shapes of the Audius API. The store ranks; these handlers only read
// the parameters and embed owners.

// defaultTrendingIDsLimit is how many ids of each window /trending/ids
// answers without a limit, as Audius does.
const defaultTrendingIDsLimit = 10

// trendingIDsJSON is the answer of /v1/tracks/trending/ids: the ids of the
// top tracks of each window, as Audius's trending_times_ids.
type trendingIDsJSON struct {
	Week  []trackIDJSON `json:"week"`
	Month []trackIDJSON `json:"month"`
	Year  []trackIDJSON `json:"year"`
}

type trackIDJSON struct {
	ID string `json:"id"`
}

// sharedAnswerRoutes are the routes whose answers the answer cache keeps
// per indexed head (their /v1/full variants too). Trending is the one
// answer every listener asks with the same parameters (the home page's
// week, month and year) and also the costliest to compute (a ranking, its
// owners, a large body to encode and gzip), so one computation per block
// serves everyone. Single lookups and lists are left out: their keys are
// spread over every entity, so a cache would mostly miss, cost memory
// and evict the answers that do repeat.
var sharedAnswerRoutes = []string{"/v1/tracks/trending", "/v1/tracks/trending/ids", "/v1/playlists/trending"}

// addTrendingRoutes adds the trending endpoints, wrapped in withViewer so
// user_id fills the viewer fields; their /v1/full variants come with
// every other endpoint's (addListRoutes).
func addTrendingRoutes(mux *http.ServeMux, store Store, pages *trendingPages, logger *slog.Logger) {
	mux.Handle("GET /v1/tracks/trending", withViewer(store, logger, handleTrendingTracks(store, pages, logger)))
	mux.Handle("GET /v1/tracks/trending/ids", withViewer(store, logger, handleTrendingTrackIDs(store, logger)))
	mux.Handle("GET /v1/playlists/trending", withViewer(store, logger, handleTrendingPlaylists(store, logger)))
}

// handleTrendingTracks answers a page of the ranking with the tracks'
// owners, from pages when it holds it.
func handleTrendingTracks(store Store, pages *trendingPages, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]trackJSON, error) {
		window, err := trendingWindowOf(r)
		if err != nil {
			return nil, err
		}
		page, err := pageOf(r)
		if err != nil {
			return nil, err
		}
		q := discovery.TrendingTrackQuery{Window: window, Genre: r.URL.Query().Get("genre"), Page: page}
		return pages.get(r.Context(), trendingPageKey{window: q.Window, genre: q.Genre, page: q.Page},
			func(ctx context.Context) ([]trackJSON, error) {
				ranked, err := store.TrendingTracks(ctx, q)
				if err != nil {
					return nil, fmt.Errorf("trending tracks %s: %w", window, err)
				}
				tracks := make([]discovery.Track, len(ranked))
				for i := range ranked {
					tracks[i] = ranked[i].Track
				}
				return tracksWithOwners(ctx, store, tracks)
			})
	})
}

// handleTrendingTrackIDs answers the top ids of the week, month and year,
// each page taken from its own ranking.
func handleTrendingTrackIDs(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) (trendingIDsJSON, error) {
		page, err := trendingIDsPage(r)
		if err != nil {
			return trendingIDsJSON{}, err
		}
		genre := r.URL.Query().Get("genre")
		var out trendingIDsJSON
		for _, w := range []struct {
			window discovery.TrendingWindow
			ids    *[]trackIDJSON
		}{{discovery.TrendingWeek, &out.Week}, {discovery.TrendingMonth, &out.Month}, {discovery.TrendingYear, &out.Year}} {
			ranked, err := store.TrendingTracks(r.Context(), discovery.TrendingTrackQuery{Window: w.window, Genre: genre, Page: page})
			if err != nil {
				return trendingIDsJSON{}, fmt.Errorf("trending track ids %s: %w", w.window, err)
			}
			*w.ids = make([]trackIDJSON, len(ranked))
			for i, t := range ranked {
				(*w.ids)[i] = trackIDJSON{ID: hashid.Encode(t.Track.ID)}
			}
		}
		return out, nil
	})
}

func handleTrendingPlaylists(store Store, logger *slog.Logger) http.Handler {
	return dataHandler(logger, func(r *http.Request) ([]playlistJSON, error) {
		window, err := trendingWindowOf(r)
		if err != nil {
			return nil, err
		}
		albums, err := playlistTypeOf(r)
		if err != nil {
			return nil, err
		}
		// omit_tracks asks to leave out the tracks Audius embeds in full
		// trending playlists; ours never embed them, so it only needs to
		// be well formed.
		if s := r.URL.Query().Get("omit_tracks"); s != "" {
			if _, err := strconv.ParseBool(s); err != nil {
				return nil, discovery.Errorf(discovery.EINVALID, "omit_tracks %q is invalid: use true or false", s)
			}
		}
		page, err := pageOf(r)
		if err != nil {
			return nil, err
		}
		q := discovery.TrendingPlaylistQuery{Window: window, Albums: albums, Page: page}
		ranked, err := store.TrendingPlaylists(r.Context(), q)
		if err != nil {
			return nil, fmt.Errorf("trending playlists %s: %w", window, err)
		}
		playlists := make([]discovery.Playlist, len(ranked))
		for i := range ranked {
			playlists[i] = ranked[i].Playlist
		}
		return playlistsWithOwners(r.Context(), store, playlists)
	})
}

// trendingWindowOf reads the time parameter; week when absent, as Audius.
func trendingWindowOf(r *http.Request) (discovery.TrendingWindow, error) {
	s := r.URL.Query().Get("time")
	if s == "" {
		return discovery.TrendingWeek, nil
	}
	w := discovery.TrendingWindow(s)
	if !w.Valid() {
		return "", discovery.Errorf(discovery.EINVALID, "time %q is invalid: use week, month, year or allTime", s)
	}
	return w, nil
}

// playlistTypeOf reads the type parameter of trending playlists: whether
// to rank albums rather than playlists.
func playlistTypeOf(r *http.Request) (albums bool, err error) {
	switch s := r.URL.Query().Get("type"); s {
	case "", "playlist":
		return false, nil
	case "album":
		return true, nil
	default:
		return false, discovery.Errorf(discovery.EINVALID, "type %q is invalid: use playlist or album", s)
	}
}

// trendingIDsPage is pageOf with Audius's smaller default limit.
func trendingIDsPage(r *http.Request) (discovery.Page, error) {
	page, err := pageOf(r)
	if err != nil {
		return page, err
	}
	if strings.TrimSpace(r.URL.Query().Get("limit")) == "" {
		page.Limit = defaultTrendingIDsLimit
	}
	return page, nil
}
