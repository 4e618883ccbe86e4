package content

import (
	"context"

	"github.com/discovery-node/discovery"
)

// view is the state as of the action being validated: the block's changes so
// far laid over the store. Every row it returns is a private copy, so a rule
// that modifies a row and then rejects the action leaves no trace; only put
// makes a change part of the block, and nothing reaches the store until the
// whole block is applied in one transaction.
type view struct {
	store   discovery.EntityReader
	changes *discovery.Changes
	handles map[string]int64 // handle_lower → user id, for handles taken or freed in this block (0 = freed)
}

func newView(store discovery.EntityReader) *view {
	return &view{store: store, changes: discovery.NewChanges(), handles: map[string]int64{}}
}

func (v *view) user(ctx context.Context, id int64) (*discovery.User, bool, error) {
	if u, ok := v.changes.Users[id]; ok {
		cp := *u
		return &cp, true, nil
	}
	return v.store.User(ctx, id)
}

func (v *view) putUser(u *discovery.User, oldHandleLower string) {
	if oldHandleLower != "" && oldHandleLower != u.HandleLower {
		v.handles[oldHandleLower] = 0
	}
	v.handles[u.HandleLower] = u.ID
	v.changes.Users[u.ID] = u
}

func (v *view) userIDByHandle(ctx context.Context, lower string) (int64, bool, error) {
	if id, ok := v.handles[lower]; ok {
		return id, id != 0, nil
	}
	return v.store.UserIDByHandle(ctx, lower)
}

func (v *view) track(ctx context.Context, id int64) (*discovery.Track, bool, error) {
	if t, ok := v.changes.Tracks[id]; ok {
		cp := *t
		return &cp, true, nil
	}
	return v.store.Track(ctx, id)
}

func (v *view) putTrack(t *discovery.Track) { v.changes.Tracks[t.ID] = t }

func (v *view) playlist(ctx context.Context, id int64) (*discovery.Playlist, bool, error) {
	if p, ok := v.changes.Playlists[id]; ok {
		cp := *p
		return &cp, true, nil
	}
	return v.store.Playlist(ctx, id)
}

func (v *view) putPlaylist(p *discovery.Playlist) { v.changes.Playlists[p.ID] = p }

func (v *view) followExists(ctx context.Context, k discovery.FollowKey) (bool, error) {
	if f, ok := v.changes.Follows[k]; ok {
		return f != nil, nil
	}
	return v.store.FollowExists(ctx, k)
}

func (v *view) repostExists(ctx context.Context, k discovery.ItemKey) (bool, error) {
	if r, ok := v.changes.Reposts[k]; ok {
		return r != nil, nil
	}
	return v.store.RepostExists(ctx, k)
}

func (v *view) saveExists(ctx context.Context, k discovery.ItemKey) (bool, error) {
	if s, ok := v.changes.Saves[k]; ok {
		return s != nil, nil
	}
	return v.store.SaveExists(ctx, k)
}
