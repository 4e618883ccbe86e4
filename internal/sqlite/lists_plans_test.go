package sqlite_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// The feed statement takes shortcuts that must not change its answers: the
// bounded creations per followed user and its ranked head with the
// fallback to ranking all. This test compares it, on random content, with
// the answer computed the slow way from the rows themselves (as
// internal/postgres does for its own statement).

// planWorld is random content kept in memory as written to the store.
type planWorld struct {
	users     map[int64]*discovery.User
	tracks    map[int64]*discovery.Track
	playlists map[int64]*discovery.Playlist
	follows   map[discovery.FollowKey]*discovery.Follow
	reposts   map[discovery.ItemKey]*discovery.ItemAction
}

// newPlanWorld writes users, tracks and playlists, then follows and reposts
// over many blocks, then deletes the tracks reposted in the last three, so
// the newest items of many feeds are not listed. Then user 61 follows the
// three most prolific owners and user 62, who reposts 80 tracks that are
// deleted at once: the newest 80 items of 61's feed are not listed, and
// most of the rest are creations nobody 61 follows reposted.
func newPlanWorld(t *testing.T, s *sqlite.Store, r *rand.Rand) *planWorld {
	t.Helper()
	ctx := context.Background()
	w := &planWorld{users: map[int64]*discovery.User{}, tracks: map[int64]*discovery.Track{},
		playlists: map[int64]*discovery.Playlist{}, follows: map[discovery.FollowKey]*discovery.Follow{},
		reposts: map[discovery.ItemKey]*discovery.ItemAction{}}
	var parent common.Hash
	number := uint64(0)
	apply := func(c *discovery.Changes) discovery.BlockRef {
		t.Helper()
		number++
		b := discovery.BlockRef{Number: number, Hash: common.BigToHash(new(big.Int).SetUint64(number)), ParentHash: parent, Time: 1_700_000_000 + number*10}
		parent = b.Hash
		if err := s.ApplyBlock(ctx, b, c); err != nil {
			t.Fatalf("apply block %d: %v", number, err)
		}
		return b
	}
	const nUsers, nTracks, nPlaylists = 60, 240, 30
	c := discovery.NewChanges()
	for id := int64(1); id <= nUsers; id++ {
		u := &discovery.User{ID: id, Handle: fmt.Sprintf("u%d", id), HandleLower: fmt.Sprintf("u%d", id), Name: "user",
			IsDeactivated: id%17 == 0, CreatedBlock: 1, UpdatedBlock: 1}
		w.users[id], c.Users[id], c.Prior.Users[id] = u, u, nil
	}
	apply(c)
	for id := int64(1); id <= nTracks; id++ {
		c := discovery.NewChanges()
		owner := 1 + int64(r.IntN(nUsers/3)) // a few prolific owners
		b := number + 1
		tr := &discovery.Track{ID: id, OwnerID: owner, Title: "t", Slug: fmt.Sprintf("t%d", id),
			IsUnlisted: id%11 == 0, CreatedBlock: b, UpdatedBlock: b, CreatedAt: 1_700_000_000 + b*10}
		if id%13 == 0 && id > 1 {
			tr.StemOf = id - 1
		}
		w.tracks[id], c.Tracks[id], c.Prior.Tracks[id] = tr, tr, nil
		if id <= nPlaylists {
			p := &discovery.Playlist{ID: id, OwnerID: 1 + int64(r.IntN(nUsers)), Name: "p", Slug: fmt.Sprintf("p%d", id),
				IsPrivate: id%7 == 0, CreatedBlock: b, UpdatedBlock: b, CreatedAt: 1_700_000_000 + b*10}
			w.playlists[id], c.Playlists[id], c.Prior.Playlists[id] = p, p, nil
		}
		apply(c)
	}
	for range 40 {
		c := discovery.NewChanges()
		b := number + 1
		for range 40 {
			// Low ids, the prolific owners, are followed by most.
			k := discovery.FollowKey{FollowerID: 1 + int64(r.IntN(nUsers)), FolloweeID: nUsers - int64(math.Sqrt(float64(r.IntN(nUsers*nUsers))))}
			if k.FollowerID == k.FolloweeID || w.follows[k] != nil || c.Follows[k] != nil {
				continue
			}
			f := &discovery.Follow{FollowKey: k, Block: b}
			c.Follows[k], c.Prior.Follows[k] = f, nil
		}
		for range 30 {
			k := discovery.ItemKey{UserID: 1 + int64(r.IntN(nUsers)), ItemType: discovery.ItemTrack, ItemID: 1 + int64(r.IntN(nTracks))}
			if r.IntN(5) == 0 {
				k.ItemType, k.ItemID = discovery.ItemPlaylist, 1+int64(r.IntN(nPlaylists))
			}
			if w.reposts[k] != nil || c.Reposts[k] != nil {
				continue
			}
			a := &discovery.ItemAction{ItemKey: k, Block: b, CreatedAt: 1_700_000_000 + b*10}
			c.Reposts[k], c.Prior.Reposts[k] = a, nil
		}
		// Follower counts move with the follows, as the indexer keeps them.
		for k := range c.Follows {
			for _, id := range []int64{k.FolloweeID, k.FollowerID} {
				if _, ok := c.Users[id]; !ok {
					old := *w.users[id]
					c.Prior.Users[id] = &old
					nu := old
					c.Users[id] = &nu
				}
			}
			c.Users[k.FolloweeID].FollowerCount++
			c.Users[k.FollowerID].FolloweeCount++
		}
		apply(c)
		for id, u := range c.Users {
			w.users[id] = u
		}
		for k, f := range c.Follows {
			w.follows[k] = f
		}
		for k, a := range c.Reposts {
			w.reposts[k] = a
		}
	}
	// The tracks reposted in the last blocks are deleted.
	c = discovery.NewChanges()
	for k, a := range w.reposts {
		if k.ItemType == discovery.ItemTrack && a.Block > number-3 && c.Tracks[k.ItemID] == nil {
			old := *w.tracks[k.ItemID]
			del := old
			del.IsDelete = true
			c.Prior.Tracks[k.ItemID], c.Tracks[k.ItemID] = &old, &del
			w.tracks[k.ItemID] = &del
		}
	}
	apply(c)

	c = discovery.NewChanges()
	for _, id := range []int64{61, 62} {
		u := &discovery.User{ID: id, Handle: fmt.Sprintf("u%d", id), HandleLower: fmt.Sprintf("u%d", id), Name: "user",
			FolloweeCount: 4 * (62 - id), CreatedBlock: number + 1, UpdatedBlock: number + 1}
		w.users[id], c.Users[id], c.Prior.Users[id] = u, u, nil
	}
	for _, followee := range []int64{1, 2, 3, 62} {
		k := discovery.FollowKey{FollowerID: 61, FolloweeID: followee}
		f := &discovery.Follow{FollowKey: k, Block: number + 1}
		w.follows[k], c.Follows[k], c.Prior.Follows[k] = f, f, nil
		if followee != 62 {
			old := *w.users[followee]
			nu := old
			nu.FollowerCount++
			w.users[followee], c.Users[followee], c.Prior.Users[followee] = &nu, &nu, &old
		} else {
			w.users[62].FollowerCount++
		}
	}
	apply(c)
	reposter, deleter := discovery.NewChanges(), discovery.NewChanges()
	for id := int64(1); id <= nTracks && len(reposter.Reposts) < 80; id++ {
		if t := w.tracks[id]; t.IsDelete || t.OwnerID <= 3 {
			continue
		}
		k := discovery.ItemKey{UserID: 62, ItemType: discovery.ItemTrack, ItemID: id}
		a := &discovery.ItemAction{ItemKey: k, Block: number + 1, CreatedAt: 1_700_000_000 + (number+1)*10}
		w.reposts[k], reposter.Reposts[k], reposter.Prior.Reposts[k] = a, a, nil
		old := *w.tracks[id]
		del := old
		del.IsDelete = true
		w.tracks[id], deleter.Tracks[id], deleter.Prior.Tracks[id] = &del, &del, &old
	}
	apply(reposter)
	apply(deleter)
	return w
}

