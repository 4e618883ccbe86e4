package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// A search of one word by relevance, with no filter, is the common case (a
// search box sends one as the user types) and the costly one: a short
// prefix such as "lo" matches a fifth of all titles, and ranking them all
// (searchStatement) reads every match. Its order splits into tiers: the
// user whose handle the word spells, then exact matches, then prefix
// matches, then typos, each by popularity. Each tier is asked for the
// page's end, most popular first, two ways:
//
//   - a walk of search_docs_popular_idx, testing each document, when the
//     tier holds many documents: the page is found after the first few
//     hundred (the test is written so the GIN index cannot serve it);
//   - the tier's GIN match sorted by popularity, when it holds few.
//
// The vocabulary's counts say how many documents each tier holds (an upper
// bound for prefixes, whose words may share a document); a tier is walked
// when count² > searchWalkCost · page end · documents, as for followers.
// The tiers are disjoint, so their pages, concatenated, rank exactly as
// searchStatement does.

// searchWalkCost is the walk's cost per document tested, in matched
// documents read.
const searchWalkCost = 4

// tieredSearch reports whether a search can be answered by tiers.
func tieredSearch(kind searchKind, q discovery.SearchQuery, terms []discovery.SearchTerm) bool {
	return len(terms) == 1 && (q.Sort == "" || q.Sort == discovery.SortRelevant) &&
		len(q.Genres) == 0 && len(q.Moods) == 0 && !q.VerifiedOnly && searchTables[kind][0] != ""
}

// tierCountsQuery counts the documents of kind $1 with the word $2
// exactly, with a longer word it begins (words in ($2, $3), estimated by
// prefixCount), and with one of the typos $4; and all documents of the
// kind, as the planner last counted them (in the kind's GIN index).
var tierCountsQuery = `SELECT
	coalesce((SELECT n FROM search_vocab WHERE kind = $1 AND word = $2), 0),
	` + prefixCount("$1", "$2", "$3") + `,
	coalesce((SELECT sum(n) FROM search_vocab WHERE kind = $1 AND word = ANY($4)), 0)::bigint,
	(SELECT reltuples FROM pg_class WHERE oid = CASE $1 WHEN 1 THEN 'search_docs_users_idx'::regclass
		WHEN 2 THEN 'search_docs_tracks_idx'::regclass ELSE 'search_docs_playlists_idx'::regclass END)`

// prefixCount is the SQL of the number of documents of kind k with a word
// in (word, end), as the vocabulary says: the sum of the counts of the
// first 512 such words, scaled by how many more there are, up to 4,096.
// Every handle is a word of users, so a short prefix ("ma") begins
// thousands of words, and summing the counts of all read a row of
// search_vocab each (10 ms); counting them reads the primary key alone.
// In the API benchmark's data no two letters begin 512 words of tracks or
// playlists, so their counts stay exact: a sample of fewer words missed
// the common ones ("love" sorts past the first 64 words of "lo"). k, word
// and end are the SQL of the values.
func prefixCount(k, word, end string) string {
	return strings.NewReplacer("%[1]s", k, "%[2]s", word, "%[3]s", end).Replace(`(SELECT CASE WHEN s.c < 512 THEN s.sum ELSE
		s.sum * (SELECT count(*) FROM (SELECT FROM search_vocab WHERE kind = %[1]s AND word > %[2]s AND word < %[3]s
			ORDER BY word LIMIT 4096) c) / 512 END
	FROM (SELECT coalesce(sum(n), 0)::bigint AS sum, count(*) AS c FROM (SELECT n FROM search_vocab
		WHERE kind = %[1]s AND word > %[2]s AND word < %[3]s ORDER BY word LIMIT 512) x) s)`)
}

// The tiers, in order. Each selects (id, tier, score, popularity) of at
// most $7 documents of the kind, most popular first; $1 is the handle key,
// $2 and $3 the exact and prefix tsquery, $4 the whole query's, $8 its
// typos', $9 the word. The prefix and typo tiers are not read when the
// word's exact matches (counted in the same snapshot) fill the page. %[1]s is the kind, %[2]s the tier's match and %[3]s its order:
// walked, the match cannot use the GIN index and the order is the
// popularity index's; matched, the order is an expression no index has,
// so the planner cannot walk a tier it wrongly thinks dense (it cannot
// tell that "a prefix but not the word" is rare).
const (
	tierHandle = `(SELECT d.id, 0 AS tier, (CASE WHEN d.doc @@ $2 THEN 3 WHEN d.doc @@ $3 THEN 2 ELSE 1 END) AS score, d.popularity
	FROM search_docs d WHERE d.kind = 1 AND d.handle = $1 AND $1 <> '' AND d.doc @@ $4
	ORDER BY score DESC, d.popularity DESC, d.id LIMIT $7)`
	tierExact = `(SELECT d.id, 1 AS tier, 3 AS score, d.popularity FROM search_docs d
	WHERE d.kind = %[1]s AND %[2]s AND NOT (d.kind = 1 AND d.handle = $1 AND $1 <> '')
	ORDER BY %[3]s LIMIT $7)`
	tierPrefix = `(SELECT d.id, 2 AS tier, 2 AS score, d.popularity FROM search_docs d
	WHERE d.kind = %[1]s AND %[2]s AND NOT d.doc @@ $2 AND NOT (d.kind = 1 AND d.handle = $1 AND $1 <> '')
		AND coalesce((SELECT n FROM exact) < $7, true)
	ORDER BY %[3]s LIMIT $7)`
	tierTypo = `(SELECT d.id, 3 AS tier, 1 AS score, d.popularity FROM search_docs d
	WHERE d.kind = %[1]s AND %[2]s AND NOT d.doc @@ $3 AND NOT (d.kind = 1 AND d.handle = $1 AND $1 <> '')
		AND coalesce((SELECT n FROM exact) < $7, true)
	ORDER BY %[3]s LIMIT $7)`
	tiersPage = `
WITH exact AS MATERIALIZED (
	SELECT coalesce((SELECT n FROM search_vocab WHERE kind = %[4]s AND word = $9), 0) AS n
), hits AS (
	SELECT id AS h_id, tier, popularity FROM (%[1]s) t
	WHERE ($1::text, $3::tsquery, $4::tsquery) IS NOT NULL -- types them where no tier reads them
	ORDER BY tier, popularity DESC, id
	LIMIT $5 OFFSET $6
)
SELECT %[2]s FROM hits JOIN %[3]s ON %[3]s.id = hits.h_id
ORDER BY hits.tier, hits.popularity DESC, hits.h_id`
)

