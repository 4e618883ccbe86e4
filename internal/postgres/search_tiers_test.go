package postgres

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
)

// TestSearchTiers checks that a one-word search by tiers, each tier walked
// or matched through the GIN index, ranks exactly as the statement that
// ranks every match, on titles and names made of a few words, so that
// words, prefixes and typos all have many documents, with ties of
// popularity and handles the word spells.
func TestSearchTiers(t *testing.T) {
	ctx := context.Background()
	s := tierFixture(ctx, t)
	defer s.Close()
	queries := []string{"lo", "lov", "love", "Lové", "lover", "loev", "danc", "dance", "dnace", "dá", "da", "nights", "nihgt", "l", "zz"}
	pages := []discovery.Page{{Limit: 1}, {Limit: 7}, {Offset: 5, Limit: 10}, {Offset: 40, Limit: 20}, {Offset: 2}, {}}
	for _, kind := range []searchKind{searchUser, searchTrack, searchPlaylist} {
		for _, query := range queries {
			terms, err := s.searchTerms(ctx, kind, query)
			if err != nil {
				t.Fatal(err)
			}
			if !tieredSearch(kind, discovery.SearchQuery{Query: query}, terms) {
				continue
			}
			for _, p := range pages {
				limit, offset, _ := pageArgs(p)
				want, err := findRanked(ctx, s, kind, discovery.SearchQuery{Query: query}, terms, limit, offset, idScanner(kind))
				if err != nil {
					t.Fatal(err)
				}
				for _, dense := range []float64{0, math.Inf(1), searchWalkCost} {
					got, err := findTiered(ctx, s, kind, terms[0], limit, offset, dense, idScanner(kind))
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Errorf("kind %d %q page %+v walk cost %g: %v, want %v", kind, query, p, dense, got, want)
					}
				}
			}
		}
	}
}

// tierWords are the words of tierFixture's names and titles.
var tierWords = []string{"love", "lover", "loud", "lost", "dance", "dancer", "danse", "dawn", "night", "nights", "lo", "dá", "Lové"}

// tierFixture opens a store of users, tracks and playlists named with a
// few of tierWords each, so that words, prefixes and typos all have many
// documents, with ties of popularity and handles the words spell.
func tierFixture(ctx context.Context, t *testing.T) *Store {
	t.Helper()
	s, err := Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	words := tierWords
	phrase := func() string {
		n := 1 + r.IntN(3)
		var p []string
		for range n {
			p = append(p, words[r.IntN(len(words))])
		}
		return strings.Join(p, " ")
	}
	c := discovery.NewChanges()
	for id := int64(1); id <= 150; id++ {
		handle := fmt.Sprintf("user%d", id)
		switch {
		case id%25 == 0:
			handle = words[int(id/25)%len(words)] // a handle a query word spells
		case id >= 140 && id < 146: // handles that spell the same word
			handle = []string{"lo_ve", "Lo.Ve", "LOVE", "l_o_v_e", "lov_e", "lo__ve"}[id-140]
		}
		name := phrase()
		if id >= 140 && id < 146 {
			name = []string{"love", "lovers", "x", "lover", "loud", "lost"}[id-140]
		}
		u := &discovery.User{ID: id, Handle: handle, HandleLower: strings.ToLower(handle), Name: name,
			FollowerCount: int64(r.IntN(5)), IsDeactivated: id%40 == 0, CreatedBlock: 1, UpdatedBlock: 1}
		c.Users[id], c.Prior.Users[id] = u, nil
	}
	for id := int64(1); id <= 400; id++ {
		tr := &discovery.Track{ID: id, OwnerID: 1 + int64(r.IntN(150)), Title: phrase(), Slug: fmt.Sprint(id),
			PlayCount: int64(r.IntN(4)), IsUnlisted: id%30 == 0, CreatedBlock: 1, UpdatedBlock: 1}
		c.Tracks[id], c.Prior.Tracks[id] = tr, nil
		if id <= 80 {
			p := &discovery.Playlist{ID: id, OwnerID: 1 + int64(r.IntN(150)), Name: phrase(), Slug: fmt.Sprint(id),
				IsAlbum: id%9 == 0, CreatedBlock: 1, UpdatedBlock: 1}
			c.Playlists[id], c.Prior.Playlists[id] = p, nil
		}
	}
	b := discovery.BlockRef{Number: 1, Hash: common.BigToHash(big.NewInt(1)), Time: 1_700_000_000}
	if err := s.ApplyBlock(ctx, b, c); err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s
}

// idScanner reads the id of a row of a kind's select list.
func idScanner(kind searchKind) func(pgx.Row) (*int64, error) {
	return func(row pgx.Row) (*int64, error) {
		var id int64
		switch kind {
		case searchUser:
			u, err := scanUser(row)
			if err != nil {
				return nil, err
			}
			id = u.ID
		case searchTrack:
			t, err := scanTrack(row)
			if err != nil {
				return nil, err
			}
			id = t.ID
		default:
			p, err := scanPlaylist(row)
			if err != nil {
				return nil, err
			}
			id = p.ID
		}
		return &id, nil
	}
}
