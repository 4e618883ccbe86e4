package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/discovery-node/discovery"
)

var bulkTests = []testCase{
	{"a block with thousands of rows applies", testBulk},
}

func testBulk(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	const n = 2000
	c := newChain(1)
	first := changes(t, user(0, "star", n))
	for i := int64(1); i <= n; i++ {
		first.Users[i] = user(i, fmt.Sprintf("fan%d", i), 0)
		first.Follows[discovery.FollowKey{FollowerID: i, FolloweeID: 0}] = follow(i, 0, 1)
		r := item(i, discovery.ItemTrack, 1, 1)
		first.Reposts[r.ItemKey] = r
		first.Rejected = append(first.Rejected, rejected(1, uint(i)))
	}
	// Prior images from a model rather than thousands of reads.
	m := newModel()
	m.fillPrior(first)
	m.apply(first)
	mustApply(t, s, c.block(), first)

	count := func(want int) {
		t.Helper()
		all, err := s.Followers(ctx, 0, discovery.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != want {
			t.Errorf("followers = %d, want %d", len(all), want)
		}
	}
	count(n)
	if r, err := s.RejectedActions(ctx, discovery.Page{Limit: 1}); err != nil || len(r) != 1 || r[0].LogIndex != n {
		t.Errorf("newest rejected action = %+v, %v; want log index %d", r, err, n)
	}

	second := discovery.NewChanges()
	for i := int64(1); i <= n/2; i++ {
		second.Follows[discovery.FollowKey{FollowerID: i, FolloweeID: 0}] = nil
		second.Reposts[discovery.ItemKey{UserID: i, ItemType: discovery.ItemTrack, ItemID: 1}] = nil
	}
	m.fillPrior(second)
	mustApply(t, s, c.block(), second)
	count(n / 2)
	for _, id := range []int64{1, n / 2, n/2 + 1, n} {
		want := id > n/2
		k := discovery.ItemKey{UserID: id, ItemType: discovery.ItemTrack, ItemID: 1}
		if got := mustRepost(t, s, k) != nil; got != want {
			t.Errorf("repost by %d exists = %v; want %v", id, got, want)
		}
		if got := mustFollow(t, s, discovery.FollowKey{FollowerID: id, FolloweeID: 0}) != nil; got != want {
			t.Errorf("follow by %d exists = %v; want %v", id, got, want)
		}
	}
}
