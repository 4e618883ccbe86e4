package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

// testSearchRevert checks that the search index is derived from the rows
// exactly: after each revert, every search answers as before the block,
// typos included, so no word of a reverted title lingers in the index.
func testSearchRevert(t *testing.T, s discovery.Store) {
	c := newChain(1)
	b1 := c.block()
	mustApply(t, s, b1, changes(t,
		searchUser(1, "alice", "Alice Anders", 5),
		searchTrack(10, 1, "Dance Floor", "Electronic", 3),
		searchPlaylist(30, 1, "Road Trip", 1),
	))
	type probe struct {
		what  string
		find  func() []int64
		want1 []int64 // after block 1, and after each revert
	}
	q := func(s string) discovery.SearchQuery { return discovery.SearchQuery{Query: s} }
	all := discovery.Page{}
	probes := []probe{
		{"track dance", func() []int64 { return findTracks(t, s, q("dance")) }, []int64{10}},
		{"track typo dacne", func() []int64 { return findTracks(t, s, q("dacne")) }, []int64{10}},
		{"track techno", func() []int64 { return findTracks(t, s, q("techno")) }, []int64{}},
		{"track typo tehcno", func() []int64 { return findTracks(t, s, q("tehcno")) }, []int64{}},
		{"every track", func() []int64 { return findTracks(t, s, q("")) }, []int64{10}},
		{"user alice", func() []int64 { return findUsers(t, s, q("alice"), all) }, []int64{1}},
		{"user zed", func() []int64 { return findUsers(t, s, q("zed"), all) }, []int64{}},
		{"user anders", func() []int64 { return findUsers(t, s, q("andres"), all) }, []int64{1}},
		// One result a page: a document left behind by a revert would
		// take the place of the right one.
		{"most popular track", func() []int64 { return topTrack(t, s) }, []int64{10}},
		{"most popular user", func() []int64 { return findUsers(t, s, q(""), discovery.Page{Limit: 1}) }, []int64{1}},
		{"most popular playlist", func() []int64 { return topPlaylist(t, s) }, []int64{30}},
		{"playlist road", func() []int64 { return findPlaylists(t, s, q("road")) }, []int64{30}},
		{"playlist night", func() []int64 { return findPlaylists(t, s, q("night")) }, []int64{}},
	}
	check := func(when string) {
		t.Helper()
		for _, p := range probes {
			equal(t, when+": "+p.what, p.find(), p.want1)
		}
	}
	check("after block 1")

	// Renames: the old words go, the new ones come, then the revert
	// swaps them back.
	renamed := searchTrack(10, 1, "Techno Night", "Electronic", 3)
	zed := searchUser(1, "alice", "Zed", 5)
	night := searchPlaylist(30, 1, "Night Drive", 1)
	b2 := c.block()
	mustApply(t, s, b2, changes(t, renamed, zed, night))
	equal(t, "renamed: dance", findTracks(t, s, q("dance")), []int64{})
	equal(t, "renamed: dacne", findTracks(t, s, q("dacne")), []int64{})
	equal(t, "renamed: tehcno", findTracks(t, s, q("tehcno")), []int64{10})
	equal(t, "renamed: zed", findUsers(t, s, q("zed"), all), []int64{1})
	equal(t, "renamed: andres", findUsers(t, s, q("andres"), all), []int64{})
	equal(t, "renamed: night", findPlaylists(t, s, q("night")), []int64{30})
	mustRevert(t, s, b2)
	check("after reverting renames")

	// A delete, then its revert.
	gone := searchTrack(10, 1, "Dance Floor", "Electronic", 3)
	gone.IsDelete = true
	b2 = discovery.BlockRef{Number: 2, Hash: hashOf("fork", 2), ParentHash: b1.Hash, Time: b1.Time + 2}
	mustApply(t, s, b2, changes(t, gone))
	equal(t, "deleted: dance", findTracks(t, s, q("dance")), []int64{})
	mustRevert(t, s, b2)
	check("after reverting a delete")

	// Rows the block created go with its revert.
	b2 = discovery.BlockRef{Number: 2, Hash: hashOf("fork", 4), ParentHash: b1.Hash, Time: b1.Time + 2}
	mustApply(t, s, b2, changes(t, searchTrack(11, 1, "Disco Inferno", "Funk", 1000),
		searchPlaylist(31, 1, "Disco Nights", 1000), searchUser(2, "disco", "Disco Stu", 1000)))
	equal(t, "created: disco track", findTracks(t, s, q("disco")), []int64{11})
	equal(t, "created: disco playlist", findPlaylists(t, s, q("disco")), []int64{31})
	equal(t, "created: disco user", findUsers(t, s, q("disco"), all), []int64{2})
	mustRevert(t, s, b2)
	equal(t, "reverted: disco track", findTracks(t, s, q("disco")), []int64{})
	equal(t, "reverted: disco playlist", findPlaylists(t, s, q("disco")), []int64{})
	equal(t, "reverted: disco user", findUsers(t, s, q("disco"), all), []int64{})
	equal(t, "reverted: typo of disco", findTracks(t, s, q("dicso")), []int64{})
	check("after reverting creations")

	// The owner deactivated hides the content; the revert shows it again.
	off := searchUser(1, "alice", "Alice Anders", 5)
	off.IsDeactivated = true
	b2 = discovery.BlockRef{Number: 2, Hash: hashOf("fork", 3), ParentHash: b1.Hash, Time: b1.Time + 2}
	mustApply(t, s, b2, changes(t, off))
	equal(t, "deactivated: dance", findTracks(t, s, q("dance")), []int64{})
	equal(t, "deactivated: road", findPlaylists(t, s, q("road")), []int64{})
	equal(t, "deactivated: alice", findUsers(t, s, q("alice"), all), []int64{})
	mustRevert(t, s, b2)
	check("after reverting a deactivation")

	// Revert of the block that created everything: nothing is left.
	mustRevert(t, s, b1)
	for _, p := range probes {
		equal(t, "after reverting block 1: "+p.what, p.find(), []int64{})
	}
}

