package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// searchChain makes blocks that create, rename, hide, count and delete
// users, tracks and playlists, with the prior image of every row, so
// search documents change in every way the triggers handle.
type searchChain struct {
	rnd       *rand.Rand
	users     map[int64]*discovery.User
	tracks    map[int64]*discovery.Track
	playlists map[int64]*discovery.Playlist
	parent    common.Hash
	n         uint64
}

var searchWords = []string{"Dance", "Night", "Café", "Über", "Love", "Rain", "Electric", "Dream", "Ocean", "Fire", "Señor", "Blue"}

func (g *searchChain) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = searchWords[g.rnd.IntN(len(searchWords))]
	}
	return strings.Join(w, " ")
}

func (g *searchChain) next() discovery.BlockChanges {
	g.n++
	ref := discovery.BlockRef{Number: g.n, Hash: common.BytesToHash([]byte(fmt.Sprintf("search block %d", g.n))), ParentHash: g.parent, Time: 1_700_000_000 + g.n}
	g.parent = ref.Hash
	c := discovery.NewChanges()
	for range 1 + g.rnd.IntN(4) { // new users
		id := int64(len(g.users) + 1)
		u := &discovery.User{ID: id, Handle: fmt.Sprintf("user%d", id), HandleLower: fmt.Sprintf("user%d", id),
			Name: g.words(2), MetadataStatus: discovery.MetadataInline, CreatedBlock: g.n, UpdatedBlock: g.n, CreatedAt: ref.Time, UpdatedAt: ref.Time}
		c.Prior.Users[id], c.Users[id] = nil, u
		g.users[id] = u
	}
	for range g.rnd.IntN(5) { // changed users: a count, a name, hidden or shown
		id := 1 + g.rnd.Int64N(int64(len(g.users)))
		if _, ok := c.Users[id]; ok {
			continue
		}
		old := g.users[id]
		u := *old
		switch g.rnd.IntN(4) {
		case 0:
			u.Name = g.words(1 + g.rnd.IntN(3))
		case 1:
			u.IsDeactivated = !u.IsDeactivated
		case 2:
			u.IsVerified = !u.IsVerified
		default:
			u.FollowerCount += 1 + g.rnd.Int64N(10)
		}
		u.UpdatedBlock = g.n
		c.Prior.Users[id], c.Users[id] = old, &u
		g.users[id] = &u
	}
	for range g.rnd.IntN(4) { // new tracks
		id := int64(len(g.tracks) + 1)
		t := &discovery.Track{ID: id, OwnerID: 1 + g.rnd.Int64N(int64(len(g.users))), Title: g.words(1 + g.rnd.IntN(3)),
			Slug: fmt.Sprintf("t-%d", id), Genre: "Electronic", Mood: "Peaceful", MetadataStatus: discovery.MetadataInline,
			CreatedBlock: g.n, UpdatedBlock: g.n, CreatedAt: ref.Time, UpdatedAt: ref.Time}
		c.Prior.Tracks[id], c.Tracks[id] = nil, t
		g.tracks[id] = t
	}
	for range g.rnd.IntN(4) { // changed tracks
		if len(g.tracks) == 0 {
			break
		}
		id := 1 + g.rnd.Int64N(int64(len(g.tracks)))
		if _, ok := c.Tracks[id]; ok {
			continue
		}
		old := g.tracks[id]
		t := *old
		switch g.rnd.IntN(4) {
		case 0:
			t.Title = g.words(2)
		case 1:
			t.IsUnlisted = !t.IsUnlisted
		case 2:
			t.IsDelete = true
		default:
			t.PlayCount += 1 + g.rnd.Int64N(100)
			t.RepostCount++
		}
		t.UpdatedBlock = g.n
		c.Prior.Tracks[id], c.Tracks[id] = old, &t
		g.tracks[id] = &t
	}
	if g.rnd.IntN(2) == 0 { // a playlist, new or renamed
		id := 1 + g.rnd.Int64N(int64(len(g.playlists)+1))
		old := g.playlists[id]
		p := &discovery.Playlist{ID: id, OwnerID: 1 + g.rnd.Int64N(int64(len(g.users))), Name: g.words(2), Slug: fmt.Sprintf("p-%d", id),
			MetadataStatus: discovery.MetadataInline, CreatedBlock: g.n, UpdatedBlock: g.n, CreatedAt: ref.Time, UpdatedAt: ref.Time}
		if old != nil {
			cp := *old
			cp.Name, cp.UpdatedBlock, cp.SaveCount = g.words(2), g.n, old.SaveCount+1
			p = &cp
		}
		c.Prior.Playlists[id], c.Playlists[id] = old, p
		g.playlists[id] = p
	}
	return discovery.BlockChanges{Block: ref, Changes: c}
}

// SearchChain returns blocks 1..n of a chain that creates, renames, hides,
// counts and deletes users, tracks and playlists with correct prior
// images, seeded: what a store's search documents must follow exactly.
func SearchChain(seed uint64, blocks int) []discovery.BlockChanges {
	g := &searchChain{rnd: rand.New(rand.NewPCG(seed, 7)), users: map[int64]*discovery.User{},
		tracks: map[int64]*discovery.Track{}, playlists: map[int64]*discovery.Playlist{}}
	out := make([]discovery.BlockChanges, blocks)
	for i := range out {
		out[i] = g.next()
	}
	return out
}

// ApplyRuns applies bcs in runs of size, the first final of them final.
func ApplyRuns(t *testing.T, s interface {
	ApplyBlocks(context.Context, []discovery.BlockChanges) error
}, bcs []discovery.BlockChanges, size, final int) {
	t.Helper()
	for i := 0; i < len(bcs); i += size {
		run := slices.Clone(bcs[i:min(i+size, len(bcs))])
		for k := range run {
			run[k].Final = i+k < final
		}
		if err := s.ApplyBlocks(context.Background(), run); err != nil {
			t.Fatalf("apply run at block %d: %v", run[0].Block.Number, err)
		}
	}
}

// FirstDiff describes the first difference between two dumps, or is "".
func FirstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("row %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("got %d rows, want %d", len(got), len(want))
	}
	return ""
}
