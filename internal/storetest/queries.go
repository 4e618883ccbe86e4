package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

var queryTests = []testCase{
	{"GetUsers keeps the order of the ids", testGetUsers},
	{"followers and following by follower count", testFollowers},
	{"user tracks newest first", testUserTracks},
	{"rejected actions newest first", testRejectedActions},
	{"negative pages are refused", testBadPage},
}

func testGetUsers(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	mustApply(t, s, newChain(1).block(), changes(t, user(1, "a", 0), user(2, "b", 0), user(3, "c", 0)))
	tests := []struct {
		ids  []int64
		want []int64
	}{
		{[]int64{3, 99, 1, 2}, []int64{3, 1, 2}},
		{[]int64{2}, []int64{2}},
		{[]int64{98, 99}, []int64{}},
		{nil, []int64{}},
	}
	for _, tt := range tests {
		got, err := s.GetUsers(ctx, tt.ids)
		if err != nil {
			t.Fatalf("GetUsers(%v): %v", tt.ids, err)
		}
		equal(t, "GetUsers ids", ids(got), tt.want)
	}
	got, err := s.GetUsers(ctx, []int64{2})
	if err != nil || len(got) != 1 {
		t.Fatalf("GetUsers([2]) = %v, %v", got, err)
	}
	equal(t, "GetUsers row", &got[0], user(2, "b", 0))
}

func testFollowers(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	// Users 3 and 4 tie on follower count, so id breaks the tie.
	c := changes(t, user(1, "hub", 0), user(2, "two", 5), user(3, "three", 50), user(4, "four", 50), user(5, "five", 500), user(6, "six", 1))
	for _, f := range [][2]int64{{2, 1}, {3, 1}, {4, 1}, {5, 1}, {1, 3}, {1, 6}, {1, 5}, {6, 5}} {
		c.Follows[discovery.FollowKey{FollowerID: f[0], FolloweeID: f[1]}] = follow(f[0], f[1], 1)
	}
	mustApply(t, s, newChain(1).block(), c)

	tests := []struct {
		name string
		list func(discovery.Page) ([]discovery.User, error)
		page discovery.Page
		want []int64
	}{
		{"followers", func(p discovery.Page) ([]discovery.User, error) { return s.Followers(ctx, 1, p) }, discovery.Page{Limit: 10}, []int64{5, 3, 4, 2}},
		{"followers page 2", func(p discovery.Page) ([]discovery.User, error) { return s.Followers(ctx, 1, p) }, discovery.Page{Offset: 1, Limit: 2}, []int64{3, 4}},
		{"followers past the end", func(p discovery.Page) ([]discovery.User, error) { return s.Followers(ctx, 1, p) }, discovery.Page{Offset: 4, Limit: 2}, []int64{}},
		{"followers without limit", func(p discovery.Page) ([]discovery.User, error) { return s.Followers(ctx, 1, p) }, discovery.Page{Offset: 1}, []int64{3, 4, 2}},
		{"following", func(p discovery.Page) ([]discovery.User, error) { return s.Following(ctx, 1, p) }, discovery.Page{Limit: 10}, []int64{5, 3, 6}},
		{"following page", func(p discovery.Page) ([]discovery.User, error) { return s.Following(ctx, 1, p) }, discovery.Page{Offset: 2, Limit: 10}, []int64{6}},
		{"followers of 5", func(p discovery.Page) ([]discovery.User, error) { return s.Followers(ctx, 5, p) }, discovery.Page{Limit: 10}, []int64{6, 1}},
		{"nobody follows 2", func(p discovery.Page) ([]discovery.User, error) { return s.Followers(ctx, 2, p) }, discovery.Page{Limit: 10}, []int64{}},
		{"unknown user", func(p discovery.Page) ([]discovery.User, error) { return s.Following(ctx, 99, p) }, discovery.Page{Limit: 10}, []int64{}},
	}
	for _, tt := range tests {
		got, err := tt.list(tt.page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		equal(t, tt.name, ids(got), tt.want)
	}
}

func testUserTracks(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	c := newChain(1)
	mustApply(t, s, c.block(), changes(t, user(1, "alice", 0), user(2, "bob", 0), track(10, 1, 1), track(20, 2, 1)))
	deleted := track(13, 1, 2)
	deleted.IsDelete = true
	mustApply(t, s, c.block(), changes(t, track(11, 1, 2), track(12, 1, 2), deleted))

	tests := []struct {
		user int64
		page discovery.Page
		want []int64
	}{
		{1, discovery.Page{Limit: 10}, []int64{12, 11, 10}},
		{1, discovery.Page{Offset: 1, Limit: 1}, []int64{11}},
		{1, discovery.Page{Offset: 3, Limit: 1}, []int64{}},
		{2, discovery.Page{Limit: 10}, []int64{20}},
		{3, discovery.Page{Limit: 10}, []int64{}},
	}
	for _, tt := range tests {
		got, err := s.UserTracks(ctx, tt.user, tt.page)
		if err != nil {
			t.Fatalf("UserTracks(%d, %+v): %v", tt.user, tt.page, err)
		}
		equal(t, "UserTracks ids", trackIDs(got), tt.want)
	}
	got, err := s.UserTracks(ctx, 2, discovery.Page{Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("UserTracks(2) = %v, %v", got, err)
	}
	equal(t, "UserTracks row", &got[0], track(20, 2, 1))
}

func testRejectedActions(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	c := newChain(7)
	mustApply(t, s, c.block(), changes(t, rejected(7, 0), rejected(7, 5)))
	mustApply(t, s, c.block(), nil)
	mustApply(t, s, c.block(), changes(t, rejected(9, 2), rejected(9, 1)))

	newestFirst := []discovery.RejectedAction{rejected(9, 2), rejected(9, 1), rejected(7, 5), rejected(7, 0)}
	tests := []struct {
		page discovery.Page
		want []discovery.RejectedAction
	}{
		{discovery.Page{Limit: 10}, newestFirst},
		{discovery.Page{}, newestFirst},
		{discovery.Page{Offset: 1, Limit: 2}, newestFirst[1:3]},
		{discovery.Page{Offset: 4, Limit: 2}, nil},
	}
	for _, tt := range tests {
		got, err := s.RejectedActions(ctx, tt.page)
		if err != nil {
			t.Fatalf("RejectedActions(%+v): %v", tt.page, err)
		}
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		equal(t, "RejectedActions", got, tt.want)
	}
}

func testBadPage(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	for _, p := range []discovery.Page{{Offset: -1, Limit: 10}, {Offset: 0, Limit: -1}} {
		calls := map[string]func() error{
			"SearchUsers":     func() error { _, err := s.SearchUsers(ctx, "a", p); return err },
			"Followers":       func() error { _, err := s.Followers(ctx, 1, p); return err },
			"Following":       func() error { _, err := s.Following(ctx, 1, p); return err },
			"UserTracks":      func() error { _, err := s.UserTracks(ctx, 1, p); return err },
			"RejectedActions": func() error { _, err := s.RejectedActions(ctx, p); return err },
		}
		for name, call := range calls {
			wantCode(t, name, call(), discovery.EINVALID)
		}
	}
}
