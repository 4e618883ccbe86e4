package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// snapshot is everything the Store interface says about a universe of
// keys: every read, every query, the head, the blocks and both digests.
// Two equal snapshots mean a client cannot tell the states apart.
type snapshot struct {
	Head          discovery.BlockRef
	Blocks        map[uint64]discovery.BlockRef
	Users         map[int64]discovery.User
	APIUsers      map[int64]discovery.User
	Handles       map[string]int64
	APIHandles    map[string]int64
	Tracks        map[int64]discovery.Track
	APITracks     map[int64]discovery.Track
	Playlists     map[int64]discovery.Playlist
	APIPlaylists  map[int64]discovery.Playlist
	Follows       map[discovery.FollowKey]discovery.Follow
	Reposts       map[discovery.ItemKey]discovery.ItemAction
	Saves         map[discovery.ItemKey]discovery.ItemAction
	Subscriptions map[discovery.FollowKey]discovery.Follow
	Routes        map[discovery.RouteKey]discovery.Route
	DeveloperApps map[common.Address]discovery.DeveloperApp
	Grants        map[discovery.GrantKey]discovery.Grant
	PlayDays      map[discovery.PlayDayKey]discovery.PlayDay
	// Pending is every metadata job, due or not: which entities wait for
	// metadata is part of the rows, so a revert brings it back too.
	Pending       []discovery.MetadataJob
	GetUsers      []discovery.User
	Search        []discovery.User
	Followers     map[int64][]discovery.User
	Following     map[int64][]discovery.User
	UserTracks    map[int64][]discovery.Track
	Rejected      []discovery.RejectedAction
	StateDigest   discovery.Digest
	ComputeDigest discovery.Digest
}

