package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/discovery-node/discovery"
)

// Viewer fields. With user_id (the viewer), every user in an answer gets
// does_current_user_follow and does_follow_current_user, and every track
// and playlist has_current_user_reposted and has_current_user_saved.
// Without a viewer, /v1 answers have none of them and /v1/full answers
// have them all false, as Audius's full API always has them.
//
// The wrappers (withViewer, handleFull) say in the request's context what
// to fill, and dataHandler fills it on the typed answer before encoding
// it, with one query per kind of object in the whole answer: an answer to
// a viewer costs the anonymous answer plus those queries. (They were once
// filled by decoding the encoded answer into maps and encoding it again,
// which cost five times the answer itself; viewer_legacy_test.go keeps
// that way to check this one against.)

// answerFill is what dataHandler fills in an answer before encoding it.
type answerFill struct {
	store  Store
	viewer int64
	// hasViewer false sets every viewer field false without asking the
	// store, as /v1/full answers without user_id.
	hasViewer bool
	// full gives activity classes the names of the /v1/full variants.
	full bool
}

// answerFillKey is the context key of a request's *answerFill. A request
// that has one is filled by the wrapper that set it, so the wrappers
// inside leave it alone; a nil one leaves the answer as the handler made
// it, which viewer_legacy_test.go asks for.
type answerFillKey struct{}

// withViewer has next's answers filled with the viewer fields when the
// request has a user_id, and answers 400 when that user_id is malformed.
func withViewer(store Store, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(answerFillKey{}) != nil {
			next.ServeHTTP(w, r)
			return
		}
		viewer, ok, err := viewerOf(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		fill := &answerFill{store: store, viewer: viewer, hasViewer: true}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), answerFillKey{}, fill)))
	})
}

// answerFillOf returns what the request asks dataHandler to fill, or nil.
func answerFillOf(r *http.Request) *answerFill {
	f, _ := r.Context().Value(answerFillKey{}).(*answerFill)
	return f
}

// fill fills the answer data points to.
func (f *answerFill) fill(ctx context.Context, data any) error {
	var objs viewerObjects
	objs.collect(data)
	if f.full {
		fullClassNames(data)
	}
	return objs.fill(ctx, f)
}

// viewerObjects are the users, tracks and playlists of an answer, and
// their ids.
type viewerObjects struct {
	users                          []*userJSON
	tracks                         []*trackJSON
	playlists                      []*playlistJSON
	userIDs, trackIDs, playlistIDs []int64
}

// collect finds the objects of the answer data points to. Every shape an
// answer embeds users, tracks or playlists in must be here; the shapes
// that embed none (ids, favorites, stems) are left out.
func (v *viewerObjects) collect(data any) {
	switch d := data.(type) {
	case *userJSON:
		v.user(d)
	case *[]userJSON:
		for i := range *d {
			v.user(&(*d)[i])
		}
	case *trackJSON:
		v.track(d)
	case *[]trackJSON:
		for i := range *d {
			v.track(&(*d)[i])
		}
	case *[]playlistJSON:
		for i := range *d {
			v.playlist(&(*d)[i])
		}
	case *[]activityJSON:
		for i := range *d {
			v.item((*d)[i].Item)
		}
	case *[]feedItemJSON:
		for i := range *d {
			v.item((*d)[i].Item)
		}
	}
}

func (v *viewerObjects) user(u *userJSON) {
	v.users, v.userIDs = append(v.users, u), append(v.userIDs, u.NumericID)
}

func (v *viewerObjects) track(t *trackJSON) {
	v.tracks, v.trackIDs = append(v.tracks, t), append(v.trackIDs, t.NumericID)
	v.user(&t.User)
}

func (v *viewerObjects) playlist(p *playlistJSON) {
	v.playlists, v.playlistIDs = append(v.playlists, p), append(v.playlistIDs, p.NumericID)
	v.user(&p.User)
}

// item collects the item of an activity, a *trackJSON or *playlistJSON
// (activityItems).
func (v *viewerObjects) item(item any) {
	switch it := item.(type) {
	case *trackJSON:
		v.track(it)
	case *playlistJSON:
		v.playlist(it)
	}
}

// fill sets the viewer fields of every object, asking the store once per
// kind of object there is.
func (v *viewerObjects) fill(ctx context.Context, f *answerFill) error {
	users := discovery.UserRelations{}
	tracks, playlists := discovery.ItemRelations{}, discovery.ItemRelations{}
	if f.hasViewer {
		var err error
		if len(v.users) > 0 {
			if users, err = f.store.FollowRelations(ctx, f.viewer, distinct(v.userIDs)); err != nil {
				return fmt.Errorf("viewer %d: %w", f.viewer, err)
			}
		}
		if len(v.tracks) > 0 {
			if tracks, err = f.store.ItemRelations(ctx, f.viewer, discovery.ItemTrack, distinct(v.trackIDs)); err != nil {
				return fmt.Errorf("viewer %d: %w", f.viewer, err)
			}
		}
		if len(v.playlists) > 0 {
			if playlists, err = f.store.ItemRelations(ctx, f.viewer, discovery.ItemPlaylist, distinct(v.playlistIDs)); err != nil {
				return fmt.Errorf("viewer %d: %w", f.viewer, err)
			}
		}
	}
	for _, u := range v.users {
		id := u.NumericID
		u.DoesCurrentUserFollow, u.DoesFollowCurrentUser = viewerFlag(users.Follows[id]), viewerFlag(users.FollowedBy[id])
	}
	for _, t := range v.tracks {
		id := t.NumericID
		t.HasCurrentUserReposted, t.HasCurrentUserSaved = viewerFlag(tracks.Reposted[id]), viewerFlag(tracks.Saved[id])
	}
	for _, p := range v.playlists {
		id := p.NumericID
		p.HasCurrentUserReposted, p.HasCurrentUserSaved = viewerFlag(playlists.Reposted[id]), viewerFlag(playlists.Saved[id])
	}
	return nil
}

// distinct sorts ids and drops the repeats.
func distinct(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// The values the viewer fields point to, shared by every answer so that
// filling them allocates nothing; nothing may write through them.
var flagTrue, flagFalse = true, false

func viewerFlag(b bool) *bool {
	if b {
		return &flagTrue
	}
	return &flagFalse
}
