package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/discovery-node/discovery"
)

// A search of several words by relevance ranks first the documents that
// match every word as well as any document can: exactly when a document
// has the word, else as a prefix when one has a longer word, else by a
// typo. That top tier is often dense where the words are common (a title
// word and a prefix of another, as a search box sends them), so it is
// looked for first by walking the kind's documents most popular first
// (search_docs_popular_idx), testing each for every word of the tier; when
// the walk fills the page, those documents are the page, in order, as
// searchStatement would rank them. Otherwise the full statement answers.
//
// The walk is bounded as the one-word tiers' are, by searchWalk documents
// per posting findRanked would read instead, and not tried when the
// tier's rarest word cannot fill the page. A user whose handle the words spell ranks above all: when there is
// one, the full statement answers.

// topSearch reports whether a search may be answered by its top tier.
func topSearch(q discovery.SearchQuery, terms []discovery.SearchTerm, limit int) bool {
	return len(terms) > 1 && (q.Sort == "" || q.Sort == discovery.SortRelevant) &&
		len(q.Genres) == 0 && len(q.Moods) == 0 && !q.VerifiedOnly && limit > 0
}

// topCountsQuery counts, for a term of kind ?1, the documents with its
// word ?2 exactly, with a longer word it begins (up to ?3), and with one
// of its typos ?4.
const topCountsQuery = `SELECT
	coalesce((SELECT n FROM search_vocab WHERE kind = ?1 AND word = ?2), 0),
	coalesce((SELECT sum(n) FROM search_vocab WHERE kind = ?1 AND word > ?2 AND word < ?3), 0),
	coalesce((SELECT sum(n) FROM search_vocab WHERE kind = ?1 AND word IN (SELECT value FROM json_each(?4))), 0)`

// topWalk reads, among the ?2 most popular documents of kind ?1, the first
// ?3 that pass every test, %s (one per term: topRange or topList). As in
// the tiers' walk, the walk is a co-routine in the outer ORDER BY's order.
const topWalk = `SELECT id, popularity FROM (
	SELECT id, popularity FROM search_docs INDEXED BY search_docs_popular_idx
	WHERE kind = ?1 ORDER BY popularity DESC, id LIMIT ?2) d
WHERE %s
ORDER BY popularity DESC, id LIMIT ?3`

// A term's test: a word in [?a, ?b), or one of the words of the JSON
// array ?a. Each is one seek in search_words_doc_idx per word.
const (
	topRange = `EXISTS (SELECT 1 FROM search_words w WHERE w.kind = ?1 AND w.id = d.id AND w.word >= ?%d AND w.word < ?%d)`
	topList  = `EXISTS (SELECT 1 FROM json_each(?%d) y CROSS JOIN search_words w ON w.kind = ?1 AND w.id = d.id AND w.word = y.value)`
)

// topWalks holds the walk of each shape of terms, built once from the
// constant parts above: a shape says, term by term, whether it is tested
// by a range ('r') or a list ('l').
var topWalks sync.Map // shape string → statement string

// topWalkStatement returns the walk of a shape.
func topWalkStatement(shape string) string {
	if q, ok := topWalks.Load(shape); ok {
		return q.(string)
	}
	tests := make([]string, len(shape))
	for i, c := range shape {
		if c == 'r' {
			tests[i] = fmt.Sprintf(topRange, 4+2*i, 5+2*i)
		} else {
			tests[i] = fmt.Sprintf(topList, 4+2*i)
		}
	}
	q := fmt.Sprintf(topWalk, strings.Join(tests, "\n\tAND "))
	topWalks.Store(shape, q)
	return q
}

// topHandle tells whether a user's handle is the words run together.
const topHandle = `SELECT EXISTS (SELECT 1 FROM search_docs WHERE kind = 1 AND handle = ?)`

