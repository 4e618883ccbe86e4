package sqlite

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/discovery-node/discovery"
)

// searchArgs are the arguments of searchStatement: ?1 kind, ?2 the terms
// as a JSON array of [word, prefix], ?3 their typos as [term index, word],
// ?4 how many terms, ?5 the terms run together (a user whose handle they
// spell ranks first), ?6 genres and ?7 moods of tracks, ?8 verified users
// only, ?9 genres of users' tracks, ?10 limit, ?11 offset, ?12 the index
// of the term whose documents are read first (searchDriven). Lists travel
// as JSON, read with json_each: never spliced into the statement.
func searchArgs(kind searchKind, terms []discovery.SearchTerm, genres, moods, userGenres []string, verified bool,
	limit, offset, driver int) ([]any, error) {
	var (
		key   strings.Builder
		ts    = [][2]any{}
		typos = [][2]any{}
	)
	for i, t := range terms {
		key.WriteString(t.Word)
		ts = append(ts, [2]any{t.Word, t.Prefix})
		for _, y := range t.Typos {
			typos = append(typos, [2]any{i, y})
		}
	}
	lists := []any{ts, typos, nonNil(genres), nonNil(moods), nonNil(userGenres)}
	enc := make([]string, len(lists))
	for i, l := range lists {
		b, err := json.Marshal(l)
		if err != nil {
			return nil, fmt.Errorf("encode search arguments: %w", err)
		}
		enc[i] = string(b)
	}
	return []any{int(kind), enc[0], enc[1], len(terms), key.String(), enc[2], enc[3], verified, enc[4], limit, offset, driver}, nil
}

// nonNil makes an absent filter an empty JSON array rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// The ranked search, in parts (arguments: see searchArgs). A document
// matches when each term finds one of its words exactly, as a prefix or as
// a typo; its score adds up 3, 2 or 1 for the best match of each term.
// CROSS JOIN fixes the join order, which SQLite would otherwise choose
// without knowing how small the JSON lists are: the terms drive range
// scans of search_words, and the scored ids drive lookups of documents.
const (
	searchTermsCTE = `WITH terms AS MATERIALIZED (
	SELECT CAST(key AS INTEGER) AS i, value ->> 0 AS word, value ->> 1 AS prefix FROM json_each(?2)
),
typos AS MATERIALIZED (
	SELECT value ->> 0 AS i, value ->> 1 AS word FROM json_each(?3)
),`
	searchScored = `
matched AS (
	SELECT w.id, t.i, max(CASE WHEN w.word = t.word THEN 3 ELSE 2 END) AS tier
	FROM terms t CROSS JOIN search_words w ON w.kind = ?1 AND w.word >= t.word
		AND w.word < t.word || CASE WHEN t.prefix THEN char(1114111) ELSE char(1) END
	GROUP BY w.id, t.i
	UNION ALL
	SELECT w.id, y.i, 1 FROM typos y CROSS JOIN search_words w ON w.kind = ?1 AND w.word = y.word
),` + searchScoredPage
	searchScoredPage = `
scored AS (
	SELECT id, sum(tier) AS score FROM (SELECT id, i, max(tier) AS tier FROM matched GROUP BY id, i)
	GROUP BY id HAVING count(*) = ?4
),
hits AS (
SELECT d.id AS h_id, (d.kind = 1 AND ?5 <> '' AND d.handle = ?5) AS h_handle, s.score AS h_score,
	d.popularity AS h_pop, d.created_at AS h_created
FROM scored s CROSS JOIN search_docs d ON d.kind = ?1 AND d.id = s.id
WHERE true`
	// searchDriven finds the same scores from the documents of one term,
	// the one with the fewest (?12): each is matched against every term
	// by its own words (search_words_doc_idx), so a query pairing a rare
	// word with a common one reads the rare word's documents, not the
	// common one's. Its rows are matched's before their first max.
	searchDriven = `
driver AS MATERIALIZED (
	SELECT w.id FROM terms t CROSS JOIN search_words w ON w.kind = ?1 AND w.word >= t.word
		AND w.word < t.word || CASE WHEN t.prefix THEN char(1114111) ELSE char(1) END
	WHERE t.i = ?12
	UNION
	SELECT w.id FROM typos y CROSS JOIN search_words w ON w.kind = ?1 AND w.word = y.word
	WHERE y.i = ?12
),
matched AS (
	SELECT w.id, t.i, CASE WHEN w.word = t.word THEN 3 ELSE 2 END AS tier
	FROM driver c CROSS JOIN search_words w ON w.kind = ?1 AND w.id = c.id
	CROSS JOIN terms t ON w.word >= t.word AND w.word < t.word || CASE WHEN t.prefix THEN char(1114111) ELSE char(1) END
	UNION ALL
	SELECT w.id, y.i, 1 FROM driver c CROSS JOIN search_words w ON w.kind = ?1 AND w.id = c.id
	CROSS JOIN typos y ON y.word = w.word
),` + searchScoredPage
	searchAll = `
hits AS (
SELECT d.id AS h_id, (d.kind = 1 AND ?5 <> '' AND d.handle = ?5) AS h_handle, 0 AS h_score,
	d.popularity AS h_pop, d.created_at AS h_created
FROM search_docs d
WHERE d.kind = ?1 AND ?4 = 0`
	searchFilters = `
	AND (?6 = '[]' OR d.genre IN (SELECT search_fold(value) FROM json_each(?6)))
	AND (?7 = '[]' OR d.mood IN (SELECT search_fold(value) FROM json_each(?7)))
	AND (NOT ?8 OR d.verified)
	AND (?9 = '[]' OR EXISTS (SELECT 1 FROM search_docs t
		WHERE t.kind = 2 AND t.owner_id = d.id AND t.genre IN (SELECT search_fold(value) FROM json_each(?9))))`
	searchPage = `
ORDER BY %[1]s
LIMIT ?10 OFFSET ?11)
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
// parts above: by kind, sort method, and how the query's words are
// matched.
var searchStatements = buildSearchStatements()

// searchMatch is how a statement matches the query's words.
type searchMatch int

const (
	matchNone   searchMatch = iota // no words: every document
	matchAll                       // every document of every term
	matchDriven                    // the documents of one term, matched against the others
)

type searchStatementKey struct {
	kind  searchKind
	sort  discovery.SearchSort
	match searchMatch
}

func buildSearchStatements() map[searchStatementKey]string {
	parts := map[searchMatch]string{matchNone: searchAll, matchAll: searchScored, matchDriven: searchDriven}
	out := map[searchStatementKey]string{}
	for kind, table := range searchTables {
		for sort, order := range searchOrders {
			for match, part := range parts {
				q := searchTermsCTE + part + searchFilters +
					strings.NewReplacer("%[1]s", order, "%[2]s", table[1], "%[3]s", table[0]).Replace(searchPage)
				out[searchStatementKey{kind, sort, match}] = q
			}
		}
	}
	return out
}

// searchStatement returns the statement of a search; the empty sort
// method is SortRelevant.
func searchStatement(kind searchKind, sort discovery.SearchSort, match searchMatch) string {
	if sort == "" {
		sort = discovery.SortRelevant
	}
	return searchStatements[searchStatementKey{kind, sort, match}]
}
