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
// only, ?9 genres of users' tracks, ?10 limit, ?11 offset. Lists travel as
// JSON, read with json_each: never spliced into the statement.
func searchArgs(kind searchKind, terms []discovery.SearchTerm, genres, moods, userGenres []string, verified bool,
	limit, offset int) ([]any, error) {
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
	return []any{int(kind), enc[0], enc[1], len(terms), key.String(), enc[2], enc[3], verified, enc[4], limit, offset}, nil
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
	searchTermsCTE = `WITH terms AS (
	SELECT CAST(key AS INTEGER) AS i, value ->> 0 AS word, value ->> 1 AS prefix FROM json_each(?2)
),
typos AS (
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
),
scored AS (
	SELECT id, sum(tier) AS score FROM (SELECT id, i, max(tier) AS tier FROM matched GROUP BY id, i)
	GROUP BY id HAVING count(*) = ?4
),
hits AS (
SELECT d.id AS h_id, (d.kind = 1 AND ?5 <> '' AND d.handle = ?5) AS h_handle, s.score AS h_score,
	d.popularity AS h_pop, d.created_at AS h_created
FROM scored s CROSS JOIN search_docs d ON d.kind = ?1 AND d.id = s.id
WHERE true`
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
// parts above: by kind, sort method, and whether the query has words.
var searchStatements = buildSearchStatements()

type searchStatementKey struct {
	kind  searchKind
	sort  discovery.SearchSort
	match bool
}

func buildSearchStatements() map[searchStatementKey]string {
	out := map[searchStatementKey]string{}
	for kind, table := range searchTables {
		for sort, order := range searchOrders {
			for _, match := range []bool{false, true} {
				q := searchTermsCTE
				if match {
					q += searchScored
				} else {
					q += searchAll
				}
				q += searchFilters
				q += strings.NewReplacer("%[1]s", order, "%[2]s", table[1], "%[3]s", table[0]).Replace(searchPage)
				out[searchStatementKey{kind, sort, match}] = q
			}
		}
	}
	return out
}

// searchStatement returns the statement of a search; the empty sort
// method is SortRelevant.
func searchStatement(kind searchKind, sort discovery.SearchSort, match bool) string {
	if sort == "" {
		sort = discovery.SortRelevant
	}
	return searchStatements[searchStatementKey{kind, sort, match}]
}
