package apibench

import (
	"testing"

	"github.com/discovery-node/discovery"
)

// TestGraphCounts checks that every counter the rows carry is what the
// edges say, and that no edge is repeated, a self-follow or older than
// what it joins: the loaded rows must be a state indexing could reach.
func TestGraphCounts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes Sizes
	}{
		{"quick", Quick},
		{"small", Small},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := generate(Dataset{Seed: 7, Sizes: tc.sizes})
			if err != nil {
				t.Fatal(err)
			}
			checkGraph(t, g)
		})
	}
}

func checkGraph(t *testing.T, g *graph) {
	t.Helper()
	s := g.d.Sizes
	if len(g.users) != s.Users || len(g.tracks) != s.Tracks || len(g.playlists) != s.Playlists ||
		len(g.follows.src) != s.Follows || len(g.reposts.src) != s.Reposts || len(g.saves.src) != s.Saves || len(g.plays) != s.PlayDays {
		t.Fatalf("sizes %d %d %d %d %d %d %d, want %s", len(g.users), len(g.tracks), len(g.playlists),
			len(g.follows.src), len(g.reposts.src), len(g.saves.src), len(g.plays), s)
	}
	followers, following := make([]int32, s.Users), make([]int32, s.Users)
	seen := map[[2]int32]bool{}
	for i := range g.follows.src {
		a, b, d := g.follows.src[i], g.follows.to[i], int32(g.follows.day[i])
		if a == b || seen[[2]int32{a, b}] {
			t.Fatalf("follow %d->%d repeated or of oneself", a, b)
		}
		seen[[2]int32{a, b}] = true
		if d < g.users[a].day || d < g.users[b].day {
			t.Fatalf("follow %d->%d on day %d, before a user was created", a, b, d)
		}
		following[a]++
		followers[b]++
	}
	tracks, playlists, albums, reposts := make([]int32, s.Users), make([]int32, s.Users), make([]int32, s.Users), make([]int32, s.Users)
	for i, tr := range g.tracks {
		tracks[tr.owner]++
		if tr.day < g.users[tr.owner].day {
			t.Fatalf("track %d made before its owner", i)
		}
		for _, p := range []int32{tr.remixOf, tr.stemOf} {
			if p != 0 && (p-1 >= int32(i) || g.tracks[p-1].day > tr.day) {
				t.Fatalf("track %d derives from track %d, which is not older", i, p-1)
			}
		}
	}
	for i, p := range g.playlists {
		if p.album {
			albums[p.owner]++
		} else {
			playlists[p.owner]++
		}
		for _, tr := range p.tracks {
			if g.tracks[tr].day > p.day {
				t.Fatalf("playlist %d holds track %d, made later", i, tr)
			}
		}
	}
	trackActs := map[bool][]int32{true: make([]int32, s.Tracks), false: make([]int32, s.Tracks)}
	listActs := map[bool][]int32{true: make([]int32, s.Playlists), false: make([]int32, s.Playlists)}
	for _, repost := range []bool{true, false} {
		e := &g.saves
		if repost {
			e = &g.reposts
		}
		seen := map[[2]int32]bool{}
		for i := range e.src {
			u, to, d := e.src[i], e.to[i], int32(e.day[i])
			if seen[[2]int32{u, to}] {
				t.Fatalf("user %d acted twice on item %d", u, to)
			}
			seen[[2]int32{u, to}] = true
			if to < 0 {
				p := &g.playlists[-to-1]
				if p.private || p.owner == u || d < p.day {
					t.Fatalf("user %d acted on playlist %d: private, own or not made yet", u, -to-1)
				}
				listActs[repost][-to-1]++
			} else {
				tr := &g.tracks[to]
				if tr.unlisted || tr.owner == u || d < tr.day {
					t.Fatalf("user %d acted on track %d: unlisted, own or not made yet", u, to)
				}
				trackActs[repost][to]++
			}
			if d < g.users[u].day {
				t.Fatalf("user %d acted before being created", u)
			}
			if repost {
				reposts[u]++
			}
		}
	}
	for i, u := range g.users {
		if u.followers != followers[i] || u.following != following[i] || u.tracks != tracks[i] ||
			u.playlists != playlists[i] || u.albums != albums[i] || u.reposts != reposts[i] {
			t.Fatalf("user %d counts %+v, edges say %d %d %d %d %d %d", i, u,
				followers[i], following[i], tracks[i], playlists[i], albums[i], reposts[i])
		}
	}
	plays := make([]int64, s.Tracks)
	for _, p := range g.plays {
		plays[p.track] += int64(p.count)
		if p.day < g.tracks[p.track].day {
			t.Fatalf("track %d played before it was made", p.track)
		}
	}
	for i, tr := range g.tracks {
		if tr.reposts != trackActs[true][i] || tr.saves != trackActs[false][i] || tr.plays != plays[i] {
			t.Fatalf("track %d counts %d %d %d, edges say %d %d %d", i, tr.reposts, tr.saves, tr.plays,
				trackActs[true][i], trackActs[false][i], plays[i])
		}
	}
	for i, p := range g.playlists {
		if p.reposts != listActs[true][i] || p.saves != listActs[false][i] {
			t.Fatalf("playlist %d counts %d %d, edges say %d %d", i, p.reposts, p.saves, listActs[true][i], listActs[false][i])
		}
	}
}

