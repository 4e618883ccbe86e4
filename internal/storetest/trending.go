package storetest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/discovery-node/discovery"
)

var trendingTests = []testCase{
	{"trending tracks follow the documented formula", testTrendingTracks},
	{"trending tracks by genre and page", testTrendingGenrePage},
	{"trending playlists follow the documented formula", testTrendingPlaylists},
	{"trending windows are measured from the head block", testTrendingHeadTime},
	{"trending reads keep the last refresh", testTrendingKeepsRefresh},
	{"trending after a revert equals a fresh index", testTrendingRevert},
	{"trending refuses bad windows and pages", testTrendingBadQuery},
	{"trending rankings stop at their depth", testTrendingDepth},
}

// trendingHead is the time of the first block of newChain(1), the head the
// trending fixture is scored at: day 19675, 80002 s into the day.
const (
	trendingHead = 1_700_000_002
	day          = 86400
	headDay      = trendingHead / day
)

// ranked is an expected entry of a ranking. The scores are worked out by
// hand from docs/trending.md (N=1, F=50, O=1, R=0.25, i=0.01, q=1e5).
type ranked struct {
	id    int64
	score float64
}

// trendTrack is a listed track that is not a stem, made ageDays whole days
// before trendingHead.
func trendTrack(id, owner int64, genre string, ageDays uint64) *discovery.Track {
	tr := track(id, owner, 1)
	tr.Genre, tr.IsUnlisted, tr.StemOf, tr.RemixOf = genre, false, 0, nil
	tr.CreatedAt = trendingHead - ageDays*day
	return tr
}

// trendPlaylist is a public playlist (or album) of the given tracks, made
// ageDays before trendingHead.
func trendPlaylist(id, owner int64, album bool, ageDays uint64, tracks ...int64) *discovery.Playlist {
	p := playlist(id, owner)
	p.IsAlbum, p.CreatedAt = album, trendingHead-ageDays*day
	p.Tracks = nil
	for _, t := range tracks {
		p.Tracks = append(p.Tracks, discovery.PlaylistTrack{TrackID: t, Timestamp: p.CreatedAt, MetadataTimestamp: p.CreatedAt})
	}
	return p
}

// acted is a repost or save made at the given time.
func acted(userID int64, itemType string, itemID int64, at uint64) *discovery.ItemAction {
	a := item(userID, itemType, itemID, 1)
	a.CreatedAt = at
	return a
}

