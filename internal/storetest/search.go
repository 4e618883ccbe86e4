package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

var searchTests = []testCase{
	{"search finds users by prefix, typo and folded accents, ranked", testSearchUsers},
	{"search finds tracks by title, ranked exact, prefix, typo, then popularity", testSearchTracks},
	{"search filters tracks by genre and mood and sorts by popularity or recency", testSearchTrackFilters},
	{"search finds public playlists only", testSearchPlaylists},
	{"search index follows reverts of renames, deletes and deactivations", testSearchRevert},
	{"search index follows resolved metadata", testSearchMetadata},
	{"search refuses queries out of bounds", testSearchBounds},
}

// searchUser is a user with the given handle, name and follower count;
// even ids are verified, and a higher id was created later.
func searchUser(id int64, handle, name string, followers int64) *discovery.User {
	u := user(id, handle, followers)
	u.Name = name
	return u
}

// findUsers runs FindUsers and returns the ids found, in order.
func findUsers(t *testing.T, s discovery.Store, q discovery.SearchQuery, p discovery.Page) []int64 {
	t.Helper()
	got, err := s.FindUsers(context.Background(), q, p)
	if err != nil {
		t.Fatalf("FindUsers(%+v): %v", q, err)
	}
	return ids(got)
}

func testSearchUsers(t *testing.T, s discovery.Store) {
	gone := searchUser(9, "gone", "Dance Gone", 9999)
	gone.IsDeactivated = true
	mustApply(t, s, newChain(1).block(), changes(t,
		searchUser(1, "dj", "Zed", 1),
		searchUser(2, "DJ_Khaled", "Khaled", 100),
		searchUser(3, "djx", "X", 50),
		searchUser(4, "adj", "Someone", 500),
		searchUser(5, "other", "The DJ", 10),
		searchUser(6, "queenb", "Beyoncé", 1000),
		searchUser(7, "beyonce_fan", "Fan Page", 5),
		searchUser(8, "emile", "Émile Zola", 7),
		gone,
		searchUser(10, "dancer", "Dance Machine", 20),
		searchUser(11, "percent", "100% Real", 0),
	))
	all := discovery.Page{Limit: 20}
	verified := func(q string) discovery.SearchQuery { return discovery.SearchQuery{Query: q, VerifiedOnly: true} }
	sorted := func(q string, s discovery.SearchSort) discovery.SearchQuery {
		return discovery.SearchQuery{Query: q, Sort: s}
	}
	tests := []struct {
		name  string
		query discovery.SearchQuery
		page  discovery.Page
		want  []int64
	}{
		// The handle spelt out first, then exact words, then prefixes;
		// each by followers. A word inside another word ("adj") is no
		// match.
		{"exact handle first", discovery.SearchQuery{Query: "dj"}, all, []int64{1, 2, 5, 3}},
		{"case ignored", discovery.SearchQuery{Query: "DJ"}, all, []int64{1, 2, 5, 3}},
		{"page", discovery.SearchQuery{Query: "dj"}, discovery.Page{Offset: 1, Limit: 2}, []int64{2, 5}},
		{"page past the end", discovery.SearchQuery{Query: "dj"}, discovery.Page{Offset: 4, Limit: 2}, []int64{}},
		{"handle words", discovery.SearchQuery{Query: "dj khaled"}, all, []int64{2}},
		{"handle run together", discovery.SearchQuery{Query: "djkhaled"}, all, []int64{2}},
		{"handle with its underscore", discovery.SearchQuery{Query: "DJ_Khaled"}, all, []int64{2}},
		{"prefix of a name", discovery.SearchQuery{Query: "khal"}, all, []int64{2}},
		{"accent folded in the index", discovery.SearchQuery{Query: "beyonce"}, all, []int64{6, 7}},
		{"accent folded in the query", discovery.SearchQuery{Query: "Beyoncé"}, all, []int64{6, 7}},
		{"accented query, plain handle", discovery.SearchQuery{Query: "ÉMILE"}, all, []int64{8}},
		{"prefix", discovery.SearchQuery{Query: "danc"}, all, []int64{10}},
		{"transposition", discovery.SearchQuery{Query: "dacne"}, all, []int64{10}},
		{"first letters swapped", discovery.SearchQuery{Query: "adnce"}, all, []int64{10}},
		{"first letter wrong", discovery.SearchQuery{Query: "fance"}, all, []int64{10}},
		{"first letter missing", discovery.SearchQuery{Query: "ance"}, all, []int64{10}},
		{"letter missing in a long word", discovery.SearchQuery{Query: "machne"}, all, []int64{10}},
		{"two typos in a long word", discovery.SearchQuery{Query: "mahcinee"}, all, []int64{10}},
		{"short words need no typos", discovery.SearchQuery{Query: "dk"}, all, []int64{}},
		{"no match", discovery.SearchQuery{Query: "zzz"}, all, []int64{}},
		{"punctuation only", discovery.SearchQuery{Query: "%"}, all, []int64{}},
		{"digits", discovery.SearchQuery{Query: "100%"}, all, []int64{11}},
		{"sql", discovery.SearchQuery{Query: "' OR 1=1 --"}, all, []int64{}},
		{"every word must match", discovery.SearchQuery{Query: "dance zzz"}, all, []int64{}},
		// No words: every active user, most followed first.
		{"empty", discovery.SearchQuery{}, all, []int64{6, 4, 2, 3, 10, 5, 8, 7, 1, 11}},
		{"blank", discovery.SearchQuery{Query: "  "}, discovery.Page{Limit: 3}, []int64{6, 4, 2}},
		{"verified only", verified("dj"), all, []int64{2}},
		{"verified only, no words", verified(""), all, []int64{6, 4, 2, 10, 8}},
		{"popular", sorted("dj", discovery.SortPopular), all, []int64{2, 3, 5, 1}},
		{"recent", sorted("dj", discovery.SortRecent), all, []int64{5, 3, 2, 1}},
		{"relevant", sorted("dj", discovery.SortRelevant), all, []int64{1, 2, 5, 3}},
		{"no limit", discovery.SearchQuery{Query: "dj"}, discovery.Page{}, []int64{1, 2, 5, 3}},
	}
	for _, tt := range tests {
		equal(t, "FindUsers "+tt.name, findUsers(t, s, tt.query, tt.page), tt.want)
	}
	// SearchUsers is the relevance search by words alone.
	got, err := s.SearchUsers(context.Background(), "dj", all)
	if err != nil {
		t.Fatalf("SearchUsers(dj): %v", err)
	}
	equal(t, "SearchUsers(dj)", ids(got), []int64{1, 2, 5, 3})
}

