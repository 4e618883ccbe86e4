package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"

	"github.com/discovery-node/discovery"
)

// A search of one word by relevance, with no filter, is the common case (a
// search box sends one as the user types) and the costly one: a short
// prefix such as "lo" matches a fifth of all titles, and ranking them all
// (searchStatement) reads every match. Its order splits into tiers: the
// users whose handle the word spells, then exact matches, then prefix
// matches, then typos, each by popularity. The tiers are read in turn, in
// one snapshot, each for what the page still lacks, until the page is
// full; concatenated, they rank exactly as searchStatement does.
//
// A tier is the documents with a word in a set (the word; the longer words
// it begins; its typos) less those of the tiers before it, which are known
// by then (a tier is only read when the ones before it came short), so each
// asks for the page's remainder plus their number and drops them. It is
// read one of two ways:
//
//   - walk: the kind's documents most popular first
//     (search_docs_popular_idx), keeping those with a word of the set (one
//     seek in search_words each), until enough are found;
//   - match: the documents of the set's words, sorted by popularity.
//
// As for followers, SQLite keeps no count of documents to choose with, so
// the walk is bounded by the vocabulary's count of the set's documents
// (searchWalk per document) and the match answers when it comes short: a
// walk finds k of n documents among d after k·d/n, within the bound when
// n² > k·d/searchWalk (Postgres's rule), and costs at most a fixed
// multiple of the match otherwise.

// searchWalk is how many documents a tier's walk may look at per document
// the vocabulary counts for the tier.
const searchWalk = 1

// tieredSearch reports whether a search can be answered by tiers: one
// word, by relevance, without filters, in pages of a limit.
func tieredSearch(q discovery.SearchQuery, terms []discovery.SearchTerm, limit int) bool {
	return len(terms) == 1 && (q.Sort == "" || q.Sort == discovery.SortRelevant) &&
		len(q.Genres) == 0 && len(q.Moods) == 0 && !q.VerifiedOnly && limit > 0
}

// searchSet is the set of words a tier's documents have one of: the
// test of a walked document d, the postings of its words (search_words w)
// for a match, and their vocabulary count. Their parameters follow ?1
// the kind: ?2 the word, ?3 the end of its prefixes, ?4 the typos as a
// JSON array. The typos' postings are read from the list, one key range
// each: by kind alone, SQLite would read every word of the kind.
type searchSet struct {
	test, postings, count string
}

var (
	exactSet = searchSet{
		`EXISTS (SELECT 1 FROM search_words w WHERE w.kind = ?1 AND w.id = d.id AND w.word = ?2)`,
		`search_words w WHERE w.kind = ?1 AND w.word = ?2`,
		`SELECT coalesce(sum(n), 0) FROM search_vocab WHERE kind = ?1 AND word = ?2`}
	prefixSet = searchSet{
		`EXISTS (SELECT 1 FROM search_words w WHERE w.kind = ?1 AND w.id = d.id AND w.word > ?2 AND w.word < ?3)`,
		`search_words w WHERE w.kind = ?1 AND w.word > ?2 AND w.word < ?3`,
		`SELECT coalesce(sum(n), 0) FROM search_vocab WHERE kind = ?1 AND word > ?2 AND word < ?3`}
	typoSet = searchSet{
		`EXISTS (SELECT 1 FROM json_each(?4) y CROSS JOIN search_words w ON w.kind = ?1 AND w.id = d.id AND w.word = y.value)`,
		`json_each(?4) y CROSS JOIN search_words w ON w.kind = ?1 AND w.word = y.value`,
		`SELECT coalesce(sum(n), 0) FROM search_vocab WHERE kind = ?1 AND word IN (SELECT value FROM json_each(?4))`}
)

// tierWalk reads, among the ?5 most popular documents of the kind, the
// first ?6 with a word of the set. The walk is the subquery, run as a
// co-routine in the index's order, which is the outer ORDER BY: no sort
// waits for the whole walk.
const tierWalk = `SELECT id, popularity FROM (
	SELECT id, popularity FROM search_docs INDEXED BY search_docs_popular_idx
	WHERE kind = ?1 ORDER BY popularity DESC, id LIMIT ?5) d
WHERE %s
ORDER BY popularity DESC, id LIMIT ?6`

// tierMatch reads the ?6 most popular documents with a word of the set;
// CROSS JOIN keeps the planner from walking the popularity index itself,
// unbounded.
const tierMatch = `SELECT d.id, d.popularity FROM (SELECT DISTINCT w.id FROM %s) m
CROSS JOIN search_docs d ON d.kind = ?1 AND d.id = m.id
ORDER BY d.popularity DESC, d.id LIMIT ?6`

// tierHandle reads the users whose handle the word spells (?2), which
// have the word too (their handle run together is one of their words).
const tierHandle = `SELECT id, popularity FROM search_docs d
WHERE kind = 1 AND handle = ?2 AND EXISTS (SELECT 1 FROM search_words w WHERE w.kind = 1 AND w.word = ?2 AND w.id = d.id)
ORDER BY popularity DESC, id LIMIT ?6`

