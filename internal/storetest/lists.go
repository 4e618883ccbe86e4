package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

var listTests = []testCase{
	{"tracks and playlists by id", testItemsByID},
	{"a user's tracks sorted and filtered", testUserTrackList},
	{"a user's playlists and albums", testUserPlaylists},
	{"reposters, savers, mutuals, subscribers", testUserLists},
	{"related users by shared followers", testRelatedUsers},
	{"a user's reposts and favorites", testUserActivity},
	{"feed: originals and reposts, deduplicated, newest first", testFeed},
	{"remixes and stems", testRemixesAndStems},
	{"viewer relations in one query", testRelations},
	{"negative pages are refused by every list", testListBadPage},
}

// The list fixture, built by loadLists over five blocks:
//
//	users (block 1): 1 ana (10 followers), 2 ben (30), 3 cat (20),
//	  4 dan (40, deactivated), 5 eve (5), 6 fay (30), 7 gus (1, no tracks)
//	tracks (block 2): 10 ben, 11 ben unlisted, 12 cat, 13 dan, 14 ben deleted
//	  (a remix of 12), 15 cat stem of 12
//	tracks (block 3): 16 ben remix of 12, 17 cat unlisted remix of 12,
//	  18 fay remix of 12, 19 dan remix of 12, 26 cat unlisted stem of 12,
//	  27 cat deleted stem of 12, 28 ben
//	playlists (block 2): 20 ben, 21 cat album, 22 ben private, 23 ben deleted,
//	  24 ben; (block 3): 29 ben album, 30 ben
//	follows (block 3): 1→2,3,4,6,7  2→1  3,4,5,6,7→2  5,6,7→3  5→6
//	subscriptions (block 3): 1,4,6,7 → 2
//	reposts (block 4): 2: tracks 12, 13, 14, 11, 15 and playlist 21; 3: track 10;
//	  6: track 12; (block 5): 2: track 18; 5: playlist 20; 6: track 10;
//	  3: playlist 24
//	saves (block 4): 1: tracks 10, 11, 12, 13, 14 and playlist 20; 6, 4: track 12;
//	  (block 5): 1: track 16
func loadLists(t *testing.T, s discovery.Store) {
	t.Helper()
	c := newChain(1)

	dan, gus := user(4, "dan", 40), user(7, "gus", 1)
	dan.IsDeactivated, gus.TrackCount = true, 0
	mustApply(t, s, c.block(), changes(t, user(1, "ana", 10), user(2, "ben", 30), user(3, "cat", 20), dan,
		user(5, "eve", 5), user(6, "fay", 30), gus))

	t10 := listTrack(10, 2, 2, "b-Alpha", "2024-02-01", 5, 3, 9)
	t11 := listTrack(11, 2, 2, "a-Unlisted", "2024-03-01", 50, 0, 0)
	t11.IsUnlisted = true
	t14 := plainTrack(14, 2, 2)
	t14.IsDelete, t14.RemixOf = true, []int64{12}
	t15 := plainTrack(15, 3, 2)
	t15.StemOf = 12
	mustApply(t, s, c.block(), changes(t, t10, t11, plainTrack(12, 3, 2), plainTrack(13, 4, 2), t14, t15,
		plainPlaylist(20, 2, 2, false, 1, 0), plainPlaylist(21, 3, 2, true, 0, 0), withFlags(plainPlaylist(22, 2, 2, false, 0, 0), true, false),
		withFlags(plainPlaylist(23, 2, 2, false, 0, 0), false, true), plainPlaylist(24, 2, 2, false, 5, 5)))

	t16 := listTrack(16, 2, 3, "C-Gamma", "", 7, 3, 1)
	t17, t18, t19 := plainTrack(17, 3, 3), plainTrack(18, 6, 3), plainTrack(19, 4, 3)
	t17.IsUnlisted = true
	for _, r := range []*discovery.Track{t16, t17, t18, t19} {
		r.RemixOf = []int64{12}
	}
	t26, t27 := plainTrack(26, 3, 3), plainTrack(27, 3, 3)
	t26.StemOf, t26.IsUnlisted, t27.StemOf, t27.IsDelete = 12, true, 12, true
	b3 := changes(t, t16, t17, t18, t19, t26, t27, listTrack(28, 2, 3, "d-Delta", "2024-01-01", 6, 10, 2),
		plainPlaylist(29, 2, 3, true, 0, 0), plainPlaylist(30, 2, 3, false, 0, 0))
	for _, f := range [][2]int64{{1, 2}, {1, 3}, {1, 4}, {1, 6}, {1, 7}, {2, 1}, {3, 2}, {4, 2}, {5, 2}, {6, 2}, {7, 2},
		{5, 3}, {6, 3}, {7, 3}, {5, 6}} {
		b3.Follows[discovery.FollowKey{FollowerID: f[0], FolloweeID: f[1]}] = follow(f[0], f[1], 3)
	}
	for _, sub := range []int64{1, 4, 6, 7} {
		b3.Subscriptions[subKey(sub, 2)] = follow(sub, 2, 3)
	}
	mustApply(t, s, c.block(), b3)

	b4 := discovery.NewChanges()
	addItems(b4.Reposts, 4, discovery.ItemTrack, [][2]int64{{2, 12}, {2, 13}, {2, 14}, {2, 11}, {2, 15}, {3, 10}, {6, 12}})
	addItems(b4.Reposts, 4, discovery.ItemPlaylist, [][2]int64{{2, 21}})
	addItems(b4.Saves, 4, discovery.ItemTrack, [][2]int64{{1, 10}, {1, 11}, {1, 12}, {1, 13}, {1, 14}, {6, 12}, {4, 12}})
	addItems(b4.Saves, 4, discovery.ItemPlaylist, [][2]int64{{1, 20}})
	mustApply(t, s, c.block(), b4)

	b5 := discovery.NewChanges()
	addItems(b5.Reposts, 5, discovery.ItemTrack, [][2]int64{{2, 18}, {6, 10}})
	addItems(b5.Reposts, 5, discovery.ItemPlaylist, [][2]int64{{5, 20}, {3, 24}})
	addItems(b5.Saves, 5, discovery.ItemTrack, [][2]int64{{1, 16}})
	mustApply(t, s, c.block(), b5)
}

