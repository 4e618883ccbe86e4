package postgres

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
)

// The followers and feed statements take shortcuts that must not change
// their answers: the followers walk and join, the feed's bounded creations
// per followed user and its ranked head with the fallback to ranking all.
// These tests compare them, on random content, with the answer computed
// the slow way from the rows themselves.

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
// (newPlanWorld's last step adds a feed of items reposted first by
// several followed users at once.)
func newPlanWorld(t *testing.T, s *Store, r *rand.Rand) *planWorld {
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
	// Then tracks are created among reposts, some reposted in the block
	// that creates them, so creations rank among first reposts and some
	// items are both created and reposted at once.
	for range 8 {
		c := discovery.NewChanges()
		b := number + 1
		var fresh []int64
		for range 4 {
			id := int64(len(w.tracks)) + 1
			tr := &discovery.Track{ID: id, OwnerID: 1 + int64(r.IntN(nUsers/3)), Title: "t", Slug: fmt.Sprintf("t%d", id),
				CreatedBlock: b, UpdatedBlock: b, CreatedAt: 1_700_000_000 + b*10}
			w.tracks[id], c.Tracks[id], c.Prior.Tracks[id] = tr, tr, nil
			fresh = append(fresh, id)
		}
		for range 20 {
			k := discovery.ItemKey{UserID: 1 + int64(r.IntN(nUsers)), ItemType: discovery.ItemTrack, ItemID: 1 + int64(r.IntN(nTracks))}
			if r.IntN(3) == 0 {
				k.ItemID = fresh[r.IntN(len(fresh))]
			}
			if w.reposts[k] != nil {
				continue
			}
			a := &discovery.ItemAction{ItemKey: k, Block: b, CreatedAt: 1_700_000_000 + b*10}
			w.reposts[k], c.Reposts[k], c.Prior.Reposts[k] = a, a, nil
		}
		apply(c)
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

	// Last, users 63 to 66 repost the same 40 listed tracks in one block,
	// and user 67 follows them: each item of 67's feed is the first repost
	// of four followed users at once. In that block 63 also creates a
	// track, the newest of the feed's head and in its last block; in the
	// next, a stem, an unlisted track, a playlist and a private one.
	c = discovery.NewChanges()
	for id := int64(63); id <= 67; id++ {
		u := &discovery.User{ID: id, Handle: fmt.Sprintf("u%d", id), HandleLower: fmt.Sprintf("u%d", id), Name: "user",
			CreatedBlock: number + 1, UpdatedBlock: number + 1}
		if id == 67 {
			u.FolloweeCount = 4
		} else {
			u.FollowerCount = 1
			k := discovery.FollowKey{FollowerID: 67, FolloweeID: id}
			f := &discovery.Follow{FollowKey: k, Block: number + 1}
			w.follows[k], c.Follows[k], c.Prior.Follows[k] = f, f, nil
		}
		w.users[id], c.Users[id], c.Prior.Users[id] = u, u, nil
	}
	apply(c)
	c = discovery.NewChanges()
	shared := 0
	for id := int64(1); id <= nTracks && shared < 40; id++ {
		if t := w.tracks[id]; t.IsDelete || t.IsUnlisted || t.StemOf != 0 || w.users[t.OwnerID].IsDeactivated {
			continue
		}
		shared++
		for u := int64(63); u <= 66; u++ {
			k := discovery.ItemKey{UserID: u, ItemType: discovery.ItemTrack, ItemID: id}
			a := &discovery.ItemAction{ItemKey: k, Block: number + 1, CreatedAt: 1_700_000_000 + (number+1)*10}
			w.reposts[k], c.Reposts[k], c.Prior.Reposts[k] = a, a, nil
		}
	}
	track := func(c *discovery.Changes, owner int64, edit func(*discovery.Track)) int64 {
		b, id := number+1, int64(len(w.tracks))+1
		tr := &discovery.Track{ID: id, OwnerID: owner, Title: "t", Slug: fmt.Sprintf("t%d", id),
			CreatedBlock: b, UpdatedBlock: b, CreatedAt: 1_700_000_000 + b*10}
		edit(tr)
		w.tracks[id], c.Tracks[id], c.Prior.Tracks[id] = tr, tr, nil
		return id
	}
	newest := track(c, 63, func(*discovery.Track) {})
	apply(c)
	c = discovery.NewChanges()
	track(c, 63, func(t *discovery.Track) { t.StemOf = newest })
	track(c, 64, func(t *discovery.Track) { t.IsUnlisted = true })
	for i, owner := range []int64{64, 65} {
		b, id := number+1, int64(len(w.playlists))+1
		pl := &discovery.Playlist{ID: id, OwnerID: owner, Name: "p", Slug: fmt.Sprintf("p%d", id),
			IsPrivate: i == 1, CreatedBlock: b, UpdatedBlock: b, CreatedAt: 1_700_000_000 + b*10}
		w.playlists[id], c.Playlists[id], c.Prior.Playlists[id] = pl, pl, nil
	}
	apply(c)
	return w
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
	return page(ids(out, func(u *discovery.User) int64 { return u.ID }), p)
}

// wantFeed is the feed the slow way: every creation and first repost of
// every followed user (those q asks for), merged per item, ranked, listed
// items only.
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
		if !followed[k.UserID] || !q.Reposts {
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
		if !followed[owner] || !q.Originals {
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

func ids[T any](rows []T, id func(T) int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func page(all []int64, p discovery.Page) []int64 {
	start := min(p.Offset, len(all))
	end := len(all)
	if p.Limit > 0 {
		end = min(end, start+p.Limit)
	}
	return all[start:end]
}

var planPages = []discovery.Page{{Limit: 1}, {Limit: 3}, {Offset: 2, Limit: 5}, {Offset: 11, Limit: 4}, {Offset: 18, Limit: 6},
	{Offset: 25, Limit: 10}, {Offset: 3}, {}, {Offset: 1000, Limit: 5}}

func TestFollowersPlans(t *testing.T) {
	s, err := Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := newPlanWorld(t, s, rand.New(rand.NewPCG(1, 1)))
	for _, dense := range []struct {
		name   string
		factor float64
	}{{"walk", 0}, {"join", math.Inf(1)}, {"chosen", denseFollowers}} {
		for id := int64(1); id <= 12; id++ {
			for _, p := range planPages {
				users, err := s.followers(context.Background(), id, p, dense.factor)
				if err != nil {
					t.Fatal(err)
				}
				got := ids(users, func(u discovery.User) int64 { return u.ID })
				if want := w.wantFollowers(id, p); !slices.Equal(got, want) {
					t.Errorf("%s: followers of %d, page %+v = %v, want %v", dense.name, id, p, got, want)
				}
			}
		}
	}
}

// TestFeedPlans compares every way of finding the feed's head with the
// slow answer. The newest first reposts: reading every repost, the walk
// alone (no bound), the walk cut short (at once, so the statement falls
// back to reading; partway; within a block); the creations: per followed
// user or all the recent ones. Then the choices with the production
// factors, which must choose as their formulas do from the world's counts.
// Each way must also be seen taken, so a walk that always fell back could
// not pass.
func TestFeedPlans(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := newPlanWorld(t, s, rand.New(rand.NewPCG(2, 2)))
	// The walk's choice reads the planner's row counts.
	if _, err := s.pool.Exec(ctx, "ANALYZE users, reposts"); err != nil {
		t.Fatal(err)
	}
	users, reposts := float64(len(w.users)), float64(len(w.reposts))
	// recent says whether fewer tracks and playlists than factor·F were
	// created since the head's last first repost.
	recent := func(q discovery.FeedQuery, p discovery.Page, factor float64) (tracks, playlists bool) {
		since := w.feedSince(q, 2*(p.Limit+p.Offset)+feedHeadSlack)
		if since < 0 || w.users[q.UserID].FolloweeCount == 0 {
			return false, false
		}
		bound := max(int(math.Ceil(factor*float64(w.users[q.UserID].FolloweeCount))), 1)
		var nt, np int
		for _, t := range w.tracks {
			if int64(t.CreatedBlock) >= since {
				nt++
			}
		}
		for _, pl := range w.playlists {
			if int64(pl.CreatedBlock) >= since {
				np++
			}
		}
		return nt < bound, np < bound
	}
	walks := func(q discovery.FeedQuery, p discovery.Page) bool {
		f := float64(w.users[q.UserID].FolloweeCount)
		head := float64(2*(p.Limit+p.Offset) + feedHeadSlack)
		return f*f*reposts > feedWalkFactor*head*users*users
	}
	recentAt := func(factor float64) func(q discovery.FeedQuery, p discovery.Page) (tracks, playlists bool) {
		return func(q discovery.FeedQuery, p discovery.Page) (tracks, playlists bool) {
			return recent(q, p, factor)
		}
	}
	always := func(discovery.FeedQuery, discovery.Page) bool { return true }
	recentAlways := func(q discovery.FeedQuery, p discovery.Page) (bool, bool) {
		ok := w.feedSince(q, 2*(p.Limit+p.Offset)+feedHeadSlack) >= 0 && w.users[q.UserID].FolloweeCount > 0
		return ok, ok
	}
	never := func(discovery.FeedQuery, discovery.Page) bool { return false }
	walked := []feedPath{feedWalked, feedFellBack}
	queries := []discovery.FeedQuery{{Originals: true, Reposts: true}, {Originals: true}, {Reposts: true}}
	for _, tc := range []struct {
		name  string
		costs feedCosts
		// walk says whether the walk is taken when the page is bounded
		// and reposts are asked for; then paths are those it may end
		// with.
		walk  func(q discovery.FeedQuery, p discovery.Page) bool
		paths []feedPath
		// recent says whether each table's recent creations are read
		// when the page is bounded and creations are asked for.
		recent func(q discovery.FeedQuery, p discovery.Page) (tracks, playlists bool)
		// seen are the paths some feed must take.
		seen []feedPath
	}{
		{"read", feedCostsRead, never, nil, func(discovery.FeedQuery, discovery.Page) (bool, bool) { return false, false },
			[]feedPath{feedRead}},
		{"walk", feedCosts{walk: 0, bound: inf, recent: inf}, always, walked,
			recentAlways, []feedPath{feedWalked}},
		{"walk, bounded", feedCosts{walk: 0, bound: 1, recent: 0}, always, walked,
			func(discovery.FeedQuery, discovery.Page) (bool, bool) { return false, false }, []feedPath{feedWalked, feedFellBack}},
		// User 67's newest block holds the 40 items of 4 followed users,
		// 160 reposts. A walk of 4·39 of them (the bound counts the
		// followed users' reposts: bound·F²·R/U²) ends within the block
		// with 39 items, enough for a head of 34 or 38: only a walk in
		// the feed's order within a block finds the right ones.
		{"walk, cut in a block", feedCosts{walk: 0, bound: 4 * 39 / (16 * reposts / (users * users)), recent: inf}, always, walked,
			recentAlways, []feedPath{feedWalked, feedFellBack}},
		{"fallback", feedCosts{walk: 0, bound: 0, recent: inf}, always, []feedPath{feedFellBack},
			recentAlways, []feedPath{feedFellBack}},
		// User 67's newest blocks hold 3 tracks and 2 playlists, created
		// since the head's last first repost: a bound of 3 keeps the
		// tracks from being read as recent, just.
		{"recent, at its bound", feedCosts{walk: 0, bound: inf, recent: 0.75}, always, walked, recentAt(0.75),
			[]feedPath{feedWalked}},
		{"chosen", feedCostsChosen, walks, walked, recentAt(feedRecentFactor), []feedPath{feedRead, feedWalked}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[feedPath]int{}
			var recentSeen, ownersSeen int
			for id := int64(1); id <= int64(len(w.users)); id++ {
				for _, q := range queries {
					q.UserID = id
					for _, p := range planPages {
						got, plan, err := s.feed(ctx, q, p, tc.costs)
						if err != nil {
							t.Fatal(err)
						}
						seen[plan.reposts]++
						if want := w.wantFeed(q, p); !slices.Equal(got, want) {
							t.Errorf("feed %+v, page %+v (%+v) = %v, want %v", q, p, plan, got, want)
						}
						bounded := p.Limit > 0
						paths := []feedPath{feedRead}
						if q.Reposts && bounded && tc.walk(q, p) {
							paths = tc.paths
						}
						if !slices.Contains(paths, plan.reposts) {
							t.Errorf("feed %+v, page %+v: path %d, want one of %v", q, p, plan.reposts, paths)
						}
						if !q.Originals || !bounded {
							continue
						}
						if tracks, playlists := tc.recent(q, p); plan.recentTracks != tracks || plan.recentPlaylists != playlists {
							t.Errorf("feed %+v, page %+v: recent tracks, playlists %t, %t, want %t, %t",
								q, p, plan.recentTracks, plan.recentPlaylists, tracks, playlists)
						}
						if plan.recentTracks {
							recentSeen++
						} else {
							ownersSeen++
						}
					}
				}
			}
			t.Logf("reposts: %d read, %d walked, %d fell back; tracks: %d recent, %d per owner",
				seen[feedRead], seen[feedWalked], seen[feedFellBack], recentSeen, ownersSeen)
			for _, p := range tc.seen {
				if seen[p] == 0 {
					t.Errorf("no feed took the path %d", p)
				}
			}
			if tc.name == "chosen" && (recentSeen == 0 || ownersSeen == 0) {
				t.Errorf("the creations should be read both ways")
			}
		})
	}
}

// feedSince is the block of the head-th newest first repost of q's feed,
// listed or not, or -1 when there are fewer.
func (w *planWorld) feedSince(q discovery.FeedQuery, head int) int64 {
	if !q.Reposts {
		return -1
	}
	type key struct {
		kind string
		id   int64
	}
	first := map[key]uint64{}
	for k, a := range w.reposts {
		if w.follows[discovery.FollowKey{FollowerID: q.UserID, FolloweeID: k.UserID}] == nil {
			continue
		}
		if b, ok := first[key{k.ItemType, k.ItemID}]; !ok || a.Block < b {
			first[key{k.ItemType, k.ItemID}] = a.Block
		}
	}
	var blocks []uint64
	for _, b := range first {
		blocks = append(blocks, b)
	}
	if len(blocks) < head {
		return -1
	}
	slices.Sort(blocks)
	return int64(blocks[len(blocks)-head])
}
