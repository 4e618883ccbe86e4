package discovery

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzSearchTerms checks the query normalizer on any input: it never
// panics, returns at most MaxSearchWords distinct words of letters, digits
// and marks, each as folded as it gets (splitting the words again gives
// them back), and Validate accepts exactly the queries within the bounds.
// Seeds are in testdata/fuzz/FuzzSearchTerms.
func FuzzSearchTerms(f *testing.F) {
	f.Fuzz(func(t *testing.T, query string) {
		terms := SearchTerms(query)
		if len(terms) > MaxSearchWords {
			t.Fatalf("SearchTerms(%q) = %d words, want at most %d", query, len(terms), MaxSearchWords)
		}
		for i, w := range terms {
			if w == "" || !utf8.ValidString(w) || utf8.RuneCountInString(w) > MaxSearchWordLen {
				t.Fatalf("SearchTerms(%q): word %q is empty, too long or not UTF-8", query, w)
			}
			if slices.Contains(terms[:i], w) {
				t.Fatalf("SearchTerms(%q): word %q repeated", query, w)
			}
			for _, r := range w {
				if !isWordRune(r) {
					t.Fatalf("SearchTerms(%q): word %q holds %q", query, w, r)
				}
			}
			if again := SearchTokens(w); len(again) != 1 || again[0] != w {
				t.Fatalf("SearchTerms(%q): word %q splits again into %q", query, w, again)
			}
			if SearchDistance(w, w, 2) != 0 {
				t.Fatalf("SearchDistance(%q, itself) is not 0", w)
			}
		}
		err := SearchQuery{Query: query}.Validate()
		within := utf8.ValidString(query) && utf8.RuneCountInString(query) <= MaxSearchQueryLen &&
			distinctWords(query) <= MaxSearchWords
		if (err == nil) != within {
			t.Fatalf("Validate(%q) = %v, want accepted: %v", query, err, within)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Fatalf("Validate(%q) = %v, want EINVALID", query, err)
		}
	})
}

// FuzzSearchDistance compares the bounded, early-stopping distance with
// the plain dynamic programme over the whole matrix.
func FuzzSearchDistance(f *testing.F) {
	for _, s := range [][2]string{{"dacne", "dance"}, {"ca", "abc"}, {"beyoncé", "beyonce"}, {"", "x"}, {"ab", "ba"}} {
		f.Add(s[0], s[1], 2)
	}
	f.Fuzz(func(t *testing.T, a, b string, max int) {
		if max < 0 || max > 3 || len(a) > 32 || len(b) > 32 {
			return
		}
		want := min(osa(a, b), max+1)
		if got := SearchDistance(a, b, max); got != want {
			t.Fatalf("SearchDistance(%q, %q, %d) = %d, want %d", a, b, max, got, want)
		}
		if got := SearchDistance(b, a, max); got != want {
			t.Fatalf("SearchDistance(%q, %q, %d) = %d, want %d (symmetry)", b, a, max, got, want)
		}
	})
}

// osa is the optimal string alignment distance, straight from its
// definition.
func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