// tierStatements holds each set's walk and match statements.
var tierStatements = func() map[searchSet][2]string {
	out := map[searchSet][2]string{}
	for _, set := range []searchSet{exactSet, prefixSet, typoSet} {
		out[set] = [2]string{fmt.Sprintf(tierWalk, set.test), fmt.Sprintf(tierMatch, set.postings)}
	}
	return out
}()

// findTiered runs a one-word relevance search by tiers, walking at most
// walk documents per counted document of a tier (0: never walks, +Inf:
// walks without bound, both for tests).
func findTiered[T any](ctx context.Context, s *Store, kind searchKind, t discovery.SearchTerm, limit, offset int,
	walk float64, scan func(scanner) (*T, error)) ([]T, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to keep
	ids, err := tierIDs(ctx, tx, kind, t, offset+limit, walk)
	if err != nil {
		return nil, err
	}
	return pageRows(ctx, tx, kind, ids[min(offset, len(ids)):], scan)
}

// pageRows reads the entity rows of the ids, in their order.
func pageRows[T any](ctx context.Context, q rowsQuerier, kind searchKind, ids []int64, scan func(scanner) (*T, error)) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, pageStatements[kind], string(list))
	return collectRows(rows, err, scan)
}

// pageStatements read the rows of a kind whose ids are the JSON array ?,
// in its order.
var pageStatements = func() map[searchKind]string {
	out := map[searchKind]string{}
	for kind, table := range searchTables {
		out[kind] = `SELECT ` + table[1] + ` FROM (SELECT key AS k, value AS v FROM json_each(?)) page
CROSS JOIN ` + table[0] + ` ON ` + table[0] + `.id = page.v ORDER BY page.k`
	}
	return out
}()

// tierIDs returns the ids of the first end documents of a one-word search,
// in rank order. The word's typos are only looked for when the tiers
// before them come short.
func tierIDs(ctx context.Context, tx *sql.Tx, kind searchKind, t discovery.SearchTerm, end int, walk float64) ([]int64, error) {
	args := []any{int(kind), t.Word, discovery.SearchPrefixEnd(t.Word), "[]"}
	var (
		found []int64
		seen  = map[int64]bool{}
	)
	// take adds a tier's rows to the page, less those of earlier tiers,
	// and reports whether the tier was read to its end.
	take := func(ids []int64, asked int) bool {
		for _, id := range ids {
			if !seen[id] && len(found) < end {
				seen[id] = true
				found = append(found, id)
			}
		}
		return len(ids) < asked
	}
	// Each tier asks for end documents: the rest of the page and room for
	// those of earlier tiers.
	if kind == searchUser {
		ids, err := tierRead(ctx, tx, tierHandle, append(args, 0, end)...)
		if err != nil {
			return nil, fmt.Errorf("users whose handle is %q: %w", t.Word, err)
		}
		if !take(ids, end) {
			return found, nil
		}
	}
	sets := []searchSet{exactSet}
	if t.Prefix {
		sets = append(sets, prefixSet)
	}
	sets = append(sets, typoSet)
	for _, set := range sets {
		if set == typoSet {
			cands, err := typoCandidates(ctx, tx, kind, t.Word)
			if err != nil {
				return nil, err
			}
			typos := discovery.SearchTypos(t.Word, cands)
			if len(typos) == 0 {
				break
			}
			list, err := json.Marshal(typos)
			if err != nil {
				return nil, err
			}
			args[3] = string(list)
		}
		ids, err := tierSet(ctx, tx, set, args, end, walk)
		if err != nil {
			return nil, err
		}
		if !take(ids, end) {
			break
		}
	}
	return found, nil
}

// tierSet reads the asked most popular documents with a word of the set,
// by a walk when it may find them within its bound, else by a match.
func tierSet(ctx context.Context, tx *sql.Tx, set searchSet, args []any, asked int, walk float64) ([]int64, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, set.count, args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("count the documents of a tier: %w", err)
	}
	if n == 0 {
		return nil, nil // the vocabulary counts every document with each word
	}
	stmts := tierStatements[set]
	// A set counted below the page cannot fill it: the walk could not tell
	// a short tier from a short bound.
	budget, unbounded := float64(n)*walk, math.IsInf(walk, 1)
	if unbounded || (walk > 0 && n >= int64(asked) && budget >= float64(asked)) {
		bound := int64(-1)
		if !unbounded {
			bound = int64(budget)
		}
		ids, err := tierRead(ctx, tx, stmts[0], append(args, bound, asked)...)
		if err != nil {
			return nil, fmt.Errorf("walk a tier: %w", err)
		}
		if unbounded || len(ids) == asked {
			return ids, nil
		}
	}
	ids, err := tierRead(ctx, tx, stmts[1], append(args, 0, asked)...)
	if err != nil {
		return nil, fmt.Errorf("match a tier: %w", err)
	}
	return ids, nil
}

// tierRead runs a tier's statement and returns the ids it read.
func tierRead(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id, popularity int64
		if err := rows.Scan(&id, &popularity); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
