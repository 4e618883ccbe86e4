package postgres

import (
	"math"
	"slices"
	"strings"

	"github.com/discovery-node/discovery"
)

// How a search of several words is read by tiers (search_multi.go),
// planned from the vocabulary's counts of each word by level: 3 exact, 2
// prefix, 1 typo. A tier's size is estimated as if the words were
// independent. Matching a tier through GIN reads every document its
// tsquery matches, and every posting of the words a prefix in it begins:
// "lov" is "love" and a dozen more words, whose postings are read whole
// (a prefix is no entry of the index the scan can skip along), however
// few documents the rest of the tsquery leaves. So each way the words'
// levels add up to the tier's score is matched by the words that cost
// least: a rare exact word alone rather than it and a prefix; the
// documents so matched are then tested against the whole query. A prefix
// that begins few words is matched as those words ("lov" as 'lov' |
// 'love' | 'lover'...), which the scan can skip along: the words are read
// from the vocabulary a moment before the search, so a document given a
// new word of the prefix in between may be missed, as if it came a moment
// later.

// postingsPerRow is how many postings the GIN index reads for the cost of
// one document read and tested.
const postingsPerRow = 32

// multiPlan is how a search of several words is read: by its tiers, some
// left out (cut: a page they leave short is searched again, ranking every
// match), or by ranking every match when they are few (rank).
type multiPlan struct {
	tiers     []tierPlan
	cut, rank bool
}

// tierPlan is how one tier is read.
type tierPlan struct {
	score int
	walk  int64  // how many documents its walk may test; 0: matched
	query string // a tsquery every document of the tier matches
	// The estimates it was planned by: documents in the tier, and the
	// cost of matching it, in documents read.
	size, read float64
}

// maxPrefixWords is the most words a prefix is matched as.
const maxPrefixWords = 16

// termStats is what the vocabulary says of a query word.
type termStats struct {
	n [4]float64 // documents by level: [3] exact, [2] prefix, [1] typo
	// longer are the longer words the word begins, unless there are more
	// than maxPrefixWords (many).
	longer []string
	many   bool
}

// planTiers returns the tiers of a query of len(terms) words that may
// hold documents, best first, down to where they are estimated to hold
// k.margin page ends; or says to rank every match when that costs at most
// k.rankBelow documents read, less than planning the tiers. A tier is walked when its walk, end · docs / size
// documents each dense times as costly, costs less than matching it; the
// walk gives up past three times as many, where the estimate was wrong:
// words are not independent, nor of popularity (the most followed users
// are "DJ" someone, and few of them are "Maria Müller"). Without a page
// end (bounded false), nothing is walked or left out.
func planTiers(terms []discovery.SearchTerm, stats []termStats, docs float64, bounded bool, end float64, k tierKnobs) (p multiPlan) {
	// The planner's count of documents is -1 before the first ANALYZE, and
	// may lag the exact count of a word.
	for _, st := range stats {
		docs = max(docs, st.n[3])
	}
	for _, st := range stats {
		if docs <= 0 {
			docs = max(st.n[2], st.n[1])
		}
	}
	lv := levelsOf(terms, stats)
	combos := levelCombos(terms, stats, docs)
	// Every document of the query matches all; reading them costs allCost.
	ands := make([]string, len(lv))
	var total, allCost float64
	for i, l := range lv {
		ands[i] = group(l.atLeast[1])
		if l.partial {
			allCost += l.reach[1] / postingsPerRow
		}
	}
	all := strings.Join(ands, " & ")
	for _, cs := range combos {
		for _, c := range cs {
			total += c.size
		}
	}
	allCost += total
	if bounded && allCost <= k.rankBelow {
		return multiPlan{rank: true}
	}
	var above float64 // the estimated documents of the tiers so far
	for score := 3 * len(terms); score >= len(terms); score-- {
		cs := combos[score]
		if len(cs) == 0 {
			continue
		}
		if bounded && len(p.tiers) > 0 && above >= k.margin*end {
			p.cut = true
			return p
		}
		t := tierPlan{score: score, query: all, read: allCost}
		var ors []string
		var read float64
		for _, c := range cs {
			t.size += c.size
			q, cost := cheapestMatch(c.levels, lv, docs)
			if !slices.Contains(ors, q) {
				ors, read = append(ors, q), read+cost
			}
		}
		above += t.size
		if len(cs) <= maxTierCombos && read <= allCost {
			t.query, t.read = strings.Join(ors, " | "), read
		}
		if walked := end * docs / t.size; bounded && end > 0 && k.dense*walked < t.read {
			t.walk = int64(math.Ceil(min(3*walked+64, docs+1)))
		}
		p.tiers = append(p.tiers, t)
	}
	return p
}