// testSearchMetadata checks that descriptive fields fetched by CID are
// searchable once resolved, as the rows they are written to say.
func testSearchMetadata(t *testing.T, s discovery.Store) {
	u := withStatus(searchUser(1, "alice", "", 5), discovery.MetadataPending)
	tr := withStatus(searchTrack(10, 1, "", "", 0), discovery.MetadataPending)
	mustApply(t, s, newChain(1).block(), changes(t, u, tr))
	equal(t, "pending: groove", findTracks(t, s, discovery.SearchQuery{Query: "groove"}), []int64{})
	mustResolve(t, s, discovery.MetadataJob{Kind: discovery.EntityTrack, ID: 10, CID: tr.MetadataCID},
		discovery.MetadataFields{Track: &discovery.TrackMetadata{Title: "Résolved Groove", Genre: "Funk"}})
	mustResolve(t, s, discovery.MetadataJob{Kind: discovery.EntityUser, ID: 1, CID: u.MetadataCID},
		discovery.MetadataFields{User: &discovery.UserMetadata{Name: "Alice Liddell"}})
	equal(t, "resolved: groove", findTracks(t, s, discovery.SearchQuery{Query: "resolved groove"}), []int64{10})
	equal(t, "resolved: genre", findTracks(t, s, discovery.SearchQuery{Genres: []string{"funk"}}), []int64{10})
	equal(t, "resolved: liddel", findUsers(t, s, discovery.SearchQuery{Query: "liddel"}, discovery.Page{}), []int64{1})
}

// topTrack returns the id of the most popular track, asked for as a page
// of one.
func topTrack(t *testing.T, s discovery.Store) []int64 {
	t.Helper()
	got, err := s.FindTracks(context.Background(), discovery.SearchQuery{}, discovery.Page{Limit: 1})
	if err != nil {
		t.Fatalf("FindTracks: %v", err)
	}
	return trackIDs(got)
}

// topPlaylist returns the id of the most popular playlist, asked for as
// a page of one.
func topPlaylist(t *testing.T, s discovery.Store) []int64 {
	t.Helper()
	got, err := s.FindPlaylists(context.Background(), discovery.SearchQuery{}, discovery.Page{Limit: 1})
	if err != nil {
		t.Fatalf("FindPlaylists: %v", err)
	}
	out := []int64{}
	for _, p := range got {
		out = append(out, p.ID)
	}
	return out
}
