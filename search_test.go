package discovery

import (
	"slices"
	"strings"
	"testing"
)

func TestSearchTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Beyoncé", []string{"beyonce"}},
		{"BEYONCE", []string{"beyonce"}},
		{"Straße Æsop Œuvre Łódź Ørsted Þór", []string{"strasse", "aesop", "oeuvre", "lodz", "orsted", "thor"}},
		{"ﬁsh Ａｂｃ", []string{"fish", "abc"}},
		{"Việt Nam, naïve café!", []string{"viet", "nam", "naive", "cafe"}},
		{"Москва Ёлка Йога", []string{"москва", "елка", "йога"}},
		{"Ελληνικά", []string{"ελληνικα"}},
		{"日本語 テスト", []string{"日本語", "テスト"}},
		{"DJ_Khaled", []string{"dj", "khaled"}},
		{"don't stop-me.now", []string{"don", "t", "stop", "me", "now"}},
		{"100% Real", []string{"100", "real"}},
		{"🎵 music 🎶", []string{"music"}},
		{"", nil},
		{"%_\\'", nil},
		{"a\xffb", []string{"a", "b"}},
		{strings.Repeat("x", MaxSearchWordLen) + " " + strings.Repeat("y", MaxSearchWordLen+1), []string{strings.Repeat("x", MaxSearchWordLen)}},
	}
	for _, tt := range tests {
		if got := SearchTokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SearchTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSearchTermsAndWords(t *testing.T) {
	if got, want := SearchTerms("Dance dance DANCE floor a b c d e f g h"), []string{"dance", "floor", "a", "b", "c", "d", "e", "f"}; !slices.Equal(got, want) {
		t.Errorf("SearchTerms = %q, want %q", got, want)
	}
	if got, want := SearchUserWords("DJ_Khaled", "Khaled Mohamed"), []string{"dj", "djkhaled", "khaled", "mohamed"}; !slices.Equal(got, want) {
		t.Errorf("SearchUserWords = %q, want %q", got, want)
	}
	if got, want := SearchUserWords("alice", ""), []string{"alice"}; !slices.Equal(got, want) {
		t.Errorf("SearchUserWords(alice) = %q, want %q", got, want)
	}
	if got, want := SearchTextWords("Dance, dance: the Dance Floor"), []string{"dance", "floor", "the"}; !slices.Equal(got, want) {
		t.Errorf("SearchTextWords = %q, want %q", got, want)
	}
	terms := NewSearchTerms([]string{"a", "ab"})
	if terms[0].Prefix || !terms[1].Prefix {
		t.Errorf("NewSearchTerms(a, ab) = %+v, want a exact only, ab also as a prefix", terms)
	}
}

func TestSearchDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"dance", "dance", 2, 0},
		{"dacne", "dance", 2, 1}, // transposition: one edit
		{"adnce", "dance", 2, 1},
		{"danc", "dance", 2, 1},
		{"fance", "dance", 2, 1},
		{"dnce", "dance", 2, 1},
		{"ca", "abc", 3, 3}, // OSA, not full Damerau–Levenshtein (which says 2)
		{"mahcinee", "machine", 2, 2},
		{"beyoncé", "beyonce", 2, 1}, // characters, not bytes
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3}, // beyond max: max+1
		{"a", "abcdef", 1, 2},
		{"", "ab", 2, 2},
	}
	for _, tt := range tests {
		if got := SearchDistance(tt.a, tt.b, tt.max); got != tt.want {
			t.Errorf("SearchDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

func TestSearchTypos(t *testing.T) {
	vocab := []SearchVocabWord{
		{"dance", 10}, {"dancer", 50}, {"lance", 3}, {"dunce", 30}, {"dacne", 1}, {"dance", 10}, {"fancy", 100}, {"d", 5},
	}
	// Prefix matches are not typos; closest first, then most used.
	if got, want := SearchTypos("dacne", vocab), []string{"dance"}; !slices.Equal(got, want) {
		t.Errorf("SearchTypos(dacne) = %q, want %q", got, want)
	}
	if got, want := SearchTypos("dance", vocab), []string{"dunce", "lance", "dacne"}; !slices.Equal(got, want) {
		t.Errorf("SearchTypos(dance) = %q, want %q", got, want)
	}
	if got := SearchTypos("dan", vocab); got != nil {
		t.Errorf("SearchTypos(dan) = %q, want none below 4 characters", got)
	}
	many := []SearchVocabWord{}
	for c := 'a'; c <= 'z'; c++ {
		many = append(many, SearchVocabWord{"x" + string(c) + "yz", int64(c)})
	}
	if got := SearchTypos("xayz", many); len(got) != MaxSearchTypos || got[0] != "xzyz" {
		t.Errorf("SearchTypos(xayz) = %q, want the %d most used", got, MaxSearchTypos)
	}
}

func TestSearchProbe(t *testing.T) {
	p, ok := NewSearchProbe("dacne")
	want := SearchProbe{Word: "dacne", MinLen: 4, MaxLen: 6, FirstLo: "d", FirstHi: "d\U0010FFFF", SwapLo: "ad",
		SwapHi: "ad\U0010FFFF", Tail: "acne"}
	if !ok || p != want {
		t.Errorf("NewSearchProbe(dacne) = %+v, %v; want %+v", p, ok, want)
	}
	if _, ok := NewSearchProbe("dan"); ok {
		t.Error("NewSearchProbe(dan): want no probe below 4 characters")
	}
	if p, _ := NewSearchProbe("émilezola"); p.MinLen != 7 || p.MaxLen != 11 || p.Tail != "milezola" || SearchTail("émile") != "mile" {
		t.Errorf("NewSearchProbe(émilezola) = %+v: want lengths and tail in characters", p)
	}
}

func TestSearchQueryValidate(t *testing.T) {
	ok := []SearchQuery{
		{},
		{Query: strings.Repeat("é", MaxSearchQueryLen), Sort: SortRecent},
		{Query: "a b c d e f g h", Sort: SortPopular},
		{Query: strings.Repeat("a ", 20), Sort: SortRelevant},
		{Genres: make([]string, MaxSearchFilters), Moods: []string{strings.Repeat("m", MaxSearchFilterLen)}},
	}
	for _, q := range ok {
		if err := q.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", q, err)
		}
	}
	bad := []SearchQuery{
		{Query: strings.Repeat("é", MaxSearchQueryLen+1)},
		{Query: "a b c d e f g h i"},
		{Query: "\xff"},
		{Sort: "Relevant"},
		{Genres: make([]string, MaxSearchFilters+1)},
		{Moods: []string{strings.Repeat("m", MaxSearchFilterLen+1)}},
		{Genres: []string{"\xff"}},
	}
	for _, q := range bad {
		if err := q.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("Validate(%+v) = %v, want EINVALID", q, err)
		}
	}
}