// trendingFixture is the data set of the trending tests, one block's worth.
//
// Users: 1 owner (10 followers), 2 owner (2: too few), 3 fan (100), 4 fan
// (5), 5 deactivated fan (1000: no karma), 6 owner (3: just enough), 7
// deactivated owner (50).
func trendingFixture(t testing.TB) *discovery.Changes {
	t.Helper()
	deactivated := func(u *discovery.User) *discovery.User { u.IsDeactivated = true; return u }
	deleted := func(tr *discovery.Track) *discovery.Track { tr.IsDelete = true; return tr }
	unlisted := func(tr *discovery.Track) *discovery.Track { tr.IsUnlisted = true; return tr }
	stem := func(tr *discovery.Track) *discovery.Track { tr.StemOf = 11; return tr }
	c := changes(t,
		user(1, "star", 10), user(2, "tiny", 2), user(3, "fan", 100), user(4, "pal", 5),
		deactivated(user(5, "gone", 1000)), user(6, "edge", 3), deactivated(user(7, "quit", 50)),

		trendTrack(11, 1, "Electronic", 0), playDay(11, headDay, 10),
		trendTrack(12, 1, "Jazz", 0), playDay(12, headDay, 100),
		trendTrack(13, 2, "Jazz", 0), playDay(13, headDay, 1000), // owner has 2 followers
		trendTrack(14, 6, "Electronic", 20), playDay(14, headDay-6, 3), playDay(14, headDay-7, 1000), playDay(14, headDay-10, 20),
		deleted(trendTrack(15, 1, "Jazz", 0)), playDay(15, headDay, 500),
		unlisted(trendTrack(16, 1, "Jazz", 0)), playDay(16, headDay, 500),
		stem(trendTrack(17, 1, "Jazz", 0)), playDay(17, headDay, 500),
		trendTrack(18, 1, "Electronic", 10), playDay(18, headDay, 1000),
		trendTrack(19, 1, "Electronic", 50), playDay(19, headDay-400, 7),
		trendTrack(20, 7, "Jazz", 0), playDay(20, headDay, 100), // owner deactivated
		trendTrack(21, 1, "Electronic", 0), // no activity at all
		trendTrack(22, 1, "Jazz", 0), playDay(22, headDay, 100),
		trendTrack(23, 1, "Rock", 8),

		trendPlaylist(31, 1, false, 2, 11, 12, 18, 15),
		trendPlaylist(32, 1, false, 100, 11, 12, 15, 16),
		trendPlaylist(33, 1, false, 0, 11, 12, 15),     // two live tracks
		trendPlaylist(34, 1, true, 0, 11, 12, 18),      // an album
		trendPlaylist(35, 1, false, 0, 11, 12, 18),     // private
		trendPlaylist(36, 2, false, 0, 11, 12, 18),     // owner has 2 followers
		trendPlaylist(37, 1, false, 0, 11, 12, 18),     // deleted
		trendPlaylist(38, 1, false, 0, 11, 11, 11, 12), // two distinct tracks
	)
	c.Playlists[35].IsPrivate = true
	c.Playlists[37].IsDelete = true
	for _, a := range []*discovery.ItemAction{
		acted(3, discovery.ItemTrack, 11, trendingHead),
		acted(3, discovery.ItemTrack, 19, trendingHead-40*day),
		acted(4, discovery.ItemTrack, 23, trendingHead-7*day), // just outside the week
		acted(4, discovery.ItemPlaylist, 31, trendingHead-20*day),
		acted(3, discovery.ItemPlaylist, 32, trendingHead-60*day),
	} {
		c.Reposts[a.ItemKey] = a
	}
	for _, a := range []*discovery.ItemAction{
		acted(4, discovery.ItemTrack, 11, trendingHead),
		acted(5, discovery.ItemTrack, 11, trendingHead),
		acted(4, discovery.ItemTrack, 23, trendingHead-7*day+1), // just inside the week
		acted(3, discovery.ItemPlaylist, 31, trendingHead),
		acted(3, discovery.ItemPlaylist, 33, trendingHead),
		acted(4, discovery.ItemPlaylist, 34, trendingHead),
		acted(3, discovery.ItemPlaylist, 35, trendingHead),
		acted(3, discovery.ItemPlaylist, 36, trendingHead),
		acted(3, discovery.ItemPlaylist, 37, trendingHead),
		acted(3, discovery.ItemPlaylist, 38, trendingHead),
	} {
		c.Saves[a.ItemKey] = a
	}
	return c
}

// wantTrendingTracks is the fixture's ranking in each window.
//
//	11: plays 10, reposts 1 (now), saves 2 (now, one by a deactivated user),
//	    karma 100+5 = 105: (10 + 50 + 2 + 0.25 + 0.02) × 105 = 6538.35
//	12, 22: plays 100, karma 1: 100, tied and so by id
//	14: plays 3 in the week, 1023 in the month; age 20 days, so in the week
//	    decayed to the floor 1e-5: 3e-5
//	18: plays 1000, age 10 days: week 1000 × 1e5^(1-10/7) = 7.19685673
//	19: one repost 40 days ago by user 3 (karma 100), age 50, plays 7 more
//	    than a year ago: week 0.25 × 100 × 1e-5; month 25 × 1e5^(1-50/30);
//	    year (50 + 0.25) × 100; allTime (7 + 50 + 0.25) × 100
//	23: a repost at exactly head - 7 days (outside the week) and a save one
//	    second later (inside), both by user 4 (karma 5+5), age 8 days:
//	    week (1 + 0.25 + 0.01) × 10 × 1e5^(1-8/7); month (50 + 1 + 0.26) × 10
var wantTrendingTracks = map[discovery.TrendingWindow][]ranked{
	discovery.TrendingWeek: {
		{11, 6538.35}, {12, 100}, {22, 100}, {18, 7.196856730011518}, {23, 2.432679138392897}, {19, 2.5e-4}, {14, 3e-5},
	},
	discovery.TrendingMonth: {
		{11, 6538.35}, {14, 1023}, {18, 1000}, {23, 512.6}, {12, 100}, {22, 100}, {19, 0.011603972084031938},
	},
	discovery.TrendingYear: {
		{11, 6538.35}, {19, 5025}, {14, 1023}, {18, 1000}, {23, 512.6}, {12, 100}, {22, 100},
	},
	discovery.TrendingAllTime: {
		{11, 6538.35}, {19, 5725}, {14, 1023}, {18, 1000}, {23, 512.6}, {12, 100}, {22, 100},
	},
}

