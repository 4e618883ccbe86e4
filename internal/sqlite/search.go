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
	words := discovery.SearchTerms(q.Query)
	if len(words) == 0 && strings.TrimSpace(q.Query) != "" {
		return nil, nil // nothing in the query can match a word
	}
	terms := discovery.NewSearchTerms(words)
	for i := range terms {
		cands, err := s.typoCandidates(ctx, kind, terms[i].Word)
		if err != nil {
			return nil, err
		}
		terms[i].Typos = discovery.SearchTypos(terms[i].Word, cands)
	}
	genres, userGenres := q.Genres, []string(nil)
	if kind == searchUser {
		genres, userGenres = nil, q.Genres
	}
	args, err := searchArgs(kind, terms, genres, q.Moods, userGenres, q.VerifiedOnly, limit, offset)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, searchStatement(kind, q.Sort, len(terms) > 0), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
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
SELECT word, n FROM search_vocab WHERE kind = ?1 AND tail = ?8
UNION
SELECT word, n FROM search_vocab WHERE kind = ?1 AND word = ?8
UNION
SELECT word, n FROM search_vocab WHERE kind = ?1 AND tail = ?10`

// typoCandidates returns the words of the index that may be within the
// typo distance of w.
func (s *Store) typoCandidates(ctx context.Context, kind searchKind, w string) ([]discovery.SearchVocabWord, error) {
	pr, ok := discovery.NewSearchProbe(w)
	if !ok {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, typoQuery, int(kind), pr.FirstLo, pr.FirstHi, pr.SwapLo, pr.SwapHi,
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