// findTop answers a search of several words from its top tier, walking
// at most walk documents per posting findRanked would read (+Inf: without
// bound, for tests), sample per document of the page first, and reports
// false when the tier cannot fill the page. Its counts and its walk read one snapshot: the tier depends on
// which words exist.
func findTop[T any](ctx context.Context, s *Store, kind searchKind, terms []discovery.SearchTerm, limit, offset int,
	walk float64, sample int, scan func(scanner) (*T, error)) ([]T, bool, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to keep
	end := offset + limit
	if kind == searchUser {
		var key strings.Builder
		for _, t := range terms {
			key.WriteString(t.Word)
		}
		var spelt bool
		if err := tx.QueryRowContext(ctx, topHandle, key.String()).Scan(&spelt); err != nil {
			return nil, false, fmt.Errorf("users whose handle is %q: %w", key.String(), err)
		}
		if spelt {
			return nil, false, nil
		}
	}
	// A term's top tier: the words in [lo, hi), or the typos in list.
	type termTier struct {
		lo, hi, list string
		n            int64
	}
	tiers := make([]termTier, len(terms))
	tierMin, postingsMin, postings := int64(math.MaxInt64), int64(math.MaxInt64), int64(0)
	for i, t := range terms {
		typos, err := json.Marshal(nonNil(t.Typos))
		if err != nil {
			return nil, false, err
		}
		var exact, prefix, typo int64
		if err := tx.QueryRowContext(ctx, topCountsQuery, int(kind), t.Word, discovery.SearchPrefixEnd(t.Word), string(typos)).
			Scan(&exact, &prefix, &typo); err != nil {
			return nil, false, fmt.Errorf("count the documents of %q: %w", t.Word, err)
		}
		if !t.Prefix {
			prefix = 0 // longer words do not match
		}
		tt := &tiers[i]
		switch {
		case exact > 0:
			tt.lo, tt.hi, tt.n = t.Word, t.Word+"\x01", exact
		case prefix > 0:
			tt.lo, tt.hi, tt.n = t.Word, discovery.SearchPrefixEnd(t.Word), prefix
		case typo > 0:
			tt.list, tt.n = string(typos), typo
		default:
			return nil, true, nil // no document has a word the term matches
		}
		tierMin, postingsMin = min(tierMin, tt.n), min(postingsMin, exact+prefix+typo)
		postings += exact + prefix + typo
	}
	// The rarest term first: most documents fail it, and are not tested
	// for the others.
	slices.SortStableFunc(tiers, func(a, b termTier) int { return cmp.Compare(a.n, b.n) })
	var shape strings.Builder
	for _, tt := range tiers {
		if tt.list != "" {
			shape.WriteByte('l')
		} else {
			shape.WriteByte('r')
		}
	}
	// What findRanked would read instead, in postings.
	cost := min(postingsMin*searchDrivenCost, postings)
	budget, unbounded := float64(cost)*walk, math.IsInf(walk, 1)
	if !unbounded && (tierMin < int64(end) || budget < float64(end)) {
		return nil, false, nil
	}
	args := []any{int(kind), int64(-1), end}
	for _, tt := range tiers {
		if tt.list != "" {
			args = append(args, tt.list, "")
		} else {
			args = append(args, tt.lo, tt.hi)
		}
	}
	stmt := topWalkStatement(shape.String())
	// A first walk of sample documents per document of the page (or the
	// whole budget, if less) finds the page or tells how far the rest is;
	// the second walks that far, twice over, if the budget allows.
	bound := int64(-1)
	if !unbounded {
		bound = min(int64(budget), int64(sample*end))
		args[1] = bound
	}
	ids, err := tierRead(ctx, tx, stmt, args...)
	if err != nil {
		return nil, false, fmt.Errorf("walk the top tier: %w", err)
	}
	if len(ids) < end && !unbounded && len(ids) > 0 && float64(bound) < budget {
		if need := float64(bound) * float64(end) / float64(len(ids)); need <= budget {
			args[1] = int64(min(2*need, budget))
			if ids, err = tierRead(ctx, tx, stmt, args...); err != nil {
				return nil, false, fmt.Errorf("walk the top tier: %w", err)
			}
		}
	}
	if len(ids) < end {
		return nil, false, nil // the tier is short, or its walk was
	}
	out, err := pageRows(ctx, tx, kind, ids[min(offset, len(ids)):], scan)
	return out, err == nil, err
}

// topSample is how many documents the first walk of a top tier reads per
// document of the page: the page, when a twenty-fifth of the documents or
// more are in the tier.
const topSample = 25
