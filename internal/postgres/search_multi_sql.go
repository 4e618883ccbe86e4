package postgres

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The statement of a search of several words by tiers (search_multi.go),
// in parts. $1 is the words run together (the handle key), $2 and $3 the
// exact and prefix tsquery of each word, $4 the whole query's, $5 limit,
// $6 offset, $7 the page's end (each tier's limit), $8 how many documents
// each tier's walk may test, $9 each tier's tsquery. %[1]s is the kind,
// %[2]s the tier's number, %[3]s its score, %[4]s the score of document
// d, %[5]s of w, %[6]s the condition that the tiers before hold fewer
// than $7 documents, %[7]s and %[8]s what leaves out of w and d the users
// of the handle tier. A matched tier is ordered by an expression no index
// has, so the planner cannot walk it; a walk orders and limits, and only
// then filters, so the planner keeps to the index whatever it guesses of
// the filter (which the GIN index cannot serve).
const (
	multiHandle = `t0 AS MATERIALIZED (
	SELECT d.id, 0 AS tier, %[4]s AS score, d.popularity FROM search_docs d
	WHERE d.kind = 1 AND d.handle = $1 AND $1 <> '' AND d.doc @@ $4
	ORDER BY score DESC, d.popularity DESC, d.id LIMIT $7)`
	multiMatched = `t%[2]s AS MATERIALIZED (
	SELECT d.id, %[2]s AS tier, %[3]s AS score, d.popularity FROM search_docs d
	WHERE d.kind = %[1]s AND %[6]s AND d.doc @@ ($9::tsquery[])[%[2]s]
		AND (d.doc @@ $4::tsquery) IS TRUE AND %[4]s = %[3]s%[8]s
	ORDER BY d.popularity + 0 DESC, d.id LIMIT $7)`
	multiWalked = `w%[2]s AS MATERIALIZED (
	SELECT w.id, w.popularity FROM (
		SELECT d.id, d.popularity, d.doc, d.handle FROM search_docs d
		WHERE d.kind = %[1]s AND %[6]s
		ORDER BY d.popularity DESC, d.id LIMIT ($8::bigint[])[%[2]s]) w
	WHERE (w.doc @@ $4::tsquery) IS TRUE AND %[5]s = %[3]s%[7]s
	ORDER BY w.popularity DESC, w.id LIMIT $7
), t%[2]s AS MATERIALIZED (
	SELECT id, %[2]s AS tier, %[3]s AS score, popularity FROM w%[2]s WHERE (SELECT count(*) FROM w%[2]s) >= $7
	UNION ALL
	(SELECT d.id, %[2]s, %[3]s, d.popularity FROM search_docs d
	WHERE d.kind = %[1]s AND %[6]s AND (SELECT count(*) FROM w%[2]s) < $7
		AND d.doc @@ ($9::tsquery[])[%[2]s] AND (d.doc @@ $4::tsquery) IS TRUE AND %[4]s = %[3]s%[8]s
	ORDER BY d.popularity + 0 DESC, d.id LIMIT $7))`
	multiPage = `
hits AS (
	SELECT id AS h_id, tier, score, popularity FROM (%[1]s) t
	WHERE ($1::text, $3::tsquery[], $4::tsquery, $8::bigint[], $9::tsquery[]) IS NOT NULL -- types them where no tier reads them
	ORDER BY tier, score DESC, popularity DESC, id
	LIMIT $5 OFFSET $6
)
SELECT %[2]s FROM hits JOIN %[3]s ON %[3]s.id = hits.h_id
ORDER BY hits.tier, hits.score DESC, hits.popularity DESC, hits.h_id`
)

// multiStatements caches the statements by kind, number of words and
// tiers (score and whether walked): a few dozen shapes in practice.
var multiStatements sync.Map

// multiStatement returns the statement of a search of n words of kind
// by the given tiers.
func multiStatement(kind searchKind, n int, tiers []tierPlan) string {
	var key strings.Builder
	fmt.Fprintf(&key, "%d/%d", kind, n)
	for _, t := range tiers {
		fmt.Fprintf(&key, "/%d%t", t.score, t.walk > 0)
	}
	if q, ok := multiStatements.Load(key.String()); ok {
		return q.(string)
	}
	q := buildMultiStatement(kind, n, tiers)
	multiStatements.Store(key.String(), q)
	return q
}

// buildMultiStatement builds a statement from the constant parts above.
func buildMultiStatement(kind searchKind, n int, tiers []tierPlan) string {
	var ctes, names []string
	if kind == searchUser {
		ctes = append(ctes, strings.ReplaceAll(multiHandle, "%[4]s", scoreAt("d", n)))
		names = append(names, "t0")
	}
	notHandle := func(a string) string {
		if kind != searchUser {
			return ""
		}
		return " AND NOT (" + a + ".handle = $1 AND $1 <> '')"
	}
	for j, t := range tiers {
		var before []string
		for _, name := range names {
			before = append(before, "(SELECT count(*) FROM "+name+")")
		}
		gate := "true"
		if len(before) > 0 {
			gate = "coalesce(" + strings.Join(before, " + ") + " < $7, true)"
		}
		part := multiMatched
		if t.walk > 0 {
			part = multiWalked
		}
		ctes = append(ctes, strings.NewReplacer(
			"%[1]s", strconv.Itoa(int(kind)), "%[2]s", strconv.Itoa(j+1), "%[3]s", strconv.Itoa(t.score),
			"%[4]s", scoreAt("d", n), "%[5]s", scoreAt("w", n), "%[6]s", gate,
			"%[7]s", notHandle("w"), "%[8]s", notHandle("d")).Replace(part))
		names = append(names, "t"+strconv.Itoa(j+1))
	}
	selects := make([]string, len(names))
	for i, name := range names {
		selects[i] = "SELECT * FROM " + name
	}
	table := searchTables[kind]
	return "WITH " + strings.Join(ctes, ",\n") + "," + strings.NewReplacer(
		"%[1]s", strings.Join(selects, "\nUNION ALL "), "%[2]s", table[1], "%[3]s", table[0]).Replace(multiPage)
}

// scoreAt is scoreOf for the documents of alias a.
func scoreAt(a string, n int) string {
	return strings.ReplaceAll(scoreOf(n), "d.doc", a+".doc")
}