// wantFeed is the feed the slow way: every creation and first repost of
// every followed user, merged per item, ranked, listed items only.
func (w *planWorld) wantFeed(q discovery.FeedQuery, p discovery.Page) []discovery.Activity {
	id := q.UserID
	type key struct {
		kind string
		id   int64
	}
	followed := map[int64]bool{}
	for k := range w.follows {
		if k.FollowerID == id {
			followed[k.FolloweeID] = true
		}
	}
	first := map[key]*discovery.Activity{}
	for k, a := range w.reposts {
		if !q.Reposts || !followed[k.UserID] {
			continue
		}
		i := key{k.ItemType, k.ItemID}
		if f := first[i]; f == nil || a.Block < f.Block {
			first[i] = &discovery.Activity{ItemType: k.ItemType, ItemID: k.ItemID, Block: a.Block, At: a.CreatedAt}
		}
	}
	items := map[key]discovery.Activity{}
	for i, a := range first {
		items[i] = *a
	}
	created := func(kind string, itemID, owner int64, block, at uint64) {
		if !q.Originals || !followed[owner] {
			return
		}
		i := key{kind, itemID}
		a, ok := items[i]
		if !ok {
			a = discovery.Activity{ItemType: kind, ItemID: itemID}
		}
		a.Block, a.At = max(a.Block, block), max(a.At, at)
		items[i] = a
	}
	for _, t := range w.tracks {
		created(discovery.ItemTrack, t.ID, t.OwnerID, t.CreatedBlock, t.CreatedAt)
	}
	for _, pl := range w.playlists {
		created(discovery.ItemPlaylist, pl.ID, pl.OwnerID, pl.CreatedBlock, pl.CreatedAt)
	}
	var out []discovery.Activity
	for i, a := range items {
		if i.kind == discovery.ItemTrack {
			t := w.tracks[i.id]
			if t.IsDelete || t.IsUnlisted || t.StemOf != 0 || w.users[t.OwnerID].IsDeactivated {
				continue
			}
		} else {
			pl := w.playlists[i.id]
			if pl.IsDelete || pl.IsPrivate || w.users[pl.OwnerID].IsDeactivated {
				continue
			}
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b discovery.Activity) int {
		return cmp.Or(cmp.Compare(b.Block, a.Block), cmp.Compare(b.ItemType, a.ItemType), cmp.Compare(b.ItemID, a.ItemID))
	})
	start := min(p.Offset, len(out))
	end := len(out)
	if p.Limit > 0 {
		end = min(end, start+p.Limit)
	}
	return out[start:end]
}