func testSearchBounds(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	long := make([]byte, discovery.MaxSearchQueryLen+1)
	for i := range long {
		long[i] = 'a'
	}
	bad := []discovery.SearchQuery{
		{Query: string(long)},
		{Query: "a b c d e f g h i"},
		{Query: "x", Sort: "best"},
		{Query: "\xff"},
		{Genres: make([]string, discovery.MaxSearchFilters+1)},
		{Moods: []string{string(long)}},
	}
	for _, q := range bad {
		_, err := s.FindUsers(ctx, q, discovery.Page{})
		wantCode(t, "FindUsers out of bounds", err, discovery.EINVALID)
		_, err = s.FindTracks(ctx, q, discovery.Page{})
		wantCode(t, "FindTracks out of bounds", err, discovery.EINVALID)
		_, err = s.FindPlaylists(ctx, q, discovery.Page{})
		wantCode(t, "FindPlaylists out of bounds", err, discovery.EINVALID)
	}
	_, err := s.FindTracks(ctx, discovery.SearchQuery{Query: "x"}, discovery.Page{Offset: -1})
	wantCode(t, "FindTracks with a negative offset", err, discovery.EINVALID)
	// At the bounds: allowed, and nothing found in an empty store.
	ok := []discovery.SearchQuery{
		{Query: string(long[:discovery.MaxSearchQueryLen])},
		{Query: "a b c d e f g h"},
		{Query: "a a a a a a a a a a a a"}, // one word, repeated
	}
	for _, q := range ok {
		if got, err := s.FindTracks(ctx, q, discovery.Page{}); err != nil || len(got) != 0 {
			t.Errorf("FindTracks(%q) on an empty store = %v, %v; want nothing", q.Query, got, err)
		}
	}
}