func testTrendingTracks(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	for _, w := range discovery.TrendingWindows {
		checkTrendingTracks(t, s, "empty store", discovery.TrendingTrackQuery{Window: w}, nil)
	}
	mustApply(t, s, newChain(1).block(), trendingFixture(t))
	// Before the first refresh the rankings are computed on demand; after
	// it they are read back; both must be the formula's.
	for _, phase := range []string{"on demand", "refreshed"} {
		if phase == "refreshed" {
			mustRefresh(t, s)
		}
		for w, want := range wantTrendingTracks {
			checkTrendingTracks(t, s, phase, discovery.TrendingTrackQuery{Window: w}, want)
		}
	}
	got, err := s.TrendingTracks(ctx, discovery.TrendingTrackQuery{Window: discovery.TrendingWeek, Page: discovery.Page{Limit: 1}})
	if err != nil || len(got) != 1 {
		t.Fatalf("TrendingTracks(week, 1) = %v, %v", got, err)
	}
	equal(t, "the first trending track's row", &got[0].Track, trendingFixture(t).Tracks[11])
}

func testTrendingGenrePage(t *testing.T, s discovery.Store) {
	mustApply(t, s, newChain(1).block(), trendingFixture(t))
	week := wantTrendingTracks[discovery.TrendingWeek]
	tests := []struct {
		name string
		q    discovery.TrendingTrackQuery
		want []ranked
	}{
		{"Electronic", discovery.TrendingTrackQuery{Genre: "Electronic"}, []ranked{week[0], week[3], week[5], week[6]}},
		{"Jazz", discovery.TrendingTrackQuery{Genre: "Jazz"}, []ranked{week[1], week[2]}},
		{"Rock", discovery.TrendingTrackQuery{Genre: "Rock"}, []ranked{week[4]}},
		{"genre is exact", discovery.TrendingTrackQuery{Genre: "electronic"}, nil},
		{"unknown genre", discovery.TrendingTrackQuery{Genre: "' OR 1=1 --"}, nil},
		{"page", discovery.TrendingTrackQuery{Page: discovery.Page{Offset: 1, Limit: 2}}, week[1:3]},
		{"page past the end", discovery.TrendingTrackQuery{Page: discovery.Page{Offset: 7, Limit: 2}}, nil},
		{"genre page", discovery.TrendingTrackQuery{Genre: "Electronic", Page: discovery.Page{Offset: 2, Limit: 1}}, week[5:6]},
		{"month genre", discovery.TrendingTrackQuery{Window: discovery.TrendingMonth, Genre: "Electronic"},
			[]ranked{{11, 6538.35}, {14, 1023}, {18, 1000}, {19, 0.011603972084031938}}},
	}
	for _, phase := range []string{"on demand", "refreshed"} {
		if phase == "refreshed" {
			mustRefresh(t, s)
		}
		for _, tt := range tests {
			if tt.q.Window == "" {
				tt.q.Window = discovery.TrendingWeek
			}
			checkTrendingTracks(t, s, phase+", "+tt.name, tt.q, tt.want)
		}
	}
}

// wantTrendingPlaylists is the fixture's ranking of playlists.
//
//	31: 3 live tracks (15 is deleted), saved now by 3, reposted 20 days ago
//	    by 4 (karma 105), age 2: week (1 + 1 + 0.25 + 0.01) × 105, from the
//	    month on (1 + 50 + 1 + 0.26) × 105
//	32: 3 live tracks (16 is unlisted, not deleted), reposted 60 days ago by
//	    3 (karma 100), age 100: nothing in the week or month, then
//	    (1 + 50 + 0.25) × 100
//	34: an album saved now by 4: (1 + 1 + 0.01) × 5
var wantTrendingPlaylists = map[discovery.TrendingWindow][]ranked{
	discovery.TrendingWeek:    {{31, 237.3}},
	discovery.TrendingMonth:   {{31, 5487.3}},
	discovery.TrendingYear:    {{31, 5487.3}, {32, 5125}},
	discovery.TrendingAllTime: {{31, 5487.3}, {32, 5125}},
}