// wantFollowers is followers the slow way: all of them, most followed
// first, then by id.
func (w *planWorld) wantFollowers(id int64, p discovery.Page) []int64 {
	var out []*discovery.User
	for k := range w.follows {
		if k.FolloweeID == id {
			out = append(out, w.users[k.FollowerID])
		}
	}
	slices.SortFunc(out, func(a, b *discovery.User) int {
		return cmp.Or(cmp.Compare(b.FollowerCount, a.FollowerCount), cmp.Compare(a.ID, b.ID))
	})
	all := make([]int64, len(out))
	for i, u := range out {
		all[i] = u.ID
	}
	start := min(p.Offset, len(all))
	end := len(all)
	if p.Limit > 0 {
		end = min(end, start+p.Limit)
	}
	return all[start:end]
}

var planPages = []discovery.Page{{Limit: 1}, {Limit: 3}, {Offset: 2, Limit: 5}, {Offset: 11, Limit: 4}, {Offset: 18, Limit: 6},
	{Offset: 25, Limit: 10}, {Offset: 3}, {}, {Offset: 1000, Limit: 5}}

func TestFeedShortcuts(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "discovery.db"))
	t.Cleanup(func() { s.Close() })
	w := newPlanWorld(t, s, rand.New(rand.NewPCG(2, 2)))
	for _, kinds := range []struct {
		name               string
		originals, reposts bool
	}{{"both", true, true}, {"originals", true, false}, {"reposts", false, true}} {
		for id := int64(1); id <= 62; id += 3 {
			for _, p := range planPages {
				q := discovery.FeedQuery{UserID: id, Originals: kinds.originals, Reposts: kinds.reposts}
				got, err := s.Feed(context.Background(), q, p)
				if err != nil {
					t.Fatal(err)
				}
				if want := w.wantFeed(q, p); !slices.Equal(got, want) {
					t.Errorf("%s: feed of %d, page %+v = %v, want %v", kinds.name, id, p, got, want)
				}
			}
		}
	}
}

// TestFollowersPlans compares each way of finding a page of followers
// with the answer computed from the rows: the join alone, the walk
// without bound, a walk so short it mostly falls back to the join, and the
// factor Followers uses.
func TestFollowersPlans(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "discovery.db"))
	t.Cleanup(func() { s.Close() })
	w := newPlanWorld(t, s, rand.New(rand.NewPCG(1, 1)))
	for _, walk := range []struct {
		name   string
		factor float64
	}{{"join", 0}, {"walk", math.Inf(1)}, {"short walk", 0.3}, {"chosen", sqlite.FollowersWalk}} {
		for _, id := range []int64{1, 2, 3, 5, 8, 12, 20, 40, 61, 62, 99} {
			for _, p := range append(planPages, discovery.Page{Offset: 9, Limit: 1}, discovery.Page{Offset: 30, Limit: 30}) {
				users, err := s.FollowersWalking(context.Background(), id, p, walk.factor)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]int64, len(users))
				for i, u := range users {
					got[i] = u.ID
				}
				if want := w.wantFollowers(id, p); !slices.Equal(got, want) {
					t.Errorf("%s: followers of %d, page %+v = %v, want %v", walk.name, id, p, got, want)
				}
			}
		}
	}
}
