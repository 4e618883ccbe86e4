package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// Query parameters of the list endpoints. Every value is checked against a
// fixed set here, before the store is asked anything; the store sees only
// the constants these map to.

// viewerOf reads the user_id parameter: the user making the request, whose
// follows, reposts and saves fill the viewer fields of an answer. ok is
// false when there is none.
func viewerOf(r *http.Request) (id int64, ok bool, err error) {
	raw := r.URL.Query().Get("user_id")
	if raw == "" {
		return 0, false, nil
	}
	id, err = parseID("user", raw)
	if err != nil {
		return 0, false, discovery.Errorf(discovery.EINVALID,
			"user_id %q is not a valid user id: it names the user making the request, as a hashid such as %q or a decimal number",
			raw, hashid.Encode(1))
	}
	return id, true, nil
}

// maxBulkIDs is how many ids one bulk request may name: a page's worth.
const maxBulkIDs = maxLimit

// idsOf reads the repeated id parameter of a bulk request, in order and
// without repeats.
func idsOf(r *http.Request, kind string) ([]int64, error) {
	raws := r.URL.Query()["id"]
	if len(raws) == 0 {
		return nil, discovery.Errorf(discovery.EINVALID, "id is required: name the %ss to fetch, as in ?id=%s&id=%s",
			kind, hashid.Encode(1), hashid.Encode(2))
	}
	if len(raws) > maxBulkIDs {
		return nil, discovery.Errorf(discovery.EINVALID, "%d ids asked for: at most %d may be fetched at once", len(raws), maxBulkIDs)
	}
	ids := make([]int64, 0, len(raws))
	for _, raw := range raws {
		id, err := parseID(kind, raw)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// refuseParams answers 400 when any of the named parameters is set: the
// reference API has them, Discovery does not serve them, and ignoring one
// would answer a different question than the client asked.
func refuseParams(r *http.Request, why string, names ...string) error {
	q := r.URL.Query()
	for _, name := range names {
		if q.Get(name) != "" {
			return discovery.Errorf(discovery.EINVALID, "the %s parameter is not supported: %s", name, why)
		}
	}
	return nil
}

// choice reads a parameter that must be one of allowed, or def when it is
// absent.
func choice(r *http.Request, name, def string, allowed ...string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	if !slices.Contains(allowed, v) {
		return "", discovery.Errorf(discovery.EINVALID, "%s %q is invalid: it must be one of %s", name, v, strings.Join(allowed, ", "))
	}
	return v, nil
}

// boolParam reads a true/false parameter, def when it is absent.
func boolParam(r *http.Request, name string, def bool) (bool, error) {
	v, err := choice(r, name, "", "true", "false")
	if err != nil || v == "" {
		return def, err
	}
	return v == "true", nil
}

// trackSorts maps sort_method values to the store's orders, with their
// default direction. artist_name sorts one artist's tracks, all tied on the
// name, so it is their default order.
var trackSorts = map[string]struct {
	sort string
	desc bool
}{
	"added_date":   {discovery.TrackByDate, true},
	"artist_name":  {discovery.TrackByDate, true},
	"plays":        {discovery.TrackByPlays, true},
	"release_date": {discovery.TrackByReleaseDate, true},
	"reposts":      {discovery.TrackByReposts, true},
	"saves":        {discovery.TrackBySaves, true},
	"title":        {discovery.TrackByTitle, false},
}

// userTracksQuery reads sort, sort_method, sort_direction and filter_tracks.
// The owner is not known yet: the caller sets OwnerID, and Unlisted to
// wantUnlisted only when the viewer is the owner, as unlisted tracks are
// shown to their owner alone.
func userTracksQuery(r *http.Request) (q discovery.UserTracksQuery, wantUnlisted bool, err error) {
	q = discovery.UserTracksQuery{Sort: discovery.TrackByDate, Desc: true}
	if err := refuseParams(r, "search a user's tracks with /v1/tracks/search", "query"); err != nil {
		return q, false, err
	}
	sort, err := choice(r, "sort", "date", "date", "plays")
	if err != nil {
		return q, false, err
	}
	if sort == "plays" {
		q.Sort = discovery.TrackByPlays
	}
	switch method := r.URL.Query().Get("sort_method"); method {
	case "":
	case "last_listen_date", "most_listens_by_user":
		return q, false, discovery.Errorf(discovery.EINVALID,
			"sort_method %q is not supported: Discovery counts plays per track and day, not who listened", method)
	default:
		s, ok := trackSorts[method]
		if !ok {
			return q, false, discovery.Errorf(discovery.EINVALID, "sort_method %q is invalid: it must be one of %s",
				method, strings.Join(sortedKeys(trackSorts), ", "))
		}
		q.Sort, q.Desc = s.sort, s.desc
	}
	dir, err := choice(r, "sort_direction", "", "asc", "desc")
	if err != nil {
		return q, false, err
	}
	if dir != "" {
		q.Desc = dir == "desc"
	}
	filter, err := choice(r, "filter_tracks", "all", "all", "public", "unlisted")
	if err != nil {
		return q, false, err
	}
	q.Listed = filter != "unlisted"
	return q, filter != "public", nil
}

// userPlaylistsQuery reads sort_method. The caller sets OwnerID, and
// IncludePrivate when the viewer is the owner.
func userPlaylistsQuery(r *http.Request, albums bool) (discovery.UserPlaylistsQuery, error) {
	q := discovery.UserPlaylistsQuery{Albums: albums}
	if err := refuseParams(r, "search playlists with /v1/playlists/search", "query"); err != nil {
		return q, err
	}
	sort, err := choice(r, "sort_method", discovery.PlaylistsByRecent, discovery.PlaylistsByRecent, discovery.PlaylistsByPopular)
	q.Sort = sort
	return q, err
}

// isViewer reports whether the request's viewer is user id.
func isViewer(r *http.Request, id int64) bool {
	viewer, ok, err := viewerOf(r)
	return err == nil && ok && viewer == id
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stemsPage is the page of a list the reference serves whole: without a
// limit parameter, as much as one page may hold.
func stemsPage(r *http.Request) (discovery.Page, error) {
	p, err := pageOf(r)
	if err == nil && !r.URL.Query().Has("limit") {
		p.Limit = maxLimit
	}
	return p, err
}

// notFoundIn words a missing or deleted item of a list request.
func notFoundIn(kind, raw string, err error) error {
	return notFoundAs(kind, raw, fmt.Errorf("get %s %s: %w", kind, raw, err))
}
