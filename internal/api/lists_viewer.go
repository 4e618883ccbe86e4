package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// Viewer fields. With user_id (the viewer), every user in an answer gets
// does_current_user_follow and does_follow_current_user, and every track
// and playlist has_current_user_reposted and has_current_user_saved. They
// are filled after the handler answers, from the JSON it wrote, so every
// endpoint gets them without knowing about them, with one query per kind
// of object in the whole answer. Without a viewer, /v1 answers are left as
// they are and /v1/full answers get the fields as false, as Audius's full
// API always has them.

// viewerDone marks a request whose viewer fields an outer wrapper fills,
// so the wrappers inside it leave the answer alone.
type viewerDone struct{}

// withViewer fills the viewer fields of next's answers when the request
// has a user_id, and answers 400 when that user_id is malformed.
func withViewer(store Store, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(viewerDone{}) != nil {
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
		held := newHeldAnswer()
		next.ServeHTTP(held, r.WithContext(context.WithValue(r.Context(), viewerDone{}, true)))
		data, ok := held.data()
		if !ok {
			held.sendTo(w)
			return
		}
		if err := fillViewer(r.Context(), store, data, viewer, true); err != nil {
			respondError(w, r, logger, err)
			return
		}
		held.copyHeader(w)
		writeJSON(w, r, logger, http.StatusOK, envelope[any]{Data: data})
	})
}

// viewerObjects are the users, tracks and playlists of an answer, as the
// JSON objects to fill, by id.
type viewerObjects struct {
	users, tracks, playlists map[int64][]map[string]any
}

// fillViewer sets the viewer fields of every user, track and playlist in
// data; with hasViewer false it sets them all false without asking the
// store.
func fillViewer(ctx context.Context, store Store, data any, viewer int64, hasViewer bool) error {
	objs := viewerObjects{users: map[int64][]map[string]any{}, tracks: map[int64][]map[string]any{}, playlists: map[int64][]map[string]any{}}
	objs.collect(data)
	users := discovery.UserRelations{}
	tracks, playlists := discovery.ItemRelations{}, discovery.ItemRelations{}
	if hasViewer {
		var err error
		if len(objs.users) > 0 {
			if users, err = store.FollowRelations(ctx, viewer, keys(objs.users)); err != nil {
				return fmt.Errorf("viewer %d: %w", viewer, err)
			}
		}
		if len(objs.tracks) > 0 {
			if tracks, err = store.ItemRelations(ctx, viewer, discovery.ItemTrack, keys(objs.tracks)); err != nil {
				return fmt.Errorf("viewer %d: %w", viewer, err)
			}
		}
		if len(objs.playlists) > 0 {
			if playlists, err = store.ItemRelations(ctx, viewer, discovery.ItemPlaylist, keys(objs.playlists)); err != nil {
				return fmt.Errorf("viewer %d: %w", viewer, err)
			}
		}
	}
	for id, list := range objs.users {
		for _, o := range list {
			o["does_current_user_follow"] = users.Follows[id]
			o["does_follow_current_user"] = users.FollowedBy[id]
		}
	}
	for _, kind := range []struct {
		objs map[int64][]map[string]any
		rel  discovery.ItemRelations
	}{{objs.tracks, tracks}, {objs.playlists, playlists}} {
		for id, list := range kind.objs {
			for _, o := range list {
				o["has_current_user_reposted"] = kind.rel.Reposted[id]
				o["has_current_user_saved"] = kind.rel.Saved[id]
			}
		}
	}
	return nil
}

// collect walks a decoded answer and files every object that is a user
// (it has a handle and a follower count), a playlist (a playlist name) or a
// track (a title and an embedded user), by its hashid.
func (v viewerObjects) collect(x any) {
	switch x := x.(type) {
	case []any:
		for _, e := range x {
			v.collect(e)
		}
	case map[string]any:
		if id, ok := objectID(x); ok {
			_, handle := x["handle"]
			_, followers := x["follower_count"]
			_, name := x["playlist_name"]
			_, title := x["title"]
			_, user := x["user"].(map[string]any)
			switch {
			case handle && followers:
				v.users[id] = append(v.users[id], x)
			case name:
				v.playlists[id] = append(v.playlists[id], x)
			case title && user:
				v.tracks[id] = append(v.tracks[id], x)
			}
		}
		for _, e := range x {
			v.collect(e)
		}
	}
}

func objectID(o map[string]any) (int64, bool) {
	s, ok := o["id"].(string)
	if !ok {
		return 0, false
	}
	id, err := hashid.Decode(s)
	return id, err == nil
}

func keys(m map[int64][]map[string]any) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// heldAnswer keeps a handler's answer so it can be rewritten before it is
// sent.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newHeldAnswer() *heldAnswer { return &heldAnswer{header: http.Header{}} }

func (a *heldAnswer) Header() http.Header { return a.header }

func (a *heldAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *heldAnswer) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(p)
}

// data decodes the "data" of a successful JSON answer; ok is false for
// anything else, which is then sent as it is.
func (a *heldAnswer) data() (any, bool) {
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(a.body.Bytes()))
	dec.UseNumber()
	var env map[string]any
	if err := dec.Decode(&env); err != nil {
		return nil, false
	}
	data, ok := env["data"]
	return data, ok
}

// copyHeader sets the held answer's header fields on w, for an answer
// rewritten from it.
func (a *heldAnswer) copyHeader(w http.ResponseWriter) {
	for k, v := range a.header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
}

// sendTo sends the held answer unchanged.
func (a *heldAnswer) sendTo(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body.Bytes()) // the client is gone; nothing to do
}
