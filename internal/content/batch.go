package content

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/discovery-node/discovery"
)

// decodedLog is one log of a block with its decoded event: decoded once,
// read twice (for the rows to fetch, then by the rules).
type decodedLog struct {
	lg      types.Log
	ev      event
	err     error // the log is not a valid event: a rejected action
	ignored bool  // from a contract the protocol does not take
}

func (ix *Indexer) decodeBlock(b discovery.Block) []decodedLog {
	out := make([]decodedLog, len(b.Logs))
	for i, lg := range b.Logs {
		out[i].lg = lg
		if !ix.trusted(lg) {
			// Anyone can deploy a contract emitting the same events; only
			// the configured contracts speak for the protocol.
			out[i].ignored = true
			continue
		}
		out[i].ev, out[i].err = ix.decoder.decode(lg)
	}
	return out
}

// keysToRead lists the rows the rules will look at for the decoded logs of
// a run of blocks: the actor, the entity acted on, and the edge or play
// day the action would write. Rows outside the list (a route, a grant, a
// playlist's tracks) are still read when a rule asks, one by one.
func keysToRead(blocks []discovery.Block, decoded [][]decodedLog) discovery.RowKeys {
	var (
		k         discovery.RowKeys
		users     = map[int64]bool{}
		tracks    = map[int64]bool{}
		playlists = map[int64]bool{}
		follows   = map[discovery.FollowKey]bool{}
		subs      = map[discovery.FollowKey]bool{}
		reposts   = map[discovery.ItemKey]bool{}
		saves     = map[discovery.ItemKey]bool{}
		days      = map[discovery.PlayDayKey]bool{}
	)
	add := func(set map[int64]bool, id int64) {
		if id > 0 {
			set[id] = true
		}
	}
	for i, logs := range decoded {
		for _, d := range logs {
			if d.ignored || d.err != nil {
				continue
			}
			ev := d.ev
			add(users, ev.UserID)
			switch {
			case ev.Topic == PlayTopic:
				add(tracks, ev.EntityID)
				days[discovery.PlayDayKey{TrackID: ev.EntityID, Day: int64(blocks[i].Time / secondsPerDay)}] = true
			case ev.EntityType == discovery.EntityUser:
				add(users, ev.EntityID)
				fk := discovery.FollowKey{FollowerID: ev.UserID, FolloweeID: ev.EntityID}
				switch ev.Action {
				case discovery.ActionFollow, discovery.ActionUnfollow:
					follows[fk] = true
				case discovery.ActionSubscribe, discovery.ActionUnsubscribe:
					subs[fk] = true
				}
			case ev.EntityType == discovery.EntityTrack:
				add(tracks, ev.EntityID)
				itemKeys(ev, discovery.ItemTrack, reposts, saves)
			case ev.EntityType == discovery.EntityPlaylist:
				add(playlists, ev.EntityID)
				itemKeys(ev, discovery.ItemPlaylist, reposts, saves)
			}
		}
	}
	k.Users = setKeys(users)
	k.Tracks = setKeys(tracks)
	k.Playlists = setKeys(playlists)
	k.Follows = setKeys(follows)
	k.Subscriptions = setKeys(subs)
	k.Reposts = setKeys(reposts)
	k.Saves = setKeys(saves)
	k.PlayDays = setKeys(days)
	return k
}

// itemKeys adds the repost or save key an item action would write.
func itemKeys(ev event, itemType string, reposts, saves map[discovery.ItemKey]bool) {
	k := discovery.ItemKey{UserID: ev.UserID, ItemType: itemType, ItemID: ev.EntityID}
	switch ev.Action {
	case discovery.ActionRepost, discovery.ActionUnrepost:
		reposts[k] = true
	case discovery.ActionSave, discovery.ActionUnsave:
		saves[k] = true
	}
}