func testTrendingPlaylists(t *testing.T, s discovery.Store) {
	mustApply(t, s, newChain(1).block(), trendingFixture(t))
	for _, phase := range []string{"on demand", "refreshed"} {
		if phase == "refreshed" {
			mustRefresh(t, s)
		}
		for w, want := range wantTrendingPlaylists {
			checkTrendingPlaylists(t, s, phase, discovery.TrendingPlaylistQuery{Window: w}, want)
			checkTrendingPlaylists(t, s, phase+", albums", discovery.TrendingPlaylistQuery{Window: w, Albums: true}, []ranked{{34, 10.05}})
		}
		checkTrendingPlaylists(t, s, phase+", page", discovery.TrendingPlaylistQuery{Window: discovery.TrendingYear, Page: discovery.Page{Offset: 1, Limit: 5}}, []ranked{{32, 5125}})
	}
}

// testTrendingHeadTime moves the head eight days on with an empty block:
// the week's plays and actions of the fixture fall out of the window and
// every track ages, without a wall clock anywhere.
func testTrendingHeadTime(t *testing.T, s discovery.Store) {
	ch := newChain(1)
	mustApply(t, s, ch.block(), trendingFixture(t))
	later := ch.block()
	later.Time = trendingHead + 8*day
	mustApply(t, s, later, changes(t))
	mustRefresh(t, s)
	// 11: reposts 1, saves 2, none in the week, age 8: 0.27 × 105 × 1e5^(1-8/7)
	// 23: age 16: (0.25 + 0.01) × 10 × 1e-5; 19: age 58: 25 × 1e-5
	checkTrendingTracks(t, s, "eight days on", discovery.TrendingTrackQuery{Window: discovery.TrendingWeek},
		[]ranked{{11, 5.473528061384019}, {19, 2.5e-4}, {23, 2.6e-5}})
}

// testTrendingKeepsRefresh checks that reads serve the last refresh, less
// what was deleted since, until the next refresh.
func testTrendingKeepsRefresh(t *testing.T, s discovery.Store) {
	ch := newChain(1)
	mustApply(t, s, ch.block(), trendingFixture(t))
	mustRefresh(t, s)
	gone := trendTrack(11, 1, "Electronic", 0)
	gone.IsDelete = true
	b2 := ch.block()
	b2.Time = trendingHead // so that only the changes below move the ranking
	mustApply(t, s, b2, changes(t, gone, playDay(22, headDay, 100_000)))
	week := wantTrendingTracks[discovery.TrendingWeek]
	checkTrendingTracks(t, s, "before the refresh", discovery.TrendingTrackQuery{Window: discovery.TrendingWeek}, week[1:])
	mustRefresh(t, s)
	mustRefresh(t, s) // a second refresh at the same head changes nothing
	checkTrendingTracks(t, s, "after the refresh", discovery.TrendingTrackQuery{Window: discovery.TrendingWeek},
		append([]ranked{{22, 100_000}, {12, 100}}, week[3:]...))
}

// trendingState is every ranking the API can ask for.
type trendingState struct {
	Tracks    map[string][]discovery.TrendingTrack
	Playlists map[string][]discovery.TrendingPlaylist
}

func captureTrending(t *testing.T, s discovery.Store) trendingState {
	t.Helper()
	ctx := context.Background()
	st := trendingState{Tracks: map[string][]discovery.TrendingTrack{}, Playlists: map[string][]discovery.TrendingPlaylist{}}
	for _, w := range discovery.TrendingWindows {
		for _, genre := range []string{"", "Electronic", "Jazz"} {
			got, err := s.TrendingTracks(ctx, discovery.TrendingTrackQuery{Window: w, Genre: genre})
			if err != nil {
				t.Fatalf("TrendingTracks(%s, %q): %v", w, genre, err)
			}
			st.Tracks[string(w)+"/"+genre] = got
		}
		for _, albums := range []bool{false, true} {
			got, err := s.TrendingPlaylists(ctx, discovery.TrendingPlaylistQuery{Window: w, Albums: albums})
			if err != nil {
				t.Fatalf("TrendingPlaylists(%s, %v): %v", w, albums, err)
			}
			st.Playlists[fmt.Sprintf("%s/%v", w, albums)] = got
		}
	}
	return st
}

