package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// A search of several words by relevance, with no filter, splits into
// tiers as a one-word search does (search_tiers.go), one tier per score:
// a document's score is the sum over the query's words of 3 (exact), 2
// (prefix) or 1 (typo), so a query of n words has the scores 3n down to
// n, and within a score the order is popularity. "love dre", what a
// search box sends as one types, matches ten thousand titles; ranking
// them all reads every one, while its tiers (love and dre exactly, then
// love and a word dre begins...) find a page in a few hundred.
//
// The vocabulary's counts of each word, exactly, as a prefix and by its
// typos, estimate each tier's size as if the words were independent; a
// count of 0 is exact, so a tier with no document is left out. Each tier
// is read for the page's end, most popular first, two ways (chosen in
// search_plan.go):
//
//   - matched: through the GIN index, by the cheapest tsquery that every
//     document of the tier matches, sorted by popularity;
//   - walked: along search_docs_popular_idx, testing each document, when
//     the tier is dense. A walk is bounded: past three times the
//     documents it was expected to test, the tier is matched instead, so
//     a wrong estimate costs a little more than matching.
//
// A tier is read only while those before it hold fewer documents than
// the page's end. The statement has the tiers down to where the estimates
// add up to searchTierMargin pages (each tier costs planning time); if
// they then fill no page, the search runs again ranking every match, as
// it does at once when the matches are few.

// maxTierWords is the most words searched by tiers: a query of more words
// matches few documents, cheap to rank.
const maxTierWords = 4

// maxTierCombos is the most ways a tier's tsquery lists the levels of its
// words; past it, the tier is matched by the whole query's tsquery.
const maxTierCombos = 6

// searchTierMargin is how many page ends the tiers of a statement are
// estimated to hold before the rest are left out.
const searchTierMargin = 16

// multiTieredSearch reports whether a search of several words is answered
// by tiers. Users are not: their names are a first name and a last, and
// two words of names match a few hundred users at most, which ranking
// reads in about a millisecond, less than counting the words and
// planning the tiers cost (measured on the API benchmark's 100,000
// users); tracks' titles share their words far more ("love" is in a
// quarter of them).
func multiTieredSearch(kind searchKind, q discovery.SearchQuery, terms []discovery.SearchTerm) bool {
	return kind != searchUser && multiTierable(q, terms)
}

// multiTierable reports whether a search of several words can be answered
// by tiers, of any kind.
func multiTierable(q discovery.SearchQuery, terms []discovery.SearchTerm) bool {
	return len(terms) >= 2 && len(terms) <= maxTierWords && (q.Sort == "" || q.Sort == discovery.SortRelevant) &&
		len(q.Genres) == 0 && len(q.Moods) == 0 && !q.VerifiedOnly
}

// termCountsQueries read, for each word of a query of n words, the
// count of documents of kind $1 with the word exactly; the first
// maxPrefixWords+1 longer words it begins and the sum of their counts;
// past those, how many more words it begins, up to maxPrefixCount; the
// sum of the counts of its typos (an upper bound: a document may have
// several); and all documents of the kind, as the planner last counted
// them. Word i is given as its word, the end of its prefix range and its
// typos, each its own parameter, so the planner sees how many words each
// range holds. The prefix is sampled, not summed, as for one word
// (prefixCount), but more coarsely: a short prefix of a user begins
// thousands of handles, and the query has several words.
var termCountsQueries = func() map[int]string {
	const term = `SELECT %[1]s::bigint,
	coalesce((SELECT n FROM search_vocab WHERE kind = $1 AND word = %[2]s), 0),
	l.words, l.n,
	CASE WHEN cardinality(l.words) > %[5]s THEN (SELECT count(*) FROM (SELECT FROM search_vocab
		WHERE kind = $1 AND word > %[2]s AND word < %[3]s ORDER BY word OFFSET %[6]s LIMIT %[7]s) c) ELSE 0 END,
	coalesce((SELECT sum(n) FROM search_vocab WHERE kind = $1 AND word = ANY(%[4]s::text[])), 0)::bigint,
	(SELECT reltuples FROM pg_class WHERE oid = CASE $1 WHEN 1 THEN 'search_docs_users_idx'::regclass
		WHEN 2 THEN 'search_docs_tracks_idx'::regclass ELSE 'search_docs_playlists_idx'::regclass END)
FROM (SELECT coalesce(array_agg(word ORDER BY word), '{}') AS words, coalesce(sum(n), 0)::bigint AS n
	FROM (SELECT word, n FROM search_vocab WHERE kind = $1 AND word > %[2]s AND word < %[3]s ORDER BY word LIMIT %[6]s) s) l`
	out := map[int]string{}
	for n := 2; n <= maxTierWords; n++ {
		parts := make([]string, n)
		for i := range parts {
			w, e, t := fmt.Sprintf("$%d", 3*i+2), fmt.Sprintf("$%d", 3*i+3), fmt.Sprintf("$%d", 3*i+4)
			parts[i] = "(" + strings.NewReplacer("%[1]s", strconv.Itoa(i+1), "%[2]s", w, "%[3]s", e, "%[4]s", t,
				"%[5]s", strconv.Itoa(maxPrefixWords), "%[6]s", strconv.Itoa(maxPrefixWords+1),
				"%[7]s", strconv.Itoa(maxPrefixCount)).Replace(term) + ")"
		}
		out[n] = strings.Join(parts, "\nUNION ALL ")
	}
	return out
}()

