package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

// searchTrack is a listed track with the given title, genre and
// popularity (all of it plays); a higher id was created later.
func searchTrack(id, owner int64, title, genre string, popularity int64) *discovery.Track {
	t := track(id, owner, 1)
	t.Title, t.Genre, t.IsUnlisted, t.IsDelete = title, genre, false, false
	t.RepostCount, t.SaveCount, t.PlayCount = 0, 0, popularity
	t.CreatedAt = 1_700_000_000 + uint64(id)
	return t
}

// searchPlaylist is a public playlist with the given name and popularity.
func searchPlaylist(id, owner int64, name string, popularity int64) *discovery.Playlist {
	p := playlist(id, owner)
	p.Name, p.IsAlbum, p.RepostCount, p.SaveCount = name, false, popularity, 0
	p.CreatedAt = 1_700_000_000 + uint64(id)
	return p
}

// findTracks runs FindTracks and returns the ids found, in order.
func findTracks(t *testing.T, s discovery.Store, q discovery.SearchQuery) []int64 {
	t.Helper()
	got, err := s.FindTracks(context.Background(), q, discovery.Page{Limit: 50})
	if err != nil {
		t.Fatalf("FindTracks(%+v): %v", q, err)
	}
	return trackIDs(got)
}

// findPlaylists runs FindPlaylists and returns the ids found, in order.
func findPlaylists(t *testing.T, s discovery.Store, q discovery.SearchQuery) []int64 {
	t.Helper()
	got, err := s.FindPlaylists(context.Background(), q, discovery.Page{Limit: 50})
	if err != nil {
		t.Fatalf("FindPlaylists(%+v): %v", q, err)
	}
	out := []int64{}
	for _, p := range got {
		out = append(out, p.ID)
	}
	return out
}

// searchContent indexes two users, the second deactivated, and tracks of
// both: titles with accents, words that are prefixes and typos of each
// other, and tracks that must never be found.
func searchContent(t *testing.T, s discovery.Store) {
	t.Helper()
	bob := searchUser(2, "bob", "Bob", 0)
	bob.IsDeactivated = true
	unlisted := searchTrack(13, 1, "Dance Hidden", "Electronic", 1000)
	unlisted.IsUnlisted = true
	deleted := searchTrack(14, 1, "Dance Deleted", "Electronic", 1000)
	deleted.IsDelete = true
	floor := searchTrack(10, 1, "Dance Floor", "Electronic", 3)
	floor.Mood = "Energizing"
	mustApply(t, s, newChain(1).block(), changes(t,
		searchUser(1, "alice", "Alice", 5), bob,
		floor,
		searchTrack(11, 1, "Dancing Queen", "Pop", 100),
		searchTrack(12, 1, "Dance", "Electronic", 10),
		unlisted, deleted,
		searchTrack(15, 2, "Dance of Bob", "Electronic", 1000),
		searchTrack(16, 1, "Café del Mar", "Ambient", 50),
		searchTrack(17, 1, "Cafe Society", "Ambient", 5),
		searchTrack(18, 1, "Sérénade", "Classical", 1),
		searchTrack(20, 1, "Lover", "Pop", 1000),
		searchTrack(21, 1, "Love", "Pop", 1),
		searchTrack(22, 1, "Live", "Pop", 5000),
	))
}