// testTrendingRevert changes every input of the formula in a second block,
// reverts it, and requires the refreshed rankings to be exactly, scores
// and rows alike, those of the first block; then does the same from an
// empty store applying the first block again, as a fresh index would.
func testTrendingRevert(t *testing.T, s discovery.Store) {
	ch := newChain(1)
	b1, b2 := ch.block(), ch.block()
	mustApply(t, s, b1, trendingFixture(t))
	mustRefresh(t, s)
	want := captureTrending(t, s)

	gone := trendTrack(11, 1, "Electronic", 0)
	gone.IsDelete = true
	renamed := trendTrack(18, 1, "Jazz", 10)
	edge, fan := user(6, "edge", 2), user(3, "fan", 1)
	c := changes(t, gone, renamed, edge, fan,
		trendTrack(24, 1, "Electronic", 0), playDay(24, headDay, 50), playDay(12, headDay, 7),
		trendPlaylist(39, 1, false, 0, 12, 14, 18))
	r := acted(4, discovery.ItemTrack, 22, b2.Time)
	c.Reposts[r.ItemKey] = r
	c.Reposts[discovery.ItemKey{UserID: 3, ItemType: discovery.ItemTrack, ItemID: 19}] = nil
	for _, a := range []*discovery.ItemAction{acted(4, discovery.ItemPlaylist, 39, b2.Time), acted(3, discovery.ItemPlaylist, 34, b2.Time)} {
		c.Saves[a.ItemKey] = a
	}
	mustApply(t, s, b2, c)
	mustRefresh(t, s)
	if changed := captureTrending(t, s); reflect.DeepEqual(changed, want) {
		t.Fatal("the second block changed no ranking: the test proves nothing")
	}

	mustRevert(t, s, b2)
	mustRefresh(t, s)
	compareTrending(t, "after reverting the second block", captureTrending(t, s), want)

	mustRevert(t, s, b1)
	mustRefresh(t, s)
	empty := captureTrending(t, s)
	for k, v := range empty.Tracks {
		equal(t, "tracks of the empty store "+k, len(v), 0)
	}
	for k, v := range empty.Playlists {
		equal(t, "playlists of the empty store "+k, len(v), 0)
	}
	mustApply(t, s, b1, trendingFixture(t))
	mustRefresh(t, s)
	compareTrending(t, "after indexing the first block afresh", captureTrending(t, s), want)
}

func compareTrending(t *testing.T, what string, got, want trendingState) {
	t.Helper()
	for k := range want.Tracks {
		equal(t, what+": tracks "+k, got.Tracks[k], want.Tracks[k])
	}
	for k := range want.Playlists {
		equal(t, what+": playlists "+k, got.Playlists[k], want.Playlists[k])
	}
}

func testTrendingBadQuery(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	mustApply(t, s, newChain(1).block(), trendingFixture(t))
	for _, refreshed := range []bool{false, true} {
		if refreshed {
			mustRefresh(t, s)
		}
		for _, w := range []discovery.TrendingWindow{"", "day", "Week", "allTime "} {
			_, err := s.TrendingTracks(ctx, discovery.TrendingTrackQuery{Window: w})
			wantCode(t, fmt.Sprintf("TrendingTracks(%q)", w), err, discovery.EINVALID)
			_, err = s.TrendingPlaylists(ctx, discovery.TrendingPlaylistQuery{Window: w})
			wantCode(t, fmt.Sprintf("TrendingPlaylists(%q)", w), err, discovery.EINVALID)
		}
		bad := discovery.Page{Offset: -1, Limit: 5}
		_, err := s.TrendingTracks(ctx, discovery.TrendingTrackQuery{Window: discovery.TrendingWeek, Page: bad})
		wantCode(t, "TrendingTracks(negative offset)", err, discovery.EINVALID)
		_, err = s.TrendingPlaylists(ctx, discovery.TrendingPlaylistQuery{Window: discovery.TrendingWeek, Page: bad})
		wantCode(t, "TrendingPlaylists(negative offset)", err, discovery.EINVALID)
	}
}

