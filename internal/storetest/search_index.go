package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
)

// SearchIndexScenario applies and reverts random blocks of users, tracks
// and playlists (renames, deletes, unlisting, deactivations, count
// changes) on s, an empty store, and calls check after every step. A store
// passes check that compares its incrementally kept search index with one
// rebuilt from the entity rows: the index is derived, so the two must be
// equal after any sequence of blocks and reverts.
func SearchIndexScenario(t *testing.T, s discovery.Store, check func(t *testing.T, when string)) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 5))
	words := []string{"Dance", "dänce", "Floor", "Beyoncé", "Love", "lover", "Live", "Night", "Straße", "DJ_Khaled",
		"Road", "trip", "Émile", "zola", "café", "Москва", "x"}
	text := func() string {
		n := 1 + rng.IntN(3)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(parts, " ")
	}
	chance := func(percent int) bool { return rng.IntN(100) < percent }

	var (
		head    discovery.BlockRef
		applied []discovery.BlockRef
		serial  uint64
	)
	for step := range 60 {
		if len(applied) > 0 && chance(30) {
			b := applied[len(applied)-1]
			applied = applied[:len(applied)-1]
			mustRevert(t, s, b)
			head = discovery.BlockRef{}
			if len(applied) > 0 {
				head = applied[len(applied)-1]
			}
			check(t, fmt.Sprintf("step %d: revert block %d", step, b.Number))
			continue
		}
		c := discovery.NewChanges()
		for range 1 + rng.IntN(6) {
			switch rng.IntN(4) {
			case 3:
				// Counts only, on rows as they are: the ranking columns
				// change without a word of the document.
				id := rng.Int64N(50)
				if u, ok := mustUser(t, s, id); ok && c.Users[id] == nil {
					u.FollowerCount, u.IsVerified = rng.Int64N(50), chance(50)
					c.Users[id] = u
				}
				if tr := mustRead(t, s.Track, id); tr != nil && c.Tracks[id] == nil {
					tr.PlayCount, tr.SaveCount = rng.Int64N(100), rng.Int64N(5)
					c.Tracks[id] = tr
				}
				if p := mustRead(t, s.Playlist, id); p != nil && c.Playlists[id] == nil {
					p.RepostCount, p.CreatedAt = rng.Int64N(100), p.CreatedAt+1
					c.Playlists[id] = p
				}
			case 0:
				id := 1 + rng.Int64N(6)
				u := searchUser(id, fmt.Sprintf("%s%d", words[rng.IntN(len(words))], id), text(), rng.Int64N(50))
				u.HandleLower = strings.ToLower(u.Handle)
				u.IsDeactivated, u.IsVerified = chance(15), chance(50)
				c.Users[id] = u
			case 1:
				id := 10 + rng.Int64N(15)
				tr := searchTrack(id, 1+id%6, text(), []string{"Pop", "Électro", ""}[rng.IntN(3)], rng.Int64N(100))
				tr.IsDelete, tr.IsUnlisted, tr.Mood = chance(10), chance(10), text()
				c.Tracks[id] = tr
			default:
				id := 40 + rng.Int64N(8)
				p := searchPlaylist(id, 1+id%6, text(), rng.Int64N(100))
				p.IsDelete, p.IsPrivate, p.IsAlbum = chance(10), chance(10), chance(15)
				c.Playlists[id] = p
			}
		}
		serial++
		b := discovery.BlockRef{Number: head.Number + 1, Hash: hashOf("search", serial), ParentHash: head.Hash, Time: 1_700_000_000 + serial}
		mustApply(t, s, b, c)
		applied, head = append(applied, b), b
		check(t, fmt.Sprintf("step %d: apply block %d", step, b.Number))
	}
}
