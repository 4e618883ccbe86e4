package content

import (
	"context"

	"github.com/ethereum/go-ethereum/common"

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

	// The indexer's configuration, which rules consult.
	offsets  IDOffsets
	verifier common.Address
}

func newView(store discovery.EntityReader, opts Options) *view {
	return &view{store: store, changes: discovery.NewChanges(), handles: map[string]int64{},
		offsets: opts.IDOffsets, verifier: opts.Verifier}
}

func (v *view) user(ctx context.Context, id int64) (*discovery.User, bool, error) {
	if u, ok := v.changes.Users[id]; ok {
		if u == nil {
			return nil, false, nil
		}
		cp := *u
		return &cp, true, nil
	}
	u, ok, err := v.store.User(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if _, seen := v.changes.Prior.Users[id]; !seen {
		v.changes.Prior.Users[id] = copyOf(u, ok)
	}
	return u, ok, nil
}

// putUser makes u's new image part of the block. The row must have been read
// first, so its prior image is known.
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
		if t == nil {
			return nil, false, nil
		}
		cp := *t
		return &cp, true, nil
	}
	t, ok, err := v.store.Track(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if _, seen := v.changes.Prior.Tracks[id]; !seen {
		v.changes.Prior.Tracks[id] = copyOf(t, ok)
	}
	return t, ok, nil
}

func (v *view) putTrack(t *discovery.Track) { v.changes.Tracks[t.ID] = t }

func (v *view) playlist(ctx context.Context, id int64) (*discovery.Playlist, bool, error) {
	if p, ok := v.changes.Playlists[id]; ok {
		if p == nil {
			return nil, false, nil
		}
		cp := *p
		return &cp, true, nil
	}
	p, ok, err := v.store.Playlist(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if _, seen := v.changes.Prior.Playlists[id]; !seen {
		v.changes.Prior.Playlists[id] = copyOf(p, ok)
	}
	return p, ok, nil
}

func (v *view) putPlaylist(p *discovery.Playlist) { v.changes.Playlists[p.ID] = p }

func (v *view) followExists(ctx context.Context, k discovery.FollowKey) (bool, error) {
	if f, ok := v.changes.Follows[k]; ok {
		return f != nil, nil
	}
	f, ok, err := v.store.Follow(ctx, k)
	if err != nil {
		return false, err
	}
	if _, seen := v.changes.Prior.Follows[k]; !seen {
		v.changes.Prior.Follows[k] = copyOf(f, ok)
	}
	return ok, nil
}

func (v *view) repostExists(ctx context.Context, k discovery.ItemKey) (bool, error) {
	return itemExists(ctx, k, v.changes.Reposts, v.changes.Prior.Reposts, v.store.Repost)
}

func (v *view) saveExists(ctx context.Context, k discovery.ItemKey) (bool, error) {
	return itemExists(ctx, k, v.changes.Saves, v.changes.Prior.Saves, v.store.Save)
}

func itemExists(ctx context.Context, k discovery.ItemKey, changed, prior map[discovery.ItemKey]*discovery.ItemAction,
	read func(context.Context, discovery.ItemKey) (*discovery.ItemAction, bool, error)) (bool, error) {
	if r, ok := changed[k]; ok {
		return r != nil, nil
	}
	r, ok, err := read(ctx, k)
	if err != nil {
		return false, err
	}
	if _, seen := prior[k]; !seen {
		prior[k] = copyOf(r, ok)
	}
	return ok, nil
}

func (v *view) subscriptionExists(ctx context.Context, k discovery.FollowKey) (bool, error) {
	_, ok, err := read(ctx, k, v.changes.Subscriptions, v.changes.Prior.Subscriptions, v.store.Subscription)
	return ok, err
}

func (v *view) route(ctx context.Context, k discovery.RouteKey) (*discovery.Route, bool, error) {
	return read(ctx, k, v.changes.Routes, v.changes.Prior.Routes, v.store.Route)
}

func (v *view) app(ctx context.Context, address common.Address) (*discovery.DeveloperApp, bool, error) {
	return read(ctx, address, v.changes.DeveloperApps, v.changes.Prior.DeveloperApps, v.store.DeveloperApp)
}

func (v *view) grant(ctx context.Context, k discovery.GrantKey) (*discovery.Grant, bool, error) {
	return read(ctx, k, v.changes.Grants, v.changes.Prior.Grants, v.store.Grant)
}

func (v *view) playDay(ctx context.Context, k discovery.PlayDayKey) (*discovery.PlayDay, bool, error) {
	return read(ctx, k, v.changes.PlayDays, v.changes.Prior.PlayDays, v.store.PlayDay)
}

// read returns a private copy of a row as of the action: the block's own
// change when it has one, else the store's row, whose image it keeps as the
// prior image the first time the block reads it.
func read[K comparable, V any](ctx context.Context, k K, changed, prior map[K]*V,
	load func(context.Context, K) (*V, bool, error)) (*V, bool, error) {
	if r, ok := changed[k]; ok {
		return copyOf(r, r != nil), r != nil, nil
	}
	r, ok, err := load(ctx, k)
	if err != nil {
		return nil, false, err
	}
	if _, seen := prior[k]; !seen {
		prior[k] = copyOf(r, ok)
	}
	return copyOf(r, ok), ok, nil
}

// copyOf returns a private copy of a row read from the store, or nil when
// there was none, for the block's undo image.
func copyOf[T any](row *T, ok bool) *T {
	if !ok || row == nil {
		return nil
	}
	cp := *row
	return &cp
}

// finish drops prior images of rows the block only read, so Prior has
// exactly the keys of the changes, as a store expects.
func (v *view) finish() *discovery.Changes {
	c := v.changes
	prune(c.Prior.Users, c.Users)
	prune(c.Prior.Tracks, c.Tracks)
	prune(c.Prior.Playlists, c.Playlists)
	prune(c.Prior.Follows, c.Follows)
	prune(c.Prior.Reposts, c.Reposts)
	prune(c.Prior.Saves, c.Saves)
	prune(c.Prior.Subscriptions, c.Subscriptions)
	prune(c.Prior.Routes, c.Routes)
	prune(c.Prior.DeveloperApps, c.DeveloperApps)
	prune(c.Prior.Grants, c.Grants)
	prune(c.Prior.PlayDays, c.PlayDays)
	return c
}

func prune[K comparable, V any](prior, changed map[K]*V) {
	for k := range prior {
		if _, ok := changed[k]; !ok {
			delete(prior, k)
		}
	}
}
