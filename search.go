package discovery

import (
	"fmt"
	"unicode/utf8"
)

// Search is relevance-ranked, prefix- and typo-tolerant matching of words.
// Both stores fold and split text the same way (SearchTokens here; Postgres
// does the same in SQL, see its migration 00005), keep a derived word index
// of every visible user, track and playlist, and rank each hit by:
//
//  1. for users, whether the query spelled out the handle (dj khaled for
//     @DJ_Khaled);
//  2. the sum over the query's words of how well the best word of the
//     entity matched it: 3 exactly, 2 as a prefix, 1 within the typo
//     distance (SearchTypoDistance). Every query word must match;
//  3. popularity: followers for users, reposts + saves + plays for tracks,
//     reposts + saves for playlists;
//  4. id, so pages are stable.
//
// SortPopular puts popularity first and SortRecent the creation time.

// SearchSort is the order of search results: the Audius sort_method.
type SearchSort string

// The sort methods of the Audius API. The empty value means SortRelevant.
const (
	SortRelevant SearchSort = "relevant"
	SortPopular  SearchSort = "popular"
	SortRecent   SearchSort = "recent"
)

// Bounds on one search, so a query's cost stays small whatever a client
// sends.
const (
	// MaxSearchQueryLen is the longest query, in characters.
	MaxSearchQueryLen = 100
	// MaxSearchWords is the most words a query may have.
	MaxSearchWords = 8
	// MaxSearchFilters is the most genres, or moods, one search may name.
	MaxSearchFilters = 20
	// MaxSearchFilterLen is the longest genre or mood, in characters.
	MaxSearchFilterLen = 100
	// MaxSearchTypos is how many words of the index a misspelt query word
	// may stand for; the closest, then the most used, are kept.
	MaxSearchTypos = 12
	// MaxSearchCandidates bounds the index words read to find them.
	MaxSearchCandidates = 2000
)

// SearchQuery is one search of users, tracks or playlists. An empty Query
// matches every visible entity, so a search can be by filters alone.
type SearchQuery struct {
	Query string
	// Genres and Moods keep tracks of one of the given genres and moods
	// (compared ignoring case and accents). For users, Genres keeps users
	// with a visible track of one of the genres. Playlists have neither.
	Genres []string
	Moods  []string
	// VerifiedOnly keeps verified users only.
	VerifiedOnly bool
	Sort         SearchSort
}

// Validate checks the bounds above and the sort method, so a store can be
// handed the query as it is.
func (q SearchQuery) Validate() error {
	if n := utf8.RuneCountInString(q.Query); n > MaxSearchQueryLen {
		return Errorf(EINVALID, "the query has %d characters: at most %d are allowed", n, MaxSearchQueryLen)
	}
	if !utf8.ValidString(q.Query) {
		return Errorf(EINVALID, "the query is not valid UTF-8")
	}
	if n := distinctWords(q.Query); n > MaxSearchWords {
		return Errorf(EINVALID, "the query has %d words: at most %d are allowed", n, MaxSearchWords)
	}
	switch q.Sort {
	case "", SortRelevant, SortPopular, SortRecent:
	default:
		return Errorf(EINVALID, "sort method %q is unknown: use relevant, popular or recent", string(q.Sort))
	}
	for _, f := range []struct {
		name   string
		values []string
	}{{"genre", q.Genres}, {"mood", q.Moods}} {
		if len(f.values) > MaxSearchFilters {
			return Errorf(EINVALID, "%d values of %s: at most %d are allowed", len(f.values), f.name, MaxSearchFilters)
		}
		for _, v := range f.values {
			if utf8.RuneCountInString(v) > MaxSearchFilterLen || !utf8.ValidString(v) {
				return Errorf(EINVALID, "%s %q is not a valid %s: at most %d characters of UTF-8", f.name, clip(v), f.name, MaxSearchFilterLen)
			}
		}
	}
	return nil
}

// distinctWords counts the different words of a query: a repeated word is
// looked up once.
func distinctWords(query string) int {
	seen := map[string]bool{}
	for _, w := range SearchTokens(query) {
		seen[w] = true
	}
	return len(seen)
}

// clip shortens a value quoted back in an error message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("%.40s…", s)
}