// TestBlocks checks the blocks a graph becomes: linked, each within the
// row budget, each a valid Changes of new rows only, every row referring to
// rows of its own or earlier blocks; and that a dry run names the same
// head, the mark of a complete load.
func TestBlocks(t *testing.T) {
	g, err := generate(Dataset{Seed: 3, Sizes: Quick})
	if err != nil {
		t.Fatal(err)
	}
	const rows = 5000
	users, tracks, playlists := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	var prev discovery.BlockRef
	total := 0
	err = g.blocks(rows, false, func(b discovery.BlockRef, c *discovery.Changes) error {
		if b.Number != prev.Number+1 || b.ParentHash != prev.Hash || b.Time <= prev.Time {
			t.Fatalf("block %+v does not follow %+v", b, prev)
		}
		prev = b
		if err := c.Check(b); err != nil {
			t.Fatalf("block %d: %v", b.Number, err)
		}
		if n := changedRows(c); n > rows+1 || n == 0 {
			t.Fatalf("block %d has %d rows, budget %d", b.Number, n, rows)
		}
		total += changedRows(c)
		for id, u := range c.Users {
			if c.Prior.Users[id] != nil || u.CreatedBlock != b.Number || u.CreatedAt != b.Time {
				t.Fatalf("user %d: not new in block %d", id, b.Number)
			}
			users[id] = true
		}
		for id, tr := range c.Tracks {
			if !users[tr.OwnerID] || (len(tr.RemixOf) > 0 && !tracks[tr.RemixOf[0]] && c.Tracks[tr.RemixOf[0]] == nil) {
				t.Fatalf("track %d refers to a user or track not there yet", id)
			}
			if r := c.Routes[discovery.RouteKey{OwnerID: tr.OwnerID, Kind: discovery.ItemTrack, Slug: tr.Slug}]; r == nil || r.EntityID != id {
				t.Fatalf("track %d has no route", id)
			}
		}
		for id := range c.Tracks {
			tracks[id] = true
		}
		for id, p := range c.Playlists {
			for _, pt := range p.Tracks {
				if !tracks[pt.TrackID] {
					t.Fatalf("playlist %d holds track %d, not there yet", id, pt.TrackID)
				}
			}
			playlists[id] = true
		}
		for k := range c.Follows {
			if !users[k.FollowerID] || !users[k.FolloweeID] {
				t.Fatalf("follow %+v of users not there yet", k)
			}
		}
		for _, items := range []map[discovery.ItemKey]*discovery.ItemAction{c.Reposts, c.Saves} {
			for k := range items {
				there := tracks
				if k.ItemType == discovery.ItemPlaylist {
					there = playlists
				}
				if !users[k.UserID] || !there[k.ItemID] {
					t.Fatalf("%+v of a user or item not there yet", k)
				}
			}
		}
		for k := range c.PlayDays {
			if !tracks[k.TrackID] || uint64(k.Day*86400) > b.Time {
				t.Fatalf("plays %+v of a track not there yet, or of a later day", k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != Quick.Rows() {
		t.Errorf("%d rows in blocks, want %d", total, Quick.Rows())
	}
	head, n, err := g.head(rows)
	if err != nil || head != prev || uint64(n) != prev.Number {
		t.Errorf("dry run: head %+v after %d blocks (%v), want %+v", head, n, err, prev)
	}
	again, err := generate(g.d)
	if err != nil {
		t.Fatal(err)
	}
	if h, _, _ := again.head(rows); h != head {
		t.Errorf("the same data set ends at %+v, then at %+v", head, h)
	}
}
