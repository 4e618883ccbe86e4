package sqlite

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"

	"modernc.org/sqlite"

	"github.com/discovery-node/discovery"
)

// Search reads search_docs and search_words, which triggers keep equal to
// the entity rows (migration 00005). The triggers fold and split text with
// the functions registered here, the same Go code that splits queries, so
// the two sides always agree.

// searchFuncsErr is the outcome of registering the functions the search
// triggers and queries call, with the driver, for every connection it
// opens; it is done as the package is initialised, so before any store is
// opened. It fails only for a name or argument count the driver refuses, a
// fault of this code: searches then report it, and writes fail on SQLite's
// "no such function".
var searchFuncsErr = registerSearchFuncs()

func registerSearchFuncs() error {
	funcs := []struct {
		name string
		args int32
		fn   func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error)
	}{
		{"search_words", 2, searchWordsFunc},
		{"search_key", 1, textFunc(discovery.SearchHandleKey)},
		{"search_fold", 1, textFunc(discovery.SearchFold)},
	}
	for _, f := range funcs {
		// Deterministic, so SQLite may use them anywhere, views and
		// triggers included.
		if err := sqlite.RegisterDeterministicScalarFunction(f.name, f.args, f.fn); err != nil {
			return fmt.Errorf("register sqlite function %s: %w", f.name, err)
		}
	}
	return nil
}

// searchWordsFunc is search_words(text, handle): the distinct words of
// text, with handle's words run together when handle has any, as a JSON
// array.
func searchWordsFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	text, handle := textArg(args[0]), textArg(args[1])
	words := discovery.SearchTextWords(text)
	if handle != "" {
		words = discovery.SearchUserWords(handle, text)
	}
	if words == nil {
		words = []string{}
	}
	b, err := json.Marshal(words)
	if err != nil {
		return nil, fmt.Errorf("search_words: %w", err)
	}
	return string(b), nil
}

// textFunc adapts a string function to a one-argument SQL function.
func textFunc(f func(string) string) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		return f(textArg(args[0])), nil
	}
}

// textArg reads a TEXT (or BLOB) argument; NULL and numbers read as "".
func textArg(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	default:
		return ""
	}
}

// searchKind is search_docs.kind.
type searchKind int

const (
	searchUser     searchKind = 1
	searchTrack    searchKind = 2
	searchPlaylist searchKind = 3
)

// FindUsers searches users by handle and name.
func (s *Store) FindUsers(ctx context.Context, q discovery.SearchQuery, p discovery.Page) ([]discovery.User, error) {
	users, err := find(ctx, s, searchUser, q, p, scanUser)
	if err != nil {
		return nil, fmt.Errorf("search users %q: %w", q.Query, err)
	}
	return users, nil
}

// FindTracks searches tracks by title.
func (s *Store) FindTracks(ctx context.Context, q discovery.SearchQuery, p discovery.Page) ([]discovery.Track, error) {
	tracks, err := find(ctx, s, searchTrack, q, p, scanTrack)
	if err != nil {
		return nil, fmt.Errorf("search tracks %q: %w", q.Query, err)
	}
	return tracks, nil
}

// FindPlaylists searches playlists (not albums) by name.
func (s *Store) FindPlaylists(ctx context.Context, q discovery.SearchQuery, p discovery.Page) ([]discovery.Playlist, error) {
	playlists, err := find(ctx, s, searchPlaylist, q, p, scanPlaylist)
	if err != nil {
		return nil, fmt.Errorf("search playlists %q: %w", q.Query, err)
	}
	return playlists, nil
}

// SearchUsers is FindUsers by query alone, ranked by relevance.
func (s *Store) SearchUsers(ctx context.Context, query string, p discovery.Page) ([]discovery.User, error) {
	return s.FindUsers(ctx, discovery.SearchQuery{Query: query}, p)
}

