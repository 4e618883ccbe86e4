package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

var searchTests = []testCase{
	{"search ranks handles and escapes wildcards", testSearch},
}

func testSearch(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	named := func(u *discovery.User, name string) *discovery.User { u.Name = name; return u }
	mustApply(t, s, newChain(1).block(), changes(t,
		named(user(1, "dj", 1), "Zed"),
		named(user(2, "DJ_Khaled", 100), "Khaled"),
		named(user(3, "djx", 50), "X"),
		named(user(4, "adj", 500), "Someone"),
		named(user(5, "other", 10), "The DJ"),
		named(user(6, "percent", 0), "100% Real"),
		named(user(7, "d_j", 3), "Underscore"),
		named(user(8, "daj", 4), "Letter"),
		named(user(9, "back", 2), `Back\slash`),
		named(user(10, "ÉMILE", 7), "Émile Zola"),
	))
	tests := []struct {
		query string
		page  discovery.Page
		want  []int64
	}{
		// Exact handle, then handle prefixes, then the rest; each group by
		// follower count.
		{"dj", discovery.Page{Limit: 20}, []int64{1, 2, 3, 4, 5}},
		{"DJ", discovery.Page{Limit: 20}, []int64{1, 2, 3, 4, 5}},
		{"dj", discovery.Page{Offset: 1, Limit: 2}, []int64{2, 3}},
		{"dj", discovery.Page{Offset: 5, Limit: 2}, []int64{}},
		// Wildcards in the query match themselves only.
		{"_", discovery.Page{Limit: 20}, []int64{2, 7}},
		{"d_j", discovery.Page{Limit: 20}, []int64{7}},
		{"%", discovery.Page{Limit: 20}, []int64{6}},
		{"100%", discovery.Page{Limit: 20}, []int64{6}},
		{`\`, discovery.Page{Limit: 20}, []int64{9}},
		{`k\s`, discovery.Page{Limit: 20}, []int64{9}},
		// Names match too, ignoring case.
		{"khaled", discovery.Page{Limit: 20}, []int64{2}},
		{"the dj", discovery.Page{Limit: 20}, []int64{5}},
		{"émile", discovery.Page{Limit: 20}, []int64{10}},
		{"zzz", discovery.Page{Limit: 20}, []int64{}},
		{"' OR 1=1 --", discovery.Page{Limit: 20}, []int64{}},
	}
	for _, tt := range tests {
		got, err := s.SearchUsers(ctx, tt.query, tt.page)
		if err != nil {
			t.Fatalf("SearchUsers(%q): %v", tt.query, err)
		}
		equal(t, "SearchUsers("+tt.query+")", ids(got), tt.want)
	}
}