// testTrendingDepth ranks more tracks than a ranking holds: 1003 Pop
// tracks, track n with 2000-n plays, and two Jazz tracks with the fewest
// plays of all, outside the overall top but at the top of their genre.
func testTrendingDepth(t *testing.T, s discovery.Store) {
	const pop = discovery.TrendingDepth + 3
	rows := []any{user(1, "star", 10)}
	for id := int64(1); id <= pop; id++ {
		rows = append(rows, trendTrack(id, 1, "Pop", 0), playDay(id, headDay, 2000-id))
	}
	rows = append(rows, trendTrack(2001, 1, "Jazz", 0), playDay(2001, headDay, 1), trendTrack(2002, 1, "Jazz", 0), playDay(2002, headDay, 2))
	mustApply(t, s, newChain(1).block(), changes(t, rows...))
	top := func(from, to int64) []int64 {
		var ids []int64
		for id := from; id <= to; id++ {
			ids = append(ids, id)
		}
		return ids
	}
	tests := []struct {
		name string
		q    discovery.TrendingTrackQuery
		want []int64
	}{
		{"the whole ranking", discovery.TrendingTrackQuery{}, top(1, discovery.TrendingDepth)},
		{"a page across the end", discovery.TrendingTrackQuery{Page: discovery.Page{Offset: discovery.TrendingDepth - 2, Limit: 10}},
			top(discovery.TrendingDepth-1, discovery.TrendingDepth)},
		{"a page past the end", discovery.TrendingTrackQuery{Page: discovery.Page{Offset: discovery.TrendingDepth, Limit: 5}}, nil},
		{"a genre below the overall top", discovery.TrendingTrackQuery{Genre: "Jazz"}, []int64{2002, 2001}},
		{"the end of a genre", discovery.TrendingTrackQuery{Genre: "Pop", Page: discovery.Page{Offset: discovery.TrendingDepth - 1, Limit: 5}},
			top(discovery.TrendingDepth, discovery.TrendingDepth)},
	}
	for _, phase := range []string{"on demand", "refreshed"} {
		if phase == "refreshed" {
			mustRefresh(t, s)
		}
		for _, tt := range tests {
			tt.q.Window = discovery.TrendingMonth
			got, err := s.TrendingTracks(context.Background(), tt.q)
			if err != nil {
				t.Fatalf("%s, %s: %v", phase, tt.name, err)
			}
			ids := []int64{}
			for _, tr := range got {
				ids = append(ids, tr.Track.ID)
			}
			if tt.want == nil {
				tt.want = []int64{}
			}
			equal(t, phase+", "+tt.name, ids, tt.want)
		}
	}
}

func mustRefresh(t testing.TB, s discovery.Store) {
	t.Helper()
	if err := s.RefreshTrending(context.Background()); err != nil {
		t.Fatalf("RefreshTrending: %v", err)
	}
}

func checkTrendingTracks(t *testing.T, s discovery.Store, what string, q discovery.TrendingTrackQuery, want []ranked) {
	t.Helper()
	got, err := s.TrendingTracks(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: TrendingTracks(%+v): %v", what, q, err)
	}
	var ranking []ranked
	for _, tr := range got {
		ranking = append(ranking, ranked{tr.Track.ID, tr.Score})
	}
	checkRanking(t, fmt.Sprintf("%s: trending tracks %+v", what, q), got != nil, ranking, want)
}

func checkTrendingPlaylists(t *testing.T, s discovery.Store, what string, q discovery.TrendingPlaylistQuery, want []ranked) {
	t.Helper()
	got, err := s.TrendingPlaylists(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: TrendingPlaylists(%+v): %v", what, q, err)
	}
	var ranking []ranked
	for _, p := range got {
		ranking = append(ranking, ranked{p.Playlist.ID, p.Score})
	}
	checkRanking(t, fmt.Sprintf("%s: trending playlists %+v", what, q), got != nil, ranking, want)
}

// checkRanking compares ids exactly and scores to 1e-9 relative: the
// stores' power functions may differ in the last bit.
func checkRanking(t *testing.T, what string, nonNil bool, got, want []ranked) {
	t.Helper()
	if !nonNil {
		t.Errorf("%s: nil slice, want an empty one", what)
	}
	if len(got) != len(want) {
		t.Errorf("%s:\n got  %v\n want %v", what, got, want)
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.id != w.id || math.Abs(g.score-w.score) > 1e-9*math.Abs(w.score) {
			t.Errorf("%s: entry %d = %v, want %v\n got  %v\n want %v", what, i, g, w, got, want)
			return
		}
	}
}
