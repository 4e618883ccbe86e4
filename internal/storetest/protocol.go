package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/discovery-node/discovery"
)

var protocolTests = []testCase{
	{"every table reads back each block's images and each revert's prior images", testProtocolRoundTrip},
	{"empty remix and track lists read back as none", testEmptyLists},
	{"descriptive fields of CID-named rows stay out of the digest", testDigestIgnoresFetched},
}

// protocolSteps write, rewrite and remove rows of every table, with every
// field of the protocol's later additions set somewhere.
var protocolSteps = []step{
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		n := b.Number
		t10 := track(10, 1, n)
		t10.RemixOf, t10.StemOf = []int64{12, 11, 3}, 11
		t12 := withStatus(track(12, 2, n), discovery.MetadataResolved)
		t12.RemixOf = nil
		c := changes(t, user(1, "alice", 0), withStatus(user(2, "bob", 0), discovery.MetadataResolved),
			withStatus(user(3, "carol", 0), discovery.MetadataFailed), withStatus(user(4, "dan", 0), discovery.MetadataPending),
			t10, withStatus(track(11, 1, n), discovery.MetadataPending), t12,
			withStatus(playlist(20, 1), discovery.MetadataResolved), withStatus(playlist(21, 2), discovery.MetadataPending),
			subscribe(2, 1, n), subscribe(3, 1, n), subscribe(1, 3, n),
			route(1, discovery.ItemTrack, "track-10", 10, true, n), route(1, discovery.ItemTrack, "old-name", 10, false, n),
			route(1, discovery.ItemPlaylist, "track-10", 20, true, n), route(2, discovery.ItemTrack, "track-10", 12, true, n),
			route(2, discovery.ItemTrack, "ünïcode-ø", 12, false, n),
			developerApp(1, 1, n), withDeleted(developerApp(2, 2, n)),
			grant(1, appAddress(1), true, n), grant(1, addressOf(3), false, n), revokedGrant(grant(2, appAddress(1), true, n)),
			playDay(10, 19700, 3), playDay(10, 19701, 1), playDay(11, 19700, 2), playDay(12, 0, 1<<40))
		putItems(c.Reposts, ofRepost(item(2, discovery.ItemTrack, 10, n)), item(3, discovery.ItemTrack, 10, n))
		putItems(c.Saves, ofRepost(item(2, discovery.ItemPlaylist, 20, n)), item(3, discovery.ItemTrack, 10, n))
		return c
	},
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		n := b.Number
		t10 := track(10, 1, n-1)
		t10.RemixOf, t10.StemOf, t10.UpdatedBlock = []int64{11}, 0, n
		t11 := withStatus(track(11, 1, n-1), discovery.MetadataResolved)
		t11.RemixOf, t11.StemOf = []int64{10, 12}, 10
		app := developerApp(1, 1, n-1)
		app.Name, app.UpdatedBlock = "Renamed app", n
		approved := grant(1, addressOf(3), true, n-1)
		approved.UpdatedBlock = n
		c := changes(t, withStatus(user(4, "dan", 0), discovery.MetadataResolved), t10, t11,
			withStatus(playlist(21, 2), discovery.MetadataFailed),
			route(1, discovery.ItemTrack, "track-10", 10, false, n-1), route(1, discovery.ItemTrack, "new-name", 10, true, n),
			app, approved, playDay(10, 19700, 4))
		c.Subscriptions[subKey(2, 1)] = nil
		c.Routes[discovery.RouteKey{OwnerID: 1, Kind: discovery.ItemTrack, Slug: "old-name"}] = nil
		c.DeveloperApps[appAddress(2)] = nil
		c.Grants[discovery.GrantKey{UserID: 2, Grantee: appAddress(1)}] = nil
		c.PlayDays[discovery.PlayDayKey{TrackID: 11, Day: 19700}] = nil
		c.Reposts[discovery.ItemKey{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 10}] = item(2, discovery.ItemTrack, 10, n)
		c.Saves[discovery.ItemKey{UserID: 3, ItemType: discovery.ItemTrack, ItemID: 10}] = ofRepost(item(3, discovery.ItemTrack, 10, n))
		return c
	},
	func(t testing.TB, b discovery.BlockRef) *discovery.Changes {
		// Everything goes, so a revert must bring every kind of row back
		// from nothing.
		c := discovery.NewChanges()
		for _, id := range []int64{1, 2, 3, 4} {
			c.Users[id] = nil
		}
		for _, id := range []int64{10, 11, 12} {
			c.Tracks[id] = nil
		}
		c.Playlists[20], c.Playlists[21] = nil, nil
		for _, k := range []discovery.FollowKey{subKey(3, 1), subKey(1, 3)} {
			c.Subscriptions[k] = nil
		}
		for _, k := range []discovery.RouteKey{
			{OwnerID: 1, Kind: discovery.ItemTrack, Slug: "track-10"}, {OwnerID: 1, Kind: discovery.ItemTrack, Slug: "new-name"},
			{OwnerID: 1, Kind: discovery.ItemPlaylist, Slug: "track-10"}, {OwnerID: 2, Kind: discovery.ItemTrack, Slug: "track-10"},
			{OwnerID: 2, Kind: discovery.ItemTrack, Slug: "ünïcode-ø"},
		} {
			c.Routes[k] = nil
		}
		c.DeveloperApps[appAddress(1)] = nil
		c.Grants[discovery.GrantKey{UserID: 1, Grantee: appAddress(1)}] = nil
		c.Grants[discovery.GrantKey{UserID: 1, Grantee: addressOf(3)}] = nil
		for _, k := range []discovery.PlayDayKey{{TrackID: 10, Day: 19700}, {TrackID: 10, Day: 19701}, {TrackID: 12, Day: 0}} {
			c.PlayDays[k] = nil
		}
		for _, k := range []discovery.ItemKey{
			{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 10}, {UserID: 3, ItemType: discovery.ItemTrack, ItemID: 10},
		} {
			c.Reposts[k] = nil
		}
		for _, k := range []discovery.ItemKey{
			{UserID: 2, ItemType: discovery.ItemPlaylist, ItemID: 20}, {UserID: 3, ItemType: discovery.ItemTrack, ItemID: 10},
		} {
			c.Saves[k] = nil
		}
		return c
	},
}

