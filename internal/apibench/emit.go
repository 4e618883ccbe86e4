package apibench

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// The graph becomes blocks day by day: each day's new users, then tracks
// and playlists with their routes, then follows, reposts, saves and play
// counters, cut into blocks of at most blockRows rows, so every row a
// block refers to is in it or in an earlier one. Rows are new (their prior
// image is nil) and carry their final counts, so no row is written twice.

// defaultBlockRows is how many rows one block writes.
const defaultBlockRows = 50_000

// dayStart is the time the data set's day d (0..timelineDays-1) starts.
func dayStart(d int32) uint64 {
	return headDayStart - uint64(timelineDays-1-d)*86400
}

// blockHash names block n of the data set.
func (g *graph) blockHash(n uint64) common.Hash {
	h := sha256.New()
	h.Write([]byte("apibench " + g.d.sizeKey()))
	h.Write(binary.BigEndian.AppendUint64(nil, n))
	return common.BytesToHash(h.Sum(nil))
}

// byDay orders the indexes 0..n-1 by day, stably: start[d] is where day
// d's begin in order.
func byDay(n int, dayOf func(i int) int32) (start, order []int32) {
	start = make([]int32, timelineDays+1)
	for i := range n {
		start[dayOf(i)+1]++
	}
	for d := 1; d <= timelineDays; d++ {
		start[d] += start[d-1]
	}
	next := slices32(start[:timelineDays])
	order = make([]int32, n)
	for i := range n {
		d := dayOf(i)
		order[next[d]] = int32(i)
		next[d]++
	}
	return start, order
}

func slices32(s []int32) []int32 { return append([]int32(nil), s...) }

// emitter builds the blocks, or with dry set only counts them.
type emitter struct {
	g         *graph
	blockRows int
	dry       bool
	yield     func(discovery.BlockRef, *discovery.Changes) error

	last  discovery.BlockRef // the latest block begun
	day   int32
	chunk int // blocks begun on day
	open  bool
	c     *discovery.Changes
	rows  int
	total int
}

