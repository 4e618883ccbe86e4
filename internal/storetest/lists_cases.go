package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

// The cases of the list queries, on the fixture of loadLists (lists.go).

var page10 = discovery.Page{Limit: 10}

func testUserTrackList(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	q := func(sort string, desc bool) discovery.UserTracksQuery {
		return discovery.UserTracksQuery{OwnerID: 2, Sort: sort, Desc: desc, Listed: true}
	}
	withUnlisted := q(discovery.TrackByDate, true)
	withUnlisted.Unlisted = true
	onlyUnlisted := withUnlisted
	onlyUnlisted.Listed = false
	tests := []struct {
		name string
		q    discovery.UserTracksQuery
		page discovery.Page
		want []int64
	}{
		{"default is newest first", q("", true), page10, []int64{28, 16, 10}},
		{"date desc", q(discovery.TrackByDate, true), page10, []int64{28, 16, 10}},
		{"date asc", q(discovery.TrackByDate, false), page10, []int64{10, 16, 28}},
		{"date page", q(discovery.TrackByDate, true), discovery.Page{Offset: 1, Limit: 1}, []int64{16}},
		{"date past the end", q(discovery.TrackByDate, true), discovery.Page{Offset: 3, Limit: 1}, []int64{}},
		{"plays desc", q(discovery.TrackByPlays, true), page10, []int64{16, 28, 10}},
		{"plays asc", q(discovery.TrackByPlays, false), page10, []int64{10, 28, 16}},
		// Byte order: upper case before lower case.
		{"title asc", q(discovery.TrackByTitle, false), page10, []int64{16, 10, 28}},
		{"title desc", q(discovery.TrackByTitle, true), page10, []int64{28, 10, 16}},
		{"release date desc", q(discovery.TrackByReleaseDate, true), page10, []int64{10, 28, 16}},
		{"release date asc", q(discovery.TrackByReleaseDate, false), page10, []int64{16, 28, 10}},
		{"reposts desc, ties by id", q(discovery.TrackByReposts, true), page10, []int64{28, 16, 10}},
		{"reposts asc, ties by id", q(discovery.TrackByReposts, false), page10, []int64{10, 16, 28}},
		{"saves desc", q(discovery.TrackBySaves, true), page10, []int64{10, 28, 16}},
		{"with unlisted", withUnlisted, page10, []int64{28, 16, 11, 10}},
		{"only unlisted", onlyUnlisted, page10, []int64{11}},
		{"neither", discovery.UserTracksQuery{OwnerID: 2, Sort: discovery.TrackByDate}, page10, []int64{}},
		// Stems are not listed as tracks of their own.
		{"another owner", discovery.UserTracksQuery{OwnerID: 3, Listed: true, Unlisted: true, Desc: true}, page10, []int64{17, 12}},
		{"unknown owner", discovery.UserTracksQuery{OwnerID: 99, Listed: true}, page10, []int64{}},
	}
	for _, tt := range tests {
		got, err := s.UserTrackList(ctx, tt.q, tt.page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		equal(t, tt.name, trackIDs(got), tt.want)
	}
	_, err := s.UserTrackList(ctx, q("plays; DROP TABLE tracks", true), page10)
	wantCode(t, "unknown sort", err, discovery.EINVALID)
}

func testUserPlaylists(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	tests := []struct {
		name string
		q    discovery.UserPlaylistsQuery
		page discovery.Page
		want []int64
	}{
		{"recent", discovery.UserPlaylistsQuery{OwnerID: 2}, page10, []int64{30, 24, 20}},
		{"recent page", discovery.UserPlaylistsQuery{OwnerID: 2, Sort: discovery.PlaylistsByRecent}, discovery.Page{Offset: 1, Limit: 1}, []int64{24}},
		{"with private", discovery.UserPlaylistsQuery{OwnerID: 2, IncludePrivate: true}, page10, []int64{30, 24, 22, 20}},
		{"popular", discovery.UserPlaylistsQuery{OwnerID: 2, Sort: discovery.PlaylistsByPopular}, page10, []int64{24, 20, 30}},
		{"albums", discovery.UserPlaylistsQuery{OwnerID: 2, Albums: true}, page10, []int64{29}},
		{"albums of cat", discovery.UserPlaylistsQuery{OwnerID: 3, Albums: true}, page10, []int64{21}},
		{"no playlists", discovery.UserPlaylistsQuery{OwnerID: 3}, page10, []int64{}},
	}
	for _, tt := range tests {
		got, err := s.UserPlaylists(ctx, tt.q, tt.page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		equal(t, tt.name, playlistIDs(got), tt.want)
	}
	_, err := s.UserPlaylists(ctx, discovery.UserPlaylistsQuery{OwnerID: 2, Sort: "name"}, page10)
	wantCode(t, "unknown sort", err, discovery.EINVALID)
}

func testUserLists(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	tests := []struct {
		name string
		list func(discovery.Page) ([]discovery.User, error)
		page discovery.Page
		want []int64
	}{
		// Ties on follower count go by id; deactivated dan is left out.
		{"reposters of track 12", func(p discovery.Page) ([]discovery.User, error) { return s.Reposters(ctx, discovery.ItemTrack, 12, p) }, page10, []int64{2, 6}},
		{"reposters of track 10", func(p discovery.Page) ([]discovery.User, error) { return s.Reposters(ctx, discovery.ItemTrack, 10, p) }, page10, []int64{6, 3}},
		{"reposters page", func(p discovery.Page) ([]discovery.User, error) { return s.Reposters(ctx, discovery.ItemTrack, 10, p) }, discovery.Page{Offset: 1, Limit: 1}, []int64{3}},
		{"reposters of playlist 21", func(p discovery.Page) ([]discovery.User, error) {
			return s.Reposters(ctx, discovery.ItemPlaylist, 21, p)
		}, page10, []int64{2}},
		{"no reposters of playlist 12", func(p discovery.Page) ([]discovery.User, error) {
			return s.Reposters(ctx, discovery.ItemPlaylist, 12, p)
		}, page10, []int64{}},
		{"savers of track 12", func(p discovery.Page) ([]discovery.User, error) { return s.Savers(ctx, discovery.ItemTrack, 12, p) }, page10, []int64{6, 1}},
		{"savers of playlist 20", func(p discovery.Page) ([]discovery.User, error) { return s.Savers(ctx, discovery.ItemPlaylist, 20, p) }, page10, []int64{1}},
		{"mutuals of ben for ana", func(p discovery.Page) ([]discovery.User, error) { return s.Mutuals(ctx, 2, 1, p) }, page10, []int64{6, 3, 7}},
		{"mutuals page", func(p discovery.Page) ([]discovery.User, error) { return s.Mutuals(ctx, 2, 1, p) }, discovery.Page{Offset: 1, Limit: 1}, []int64{3}},
		{"mutuals of ben for eve", func(p discovery.Page) ([]discovery.User, error) { return s.Mutuals(ctx, 2, 5, p) }, page10, []int64{6, 3}},
		{"no mutuals", func(p discovery.Page) ([]discovery.User, error) { return s.Mutuals(ctx, 2, 99, p) }, page10, []int64{}},
		{"subscribers of ben", func(p discovery.Page) ([]discovery.User, error) { return s.Subscribers(ctx, 2, p) }, page10, []int64{6, 1, 7}},
		{"subscribers page", func(p discovery.Page) ([]discovery.User, error) { return s.Subscribers(ctx, 2, p) }, discovery.Page{Offset: 2, Limit: 5}, []int64{7}},
		{"no subscribers", func(p discovery.Page) ([]discovery.User, error) { return s.Subscribers(ctx, 3, p) }, page10, []int64{}},
	}
	for _, tt := range tests {
		got, err := tt.list(tt.page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		equal(t, tt.name, ids(got), tt.want)
	}
}

func testRelatedUsers(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	tests := []struct {
		name           string
		user, excluded int64
		page           discovery.Page
		want           []int64
	}{
		// Ben's followers follow cat 4 times, fay twice; dan is deactivated
		// and gus has no tracks.
		{"related to ben", 2, 0, page10, []int64{3, 6}},
		{"page", 2, 0, discovery.Page{Offset: 1, Limit: 1}, []int64{6}},
		{"without cat and whom cat follows", 2, 3, page10, []int64{6}},
		{"without whom ana follows", 2, 1, page10, []int64{}},
		{"related to cat", 3, 0, page10, []int64{2, 6}},
		// Gus's one follower, ana, follows three active artists once each.
		{"related to gus", 7, 0, page10, []int64{2, 6, 3}},
		{"ana's follower follows nobody else", 1, 0, page10, []int64{}},
	}
	for _, tt := range tests {
		got, err := s.RelatedUsers(ctx, tt.user, tt.excluded, tt.page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		equal(t, tt.name, ids(got), tt.want)
	}
}

// activity is the Activity of an item at block, whose time is the block's
// in the fixture.
func activity(itemType string, id int64, block uint64) discovery.Activity {
	return discovery.Activity{ItemType: itemType, ItemID: id, Block: block, At: 1_700_000_000 + block}
}

func testUserActivity(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	// Reposts of a deactivated user's track (13), a deleted one (14), an
	// unlisted one (11) and a stem (15) are left out; within a block
	// tracks come before playlists.
	all := []discovery.Activity{activity(discovery.ItemTrack, 18, 5), activity(discovery.ItemTrack, 12, 4), activity(discovery.ItemPlaylist, 21, 4)}
	tests := []struct {
		user int64
		page discovery.Page
		want []discovery.Activity
	}{
		{2, page10, all},
		{2, discovery.Page{Offset: 1, Limit: 1}, all[1:2]},
		{2, discovery.Page{Offset: 3, Limit: 1}, nil},
		{3, page10, []discovery.Activity{activity(discovery.ItemPlaylist, 24, 5), activity(discovery.ItemTrack, 10, 4)}},
		{1, page10, nil},
	}
	for _, tt := range tests {
		got, err := s.UserReposts(ctx, tt.user, tt.page)
		if err != nil {
			t.Fatalf("UserReposts(%d): %v", tt.user, err)
		}
		equal(t, "UserReposts", got, tt.want)
	}

	favorites, err := s.UserFavorites(ctx, 1, page10)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "UserFavorites", favorites, []discovery.ItemAction{
		*item(1, discovery.ItemTrack, 16, 5), *item(1, discovery.ItemTrack, 12, 4), *item(1, discovery.ItemTrack, 10, 4),
	})
	if favorites, err = s.UserFavorites(ctx, 1, discovery.Page{Offset: 2, Limit: 2}); err != nil || len(favorites) != 1 || favorites[0].ItemID != 10 {
		t.Errorf("UserFavorites page 2 = %v, %v; want track 10", favorites, err)
	}
	if favorites, err = s.UserFavorites(ctx, 2, page10); err != nil || len(favorites) != 0 {
		t.Errorf("UserFavorites(2) = %v, %v; want none", favorites, err)
	}
}

func testFeed(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	tr := func(id int64, block uint64) discovery.Activity { return activity(discovery.ItemTrack, id, block) }
	pl := func(id int64, block uint64) discovery.Activity { return activity(discovery.ItemPlaylist, id, block) }
	// Track 12 was created (block 2) and reposted by ben and fay (block 4):
	// once, at its first repost. Track 10, reposted at blocks 4 and 5,
	// counts from 4. Eve's repost of playlist 20 is not ana's business.
	all := []discovery.Activity{tr(18, 5), pl(24, 5), tr(12, 4), tr(10, 4), pl(21, 4), tr(28, 3), tr(16, 3), pl(30, 3), pl(29, 3), pl(20, 2)}
	page20 := discovery.Page{Limit: 20}
	tests := []struct {
		name string
		q    discovery.FeedQuery
		page discovery.Page
		want []discovery.Activity
	}{
		{"all", discovery.FeedQuery{UserID: 1, Originals: true, Reposts: true}, page20, all},
		{"no limit", discovery.FeedQuery{UserID: 1, Originals: true, Reposts: true}, discovery.Page{}, all},
		{"page", discovery.FeedQuery{UserID: 1, Originals: true, Reposts: true}, discovery.Page{Offset: 2, Limit: 3}, all[2:5]},
		{"past the end", discovery.FeedQuery{UserID: 1, Originals: true, Reposts: true}, discovery.Page{Offset: 10, Limit: 3}, nil},
		{"originals", discovery.FeedQuery{UserID: 1, Originals: true}, page20, []discovery.Activity{
			tr(28, 3), tr(18, 3), tr(16, 3), pl(30, 3), pl(29, 3), tr(12, 2), tr(10, 2), pl(24, 2), pl(21, 2), pl(20, 2)}},
		{"reposts", discovery.FeedQuery{UserID: 1, Reposts: true}, page20,
			[]discovery.Activity{tr(18, 5), pl(24, 5), tr(12, 4), tr(10, 4), pl(21, 4)}},
		{"nobody followed", discovery.FeedQuery{UserID: 99, Originals: true, Reposts: true}, page10, nil},
	}
	for _, tt := range tests {
		got, err := s.Feed(ctx, tt.q, tt.page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		equal(t, tt.name, got, tt.want)
	}
}

func testRemixesAndStems(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	tests := []struct {
		name string
		list func(discovery.Page) ([]discovery.Track, error)
		page discovery.Page
		want []int64
	}{
		// 17 is unlisted, 19 is dan's, 14 is deleted.
		{"remixes of 12", func(p discovery.Page) ([]discovery.Track, error) { return s.Remixes(ctx, 12, p) }, page10, []int64{18, 16}},
		{"remixes page", func(p discovery.Page) ([]discovery.Track, error) { return s.Remixes(ctx, 12, p) }, discovery.Page{Offset: 1, Limit: 1}, []int64{16}},
		{"no remixes", func(p discovery.Page) ([]discovery.Track, error) { return s.Remixes(ctx, 10, p) }, page10, []int64{}},
		// The unlisted stem is listed with its parent; the deleted one not.
		{"stems of 12", func(p discovery.Page) ([]discovery.Track, error) { return s.Stems(ctx, 12, p) }, page10, []int64{15, 26}},
		{"stems page", func(p discovery.Page) ([]discovery.Track, error) { return s.Stems(ctx, 12, p) }, discovery.Page{Offset: 1, Limit: 5}, []int64{26}},
		{"no stems", func(p discovery.Page) ([]discovery.Track, error) { return s.Stems(ctx, 15, p) }, page10, []int64{}},
	}
	for _, tt := range tests {
		got, err := tt.list(tt.page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		equal(t, tt.name, trackIDs(got), tt.want)
	}
}

func testRelations(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	set := func(ids ...int64) map[int64]bool {
		m := map[int64]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	users := []struct {
		viewer int64
		ids    []int64
		want   discovery.UserRelations
	}{
		{1, []int64{2, 3, 4, 5, 6, 7, 99}, discovery.UserRelations{Follows: set(2, 3, 4, 6, 7), FollowedBy: set(2)}},
		{2, []int64{1, 3, 6}, discovery.UserRelations{Follows: set(1), FollowedBy: set(1, 3, 6)}},
		{99, []int64{1, 2}, discovery.UserRelations{Follows: set(), FollowedBy: set()}},
		{1, nil, discovery.UserRelations{Follows: set(), FollowedBy: set()}},
	}
	for _, tt := range users {
		got, err := s.FollowRelations(ctx, tt.viewer, tt.ids)
		if err != nil {
			t.Fatalf("FollowRelations(%d): %v", tt.viewer, err)
		}
		equal(t, "FollowRelations", got, tt.want)
	}
	items := []struct {
		viewer   int64
		itemType string
		ids      []int64
		want     discovery.ItemRelations
	}{
		{2, discovery.ItemTrack, []int64{12, 13, 10, 18}, discovery.ItemRelations{Reposted: set(12, 13, 18), Saved: set()}},
		{1, discovery.ItemTrack, []int64{10, 11, 12, 16, 17}, discovery.ItemRelations{Reposted: set(), Saved: set(10, 11, 12, 16)}},
		{2, discovery.ItemPlaylist, []int64{21, 20, 12}, discovery.ItemRelations{Reposted: set(21), Saved: set()}},
		{1, discovery.ItemPlaylist, []int64{20, 21}, discovery.ItemRelations{Reposted: set(), Saved: set(20)}},
		{1, discovery.ItemTrack, nil, discovery.ItemRelations{Reposted: set(), Saved: set()}},
	}
	for _, tt := range items {
		got, err := s.ItemRelations(ctx, tt.viewer, tt.itemType, tt.ids)
		if err != nil {
			t.Fatalf("ItemRelations(%d): %v", tt.viewer, err)
		}
		equal(t, "ItemRelations", got, tt.want)
	}
}

func testListBadPage(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	for _, p := range []discovery.Page{{Offset: -1, Limit: 10}, {Offset: 0, Limit: -1}} {
		calls := map[string]func() error{
			"UserTrackList": func() error {
				_, err := s.UserTrackList(ctx, discovery.UserTracksQuery{OwnerID: 1, Listed: true}, p)
				return err
			},
			"UserPlaylists": func() error { _, err := s.UserPlaylists(ctx, discovery.UserPlaylistsQuery{OwnerID: 1}, p); return err },
			"UserReposts":   func() error { _, err := s.UserReposts(ctx, 1, p); return err },
			"UserFavorites": func() error { _, err := s.UserFavorites(ctx, 1, p); return err },
			"Mutuals":       func() error { _, err := s.Mutuals(ctx, 1, 2, p); return err },
			"RelatedUsers":  func() error { _, err := s.RelatedUsers(ctx, 1, 0, p); return err },
			"Subscribers":   func() error { _, err := s.Subscribers(ctx, 1, p); return err },
			"Feed":          func() error { _, err := s.Feed(ctx, discovery.FeedQuery{UserID: 1, Originals: true}, p); return err },
			"Reposters":     func() error { _, err := s.Reposters(ctx, discovery.ItemTrack, 1, p); return err },
			"Savers":        func() error { _, err := s.Savers(ctx, discovery.ItemTrack, 1, p); return err },
			"Remixes":       func() error { _, err := s.Remixes(ctx, 1, p); return err },
			"Stems":         func() error { _, err := s.Stems(ctx, 1, p); return err },
		}
		for name, call := range calls {
			wantCode(t, name, call(), discovery.EINVALID)
		}
	}
}