func withDeleted(a *discovery.DeveloperApp) *discovery.DeveloperApp {
	a.IsDelete = true
	return a
}

func revokedGrant(g *discovery.Grant) *discovery.Grant {
	g.IsRevoked = true
	return g
}

// testProtocolRoundTrip applies protocolSteps, checking after each block
// that every row it changed reads back as its image there, then reverts
// them one by one, checking every row comes back as its prior image; the
// digests follow the model all the way, down to zero.
func testProtocolRoundTrip(t *testing.T, s discovery.Store) {
	ch, m := newChain(1), newModel()
	var (
		blocks  []discovery.BlockRef
		applied []*discovery.Changes
		digests = []discovery.Digest{{}}
	)
	for _, st := range protocolSteps {
		b := ch.block()
		c := withPrior(t, s, st(t, b))
		mustApply(t, s, b, c)
		m.apply(c)
		wantRows(t, fmt.Sprintf("after block %d", b.Number), s, c.RowSet)
		d := checkDigests(t, s)
		if want := m.digest(t); d != want {
			t.Errorf("block %d: digest %v, want the sum of the rows' hashes %v", b.Number, d, want)
		}
		blocks, applied, digests = append(blocks, b), append(applied, c), append(digests, d)
	}
	if digests[len(digests)-1] != (discovery.Digest{}) {
		t.Errorf("digest %v with every row removed, want zero", digests[len(digests)-1])
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		mustRevert(t, s, blocks[i])
		wantRows(t, fmt.Sprintf("after reverting block %d", blocks[i].Number), s, applied[i].Prior)
		if d := checkDigests(t, s); d != digests[i] {
			t.Errorf("after reverting block %d: digest %v, want %v as before it", blocks[i].Number, d, digests[i])
		}
	}
}

