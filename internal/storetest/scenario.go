package storetest

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// step builds the Changes of one block of a scenario, fresh each time so
// a block can be applied again after a revert.
type step func(t testing.TB, b discovery.BlockRef) *discovery.Changes

// scenario is a sequence of blocks that touches everything a revert must
// undo: entities created, updated, marked deleted and removed; counts;
// edges added, removed and added again; handles swapped, moved to another
// user, dropped and reused; routes renamed; developer apps and grants
// created, approved, revoked and removed; plays counted by day; metadata
// inline, pending and failed; rejected actions; and an empty block.
var scenario = []step{
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		n := b.Number
		c := changes(t, user(1, "Alice", 2), user(2, "bob", 0), user(3, "carol", 0),
			withStatus(user(4, "", 0), discovery.MetadataPending),
			track(10, 1, n), track(11, 2, n), playlist(20, 1), emptyPlaylist(21, 2),
			follow(2, 1, n), follow(3, 1, n), rejected(n, 0), rejected(n, 1),
			subscribe(2, 1, n), subscribe(3, 1, n),
			route(1, discovery.ItemTrack, "track-10", 10, true, n), route(2, discovery.ItemTrack, "track-11", 11, true, n),
			route(1, discovery.ItemPlaylist, "playlist-20", 20, true, n),
			developerApp(1, 1, n), grant(1, appAddress(1), true, n), grant(2, addressOf(3), false, n),
			playDay(10, 19700, 3), playDay(11, 19700, 1))
		putItems(c.Reposts, ofRepost(item(2, discovery.ItemTrack, 10, n)), item(3, discovery.ItemPlaylist, 20, n))
		putItems(c.Saves, item(3, discovery.ItemPlaylist, 20, n), item(1, discovery.ItemTrack, 11, n))
		return c
	},
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		n := b.Number
		u1 := user(1, "Alice", 1)
		u1.Bio, u1.UpdatedBlock = "updated", n
		t10 := track(10, 1, n-1)
		t10.PlayCount, t10.RepostCount, t10.UpdatedBlock = 99, 12, n
		t10.Title, t10.Slug, t10.RemixOf = "Renamed", "renamed-10", []int64{11, 110}
		p20 := playlist(20, 1)
		p20.Tracks = nil
		g := grant(2, addressOf(3), true, n-1)
		g.UpdatedBlock = n
		c := changes(t, u1, user(3, "carol", 1), t10, p20, follow(1, 3, n), rejected(n, 4),
			subscribe(1, 3, n), route(1, discovery.ItemTrack, "track-10", 10, false, n-1),
			route(1, discovery.ItemTrack, "renamed-10", 10, true, n), g, developerApp(2, 3, n),
			playDay(10, 19700, 5), playDay(10, 19701, 1))
		c.Follows[discovery.FollowKey{FollowerID: 2, FolloweeID: 1}] = nil
		c.Subscriptions[subKey(2, 1)] = nil
		putItems(c.Reposts, item(3, discovery.ItemTrack, 11, n))
		c.Saves[discovery.ItemKey{UserID: 3, ItemType: discovery.ItemPlaylist, ItemID: 20}] = nil
		return c
	},
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes { return nil },
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		n := b.Number
		t11 := track(11, 2, n-3)
		t11.IsDelete = true
		p21 := emptyPlaylist(21, 2)
		p21.IsDelete = true
		t12 := withStatus(track(12, 5, n), discovery.MetadataPending)
		t12.RemixOf = []int64{} // the indexer's empty list
		app := developerApp(2, 3, n-2)
		app.IsDelete, app.UpdatedBlock = true, n
		revoked := grant(1, appAddress(1), true, n-3)
		revoked.IsRevoked, revoked.UpdatedBlock = true, n
		// Users 1 and 2 swap handles; user 5 arrives with a track.
		c := changes(t, user(1, "bob", 1), user(2, "ALICE", 0), user(5, "eve", 0), t12, t11, p21,
			follow(5, 1, n), follow(5, 2, n), rejected(n, 0), subscribe(5, 1, n),
			route(5, discovery.ItemTrack, "track-12", 12, true, n), app, revoked, playDay(12, 19702, 1))
		putItems(c.Reposts, item(5, discovery.ItemTrack, 10, n))
		putItems(c.Saves, ofRepost(item(5, discovery.ItemPlaylist, 20, n)))
		return c
	},
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		n := b.Number
		u2 := user(2, "ALICE", 1)
		u2.IsDeactivated = true
		// User 4 takes the handle user 3 gives up; user 5 and all it did
		// are removed, and so is developer app 2.
		c := changes(t, u2, user(3, "caroline", 1), user(4, "Carol", 0), follow(2, 1, n))
		c.Users[5], c.Tracks[12] = nil, nil
		c.Follows[discovery.FollowKey{FollowerID: 5, FolloweeID: 1}] = nil
		c.Follows[discovery.FollowKey{FollowerID: 5, FolloweeID: 2}] = nil
		c.Reposts[discovery.ItemKey{UserID: 5, ItemType: discovery.ItemTrack, ItemID: 10}] = nil
		c.Saves[discovery.ItemKey{UserID: 1, ItemType: discovery.ItemTrack, ItemID: 11}] = nil
		c.Saves[discovery.ItemKey{UserID: 5, ItemType: discovery.ItemPlaylist, ItemID: 20}] = nil
		c.Subscriptions[subKey(5, 1)] = nil
		c.Routes[discovery.RouteKey{OwnerID: 5, Kind: discovery.ItemTrack, Slug: "track-12"}] = nil
		c.PlayDays[discovery.PlayDayKey{TrackID: 12, Day: 19702}] = nil
		c.DeveloperApps[appAddress(2)] = nil
		return c
	},
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		n := b.Number
		// User 3 drops its handle and user 6 takes it in the same block.
		c := changes(t, user(3, "", 1), withStatus(user(6, "caroline", 0), discovery.MetadataPending),
			withStatus(playlist(22, 6), discovery.MetadataFailed), follow(6, 4, n),
			rejected(n, 2), rejected(n, 3), subscribe(6, 4, n), grant(6, appAddress(1), true, n),
			route(6, discovery.ItemPlaylist, "playlist-22", 22, true, n))
		putItems(c.Saves, item(6, discovery.ItemPlaylist, 20, n))
		return c
	},
}

