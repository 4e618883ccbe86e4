package sqlite

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// TestSearchTiers checks that a one-word search by tiers, each tier walked
// or matched, ranks exactly as the statement that ranks every match, on
// titles and names made of a few words, so that words, prefixes and typos
// all have many documents, with ties of popularity and handles the word
// spells.
func TestSearchTiers(t *testing.T) {
	ctx := context.Background()
	s := newSearchWorld(t)
	queries := []string{"lo", "lov", "love", "Lové", "lover", "loev", "danc", "dance", "dnace", "dá", "da", "nights", "nihgt", "l", "zz"}
	tiered := 0
	for _, kind := range []searchKind{searchUser, searchTrack, searchPlaylist} {
		for _, query := range queries {
			q := discovery.SearchQuery{Query: query}
			terms := discovery.NewSearchTerms(discovery.SearchTerms(query))
			if err := findTypos(ctx, s.r, kind, terms); err != nil {
				t.Fatal(err)
			}
			for _, p := range searchPages {
				limit, offset, _ := pageArgs(p)
				if !tieredSearch(q, terms, limit) {
					continue
				}
				tiered++
				want, err := findMatched(ctx, s, kind, q, terms, limit, offset, matchAll, -1, idScanner(kind))
				if err != nil {
					t.Fatal(err)
				}
				for _, walk := range []float64{0, math.Inf(1), 0.3, searchWalk} {
					got, err := findTiered(ctx, s, kind, terms[0], limit, offset, walk, idScanner(kind))
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Errorf("kind %d %q page %+v walk %g: %v, want %v", kind, query, p, walk, got, want)
					}
				}
			}
		}
	}
	if tiered == 0 {
		t.Fatal("no search was answered by tiers")
	}
}

// TestSearchSeveralWords checks, for searches of several words, that the
// top tier's walk and the statement matching from one term's documents
// rank exactly as the statement that reads every term's, for every sort
// and filter.
func TestSearchSeveralWords(t *testing.T) {
	ctx := context.Background()
	s := newSearchWorld(t)
	queries := []string{"love lo", "dance ni", "lover night", "love dnace", "lo dá", "love lover", "nights l", "lo ve",
		"dawn lost loud", "zz love", "love zz", "danse danc da"}
	filters := []discovery.SearchQuery{{}, {Sort: discovery.SortPopular}, {Sort: discovery.SortRecent},
		{Genres: []string{"rock"}}, {Moods: []string{"CALM"}}, {VerifiedOnly: true}}
	walked := 0
	for _, kind := range []searchKind{searchUser, searchTrack, searchPlaylist} {
		for _, query := range queries {
			terms := discovery.NewSearchTerms(discovery.SearchTerms(query))
			if err := findTypos(ctx, s.r, kind, terms); err != nil {
				t.Fatal(err)
			}
			for i, f := range filters {
				q := f
				q.Query = query
				pages := searchPages
				if i > 0 {
					pages = pages[1:3] // fewer pages: paging is the same for every sort and filter
				}
				for _, p := range pages {
					limit, offset, _ := pageArgs(p)
					want, err := findMatched(ctx, s, kind, q, terms, limit, offset, matchAll, -1, idScanner(kind))
					if err != nil {
						t.Fatal(err)
					}
					for driver := range terms {
						got, err := findMatched(ctx, s, kind, q, terms, limit, offset, matchDriven, driver, idScanner(kind))
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(got, want) {
							t.Errorf("kind %d %+v page %+v from term %d: %v, want %v", kind, q, p, driver, got, want)
						}
					}
					if !topSearch(q, terms, limit) {
						continue
					}
					for _, walk := range []struct {
						factor float64
						sample int
					}{{math.Inf(1), 1}, {0.3, 1}, {searchWalk, 2}, {searchWalk, topSample}} {
						got, ok, err := findTop(ctx, s, kind, terms, limit, offset, walk.factor, walk.sample, idScanner(kind))
						if err != nil {
							t.Fatal(err)
						}
						if !ok {
							continue
						}
						walked++
						if !slices.Equal(got, want) {
							t.Errorf("kind %d %q page %+v top tier walk %+v: %v, want %v", kind, query, p, walk, got, want)
						}
					}
				}
			}
		}
	}
	if walked == 0 {
		t.Fatal("no search was answered by its top tier")
	}
}

