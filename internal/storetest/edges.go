package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

var edgeTests = []testCase{
	{"a nil edge deletes it", testEdgeDelete},
}

func testEdgeDelete(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	c := newChain(1)
	fk := discovery.FollowKey{FollowerID: 2, FolloweeID: 1}
	keep := discovery.FollowKey{FollowerID: 3, FolloweeID: 1}
	trackKey := discovery.ItemKey{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 10}
	playlistKey := discovery.ItemKey{UserID: 2, ItemType: discovery.ItemPlaylist, ItemID: 10}

	first := changes(t, user(1, "alice", 2), user(2, "bob", 0), user(3, "carol", 0), follow(2, 1, 1), follow(3, 1, 1))
	for _, k := range []discovery.ItemKey{trackKey, playlistKey} {
		first.Reposts[k] = item(k.UserID, k.ItemType, k.ItemID, 1)
		first.Saves[k] = item(k.UserID, k.ItemType, k.ItemID, 1)
	}
	mustApply(t, s, c.block(), first)

	second := discovery.NewChanges()
	second.Follows[fk] = nil
	second.Reposts[trackKey] = nil
	second.Saves[playlistKey] = nil
	mustApply(t, s, c.block(), second)

	exists := []struct {
		name string
		got  func() (bool, error)
		want bool
	}{
		{"unfollowed", func() (bool, error) { return s.FollowExists(ctx, fk) }, false},
		{"other follow kept", func() (bool, error) { return s.FollowExists(ctx, keep) }, true},
		{"unreposted track", func() (bool, error) { return s.RepostExists(ctx, trackKey) }, false},
		{"playlist repost kept", func() (bool, error) { return s.RepostExists(ctx, playlistKey) }, true},
		{"track save kept", func() (bool, error) { return s.SaveExists(ctx, trackKey) }, true},
		{"unsaved playlist", func() (bool, error) { return s.SaveExists(ctx, playlistKey) }, false},
	}
	for _, e := range exists {
		if got, err := e.got(); err != nil || got != e.want {
			t.Errorf("%s: exists = %v, %v; want %v", e.name, got, err, e.want)
		}
	}
	followers, err := s.Followers(ctx, 1, discovery.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "followers after unfollow", ids(followers), []int64{3})

	// Following again after an unfollow works, and deleting an edge that
	// does not exist is harmless.
	third := changes(t, follow(2, 1, 3))
	third.Follows[discovery.FollowKey{FollowerID: 9, FolloweeID: 8}] = nil
	mustApply(t, s, c.block(), third)
	if ok, err := s.FollowExists(ctx, fk); !ok || err != nil {
		t.Errorf("follow again: exists = %v, %v", ok, err)
	}
}