func emptyPlaylist(id, owner int64) *discovery.Playlist {
	p := playlist(id, owner)
	p.Tracks = nil
	return p
}

func putItems(m map[discovery.ItemKey]*discovery.ItemAction, rows ...*discovery.ItemAction) {
	for _, r := range rows {
		m[r.ItemKey] = r
	}
}

// universe is every key a scenario touches, and some it never does, for
// reading the whole state through the Store interface.
type universe struct {
	users, tracks, playlists []int64
	handles                  []string
	follows                  []discovery.FollowKey
	items                    []discovery.ItemKey
	subscriptions            []discovery.FollowKey
	routes                   []discovery.RouteKey
	apps                     []common.Address
	grants                   []discovery.GrantKey
	playDays                 []discovery.PlayDayKey
	blocks                   []uint64
}

// universeOf collects the keys of every block of steps, applied from
// block 1.
func universeOf(t testing.TB, steps []step) universe {
	t.Helper()
	sets := struct {
		users, tracks, playlists map[int64]bool
		handles                  map[string]bool
		follows                  map[discovery.FollowKey]bool
		items                    map[discovery.ItemKey]bool
		subscriptions            map[discovery.FollowKey]bool
		routes                   map[discovery.RouteKey]bool
		apps                     map[common.Address]bool
		grants                   map[discovery.GrantKey]bool
		playDays                 map[discovery.PlayDayKey]bool
	}{
		users: map[int64]bool{99: true}, tracks: map[int64]bool{99: true}, playlists: map[int64]bool{99: true},
		handles: map[string]bool{"nobody": true}, follows: map[discovery.FollowKey]bool{}, items: map[discovery.ItemKey]bool{},
		subscriptions: map[discovery.FollowKey]bool{subKey(99, 98): true},
		routes:        map[discovery.RouteKey]bool{{OwnerID: 99, Kind: discovery.ItemTrack, Slug: "nothing"}: true},
		apps:          map[common.Address]bool{appAddress(99): true},
		grants:        map[discovery.GrantKey]bool{{UserID: 99, Grantee: appAddress(99)}: true},
		playDays:      map[discovery.PlayDayKey]bool{{TrackID: 99, Day: 1}: true},
	}
	var u universe
	ch := newChain(1)
	for _, st := range steps {
		b := ch.block()
		u.blocks = append(u.blocks, b.Number)
		c := st(t, b)
		if c == nil {
			continue
		}
		for id, r := range c.Users {
			sets.users[id] = true
			if r != nil {
				sets.handles[r.HandleLower] = true
				sets.handles[r.Handle] = true
			}
		}
		for id := range c.Tracks {
			sets.tracks[id] = true
		}
		for id := range c.Playlists {
			sets.playlists[id] = true
		}
		for k := range c.Follows {
			sets.follows[k] = true
		}
		for _, m := range []map[discovery.ItemKey]*discovery.ItemAction{c.Reposts, c.Saves} {
			for k := range m {
				sets.items[k] = true
			}
		}
		for k := range c.Subscriptions {
			sets.subscriptions[k] = true
			// Subscriptions are not follows, nor the other way round.
			sets.follows[k] = true
		}
		for k := range c.Follows {
			sets.subscriptions[k] = true
		}
		for k := range c.Routes {
			sets.routes[k] = true
			other := k
			other.Kind = discovery.ItemPlaylist
			if k.Kind == discovery.ItemPlaylist {
				other.Kind = discovery.ItemTrack
			}
			sets.routes[other] = true
		}
		for k := range c.DeveloperApps {
			sets.apps[k] = true
		}
		for k := range c.Grants {
			sets.grants[k] = true
		}
		for k := range c.PlayDays {
			sets.playDays[k] = true
		}
	}
	u.blocks = append(u.blocks, ch.block().Number, 0)
	u.users, u.tracks, u.playlists = keys(sets.users), keys(sets.tracks), keys(sets.playlists)
	u.handles, u.follows, u.items = keys(sets.handles), keys(sets.follows), keys(sets.items)
	u.subscriptions, u.routes, u.apps = keys(sets.subscriptions), keys(sets.routes), keys(sets.apps)
	u.grants, u.playDays = keys(sets.grants), keys(sets.playDays)
	return u
}

func keys[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