// maxPrefixCount bounds the words past the sampled ones that are
// counted to estimate a prefix's documents.
const maxPrefixCount = 256

// tierKnobs are the constants of a search by tiers, which tests vary.
type tierKnobs struct {
	dense     float64 // the walk's cost factor: +Inf never walks
	walkCap   int64   // unless 0, how far every tier is walked
	margin    float64 // page ends before tiers are left out
	rankBelow float64 // documents read below which every match is ranked
}

// searchRankBelow is how many documents read a search costs, at most, to
// be answered by ranking every match: about what planning the tiers costs.
const searchRankBelow = 200

// multiWalkCost is the walk's cost per document tested, in documents
// matched. A matched document is fetched out of popularity order and
// tested against every word's levels, a walked one only against the
// query, so on the API benchmark's tracks the two cost about the same.
// Users, searched by tiers in tests only, are walked as a word alone is
// (searchWalkCost): the most followed are artists ("DJ Love"), whose
// names share few words with people's ("Maria Müller"), so a walk meets a
// name's matches later than their share says.
func multiWalkCost(kind searchKind) float64 {
	if kind == searchUser {
		return searchWalkCost
	}
	return 1
}

// multiKnobs are those of a search of kind.
func multiKnobs(kind searchKind) tierKnobs {
	return tierKnobs{dense: multiWalkCost(kind), margin: searchTierMargin, rankBelow: searchRankBelow}
}

// findMultiTiered runs a relevance search of several words by tiers.
func findMultiTiered[T any](ctx context.Context, s *Store, kind searchKind, terms []discovery.SearchTerm, limit *int, offset int,
	k tierKnobs, scan func(pgx.Row) (*T, error)) ([]T, error) {
	handle, exact, prefix, all := tsqueries(terms)
	end := offset
	if limit != nil {
		end += *limit
	}
	stats, docs, err := s.termStats(ctx, kind, terms)
	if err != nil {
		return nil, err
	}
	plan := planTiers(terms, stats, docs, limit != nil, float64(end), k)
	if plan.rank {
		return findRanked(ctx, s, kind, discovery.SearchQuery{}, terms, limit, offset, scan)
	}
	tiers := plan.tiers
	var (
		perTier *int
		caps    = make([]int64, len(tiers))
		sups    = make([]string, len(tiers))
	)
	if limit != nil {
		perTier = &end
	}
	for i := range tiers {
		if k.walkCap != 0 && limit != nil {
			tiers[i].walk = k.walkCap
		}
		caps[i], sups[i] = tiers[i].walk, tiers[i].query
	}
	if len(tiers) == 0 {
		return nil, nil // no document has every word
	}
	rows, err := s.generic.Query(ctx, multiStatement(kind, len(terms), tiers),
		handle, exact, prefix, all, limit, offset, perTier, caps, sups)
	out, err := collectRows(rows, err, scan)
	if err != nil {
		return nil, err
	}
	if plan.cut && len(out) < *limit {
		// The tiers left out may hold part of the page.
		return findRanked(ctx, s, kind, discovery.SearchQuery{}, terms, limit, offset, scan)
	}
	return out, nil
}

// termStats reads what the vocabulary says of each term, and the number
// of documents of the kind.
func (s *Store) termStats(ctx context.Context, kind searchKind, terms []discovery.SearchTerm) ([]termStats, float64, error) {
	args := []any{int16(kind)}
	for _, t := range terms {
		end := t.Word // no longer words match
		if t.Prefix {
			end = discovery.SearchPrefixEnd(t.Word)
		}
		args = append(args, t.Word, end, nonNil(t.Typos))
	}
	rows, err := s.generic.Query(ctx, termCountsQueries[len(terms)], args...)
	if err != nil {
		return nil, 0, fmt.Errorf("count the words: %w", err)
	}
	defer rows.Close()
	out := make([]termStats, len(terms))
	var docs float64
	for rows.Next() {
		var (
			i, exact, sampled, more, typos int64
			longer                         []string
		)
		if err := rows.Scan(&i, &exact, &longer, &sampled, &more, &typos, &docs); err != nil {
			return nil, 0, fmt.Errorf("count the words: %w", err)
		}
		if i < 1 || int(i) > len(terms) {
			return nil, 0, fmt.Errorf("count the words: word %d of %d", i, len(terms))
		}
		// The sampled words stand for those past them.
		prefix := float64(sampled) * float64(len(longer)+int(more)) / float64(max(len(longer), 1))
		st := termStats{n: [4]float64{3: float64(exact), 2: prefix, 1: float64(typos)}, longer: longer}
		if len(longer) > maxPrefixWords {
			st.longer, st.many = nil, true
		}
		out[i-1] = st
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("count the words: %w", err)
	}
	return out, docs, nil
}