// capture reads the whole state of u from s. A lookup that finds nothing
// must say so the documented way (ok false, or ENOTFOUND).
func capture(t testing.TB, s discovery.Store, u universe) snapshot {
	t.Helper()
	ctx := context.Background()
	all := discovery.Page{}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("capture state: %s: %v", what, err)
		}
	}
	notFound := func(what string, err error) {
		t.Helper()
		if discovery.ErrorCode(err) != discovery.ENOTFOUND {
			t.Fatalf("capture state: %s: %v, want ENOTFOUND", what, err)
		}
	}
	snap := snapshot{
		Blocks: map[uint64]discovery.BlockRef{}, Users: map[int64]discovery.User{}, APIUsers: map[int64]discovery.User{},
		Handles: map[string]int64{}, APIHandles: map[string]int64{},
		Tracks: map[int64]discovery.Track{}, APITracks: map[int64]discovery.Track{},
		Playlists: map[int64]discovery.Playlist{}, APIPlaylists: map[int64]discovery.Playlist{},
		Follows: map[discovery.FollowKey]discovery.Follow{}, Reposts: map[discovery.ItemKey]discovery.ItemAction{},
		Saves: map[discovery.ItemKey]discovery.ItemAction{}, Followers: map[int64][]discovery.User{},
		Following: map[int64][]discovery.User{}, UserTracks: map[int64][]discovery.Track{},
		Subscriptions: map[discovery.FollowKey]discovery.Follow{}, Routes: map[discovery.RouteKey]discovery.Route{},
		DeveloperApps: map[common.Address]discovery.DeveloperApp{}, Grants: map[discovery.GrantKey]discovery.Grant{},
		PlayDays: map[discovery.PlayDayKey]discovery.PlayDay{},
	}
	var err error
	snap.Head, _ = mustHead(t, s)
	for _, n := range u.blocks {
		b, ok, err := s.Block(ctx, n)
		must(fmt.Sprintf("Block(%d)", n), err)
		if ok {
			snap.Blocks[n] = b
		}
	}
	for _, id := range u.users {
		if r, ok := mustUser(t, s, id); ok {
			snap.Users[id] = *r
		}
		if r, err := s.GetUser(ctx, id); err == nil {
			snap.APIUsers[id] = *r
		} else {
			notFound(fmt.Sprintf("GetUser(%d)", id), err)
		}
		snap.Followers[id], err = s.Followers(ctx, id, all)
		must("Followers", err)
		snap.Following[id], err = s.Following(ctx, id, all)
		must("Following", err)
		snap.UserTracks[id], err = s.UserTracks(ctx, id, all)
		must("UserTracks", err)
	}
	for _, h := range u.handles {
		id, ok, err := s.UserIDByHandle(ctx, h)
		must("UserIDByHandle", err)
		if ok {
			snap.Handles[h] = id
		}
		if r, err := s.GetUserByHandle(ctx, h); err == nil {
			snap.APIHandles[h] = r.ID
		} else {
			notFound(fmt.Sprintf("GetUserByHandle(%q)", h), err)
		}
	}
	for _, id := range u.tracks {
		r, ok, err := s.Track(ctx, id)
		must("Track", err)
		if ok {
			snap.Tracks[id] = *r
		}
		if r, err := s.GetTrack(ctx, id); err == nil {
			snap.APITracks[id] = *r
		} else {
			notFound(fmt.Sprintf("GetTrack(%d)", id), err)
		}
	}
	for _, id := range u.playlists {
		r, ok, err := s.Playlist(ctx, id)
		must("Playlist", err)
		if ok {
			snap.Playlists[id] = *r
		}
		if r, err := s.GetPlaylist(ctx, id); err == nil {
			snap.APIPlaylists[id] = *r
		} else {
			notFound(fmt.Sprintf("GetPlaylist(%d)", id), err)
		}
	}
	for _, k := range u.follows {
		if r := mustFollow(t, s, k); r != nil {
			snap.Follows[k] = *r
		}
	}
	for _, k := range u.items {
		if r := mustRepost(t, s, k); r != nil {
			snap.Reposts[k] = *r
		}
		if r := mustSave(t, s, k); r != nil {
			snap.Saves[k] = *r
		}
	}
	readAll(t, snap.Subscriptions, s.Subscription, u.subscriptions)
	readAll(t, snap.Routes, s.Route, u.routes)
	readAll(t, snap.DeveloperApps, s.DeveloperApp, u.apps)
	readAll(t, snap.Grants, s.Grant, u.grants)
	readAll(t, snap.PlayDays, s.PlayDay, u.playDays)
	snap.Pending, err = s.PendingMetadata(ctx, 1_000_000, farFuture)
	must("PendingMetadata", err)
	snap.GetUsers, err = s.GetUsers(ctx, u.users)
	must("GetUsers", err)
	snap.Search, err = s.SearchUsers(ctx, "", all)
	must("SearchUsers", err)
	snap.Rejected, err = s.RejectedActions(ctx, all)
	must("RejectedActions", err)
	snap.StateDigest, err = s.StateDigest(ctx)
	must("StateDigest", err)
	snap.ComputeDigest, err = s.ComputeDigest(ctx)
	must("ComputeDigest", err)
	return snap
}

// readAll reads the row of every key into into, leaving out keys without
// one.
func readAll[K comparable, V any](t testing.TB, into map[K]V, read func(context.Context, K) (*V, bool, error), keys []K) {
	t.Helper()
	for _, k := range keys {
		if r := mustRead(t, read, k); r != nil {
			into[k] = *r
		}
	}
}

// farFuture is a time at which every metadata job is due.
var farFuture = time.UnixMilli(1 << 50)

// compareSnapshots reports every part of the state that differs.
func compareSnapshots(t testing.TB, what string, got, want snapshot) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			t.Errorf("%s: %s differs:\n got  %+v\n want %+v", what, g.Type().Field(i).Name, g.Field(i), w.Field(i))
		}
	}
}

// checkDigests checks the kept digest against one computed from the rows,
// and returns it.
func checkDigests(t testing.TB, s discovery.Store) discovery.Digest {
	t.Helper()
	ctx := context.Background()
	kept, err := s.StateDigest(ctx)
	if err != nil {
		t.Fatalf("StateDigest: %v", err)
	}
	computed, err := s.ComputeDigest(ctx)
	if err != nil {
		t.Fatalf("ComputeDigest: %v", err)
	}
	if kept != computed {
		t.Errorf("StateDigest %v, ComputeDigest %v: want them equal", kept, computed)
	}
	return kept
}