// termLevels is what a document must match to reach each level of a
// query word or better (atLeast), how many documents do (reach), and
// whether matching its prefix reads the postings whole (partial).
type termLevels struct {
	atLeast [4]string
	reach   [4]float64
	partial bool
}

// levelsOf returns the levels of each word of a query.
func levelsOf(terms []discovery.SearchTerm, stats []termStats) []termLevels {
	_, exact, prefix, _ := tsqueries(terms)
	out := make([]termLevels, len(terms))
	for i, t := range terms {
		st := stats[i]
		if t.Prefix && !st.many {
			words := []string{exact[i]}
			for _, w := range st.longer {
				words = append(words, lexeme(w))
			}
			prefix[i] = strings.Join(words, " | ")
		}
		alts := []string{prefix[i]}
		for _, typo := range t.Typos {
			alts = append(alts, lexeme(typo))
		}
		out[i] = termLevels{
			atLeast: [4]string{3: exact[i], 2: prefix[i], 1: strings.Join(alts, " | ")},
			reach:   [4]float64{3: st.n[3], 2: st.n[3] + st.n[2], 1: st.n[3] + st.n[2] + st.n[1]},
			partial: t.Prefix && st.many,
		}
	}
	return out
}

// levelCombo is a level of each word of a query, and how many documents
// are estimated to have those levels.
type levelCombo struct {
	levels []int
	size   float64
}

// levelCombos returns every combination of levels some document may have
// (those of a count of 0 are left out), by score.
func levelCombos(terms []discovery.SearchTerm, stats []termStats, docs float64) map[int][]levelCombo {
	share := func(i, l int) float64 { // of the documents at exactly level l
		switch {
		case stats[i].n[l] <= 0, l == 2 && !terms[i].Prefix, l == 1 && len(terms[i].Typos) == 0:
			return 0
		}
		return min(stats[i].n[l]/docs, 1)
	}
	out := map[int][]levelCombo{}
	var enumerate func(levels []int, score int, size float64)
	enumerate = func(levels []int, score int, size float64) {
		if size <= 0 {
			return
		}
		if len(levels) == len(terms) {
			out[score] = append(out[score], levelCombo{slices.Clone(levels), size})
			return
		}
		i := len(levels)
		for l := 3; l >= 1; l-- {
			enumerate(append(levels, l), score+l, size*share(i, l))
		}
	}
	enumerate(nil, 0, docs)
	return out
}

// cheapestMatch returns the tsquery of the documents with at least the
// given levels that costs least to match, and its cost in documents read:
// those it matches, and the postings of the partial prefixes in it.
func cheapestMatch(levels []int, lv []termLevels, docs float64) (string, float64) {
	best, bestCost := "", math.Inf(1)
	for set := 1; set < 1<<len(levels); set++ {
		rows, cost := docs, 0.0
		var parts []string
		for i, l := range levels {
			if set&(1<<i) == 0 {
				continue
			}
			rows *= min(lv[i].reach[l]/docs, 1)
			if l <= 2 && lv[i].partial {
				cost += lv[i].reach[l] / postingsPerRow
			}
			parts = append(parts, group(lv[i].atLeast[l]))
		}
		if cost += rows; cost < bestCost {
			best, bestCost = strings.Join(parts, " & "), cost
		}
	}
	return "(" + best + ")", bestCost
}

// group parenthesizes an OR of lexemes, to AND it with others.
func group(q string) string {
	if strings.Contains(q, "|") {
		return "(" + q + ")"
	}
	return q
}