// tierMatch is the match and the order of a tier, walked or matched.
func tierMatch(param string, walk bool) (match, order string) {
	if walk {
		return "(d.doc @@ " + param + ") IS TRUE", "d.popularity DESC, d.id"
	}
	return "d.doc @@ " + param, "d.popularity + 0 DESC, d.id"
}

// tierKey names a statement: its kind, whether it has a prefix tier (the
// word is long enough) and which of exact, prefix and typo tiers are
// walked.
type tierKey struct {
	kind   searchKind
	prefix bool
	walk   [3]bool
}

// tierStatements holds every statement, built once.
var tierStatements = func() map[tierKey]string {
	out := map[tierKey]string{}
	for kind := range searchTables {
		for bits := range 16 {
			k := tierKey{kind: kind, prefix: bits&8 != 0, walk: [3]bool{bits&1 != 0, bits&2 != 0, bits&4 != 0}}
			out[k] = buildTiersStatement(k)
		}
	}
	return out
}()

// buildTiersStatement builds the statement k names from the constant
// parts above.
func buildTiersStatement(k tierKey) string {
	kind := strconv.Itoa(int(k.kind))
	var parts []string
	if k.kind == searchUser {
		parts = append(parts, tierHandle)
	}
	for i, t := range []struct {
		sql, param string
		present    bool
	}{{tierExact, "$2", true}, {tierPrefix, "$3", k.prefix}, {tierTypo, "$8", true}} {
		if !t.present {
			continue
		}
		match, order := tierMatch(t.param, k.walk[i])
		parts = append(parts, strings.NewReplacer("%[1]s", kind, "%[2]s", match, "%[3]s", order).Replace(t.sql))
	}
	table := searchTables[k.kind]
	return strings.NewReplacer("%[1]s", strings.Join(parts, "\nUNION ALL\n"), "%[2]s", table[1], "%[3]s", table[0],
		"%[4]s", kind).Replace(tiersPage)
}

// findTiered runs a one-word relevance search by tiers; dense is the walk
// cost factor (0 always walks, +Inf never: tests try both).
func findTiered[T any](ctx context.Context, s *Store, kind searchKind, t discovery.SearchTerm, limit *int, offset int,
	dense float64, scan func(pgx.Row) (*T, error)) ([]T, error) {
	handle, exact, prefix, all := tsqueries([]discovery.SearchTerm{t})
	end := offset
	if limit != nil {
		end += *limit
	}
	prefixEnd := discovery.SearchPrefixEnd(t.Word)
	if !t.Prefix {
		prefixEnd = t.Word // no longer words match
	}
	var (
		nExact, nPrefix, nTypo int64
		docs                   float64
	)
	if err := s.generic.QueryRow(ctx, tierCountsQuery, int16(kind), t.Word, prefixEnd, nonNil(t.Typos)).
		Scan(&nExact, &nPrefix, &nTypo, &docs); err != nil {
		return nil, fmt.Errorf("count the tiers: %w", err)
	}
	k := tierKey{kind: kind, prefix: t.Prefix}
	for i, n := range []int64{nExact, nPrefix, nTypo} {
		// Without a page end or a count of documents, nothing is walked.
		k.walk[i] = dense == 0 || (limit != nil && docs > 0 && float64(n)*float64(n) > dense*float64(end)*docs)
	}
	var perTier *int
	if limit != nil {
		perTier = &end
	}
	rows, err := s.generic.Query(ctx, tierStatements[k], handle, exact[0], prefix[0], all, limit, offset, perTier, tsTypos(t), t.Word)
	return collectRows(rows, err, scan)
}

// tsTypos is the tsquery of a term's typos; without any, a lexeme no
// document has (words are letters and digits), found in no time.
func tsTypos(t discovery.SearchTerm) string {
	if len(t.Typos) == 0 {
		return "'-'"
	}
	ors := make([]string, len(t.Typos))
	for i, w := range t.Typos {
		ors[i] = lexeme(w)
	}
	return strings.Join(ors, " | ")
}