func testSearchTracks(t *testing.T, s discovery.Store) {
	searchContent(t, s)
	q := func(query string) discovery.SearchQuery { return discovery.SearchQuery{Query: query} }
	tests := []struct {
		query discovery.SearchQuery
		want  []int64
	}{
		// Unlisted, deleted and a deactivated user's tracks never show.
		{q("dance"), []int64{12, 10}},
		{q("danc"), []int64{11, 12, 10}},
		{q("dacne"), []int64{12, 10}},
		{q("DANCE FLOOR"), []int64{10}},
		{q("floor dance"), []int64{10}},
		{q("dance flo"), []int64{10}},
		{q("flor dance"), []int64{10}},
		{q("dance dance"), []int64{12, 10}},
		{q("cafe"), []int64{16, 17}},
		{q("café"), []int64{16, 17}},
		{q("serenade"), []int64{18}},
		{q("SÉRÉNADE"), []int64{18}},
		{q("hidden"), []int64{}},
		{q("bob"), []int64{}},
		// Exact before prefix before typo, whatever the popularity.
		{q("love"), []int64{21, 20, 22}},
		{q("lov"), []int64{20, 21}},
	}
	for _, tt := range tests {
		equal(t, "FindTracks("+tt.query.Query+")", findTracks(t, s, tt.query), tt.want)
	}
}

func testSearchTrackFilters(t *testing.T, s discovery.Store) {
	searchContent(t, s)
	tests := []struct {
		name  string
		query discovery.SearchQuery
		want  []int64
	}{
		{"genre", discovery.SearchQuery{Query: "danc", Genres: []string{"electronic"}}, []int64{12, 10}},
		{"genres", discovery.SearchQuery{Query: "danc", Genres: []string{"Pop", "ELECTRONIC"}}, []int64{11, 12, 10}},
		{"genre and no words", discovery.SearchQuery{Genres: []string{"Ambient"}}, []int64{16, 17}},
		{"mood", discovery.SearchQuery{Query: "dance", Moods: []string{"energizing"}}, []int64{10}},
		{"unknown genre", discovery.SearchQuery{Query: "dance", Genres: []string{"Polka"}}, []int64{}},
		{"popular", discovery.SearchQuery{Query: "love", Sort: discovery.SortPopular}, []int64{22, 20, 21}},
		{"recent", discovery.SearchQuery{Query: "love", Sort: discovery.SortRecent}, []int64{22, 21, 20}},
		{"no words", discovery.SearchQuery{}, []int64{22, 20, 11, 16, 12, 17, 10, 18, 21}},
	}
	for _, tt := range tests {
		equal(t, "FindTracks "+tt.name, findTracks(t, s, tt.query), tt.want)
	}
	// A user's genre filter keeps users with a visible track of it.
	users, err := s.FindUsers(context.Background(), discovery.SearchQuery{Genres: []string{"classical"}}, discovery.Page{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "FindUsers by genre", ids(users), []int64{1})
	users, err = s.FindUsers(context.Background(), discovery.SearchQuery{Genres: []string{"Jazz"}}, discovery.Page{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "FindUsers by a genre nobody has", ids(users), []int64{})
}

func testSearchPlaylists(t *testing.T, s discovery.Store) {
	album := searchPlaylist(31, 1, "Road Album", 100)
	album.IsAlbum = true
	private := searchPlaylist(32, 1, "Private Road", 100)
	private.IsPrivate = true
	deleted := searchPlaylist(33, 1, "Deleted Road", 100)
	deleted.IsDelete = true
	bob := searchUser(2, "bob", "Bob", 0)
	bob.IsDeactivated = true
	mustApply(t, s, newChain(1).block(), changes(t,
		searchUser(1, "alice", "Alice", 5), bob,
		searchPlaylist(30, 1, "Road Trip", 1),
		album, private, deleted,
		searchPlaylist(34, 1, "Roadhouse Blues", 50),
		searchPlaylist(35, 2, "Bob's Road", 100),
		searchPlaylist(36, 1, "Mañana", 0),
	))
	tests := []struct {
		query string
		want  []int64
	}{
		{"road", []int64{30, 34}},
		{"raod", []int64{30}},
		{"roadh", []int64{34, 30}}, // "road" is a typo of "roadh"
		{"manana", []int64{36}},
		{"album", []int64{}},
		{"private", []int64{}},
		{"", []int64{34, 30, 36}},
	}
	for _, tt := range tests {
		equal(t, "FindPlaylists("+tt.query+")", findPlaylists(t, s, discovery.SearchQuery{Query: tt.query}), tt.want)
	}
}