// plainTrack is a listed track that is neither a remix nor a stem.
func plainTrack(id, owner int64, block uint64) *discovery.Track {
	tr := track(id, owner, block)
	tr.IsUnlisted, tr.StemOf, tr.RemixOf = false, 0, nil
	return tr
}

// listTrack is a plain track with the fields its sorts read.
func listTrack(id, owner int64, block uint64, title, release string, plays, reposts, saves int64) *discovery.Track {
	tr := plainTrack(id, owner, block)
	tr.Title, tr.ReleaseDate, tr.PlayCount, tr.RepostCount, tr.SaveCount = title, release, plays, reposts, saves
	return tr
}

// plainPlaylist is a public playlist or album created at block.
func plainPlaylist(id, owner int64, block uint64, album bool, reposts, saves int64) *discovery.Playlist {
	p := playlist(id, owner)
	p.IsAlbum, p.RepostCount, p.SaveCount = album, reposts, saves
	p.CreatedBlock, p.UpdatedBlock, p.CreatedAt, p.UpdatedAt = block, block, 1_700_000_000+block, 1_700_000_000+block
	return p
}

func withFlags(p *discovery.Playlist, private, deleted bool) *discovery.Playlist {
	p.IsPrivate, p.IsDelete = private, deleted
	return p
}

// addItems adds reposts or saves (user, item) of one item type at block.
func addItems(m map[discovery.ItemKey]*discovery.ItemAction, block uint64, itemType string, pairs [][2]int64) {
	for _, p := range pairs {
		a := item(p[0], itemType, p[1], block)
		m[a.ItemKey] = a
	}
}

func playlistIDs(ps []discovery.Playlist) []int64 {
	out := []int64{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func testItemsByID(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	tracks, err := s.TracksByID(ctx, []int64{16, 99, 14, 11, 10, 16})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "TracksByID ids", trackIDs(tracks), []int64{16, 11, 10, 16})
	equal(t, "TracksByID row", &tracks[2], listTrack(10, 2, 2, "b-Alpha", "2024-02-01", 5, 3, 9))
	if tracks, err = s.TracksByID(ctx, nil); err != nil || len(tracks) != 0 {
		t.Errorf("TracksByID(nil) = %v, %v", tracks, err)
	}
	playlists, err := s.PlaylistsByID(ctx, []int64{22, 23, 20, 404})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "PlaylistsByID ids", playlistIDs(playlists), []int64{22, 20})
	equal(t, "PlaylistsByID row", &playlists[1], plainPlaylist(20, 2, 2, false, 1, 0))
}
