package postgres

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/discovery-node/discovery"
)

// tsqueries turns the terms of a query into what searchStatement takes:
// the words run together (a user whose handle they spell ranks first),
// for each term the query of an exact and of a prefix match, and the query
// every document must match: each term exactly, as a prefix or as one of
// its typos. Words are quoted as tsquery lexemes; they hold only letters
// and digits anyway, so nothing a client sends can change the query's
// shape. With no terms, all is "" and nothing is filtered.
func tsqueries(terms []discovery.SearchTerm) (handle string, exact, prefix []string, all string) {
	exact, prefix = []string{}, []string{}
	var (
		key  strings.Builder
		ands []string
	)
	for _, t := range terms {
		key.WriteString(t.Word)
		e := lexeme(t.Word)
		p := e
		if t.Prefix {
			p += ":*"
		}
		exact, prefix = append(exact, e), append(prefix, p)
		ors := []string{p}
		for _, typo := range t.Typos {
			ors = append(ors, lexeme(typo))
		}
		ands = append(ands, "("+strings.Join(ors, " | ")+")")
	}
	return key.String(), exact, prefix, strings.Join(ands, " & ")
}

// lexeme quotes a word as a tsquery lexeme.
func lexeme(w string) string {
	return "'" + strings.NewReplacer(`'`, `''`, `\`, `\\`).Replace(w) + "'"
}

// The ranked search, in parts: one statement per kind, with the kind
// spelt out so the planner uses that kind's GIN index in a generic plan
// too. $1 the query's words run together, $2 and $3 the exact and prefix
// tsquery of each word, $4 genres and $5 moods of tracks, $6 verified
// users only, $7 genres of users' tracks, $8 limit, $9 offset, and, when
// the query has words, $10 the tsquery every document must match. The
// score of a document adds up, over the query's words, 3 for an exact
// match, 2 for a prefix, 1 for a typo: one term per word (scoreOf), so
// each candidate costs a few tsquery tests and no subquery.
const (
	searchHits = `WITH hits AS (
SELECT d.id AS h_id, (d.kind = 1 AND $1 <> '' AND d.handle = $1) AS h_handle, %[4]s AS h_score,
	d.popularity AS h_pop, d.created_at AS h_created
FROM search_docs d
WHERE d.kind = %[5]s
	AND (cardinality($4::text[]) = 0 OR d.genre = ANY(ARRAY(SELECT search_fold(g) FROM unnest($4::text[]) AS g)))
	AND (cardinality($5::text[]) = 0 OR d.mood = ANY(ARRAY(SELECT search_fold(m) FROM unnest($5::text[]) AS m)))
	AND (NOT $6::boolean OR d.verified)
	AND (cardinality($7::text[]) = 0 OR EXISTS (SELECT 1 FROM search_docs t
		WHERE t.kind = 2 AND t.owner_id = d.id AND t.genre = ANY(ARRAY(SELECT search_fold(g) FROM unnest($7::text[]) AS g))))`
	searchMatch = `
	AND d.doc @@ $10::tsquery`
	searchPage = `
ORDER BY %[1]s
LIMIT $8 OFFSET $9)
SELECT %[2]s FROM hits JOIN %[3]s ON %[3]s.id = hits.h_id
ORDER BY %[1]s`
)

// searchOrders are the ORDER BY of each sort method.
var searchOrders = map[discovery.SearchSort]string{
	discovery.SortRelevant: `h_handle DESC, h_score DESC, h_pop DESC, h_id`,
	discovery.SortPopular:  `h_pop DESC, h_score DESC, h_id`,
	discovery.SortRecent:   `h_created DESC, h_id DESC`,
}

// searchTables are the table and select list of each kind.
var searchTables = map[searchKind][2]string{
	searchUser:     {"users", userColumns},
	searchTrack:    {"tracks", trackColumns},
	searchPlaylist: {"playlists", playlistColumns},
}

// searchStatements holds every statement, built once from the constant
// parts above: by kind, sort method and number of query words.
var searchStatements = buildSearchStatements()

type searchStatementKey struct {
	kind  searchKind
	sort  discovery.SearchSort
	words int
}

func buildSearchStatements() map[searchStatementKey]string {
	out := map[searchStatementKey]string{}
	for kind, table := range searchTables {
		for sort, order := range searchOrders {
			for words := 0; words <= discovery.MaxSearchWords; words++ {
				q := searchHits
				if words > 0 {
					q += searchMatch
				}
				q += searchPage
				out[searchStatementKey{kind, sort, words}] = strings.NewReplacer(
					"%[1]s", order, "%[2]s", table[1], "%[3]s", table[0], "%[4]s", scoreOf(words),
					"%[5]s", strconv.Itoa(int(kind))).Replace(q)
			}
		}
	}
	return out
}

// scoreOf is the score of a document for a query of n words. Without
// words it is 0, spelt with $2 and $3 (empty then) so the statement takes
// the same parameters.
func scoreOf(n int) string {
	if n == 0 {
		return "cardinality($2::tsquery[]) + cardinality($3::tsquery[])"
	}
	terms := make([]string, n)
	for i := range terms {
		terms[i] = fmt.Sprintf("(CASE WHEN d.doc @@ ($2::tsquery[])[%[1]d] THEN 3 WHEN d.doc @@ ($3::tsquery[])[%[1]d] THEN 2 ELSE 1 END)", i+1)
	}
	return strings.Join(terms, " + ")
}

// searchStatement returns the statement of a search of the given number of
// words; the empty sort method is SortRelevant.
func searchStatement(kind searchKind, sort discovery.SearchSort, words int) string {
	if sort == "" {
		sort = discovery.SortRelevant
	}
	return searchStatements[searchStatementKey{kind, sort, words}]
}