// wantRows checks every row of rs reads back from s as its image there,
// or is absent where the image is nil. Empty lists read back as none.
func wantRows(t testing.TB, what string, s discovery.Store, rs discovery.RowSet) {
	t.Helper()
	ctx := context.Background()
	wantTable(t, what+": user", rs.Users, s.User, nil)
	wantTable(t, what+": track", rs.Tracks, s.Track, func(r *discovery.Track) {
		if len(r.RemixOf) == 0 {
			r.RemixOf = nil
		}
	})
	wantTable(t, what+": playlist", rs.Playlists, s.Playlist, func(r *discovery.Playlist) {
		if len(r.Tracks) == 0 {
			r.Tracks = nil
		}
	})
	wantTable(t, what+": follow", rs.Follows, s.Follow, nil)
	wantTable(t, what+": repost", rs.Reposts, s.Repost, nil)
	wantTable(t, what+": save", rs.Saves, s.Save, nil)
	wantTable(t, what+": subscription", rs.Subscriptions, s.Subscription, nil)
	wantTable(t, what+": route", rs.Routes, s.Route, nil)
	wantTable(t, what+": developer app", rs.DeveloperApps, s.DeveloperApp, nil)
	wantTable(t, what+": grant", rs.Grants, s.Grant, nil)
	wantTable(t, what+": play day", rs.PlayDays, s.PlayDay, nil)
	// The API answers with the same images.
	for id, want := range rs.Tracks {
		if want == nil || want.IsDelete {
			continue
		}
		got, err := s.GetTrack(ctx, id)
		if err != nil {
			t.Errorf("%s: GetTrack(%d): %v", what, id, err)
			continue
		}
		equal(t, fmt.Sprintf("%s: GetTrack(%d)", what, id), *got, normalTrack(*want))
		withOwner, owner, err := s.GetTrackWithOwner(ctx, id)
		if err != nil {
			t.Errorf("%s: GetTrackWithOwner(%d): %v", what, id, err)
			continue
		}
		equal(t, fmt.Sprintf("%s: GetTrackWithOwner(%d)", what, id), *withOwner, normalTrack(*want))
		if wantOwner := rs.Users[want.OwnerID]; wantOwner != nil {
			equal(t, fmt.Sprintf("%s: GetTrackWithOwner(%d)'s owner", what, id), owner, wantOwner)
		}
	}
	for id, want := range rs.Users {
		if want == nil {
			continue
		}
		got, err := s.GetUser(ctx, id)
		if err != nil {
			t.Errorf("%s: GetUser(%d): %v", what, id, err)
			continue
		}
		equal(t, fmt.Sprintf("%s: GetUser(%d)", what, id), got, want)
	}
}

// wantTable checks the rows of one table; normalize, when set, turns an
// image into the form it reads back in.
func wantTable[K comparable, V any](t testing.TB, what string, rows map[K]*V, read func(context.Context, K) (*V, bool, error), normalize func(*V)) {
	t.Helper()
	for k, want := range rows {
		if want != nil && normalize != nil {
			cp := *want
			normalize(&cp)
			want = &cp
		}
		equal(t, fmt.Sprintf("%s %+v", what, k), mustRead(t, read, k), want)
	}
}

func normalTrack(tr discovery.Track) discovery.Track {
	if len(tr.RemixOf) == 0 {
		tr.RemixOf = nil
	}
	return tr
}

