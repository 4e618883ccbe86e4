package discovery

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// How text becomes search words: folded (lower case, compatibility forms
// and accents removed, so "Beyoncé" and "BEYONCE" are both "beyonce"), then
// split at every character that is neither a letter, a digit nor a mark.
// Words longer than MaxSearchWordLen are left out: nobody types them.

// MaxSearchWordLen is the longest indexed word, in characters.
const MaxSearchWordLen = 64

// MinSearchPrefix is the shortest query word that also matches the words it
// begins: a single letter would match a large part of the index.
const MinSearchPrefix = 2

// foldSpecial maps letters that carry their "accent" in the letter itself,
// which decomposition cannot strip, to what people type for them.
var foldSpecial = strings.NewReplacer(
	"ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ð", "d",
	"þ", "th", "ı", "i", "ħ", "h", "ŧ", "t", "ŀ", "l", "ĸ", "q", "ŋ", "n",
)

// SearchFold returns s in lower case without accents or compatibility
// forms: what both sides of a search are compared as.
func SearchFold(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	var b strings.Builder
	prev := rune(-1)
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		// Marks go, but for the breve of й, a letter of its own in
		// Cyrillic, as PostgreSQL's unaccent keeps it.
		if unicode.Is(unicode.Mn, r) && (r != '\u0306' || prev != 'и') {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	// Lower case again: compatibility forms can decompose to capitals
	// (ℌ to H), and the replacer's input must be lower case.
	return foldSpecial.Replace(strings.ToLower(norm.NFC.String(b.String())))
}

// isWordRune says whether r belongs inside a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.M, r)
}

// SearchTokens returns the folded words of s in order, repeats included.
func SearchTokens(s string) []string {
	var out []string
	for w := range strings.FieldsFuncSeq(SearchFold(s), func(r rune) bool { return !isWordRune(r) }) {
		if utf8.RuneCountInString(w) <= MaxSearchWordLen {
			out = append(out, w)
		}
	}
	return out
}

// SearchTerms returns the distinct words of a query, in order, at most
// MaxSearchWords of them.
func SearchTerms(query string) []string {
	var out []string
	for _, w := range SearchTokens(query) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
		if len(out) == MaxSearchWords {
			break
		}
	}
	return out
}

// SearchHandleKey is a handle's words run together: "DJ_Khaled" is
// "djkhaled", so a query spelling the handle out, or run together, finds it.
func SearchHandleKey(handle string) string {
	return strings.Join(SearchTokens(handle), "")
}

// SearchTextWords returns the distinct words of the texts, sorted: the
// words a track (its title) or a playlist (its name) is found by.
func SearchTextWords(texts ...string) []string {
	var out []string
	for _, t := range texts {
		out = append(out, SearchTokens(t)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SearchUserWords returns the words a user is found by: those of the
// handle and the name, and the handle run together.
func SearchUserWords(handle, name string) []string {
	words := SearchTextWords(handle, name)
	if k := SearchHandleKey(handle); k != "" && utf8.RuneCountInString(k) <= MaxSearchWordLen {
		words = append(words, k)
		slices.Sort(words)
		words = slices.Compact(words)
	}
	return words
}

// SearchPrefixEnd returns the least string above every string that begins
// with w, for range scans in binary (byte-wise) order: no word contains
// U+10FFFF, the greatest character.
func SearchPrefixEnd(w string) string {
	return w + "\U0010FFFF"
}

// SearchTypoDistance is how many edits (a letter added, removed, changed,
// or two neighbours swapped) a query word of n characters may be from a
// word of the index and still find it: none below 4 characters, one up to
// 7, two from 8.
func SearchTypoDistance(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// SearchDistance returns the optimal string alignment distance between a
// and b (Damerau–Levenshtein where no substring is edited twice), counted
// in characters, or max+1 when it is greater than max.
func SearchDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	// Three rows of the dynamic programme: two back, one back, current.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			best = min(best, d)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], max+1)
}

// SearchVocabWord is a word of the index and how many entities have it.
type SearchVocabWord struct {
	Word string
	N    int64
}

// SearchProbe says which words of the index may be within the typo
// distance of a query word, as ranges and keys a store can look up by
// index; SearchTypos then measures each. Candidates are words of a length
// within the distance that begin with the same letter or with the first
// two letters swapped, and words that differ in the first letter only:
// one whose SearchTail is Tail (the first letter changed), Tail itself (a
// first letter too many), and one whose SearchTail is Word (one missing).
type SearchProbe struct {
	Word           string
	MinLen, MaxLen int    // length bounds, in characters
	FirstLo        string // words in [FirstLo, FirstHi): same first letter
	FirstHi        string
	SwapLo, SwapHi string // words beginning with the first two letters swapped
	Tail           string // Word without its first letter
}

// NewSearchProbe returns the probe of a query word, and false when the
// word is too short to be matched with typos.
func NewSearchProbe(w string) (SearchProbe, bool) {
	r := []rune(w)
	d := SearchTypoDistance(len(r))
	if d == 0 {
		return SearchProbe{}, false
	}
	first := string(r[0])
	swap := string([]rune{r[1], r[0]})
	return SearchProbe{
		MinLen: len(r) - d, MaxLen: len(r) + d,
		FirstLo: first, FirstHi: SearchPrefixEnd(first),
		SwapLo: swap, SwapHi: SearchPrefixEnd(swap),
		Tail: string(r[1:]), Word: w,
	}, true
}

// SearchTail is a word without its first letter, the key that finds words
// differing from a query word in their first letter only.
func SearchTail(w string) string {
	_, n := utf8.DecodeRuneInString(w)
	return w[n:]
}

// SearchTypos picks, from candidate words of the index, the ones within
// the typo distance of w that w does not already find as a prefix: the
// closest first, then the most used, at most MaxSearchTypos.
func SearchTypos(w string, candidates []SearchVocabWord) []string {
	max := SearchTypoDistance(utf8.RuneCountInString(w))
	if max == 0 {
		return nil
	}
	type hit struct {
		SearchVocabWord
		d int
	}
	var hits []hit
	for _, c := range candidates {
		if strings.HasPrefix(c.Word, w) {
			continue
		}
		if d := SearchDistance(w, c.Word, max); d <= max {
			hits = append(hits, hit{c, d})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.d != b.d {
			return a.d - b.d
		}
		if a.N != b.N {
			if a.N > b.N {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Word, b.Word)
	})
	out := make([]string, 0, min(len(hits), MaxSearchTypos))
	for _, h := range hits {
		if len(out) == MaxSearchTypos {
			break
		}
		if !slices.Contains(out, h.Word) {
			out = append(out, h.Word)
		}
	}
	return out
}

// SearchTerm is one word of a query as a store looks it up.
type SearchTerm struct {
	Word string
	// Prefix says whether words beginning with Word match too: only
	// words of MinSearchPrefix characters or more.
	Prefix bool
	// Typos are the words of the index within the typo distance of Word,
	// from SearchTypos.
	Typos []string
}

// NewSearchTerms returns the terms of a query's words, without typos yet.
func NewSearchTerms(words []string) []SearchTerm {
	out := make([]SearchTerm, len(words))
	for i, w := range words {
		out[i] = SearchTerm{Word: w, Prefix: utf8.RuneCountInString(w) >= MinSearchPrefix}
	}
	return out
}