func setKeys[K comparable](set map[K]bool) []K {
	out := make([]K, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}

// runReader is the state as of the block being validated in a run: the
// rows the run's earlier blocks wrote, laid over the rows read from the
// store before the run (all at once for the keys given, then one by one
// as rules ask). Nothing is written to the store until the whole run is, so
// the store still holds the state before the run, and every row it answers
// for a key the run has not touched is current. It hands out private
// copies: rules modify the rows they read.
type runReader struct {
	store discovery.EntityReader
	// rows holds every row known as of the block being validated: a nil
	// image is a row known not to exist.
	rows discovery.RowSet
	// handles maps a lowercased handle taken (the user's id) or given up
	// (0) by an earlier block of the run.
	handles map[string]int64
}

// newRunReader reads the rows keys names and starts a runReader on them.
func newRunReader(ctx context.Context, store discovery.Store, keys discovery.RowKeys) (*runReader, error) {
	rows, err := store.ReadRows(ctx, keys)
	if err != nil {
		return nil, err
	}
	// A key read without a row is known to have none.
	absent(rows.Users, keys.Users)
	absent(rows.Tracks, keys.Tracks)
	absent(rows.Playlists, keys.Playlists)
	absent(rows.Follows, keys.Follows)
	absent(rows.Subscriptions, keys.Subscriptions)
	absent(rows.Reposts, keys.Reposts)
	absent(rows.Saves, keys.Saves)
	absent(rows.Grants, keys.Grants)
	absent(rows.DeveloperApps, keys.DeveloperApps)
	absent(rows.PlayDays, keys.PlayDays)
	return &runReader{store: store, rows: rows, handles: map[string]int64{}}, nil
}

func absent[K comparable, V any](rows map[K]*V, keys []K) {
	for _, k := range keys {
		if _, ok := rows[k]; !ok {
			rows[k] = nil
		}
	}
}

// absorb lays a validated block's changes over the known rows, so the next
// block of the run sees them.
func (r *runReader) absorb(c *discovery.Changes) {
	for id, u := range c.Users {
		// A user's prior handle is its own as of this block, so giving it
		// up frees it; the second loop then records who took a handle,
		// which may be one freed here.
		if p := c.Prior.Users[id]; p != nil && p.HandleLower != "" && (u == nil || u.HandleLower != p.HandleLower) {
			r.handles[p.HandleLower] = 0
		}
	}
	for id, u := range c.Users {
		if u != nil && u.HandleLower != "" {
			r.handles[u.HandleLower] = id
		}
	}
	r.rows.Overlay(c.RowSet)
}

// known answers a key from the known rows, else from the store, and
// remembers the store's answer.
func known[K comparable, V any](ctx context.Context, rows map[K]*V, k K, load func(context.Context, K) (*V, bool, error)) (*V, bool, error) {
	if row, ok := rows[k]; ok {
		return copyOf(row, row != nil), row != nil, nil
	}
	row, ok, err := load(ctx, k)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		row = nil
	}
	rows[k] = row
	return copyOf(row, ok), ok, nil
}

func (r *runReader) User(ctx context.Context, id int64) (*discovery.User, bool, error) {
	return known(ctx, r.rows.Users, id, r.store.User)
}

func (r *runReader) UserIDByHandle(ctx context.Context, lower string) (int64, bool, error) {
	if id, ok := r.handles[lower]; ok {
		return id, id != 0, nil
	}
	return r.store.UserIDByHandle(ctx, lower)
}

func (r *runReader) Track(ctx context.Context, id int64) (*discovery.Track, bool, error) {
	return known(ctx, r.rows.Tracks, id, r.store.Track)
}

func (r *runReader) Playlist(ctx context.Context, id int64) (*discovery.Playlist, bool, error) {
	return known(ctx, r.rows.Playlists, id, r.store.Playlist)
}

func (r *runReader) Follow(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	return known(ctx, r.rows.Follows, k, r.store.Follow)
}

func (r *runReader) Repost(ctx context.Context, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	return known(ctx, r.rows.Reposts, k, r.store.Repost)
}

func (r *runReader) Save(ctx context.Context, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	return known(ctx, r.rows.Saves, k, r.store.Save)
}

func (r *runReader) Subscription(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	return known(ctx, r.rows.Subscriptions, k, r.store.Subscription)
}

func (r *runReader) Route(ctx context.Context, k discovery.RouteKey) (*discovery.Route, bool, error) {
	return known(ctx, r.rows.Routes, k, r.store.Route)
}

func (r *runReader) DeveloperApp(ctx context.Context, address common.Address) (*discovery.DeveloperApp, bool, error) {
	return known(ctx, r.rows.DeveloperApps, address, r.store.DeveloperApp)
}

func (r *runReader) Grant(ctx context.Context, k discovery.GrantKey) (*discovery.Grant, bool, error) {
	return known(ctx, r.rows.Grants, k, r.store.Grant)
}

func (r *runReader) PlayDay(ctx context.Context, k discovery.PlayDayKey) (*discovery.PlayDay, bool, error) {
	return known(ctx, r.rows.PlayDays, k, r.store.PlayDay)
}