func testEmptyLists(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	ch, m := newChain(1), newModel()
	emptyRemix, nilRemix := track(10, 1, 1), track(11, 1, 1)
	emptyRemix.RemixOf, nilRemix.RemixOf = []int64{}, nil
	emptyList, nilList := playlist(20, 1), playlist(21, 1)
	emptyList.Tracks, nilList.Tracks = []discovery.PlaylistTrack{}, nil
	c := changes(t, emptyRemix, nilRemix, emptyList, nilList)
	m.fillPrior(c)
	m.apply(c)
	mustApply(t, s, ch.block(), c)

	for _, id := range []int64{10, 11} {
		got := mustRead(t, s.Track, id)
		if got == nil || got.RemixOf != nil {
			t.Errorf("Track(%d) = %+v, want RemixOf nil", id, got)
		}
		api, err := s.GetTrack(ctx, id)
		if err != nil || api.RemixOf != nil {
			t.Errorf("GetTrack(%d) = %+v, %v; want RemixOf nil", id, api, err)
		}
	}
	list, err := s.UserTracks(ctx, 1, discovery.Page{})
	if err != nil || len(list) != 2 || list[0].RemixOf != nil || list[1].RemixOf != nil {
		t.Errorf("UserTracks(1) = %+v, %v; want two tracks with RemixOf nil", list, err)
	}
	for _, id := range []int64{20, 21} {
		got := mustRead(t, s.Playlist, id)
		if got == nil || got.Tracks != nil {
			t.Errorf("Playlist(%d) = %+v, want Tracks nil", id, got)
		}
		api, err := s.GetPlaylist(ctx, id)
		if err != nil || api.Tracks != nil {
			t.Errorf("GetPlaylist(%d) = %+v, %v; want Tracks nil", id, api, err)
		}
	}
	if d := checkDigests(t, s); d != m.digest(t) {
		t.Errorf("digest %v, want %v: an empty list and none hash alike", d, m.digest(t))
	}

	// Lists filled in, then emptied again by a revert.
	b2 := ch.block()
	filled := track(10, 1, 1)
	filled.RemixOf = []int64{11}
	full := playlist(20, 1)
	mustApply(t, s, b2, changes(t, filled, full))
	equal(t, "Track(10) filled", mustRead(t, s.Track, 10), filled)
	equal(t, "Playlist(20) filled", mustRead(t, s.Playlist, 20), full)
	mustRevert(t, s, b2)
	if got := mustRead(t, s.Track, 10); got == nil || got.RemixOf != nil {
		t.Errorf("Track(10) after revert = %+v, want RemixOf nil", got)
	}
	if got := mustRead(t, s.Playlist, 20); got == nil || got.Tracks != nil {
		t.Errorf("Playlist(20) after revert = %+v, want Tracks nil", got)
	}
	if d := checkDigests(t, s); d != m.digest(t) {
		t.Errorf("digest after revert %v, want %v", d, m.digest(t))
	}
}

// testDigestIgnoresFetched rewrites the descriptive fields of entities
// whose metadata is named by CID, which nodes fetch at different times:
// the digest must not move. The same change to inline metadata moves it.
func testDigestIgnoresFetched(t *testing.T, s discovery.Store) {
	ch := newChain(1)
	rows := func(name string, status string) []any {
		u, tr, p := withStatus(user(1, "alice", 0), status), withStatus(track(10, 1, 1), status), withStatus(playlist(20, 1), status)
		u.Name, u.Bio, u.Location, u.ProfilePicture, u.CoverPhoto = name, name, name, name, name
		tr.Title, tr.Genre, tr.Mood, tr.Tags, tr.Description, tr.ReleaseDate = name, name, name, name, name, name
		tr.Duration, tr.TrackCID, tr.CoverArt = int64(len(name)), name, name
		p.Name, p.Description, p.CoverArt = name, name, name
		return []any{u, tr, p}
	}
	tests := []struct {
		name, status, fields string
		moves                bool
	}{
		{"pending", discovery.MetadataPending, "", true}, // from the inline rows before
		{"pending, fields filled", discovery.MetadataPending, "fetched", false},
		{"resolved", discovery.MetadataResolved, "other", false},
		{"failed", discovery.MetadataFailed, "", false},
		{"inline", discovery.MetadataInline, "", true},
		{"inline, fields changed", discovery.MetadataInline, "changed", true},
	}
	mustApply(t, s, ch.block(), changes(t, rows("first", discovery.MetadataInline)...))
	last := checkDigests(t, s)
	for _, tt := range tests {
		mustApply(t, s, ch.block(), changes(t, rows(tt.fields, tt.status)...))
		d := checkDigests(t, s)
		if (d != last) != tt.moves {
			t.Errorf("%s: digest moved = %v, want %v", tt.name, d != last, tt.moves)
		}
		last = d
	}
}
