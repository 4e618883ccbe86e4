package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// Search reads search_docs, which triggers keep equal to the entity rows
// (migration 00005). A query takes three round trips: its words, folded
// and split by the same SQL that indexed the documents; the candidate words
// for typo matching; the ranked page joined to the entity rows.

// searchKind is search_docs.kind.
type searchKind int16

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
	scan func(pgx.Row) (*T, error)) ([]T, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	terms, err := s.searchTerms(ctx, kind, q.Query)
	if err != nil {
		return nil, err
	}
	if terms == nil && strings.TrimSpace(q.Query) != "" {
		return nil, nil // nothing in the query can match a word
	}
	if tieredSearch(kind, q, terms) {
		return findTiered(ctx, s, kind, terms[0], limit, offset, searchWalkCost, scan)
	}
	if multiTieredSearch(kind, q, terms) {
		return findMultiTiered(ctx, s, kind, terms, limit, offset, multiKnobs(kind), scan)
	}
	return findRanked(ctx, s, kind, q, terms, limit, offset, scan)
}

// findRanked runs a search with searchStatement, which ranks every match.
func findRanked[T any](ctx context.Context, s *Store, kind searchKind, q discovery.SearchQuery, terms []discovery.SearchTerm,
	limit *int, offset int, scan func(pgx.Row) (*T, error)) ([]T, error) {
	genres, userGenres := q.Genres, []string(nil)
	if kind == searchUser {
		genres, userGenres = nil, q.Genres
	}
	handle, exact, prefix, all := tsqueries(terms)
	args := []any{handle, exact, prefix, nonNil(genres), nonNil(q.Moods), q.VerifiedOnly,
		nonNil(userGenres), limit, offset}
	if all != "" {
		args = append(args, all)
	}
	rows, err := s.pool.Query(ctx, searchStatement(kind, q.Sort, len(terms)), args...)
	return collectRows(rows, err, scan)
}

// nonNil makes an absent filter an empty array rather than NULL.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// searchTerms folds and splits the query as the documents were, and finds
// the typos of each word among the words of documents of the kind. It
// returns nil when the query has no word.
func (s *Store) searchTerms(ctx context.Context, kind searchKind, query string) ([]discovery.SearchTerm, error) {
	if strings.TrimSpace(query) == "" {
		return nil, nil
	}
	var tokens []string
	if err := s.pool.QueryRow(ctx, `SELECT search_query_words($1)`, query).Scan(&tokens); err != nil {
		return nil, fmt.Errorf("split the query: %w", err)
	}
	words := distinct(tokens, discovery.MaxSearchWords)
	if len(words) == 0 {
		return nil, nil
	}
	terms := discovery.NewSearchTerms(words)
	cands, err := s.typoCandidates(ctx, kind, words)
	if err != nil {
		return nil, err
	}
	for i := range terms {
		terms[i].Typos = discovery.SearchTypos(terms[i].Word, cands[i])
	}
	return terms, nil
}

// distinct returns the first max distinct words, in order.
func distinct(words []string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		if len(out) == max {
			break
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// typoQuery reads the candidate words of each query word (see
// discovery.SearchProbe), at most $10 per range; long words, which may
// differ in the first letter and one more, also get their nearest words by
// trigrams. The ranges of a first letter are read by first letter and
// length (search_vocab_typo_idx), not by word: a letter's words are many
// (every handle is a word of users), those of the right length few.
const typoQuery = `
SELECT p.i, v.word, v.n
FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
	WITH ORDINALITY AS p(word, min_len, max_len, first_lo, first_hi, swap_lo, swap_hi, tail, i)
CROSS JOIN LATERAL (
	(SELECT word, n FROM search_vocab
	WHERE kind = $1 AND left(word, 1) = left(p.first_lo, 1) AND length(word) BETWEEN p.min_len AND p.max_len
		AND word >= p.first_lo AND word < p.first_hi
	LIMIT $10)
	UNION
	(SELECT word, n FROM search_vocab
	WHERE kind = $1 AND left(word, 1) = left(p.swap_lo, 1) AND length(word) BETWEEN p.min_len AND p.max_len
		AND word >= p.swap_lo AND word < p.swap_hi
	LIMIT $10)
	UNION
	(SELECT word, n FROM search_vocab WHERE kind = $1 AND tail = p.tail)
	UNION
	(SELECT word, n FROM search_vocab WHERE kind = $1 AND word = p.tail)
	UNION
	(SELECT word, n FROM search_vocab WHERE kind = $1 AND tail = p.word)
	UNION
	(SELECT word, n FROM search_vocab
	WHERE length(p.word) >= 8 AND kind = $1 AND word % p.word
	ORDER BY word <-> p.word LIMIT 20)
) v`

// typoCandidates returns, for each word, the words of the index that may
// be within its typo distance.
func (s *Store) typoCandidates(ctx context.Context, kind searchKind, words []string) ([][]discovery.SearchVocabWord, error) {
	var (
		ws, firstLo, firstHi, swapLo, swapHi, tails []string
		minLen, maxLen                              []int32
		index                                       []int // position in words of each probe
	)
	for i, w := range words {
		pr, ok := discovery.NewSearchProbe(w)
		if !ok {
			continue
		}
		ws, firstLo, firstHi = append(ws, pr.Word), append(firstLo, pr.FirstLo), append(firstHi, pr.FirstHi)
		swapLo, swapHi, tails = append(swapLo, pr.SwapLo), append(swapHi, pr.SwapHi), append(tails, pr.Tail)
		minLen, maxLen = append(minLen, int32(pr.MinLen)), append(maxLen, int32(pr.MaxLen))
		index = append(index, i)
	}
	out := make([][]discovery.SearchVocabWord, len(words))
	if len(ws) == 0 {
		return out, nil
	}
	rows, err := s.generic.Query(ctx, typoQuery, int16(kind), ws, minLen, maxLen, firstLo, firstHi, swapLo, swapHi, tails,
		discovery.MaxSearchCandidates)
	if err != nil {
		return nil, fmt.Errorf("typo candidates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			i int64
			v discovery.SearchVocabWord
		)
		if err := rows.Scan(&i, &v.Word, &v.N); err != nil {
			return nil, fmt.Errorf("typo candidates: %w", err)
		}
		if i < 1 || int(i) > len(index) {
			return nil, fmt.Errorf("typo candidates: probe %d of %d", i, len(index))
		}
		w := index[i-1]
		out[w] = append(out[w], v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("typo candidates: %w", err)
	}
	return out, nil
}