// blocks hands every block of the graph, in order, to yield; with dry set
// it hands each block's reference with nil changes, and builds no rows.
func (g *graph) blocks(blockRows int, dry bool, yield func(discovery.BlockRef, *discovery.Changes) error) error {
	if blockRows <= 0 {
		blockRows = defaultBlockRows
	}
	e := &emitter{g: g, blockRows: blockRows, dry: dry, yield: yield}
	type kind struct {
		n    int
		day  func(i int) int32
		rows int
		put  func(i int32)
	}
	kinds := []kind{
		{len(g.users), func(i int) int32 { return g.users[i].day }, 1, e.user},
		{len(g.tracks), func(i int) int32 { return g.tracks[i].day }, 2, e.track},
		{len(g.playlists), func(i int) int32 { return g.playlists[i].day }, 2, e.playlist},
		{len(g.follows.src), func(i int) int32 { return int32(g.follows.day[i]) }, 1, e.follow},
		{len(g.reposts.src), func(i int) int32 { return int32(g.reposts.day[i]) }, 1, func(i int32) { e.item(&g.reposts, i, true) }},
		{len(g.saves.src), func(i int) int32 { return int32(g.saves.day[i]) }, 1, func(i int32) { e.item(&g.saves, i, false) }},
		{len(g.plays), func(i int) int32 { return g.plays[i].day }, 1, e.play},
	}
	starts, orders := make([][]int32, len(kinds)), make([][]int32, len(kinds))
	for k, kd := range kinds {
		starts[k], orders[k] = byDay(kd.n, kd.day)
	}
	for d := int32(0); d < timelineDays; d++ {
		e.day, e.chunk = d, 0
		for k, kd := range kinds {
			for _, i := range orders[k][starts[k][d]:starts[k][d+1]] {
				if err := e.begin(); err != nil {
					return err
				}
				e.rows += kd.rows
				if !dry {
					kd.put(i)
				}
				if e.rows >= blockRows {
					if err := e.flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := e.flush(); err != nil {
			return err
		}
	}
	return nil
}

// begin opens the next block if none is open.
func (e *emitter) begin() error {
	if e.open {
		return nil
	}
	n := e.last.Number + 1
	e.last = discovery.BlockRef{Number: n, Hash: e.g.blockHash(n), ParentHash: e.last.Hash,
		Time: dayStart(e.day) + uint64(e.chunk)}
	e.chunk++
	e.open, e.rows = true, 0
	if !e.dry {
		e.c = discovery.NewChanges()
	}
	return nil
}

// flush hands the open block on.
func (e *emitter) flush() error {
	if !e.open {
		return nil
	}
	e.open = false
	e.total += e.rows
	if err := e.yield(e.last, e.c); err != nil {
		return fmt.Errorf("block %d: %w", e.last.Number, err)
	}
	e.c = nil
	return nil
}

func (e *emitter) user(i int32) {
	u := &e.g.users[i]
	b := e.last
	id := int64(i) + 1
	e.c.Users[id] = &discovery.User{
		ID: id, Handle: u.handle, HandleLower: strings.ToLower(u.handle), Wallet: wallet(id), Name: u.name,
		Bio: "Music from " + locations[int(id)%len(locations)], Location: locations[int(id)%len(locations)],
		ProfilePicture: fakeCID("u", id), CoverPhoto: fakeCID("c", id),
		IsVerified: u.verified, IsDeactivated: u.deactivated,
		FollowerCount: int64(u.followers), FolloweeCount: int64(u.following), TrackCount: int64(u.tracks),
		PlaylistCount: int64(u.playlists), AlbumCount: int64(u.albums), RepostCount: int64(u.reposts),
		CreatedBlock: b.Number, UpdatedBlock: b.Number, CreatedAt: b.Time, UpdatedAt: b.Time,
	}
	e.c.Prior.Users[id] = nil
}

func (e *emitter) track(i int32) {
	t := &e.g.tracks[i]
	b := e.last
	id, owner := int64(i)+1, int64(t.owner)+1
	tr := &discovery.Track{
		ID: id, OwnerID: owner, Title: t.title, Slug: t.slug,
		Genre: genres[t.genre], Mood: moods[t.mood], Tags: strings.ToLower(genres[t.genre]),
		Duration: 120 + id%300, TrackCID: fakeCID("t", id), CoverArt: fakeCID("a", id),
		IsUnlisted: t.unlisted, StemOf: int64(t.stemOf),
		RepostCount: int64(t.reposts), SaveCount: int64(t.saves), PlayCount: t.plays,
		CreatedBlock: b.Number, UpdatedBlock: b.Number, CreatedAt: b.Time, UpdatedAt: b.Time,
	}
	if t.remixOf != 0 {
		tr.RemixOf = []int64{int64(t.remixOf)}
	}
	e.c.Tracks[id] = tr
	e.c.Prior.Tracks[id] = nil
	e.route(owner, discovery.ItemTrack, t.slug, id)
}

func (e *emitter) playlist(i int32) {
	p := &e.g.playlists[i]
	b := e.last
	id, owner := int64(i)+1, int64(p.owner)+1
	tracks := make([]discovery.PlaylistTrack, len(p.tracks))
	for k, t := range p.tracks {
		tracks[k] = discovery.PlaylistTrack{TrackID: int64(t) + 1, Timestamp: b.Time, MetadataTimestamp: b.Time}
	}
	e.c.Playlists[id] = &discovery.Playlist{
		ID: id, OwnerID: owner, Name: p.name, Slug: p.slug, CoverArt: fakeCID("p", id),
		IsAlbum: p.album, IsPrivate: p.private, Tracks: tracks,
		RepostCount: int64(p.reposts), SaveCount: int64(p.saves),
		CreatedBlock: b.Number, UpdatedBlock: b.Number, CreatedAt: b.Time, UpdatedAt: b.Time,
	}
	e.c.Prior.Playlists[id] = nil
	e.route(owner, discovery.ItemPlaylist, p.slug, id)
}

func (e *emitter) route(owner int64, kind, slug string, id int64) {
	k := discovery.RouteKey{OwnerID: owner, Kind: kind, Slug: slug}
	e.c.Routes[k] = &discovery.Route{RouteKey: k, EntityID: id, IsCurrent: true, Block: e.last.Number}
	e.c.Prior.Routes[k] = nil
}

func (e *emitter) follow(i int32) {
	f := &e.g.follows
	k := discovery.FollowKey{FollowerID: int64(f.src[i]) + 1, FolloweeID: int64(f.to[i]) + 1}
	e.c.Follows[k] = &discovery.Follow{FollowKey: k, Block: e.last.Number, CreatedAt: e.last.Time}
	e.c.Prior.Follows[k] = nil
}

func (e *emitter) item(es *edges, i int32, repost bool) {
	k := discovery.ItemKey{UserID: int64(es.src[i]) + 1, ItemType: discovery.ItemTrack, ItemID: int64(es.to[i]) + 1}
	if to := es.to[i]; to < 0 {
		k.ItemType, k.ItemID = discovery.ItemPlaylist, int64(-to)
	}
	a := &discovery.ItemAction{ItemKey: k, OfRepost: i%16 == 0, Block: e.last.Number, CreatedAt: e.last.Time}
	if repost {
		e.c.Reposts[k], e.c.Prior.Reposts[k] = a, nil
	} else {
		e.c.Saves[k], e.c.Prior.Saves[k] = a, nil
	}
}

func (e *emitter) play(i int32) {
	p := &e.g.plays[i]
	k := discovery.PlayDayKey{TrackID: int64(p.track) + 1, Day: int64(dayStart(p.day) / 86400)}
	e.c.PlayDays[k] = &discovery.PlayDay{PlayDayKey: k, Count: int64(p.count)}
	e.c.Prior.PlayDays[k] = nil
}

// wallet is a user's made-up address.
func wallet(id int64) common.Address {
	var a common.Address
	a[0] = 0xab
	binary.BigEndian.PutUint64(a[12:], uint64(id))
	return a
}

// fakeCID looks like a CIDv0 and is unique per kind and id.
func fakeCID(kind string, id int64) string {
	return fmt.Sprintf("Qm%s%043d", kind, id)
}
