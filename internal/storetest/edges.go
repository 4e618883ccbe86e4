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

	rows := []struct {
		name string
		got  any
		want any
	}{
		{"unfollowed", mustFollow(t, s, fk), (*discovery.Follow)(nil)},
		{"other follow kept", mustFollow(t, s, keep), follow(3, 1, 1)},
		{"unreposted track", mustRepost(t, s, trackKey), (*discovery.ItemAction)(nil)},
		{"playlist repost kept", mustRepost(t, s, playlistKey), item(2, discovery.ItemPlaylist, 10, 1)},
		{"track save kept", mustSave(t, s, trackKey), item(2, discovery.ItemTrack, 10, 1)},
		{"unsaved playlist", mustSave(t, s, playlistKey), (*discovery.ItemAction)(nil)},
	}
	for _, r := range rows {
		equal(t, r.name, r.got, r.want)
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
	equal(t, "follow again", mustFollow(t, s, fk), follow(2, 1, 3))
}
