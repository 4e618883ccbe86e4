package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/discovery-node/discovery"
)

// BenchRevert times reverting 1, 16 and 64 blocks of realistic content
// (about 600 changed rows each: new users, tracks with their routes,
// follows, unfollows, subscriptions, reposts, saves, plays by day, the
// counts they move, rejected actions) on top of some
// history. Between iterations the blocks are applied again, untimed. open
// must return a new, empty store and close it when the benchmark ends.
func BenchRevert(b *testing.B, open func(b *testing.B) discovery.Store) {
	for _, n := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("blocks=%d", n), func(b *testing.B) {
			ctx := context.Background()
			s := open(b)
			g := newBenchGen()
			for range 16 { // history below the reverted blocks
				blk, c := g.next()
				mustApply(b, s, blk, c)
			}
			type block struct {
				ref discovery.BlockRef
				c   *discovery.Changes
			}
			top := make([]block, n)
			rows := 0
			for i := range top {
				top[i].ref, top[i].c = g.next()
				rows += changedRows(top[i].c)
				mustApply(b, s, top[i].ref, top[i].c)
			}
			b.ResetTimer()
			for range b.N {
				for i := n - 1; i >= 0; i-- {
					if err := s.RevertBlock(ctx, top[i].ref); err != nil {
						b.Fatalf("revert %d: %v", top[i].ref.Number, err)
					}
				}
				b.StopTimer()
				for _, blk := range top {
					if err := s.ApplyBlock(ctx, blk.ref, blk.c); err != nil {
						b.Fatalf("apply %d: %v", blk.ref.Number, err)
					}
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(rows)/float64(n), "rows/block")
		})
	}
}

func changedRows(c *discovery.Changes) int {
	return len(c.Users) + len(c.Tracks) + len(c.Playlists) + len(c.Follows) + len(c.Reposts) + len(c.Saves) +
		len(c.Subscriptions) + len(c.Routes) + len(c.DeveloperApps) + len(c.Grants) + len(c.PlayDays) + len(c.Rejected)
}

// benchGen makes blocks of plausible content, deterministically, keeping
// the state in a model so every block's prior images are known.
type benchGen struct {
	ch        *chain
	m         *model
	rnd       *rand.Rand
	users     int64 // ids 1..users exist
	tracks    int64 // ids 1..tracks exist
	followsOf []discovery.FollowKey
}

func newBenchGen() *benchGen {
	return &benchGen{ch: newChain(1), m: newModel(), rnd: rand.New(rand.NewPCG(1, 2))}
}

// next returns the next block and its Changes, prior images included.
func (g *benchGen) next() (discovery.BlockRef, *discovery.Changes) {
	b := g.ch.block()
	n := b.Number
	c := discovery.NewChanges()
	for range 40 {
		g.users++
		u := user(g.users, fmt.Sprintf("user%d", g.users), 0)
		u.CreatedBlock, u.UpdatedBlock = n, n
		c.Users[u.ID] = u
	}
	for range 25 {
		g.tracks++
		owner := g.someUser()
		tr := track(g.tracks, owner, n)
		c.Tracks[g.tracks] = tr
		r := route(owner, discovery.ItemTrack, tr.Slug, tr.ID, true, n)
		c.Routes[r.RouteKey] = r
		g.userOf(c, owner).TrackCount++
	}
	for range 20 {
		k := discovery.FollowKey{FollowerID: g.someUser(), FolloweeID: g.someUser()}
		if k.FollowerID == k.FolloweeID || g.m.rows.Subscriptions[k] != nil || c.Subscriptions[k] != nil {
			continue
		}
		c.Subscriptions[k] = follow(k.FollowerID, k.FolloweeID, n)
	}
	for range 60 {
		k := discovery.PlayDayKey{TrackID: 1 + g.rnd.Int64N(g.tracks), Day: int64(n / 8)}
		d, ok := c.PlayDays[k]
		if !ok {
			d = &discovery.PlayDay{PlayDayKey: k}
			if old := g.m.rows.PlayDays[k]; old != nil {
				*d = *old
			}
			c.PlayDays[k] = d
		}
		d.Count++
		g.trackOf(c, k.TrackID).PlayCount++
	}
	for range 80 {
		k := discovery.FollowKey{FollowerID: g.someUser(), FolloweeID: g.someUser()}
		if k.FollowerID == k.FolloweeID || g.m.rows.Follows[k] != nil || c.Follows[k] != nil {
			continue
		}
		c.Follows[k] = follow(k.FollowerID, k.FolloweeID, n)
		g.userOf(c, k.FollowerID).FolloweeCount++
		g.userOf(c, k.FolloweeID).FollowerCount++
		g.followsOf = append(g.followsOf, k)
	}
	for range 10 {
		k := g.followsOf[g.rnd.IntN(len(g.followsOf))]
		if _, touched := c.Follows[k]; touched || g.m.rows.Follows[k] == nil {
			continue
		}
		c.Follows[k] = nil
		g.userOf(c, k.FollowerID).FolloweeCount--
		g.userOf(c, k.FolloweeID).FollowerCount--
	}
	g.items(c, n, c.Reposts, g.m.rows.Reposts, 45, func(t *discovery.Track) { t.RepostCount++ })
	g.items(c, n, c.Saves, g.m.rows.Saves, 30, func(t *discovery.Track) { t.SaveCount++ })
	for i := range 10 {
		c.Rejected = append(c.Rejected, rejected(n, uint(i)))
	}
	g.m.fillPrior(c)
	g.m.apply(c)
	return b, c
}

// items adds up to count new reposts or saves of tracks, counting them on
// the track.
func (g *benchGen) items(c *discovery.Changes, n uint64, changed, state map[discovery.ItemKey]*discovery.ItemAction, count int, bump func(*discovery.Track)) {
	if g.tracks == 0 {
		return
	}
	for range count {
		k := discovery.ItemKey{UserID: g.someUser(), ItemType: discovery.ItemTrack, ItemID: 1 + g.rnd.Int64N(g.tracks)}
		if state[k] != nil || changed[k] != nil {
			continue
		}
		changed[k] = item(k.UserID, k.ItemType, k.ItemID, n)
		bump(g.trackOf(c, k.ItemID))
	}
}

func (g *benchGen) someUser() int64 { return 1 + g.rnd.Int64N(g.users) }

// userOf returns the block's image of a user, copying it from the state on
// first use.
func (g *benchGen) userOf(c *discovery.Changes, id int64) *discovery.User {
	if u, ok := c.Users[id]; ok {
		return u
	}
	u := *g.m.rows.Users[id]
	c.Users[id] = &u
	return &u
}

func (g *benchGen) trackOf(c *discovery.Changes, id int64) *discovery.Track {
	if t, ok := c.Tracks[id]; ok {
		return t
	}
	t := *g.m.rows.Tracks[id]
	c.Tracks[id] = &t
	return &t
}