var searchPages = []discovery.Page{{Limit: 1}, {Limit: 7}, {Offset: 5, Limit: 10}, {Offset: 40, Limit: 20}, {Offset: 200, Limit: 5}, {Offset: 3}}

// newSearchWorld is a store of users, tracks and playlists whose names
// and titles are made of a few words.
func newSearchWorld(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "discovery.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := rand.New(rand.NewPCG(3, 3))
	words := []string{"love", "lover", "loud", "lost", "dance", "dancer", "danse", "dawn", "night", "nights", "lo", "dá", "Lové"}
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
			FollowerCount: int64(r.IntN(5)), IsDeactivated: id%40 == 0, IsVerified: id%3 == 0, CreatedBlock: 1, UpdatedBlock: 1,
			CreatedAt: uint64(r.IntN(4))}
		c.Users[id], c.Prior.Users[id] = u, nil
	}
	for id := int64(1); id <= 400; id++ {
		tr := &discovery.Track{ID: id, OwnerID: 1 + int64(r.IntN(150)), Title: phrase(), Slug: fmt.Sprint(id),
			Genre: []string{"Rock", "Pop", ""}[r.IntN(3)], Mood: []string{"Calm", "Fierce"}[r.IntN(2)],
			PlayCount: int64(r.IntN(4)), IsUnlisted: id%30 == 0, CreatedBlock: 1, UpdatedBlock: 1, CreatedAt: uint64(r.IntN(4))}
		c.Tracks[id], c.Prior.Tracks[id] = tr, nil
		if id <= 80 {
			p := &discovery.Playlist{ID: id, OwnerID: 1 + int64(r.IntN(150)), Name: phrase(), Slug: fmt.Sprint(id),
				IsAlbum: id%9 == 0, CreatedBlock: 1, UpdatedBlock: 1}
			c.Playlists[id], c.Prior.Playlists[id] = p, nil
		}
	}
	b := discovery.BlockRef{Number: 1, Hash: common.BigToHash(big.NewInt(1)), Time: 1_700_000_000}
	if err := s.ApplyBlock(ctx, b, c); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTieredSearchChosen checks which searches go by tiers.
func TestTieredSearchChosen(t *testing.T) {
	one := discovery.NewSearchTerms([]string{"love"})
	two := discovery.NewSearchTerms([]string{"love", "night"})
	tests := []struct {
		name  string
		q     discovery.SearchQuery
		terms []discovery.SearchTerm
		limit int
		want  bool
	}{
		{"one word", discovery.SearchQuery{Query: "love"}, one, 10, true},
		{"by relevance", discovery.SearchQuery{Query: "love", Sort: discovery.SortRelevant}, one, 10, true},
		{"two words", discovery.SearchQuery{Query: "love night"}, two, 10, false},
		{"no word", discovery.SearchQuery{}, nil, 10, false},
		{"popular", discovery.SearchQuery{Query: "love", Sort: discovery.SortPopular}, one, 10, false},
		{"recent", discovery.SearchQuery{Query: "love", Sort: discovery.SortRecent}, one, 10, false},
		{"genre", discovery.SearchQuery{Query: "love", Genres: []string{"rock"}}, one, 10, false},
		{"mood", discovery.SearchQuery{Query: "love", Moods: []string{"calm"}}, one, 10, false},
		{"verified", discovery.SearchQuery{Query: "love", VerifiedOnly: true}, one, 10, false},
		{"no limit", discovery.SearchQuery{Query: "love"}, one, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tieredSearch(tt.q, tt.terms, tt.limit); got != tt.want {
				t.Errorf("tieredSearch = %v, want %v", got, tt.want)
			}
		})
	}
}

// idScanner reads the id of a row of a kind's select list.
func idScanner(kind searchKind) func(scanner) (*int64, error) {
	return func(row scanner) (*int64, error) {
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
