package postgres

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
)

// TestSearchMultiTiers checks that a search of several words by tiers,
// each tier matched through the GIN index, walked whole, or walked a few
// documents before it falls back to matching, with tiers left out (and
// the search run again when they leave the page short), ranks exactly as
// the statement that ranks every match: on whole words, prefixes, accents,
// typos, words a handle spells, and random queries of the fixture's
// words, some misspelt.
func TestSearchMultiTiers(t *testing.T) {
	ctx := context.Background()
	s := tierFixture(ctx, t)
	defer s.Close()
	queries := []string{
		"love da", "lo da", "love dance", "Lové dá", "DÁ lové", "lover nights", "loev dnace", "nihgt lo",
		"dance night lo", "l da", "da l", "zz love", "lo ve", "lo ver", "l o v e", "lost dawn night love",
		"love lover", "lo lov", "dancer dance danse", "us lo", "user1 da", "lo user12",
	}
	r := rand.New(rand.NewPCG(5, 5))
	for range 40 {
		words := make([]string, 2+r.IntN(3))
		for i := range words {
			w := []rune(tierWords[r.IntN(len(tierWords))])
			switch r.IntN(4) {
			case 0: // a prefix
				w = w[:1+r.IntN(len(w))]
			case 1: // two letters swapped
				if len(w) >= 4 {
					k := r.IntN(len(w) - 1)
					w[k], w[k+1] = w[k+1], w[k]
				}
			}
			words[i] = string(w)
		}
		queries = append(queries, strings.Join(words, " "))
	}
	pages := []discovery.Page{{Limit: 1}, {Limit: 7}, {Offset: 5, Limit: 10}, {Offset: 40, Limit: 20}, {Offset: 2}, {}}
	modes := []tierKnobs{
		multiKnobs(searchUser), multiKnobs(searchTrack), {dense: math.Inf(1), margin: math.Inf(1)}, {dense: 0, margin: searchTierMargin},
		{walkCap: 1, margin: 1}, {walkCap: 3, margin: 0}, {walkCap: 1 << 40, margin: 0.5}}
	tiered := 0
	for _, kind := range []searchKind{searchUser, searchTrack, searchPlaylist} {
		for _, query := range queries {
			terms, err := s.searchTerms(ctx, kind, query)
			if err != nil {
				t.Fatal(err)
			}
			if !multiTierable(discovery.SearchQuery{Query: query}, terms) {
				continue
			}
			tiered++
			for _, p := range pages {
				limit, offset, _ := pageArgs(p)
				want, err := findRanked(ctx, s, kind, discovery.SearchQuery{Query: query}, terms, limit, offset, idScanner(kind))
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range modes {
					got, err := findMultiTiered(ctx, s, kind, terms, limit, offset, m, idScanner(kind))
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Errorf("kind %d %q page %+v mode %+v: %v, want %v", kind, query, p, m, got, want)
					}
				}
			}
		}
	}
	if tiered < 3*len(queries)/2 {
		t.Errorf("only %d searches of %d ran by tiers", tiered, 3*len(queries))
	}
}

// TestPlanTiers checks the tiers planned from the vocabulary's counts:
// which scores may hold documents, the words each tier is matched by,
// which tiers are walked, and where the rest are left out.
func TestPlanTiers(t *testing.T) {
	love := discovery.SearchTerm{Word: "love", Prefix: true, Typos: []string{"lobe"}}
	d := discovery.SearchTerm{Word: "d"}
	rare := discovery.SearchTerm{Word: "zorquilo", Prefix: true}
	lov := discovery.SearchTerm{Word: "lov", Prefix: true}
	type tier struct {
		score  int
		walked bool
		query  string
	}
	cases := []struct {
		name    string
		terms   []discovery.SearchTerm
		stats   []termStats
		docs    float64
		bounded bool
		want    []tier
		cut     bool
	}{{
		name: "dense first tier walked, the rest left out", terms: []discovery.SearchTerm{love, d},
		stats: []termStats{{n: [4]float64{3: 50000, 2: 5000, 1: 100}, many: true}, {n: [4]float64{3: 100000}}}, docs: 100000, bounded: true,
		want: []tier{{6, true, `('love')`}}, cut: true, // every document has "d"
	}, {
		name: "no page end", terms: []discovery.SearchTerm{love, d},
		stats: []termStats{{n: [4]float64{3: 50000, 2: 5000, 1: 100}, many: true}, {n: [4]float64{3: 100000}}}, docs: 100000,
		want: []tier{{6, false, `('love')`}, {5, false, `('love':*)`}, {4, false, `('love':* | 'lobe') & 'd'`}},
	}, {
		name: "a rare word, not a common prefix", terms: []discovery.SearchTerm{rare, lov},
		stats: []termStats{{n: [4]float64{3: 20}}, {n: [4]float64{2: 50000}, many: true}}, docs: 100000, bounded: true,
		want: []tier{{5, false, `('zorquilo')`}},
	}, {
		name: "both words needed", terms: []discovery.SearchTerm{rare, lov},
		stats: []termStats{{n: [4]float64{3: 20000}}, {n: [4]float64{2: 20000}, many: true}}, docs: 100000, bounded: true,
		want: []tier{{5, true, `('zorquilo' & 'lov':*)`}},
	}, {
		name: "a prefix of few words as those words", terms: []discovery.SearchTerm{rare, lov},
		stats: []termStats{{n: [4]float64{3: 20000}}, {n: [4]float64{2: 20000}, longer: []string{"love", "lover"}}},
		docs:  100000, bounded: true,
		want: []tier{{5, true, `('zorquilo' & ('lov' | 'love' | 'lover'))`}},
	}, {
		name: "no count of documents yet", terms: []discovery.SearchTerm{love, d},
		stats: []termStats{{n: [4]float64{3: 10, 2: 5, 1: 1}, many: true}, {n: [4]float64{3: 10}}}, docs: -1, bounded: true,
		want: []tier{{6, false, `('love')`}, {5, false, `('d')`}, {4, false, `('d')`}}, // as many documents as "d"
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := planTiers(c.terms, c.stats, c.docs, c.bounded, 20, tierKnobs{dense: multiWalkCost(searchTrack), margin: 4})
			tiers, cut := plan.tiers, plan.cut
			var got []tier
			for _, p := range tiers {
				got = append(got, tier{p.score, p.walk > 0, p.query})
			}
			if !slices.Equal(got, c.want) || cut != c.cut {
				t.Errorf("tiers %v, cut %t; want %v, cut %t", got, cut, c.want, c.cut)
			}
		})
	}
	few := []termStats{{n: [4]float64{3: 100}}, {n: [4]float64{2: 100}, many: true}}
	for _, c := range []struct {
		rankBelow float64
		bounded   bool
		rank      bool
	}{{200, true, true}, {1, true, false}, {200, false, false}} {
		plan := planTiers([]discovery.SearchTerm{rare, lov}, few, 100000, c.bounded, 20, tierKnobs{dense: 1, margin: 4, rankBelow: c.rankBelow})
		if plan.rank != c.rank || plan.rank == (len(plan.tiers) > 0) {
			t.Errorf("few matches, rank below %g, bounded %t: %+v, want rank %t", c.rankBelow, c.bounded, plan, c.rank)
		}
	}
}