// find runs one search and scans the entity rows of its page in order.
// A one-word search by relevance goes by tiers (findTiered), one of more
// words first tries its top tier (findTop); the rest, and what those
// cannot answer, rank every match (findRanked).
func find[T any](ctx context.Context, s *Store, kind searchKind, q discovery.SearchQuery, p discovery.Page,
	scan func(scanner) (*T, error)) ([]T, error) {
	if searchFuncsErr != nil {
		return nil, searchFuncsErr
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	terms := discovery.NewSearchTerms(discovery.SearchTerms(q.Query))
	if len(terms) == 0 && strings.TrimSpace(q.Query) != "" {
		return nil, nil // nothing in the query can match a word
	}
	if tieredSearch(q, terms, limit) {
		return findTiered(ctx, s, kind, terms[0], limit, offset, searchWalk, scan)
	}
	if err := findTypos(ctx, s.r, kind, terms); err != nil {
		return nil, err
	}
	if topSearch(q, terms, limit) {
		out, ok, err := findTop(ctx, s, kind, terms, limit, offset, searchWalk, topSample, scan)
		if err != nil || ok {
			return out, err
		}
	}
	return findRanked(ctx, s, kind, q, terms, limit, offset, scan)
}

// findTypos finds the typos of each term among the words of documents of
// the kind.
func findTypos(ctx context.Context, q rowsQuerier, kind searchKind, terms []discovery.SearchTerm) error {
	for i := range terms {
		cands, err := typoCandidates(ctx, q, kind, terms[i].Word)
		if err != nil {
			return err
		}
		terms[i].Typos = discovery.SearchTypos(terms[i].Word, cands)
	}
	return nil
}

// findRanked runs a search with searchStatement, which ranks every match.
// A query of several words is matched from the documents of the word
// with the fewest, as the vocabulary counts them, when reading all of
// theirs would cost more (searchDrivenCost).
func findRanked[T any](ctx context.Context, s *Store, kind searchKind, q discovery.SearchQuery, terms []discovery.SearchTerm,
	limit, offset int, scan func(scanner) (*T, error)) ([]T, error) {
	match, driver := matchNone, -1
	switch {
	case len(terms) == 1:
		match = matchAll
	case len(terms) > 1:
		counts, err := termPostings(ctx, s.r, kind, terms)
		if err != nil {
			return nil, err
		}
		var sum int64
		driver = 0
		for i, n := range counts {
			sum += n
			if n < counts[driver] {
				driver = i
			}
		}
		match = matchAll
		if counts[driver]*searchDrivenCost < sum {
			match = matchDriven
		}
	}
	return findMatched(ctx, s, kind, q, terms, limit, offset, match, driver, scan)
}

// findMatched runs searchStatement matching as told, from the documents
// of terms[driver] when driven.
func findMatched[T any](ctx context.Context, s *Store, kind searchKind, q discovery.SearchQuery, terms []discovery.SearchTerm,
	limit, offset int, match searchMatch, driver int, scan func(scanner) (*T, error)) ([]T, error) {
	genres, userGenres := q.Genres, []string(nil)
	if kind == searchUser {
		genres, userGenres = nil, q.Genres
	}
	args, err := searchArgs(kind, terms, genres, q.Moods, userGenres, q.VerifiedOnly, limit, offset, driver)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, searchStatement(kind, q.Sort, match), args...)
	return collectRows(rows, err, scan)
}

// searchDrivenCost is what matching one document of the driving term
// against every term costs, in postings read by matchAll: about four, on
// the API benchmark's data set.
const searchDrivenCost = 4

// termPostingsQuery counts the documents of kind ?1 with the word ?2 or
// one it begins (words in [?2, ?3)) or one of the typos ?4: their words
// counted once per document.
const termPostingsQuery = `SELECT
	(SELECT coalesce(sum(n), 0) FROM search_vocab WHERE kind = ?1 AND word >= ?2 AND word < ?3) +
	(SELECT coalesce(sum(n), 0) FROM search_vocab WHERE kind = ?1 AND word IN (SELECT value FROM json_each(?4)))`

// termPostings returns how many words of documents of the kind each term
// matches.
func termPostings(ctx context.Context, q querier, kind searchKind, terms []discovery.SearchTerm) ([]int64, error) {
	out := make([]int64, len(terms))
	for i, t := range terms {
		typos, err := json.Marshal(nonNil(t.Typos))
		if err != nil {
			return nil, err
		}
		if err := q.QueryRowContext(ctx, termPostingsQuery, int(kind), t.Word, termEnd(t), string(typos)).Scan(&out[i]); err != nil {
			return nil, fmt.Errorf("count the documents of %q: %w", t.Word, err)
		}
	}
	return out, nil
}

// termEnd is the end of the words a term matches exactly or as a prefix,
// from its word on: as searchStatement's ranges.
func termEnd(t discovery.SearchTerm) string {
	if t.Prefix {
		return discovery.SearchPrefixEnd(t.Word)
	}
	return t.Word + "\x01"
}

// typoQuery reads the candidate words of a query word (see
// discovery.SearchProbe), at most ?9 per range.
const typoQuery = `
SELECT word, n FROM (SELECT word, n FROM search_vocab
	WHERE kind = ?1 AND word >= ?2 AND word < ?3 AND length(word) BETWEEN ?6 AND ?7 LIMIT ?9)
UNION
SELECT word, n FROM (SELECT word, n FROM search_vocab
	WHERE kind = ?1 AND word >= ?4 AND word < ?5 AND length(word) BETWEEN ?6 AND ?7 LIMIT ?9)
UNION
SELECT word, n FROM search_vocab INDEXED BY search_vocab_tail_idx WHERE kind = ?1 AND tail = ?8
UNION
SELECT word, n FROM search_vocab WHERE kind = ?1 AND word = ?8
UNION
SELECT word, n FROM search_vocab INDEXED BY search_vocab_tail_idx WHERE kind = ?1 AND tail = ?10`

// typoCandidates returns the words of the index that may be within the
// typo distance of w.
func typoCandidates(ctx context.Context, q rowsQuerier, kind searchKind, w string) ([]discovery.SearchVocabWord, error) {
	pr, ok := discovery.NewSearchProbe(w)
	if !ok {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, typoQuery, int(kind), pr.FirstLo, pr.FirstHi, pr.SwapLo, pr.SwapHi,
		pr.MinLen, pr.MaxLen, pr.Tail, discovery.MaxSearchCandidates, pr.Word)
	if err != nil {
		return nil, fmt.Errorf("typo candidates of %q: %w", w, err)
	}
	defer rows.Close()
	var out []discovery.SearchVocabWord
	for rows.Next() {
		var v discovery.SearchVocabWord
		if err := rows.Scan(&v.Word, &v.N); err != nil {
			return nil, fmt.Errorf("typo candidates of %q: %w", w, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("typo candidates of %q: %w", w, err)
	}
	return out, nil
}
