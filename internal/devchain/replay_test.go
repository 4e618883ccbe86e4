package devchain_test

import (
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/discovery-node/discovery/internal/devchain"
)

// replay is the state the demo's valid events lead to, rebuilt naively from
// the events alone (no rule is checked: the events replayed are the valid
// ones), to hold the seed result to what is really on chain.
type replay struct {
	handles        map[int64]string
	verified       map[int64]bool
	picks          map[int64]int64
	titles         map[int64]string
	descriptions   map[int64]string
	deletedTracks  map[int64]bool
	remixOf        map[int64][]int64
	stemOf         map[int64]int64
	playlists      map[int64][]int64
	deletedLists   map[int64]bool
	follows, subs  map[discovery.FollowKey]bool
	reposts, saves map[discovery.ItemKey]bool
	ofRepost       map[string]map[discovery.ItemKey]bool // by action
	apps           map[common.Address]int64
	deletedApps    map[common.Address]bool
	grants         map[discovery.GrantKey]*discovery.Grant
	managers       map[discovery.GrantKey]bool
	wallets        map[common.Address]int64
	plays          map[int64]int64
}

func newReplay() *replay {
	return &replay{
		handles: map[int64]string{}, verified: map[int64]bool{}, picks: map[int64]int64{},
		titles: map[int64]string{}, descriptions: map[int64]string{}, deletedTracks: map[int64]bool{},
		remixOf: map[int64][]int64{}, stemOf: map[int64]int64{},
		playlists: map[int64][]int64{}, deletedLists: map[int64]bool{},
		follows: map[discovery.FollowKey]bool{}, subs: map[discovery.FollowKey]bool{},
		reposts: map[discovery.ItemKey]bool{}, saves: map[discovery.ItemKey]bool{},
		ofRepost: map[string]map[discovery.ItemKey]bool{discovery.ActionRepost: {}, discovery.ActionSave: {}},
		apps:     map[common.Address]int64{}, deletedApps: map[common.Address]bool{},
		grants: map[discovery.GrantKey]*discovery.Grant{}, managers: map[discovery.GrantKey]bool{},
		wallets: map[common.Address]int64{}, plays: map[int64]int64{},
	}
}

// apply replays one valid event with its metadata's data.
func (r *replay) apply(t *testing.T, ev *contracts.EntityManagerManageEntity, data map[string]any) {
	t.Helper()
	userID, entityID := ev.UserId.Int64(), ev.EntityId.Int64()
	item := discovery.ItemKey{UserID: userID, ItemType: discovery.ItemTrack, ItemID: entityID}
	if ev.EntityType == discovery.EntityPlaylist {
		item.ItemType = discovery.ItemPlaylist
	}
	edge := discovery.FollowKey{FollowerID: userID, FolloweeID: entityID}
	num := func(k string) int64 { return int64(data[k].(float64)) }
	switch ev.EntityType + " " + ev.Action {
	case "User Create":
		r.handles[userID] = data["handle"].(string)
		r.wallets[ev.Signer] = userID
	case "User Update":
		if _, ok := data["artist_pick_track_id"]; ok {
			r.picks[entityID] = num("artist_pick_track_id")
		}
	case "User Verify":
		r.verified[entityID] = data["is_verified"].(bool)
	case "User Follow":
		r.follows[edge] = true
	case "User Unfollow":
		delete(r.follows, edge)
	case "User Subscribe":
		r.subs[edge] = true
	case "User Unsubscribe":
		delete(r.subs, edge)
	case "Track Create", "Track Update":
		if s, ok := data["title"].(string); ok {
			r.titles[entityID] = s
		}
		if s, ok := data["description"].(string); ok {
			r.descriptions[entityID] = s
		}
		if m, ok := data["remix_of"].(map[string]any); ok {
			for _, p := range m["tracks"].([]any) {
				r.remixOf[entityID] = append(r.remixOf[entityID], int64(p.(map[string]any)["parent_track_id"].(float64)))
			}
		}
		if m, ok := data["stem_of"].(map[string]any); ok {
			r.stemOf[entityID] = int64(m["parent_track_id"].(float64))
		}
	case "Track Delete":
		r.deletedTracks[entityID] = true
	case "Playlist Create", "Playlist Update":
		if m, ok := data["playlist_contents"].(map[string]any); ok {
			r.playlists[entityID] = nil
			for _, e := range m["track_ids"].([]any) {
				r.playlists[entityID] = append(r.playlists[entityID], int64(e.(map[string]any)["track"].(float64)))
			}
		}
	case "Playlist Delete":
		r.deletedLists[entityID] = true
	case "Track Repost", "Playlist Repost":
		r.reposts[item] = true
		r.ofRepost[discovery.ActionRepost][item] = data["is_repost_of_repost"] == true
	case "Track Unrepost", "Playlist Unrepost":
		delete(r.reposts, item)
		delete(r.ofRepost[discovery.ActionRepost], item)
	case "Track Save", "Playlist Save":
		r.saves[item] = true
		r.ofRepost[discovery.ActionSave][item] = data["is_save_of_repost"] == true
	case "Track Unsave", "Playlist Unsave":
		delete(r.saves, item)
		delete(r.ofRepost[discovery.ActionSave], item)
	case "DeveloperApp Create":
		r.apps[common.HexToAddress(data["address"].(string))] = userID
	case "DeveloperApp Delete":
		r.deletedApps[common.HexToAddress(data["address"].(string))] = true
	case "Grant Create":
		k := discovery.GrantKey{UserID: userID, Grantee: common.HexToAddress(data["grantee_address"].(string))}
		_, isApp := r.apps[k.Grantee]
		r.grants[k] = &discovery.Grant{GrantKey: k, IsApproved: isApp}
		r.managers[k] = !isApp
	case "Grant Delete":
		r.grants[discovery.GrantKey{UserID: userID, Grantee: common.HexToAddress(data["grantee_address"].(string))}].IsRevoked = true
	case "Grant Approve", "Grant Reject":
		g := r.grants[discovery.GrantKey{UserID: num("grantor_user_id"), Grantee: ev.Signer}]
		g.IsApproved = ev.Action == discovery.ActionApprove
		g.IsRevoked = ev.Action == discovery.ActionReject
	default:
		t.Errorf("the replay does not know %s %s", ev.EntityType, ev.Action)
	}
}

// check compares the replayed state with the seed result.
func (r *replay) check(t *testing.T, res devchain.SeedResult) {
	t.Helper()
	for _, u := range res.Users {
		if r.handles[u.ID] != u.Handle || r.wallets[u.Wallet] != u.ID {
			t.Errorf("user %d: handle on chain %q, wallet of user %d; seed result %q, %s", u.ID, r.handles[u.ID], r.wallets[u.Wallet], u.Handle, u.Wallet)
		}
		if r.verified[u.ID] != u.Verified || r.picks[u.ID] != u.ArtistPickID {
			t.Errorf("user %d: verified %v pick %d on chain, seed result %v %d", u.ID, r.verified[u.ID], r.picks[u.ID], u.Verified, u.ArtistPickID)
		}
	}
	if len(r.handles) != len(res.Users) {
		t.Errorf("%d users created on chain, seed result has %d", len(r.handles), len(res.Users))
	}
	dayTotals := map[int64]int64{}
	for _, d := range res.PlayDays {
		dayTotals[d.TrackID] += d.Count
	}
	for _, tr := range res.Tracks {
		if r.titles[tr.ID] != tr.Title || r.descriptions[tr.ID] != tr.Description || r.deletedTracks[tr.ID] != tr.Deleted ||
			!slices.Equal(r.remixOf[tr.ID], tr.RemixOf) || r.stemOf[tr.ID] != tr.StemOf {
			t.Errorf("track %d: on chain %q %q deleted=%v remix of %v stem of %d; seed result %+v", tr.ID, r.titles[tr.ID],
				r.descriptions[tr.ID], r.deletedTracks[tr.ID], r.remixOf[tr.ID], r.stemOf[tr.ID], tr)
		}
		if r.plays[tr.ID] != tr.PlayCount || dayTotals[tr.ID] != tr.PlayCount {
			t.Errorf("track %d: %d plays on chain, %d by day, seed result %d", tr.ID, r.plays[tr.ID], dayTotals[tr.ID], tr.PlayCount)
		}
		if len(tr.Slugs) == 0 || (tr.Slugs[0] != devchain.Slug(tr.Title, tr.ID) && !isSuffixed(tr.Slugs[0], tr.Title, tr.ID)) {
			t.Errorf("track %d %q: slugs %v do not start with its title's", tr.ID, tr.Title, tr.Slugs)
		}
	}
	if len(r.titles) != len(res.Tracks) || len(r.deletedTracks) != 1 {
		t.Errorf("on chain %d tracks with %d deleted, want %d with 1 deleted", len(r.titles), len(r.deletedTracks), len(res.Tracks))
	}
	for _, pl := range res.Playlists {
		if !slices.Equal(r.playlists[pl.ID], pl.TrackIDs) || r.deletedLists[pl.ID] != pl.Deleted {
			t.Errorf("playlist %d: on chain tracks %v deleted=%v, seed result %+v", pl.ID, r.playlists[pl.ID], r.deletedLists[pl.ID], pl)
		}
	}
	sameSet(t, "follows", r.follows, res.Follows)
	sameSet(t, "subscriptions", r.subs, res.Subscriptions)
	sameSet(t, "reposts", r.reposts, res.Reposts)
	sameSet(t, "saves", r.saves, res.Saves)
	sameSet(t, "reposts of reposts", trueKeys(r.ofRepost[discovery.ActionRepost]), res.RepostsOfReposts)
	sameSet(t, "saves of reposts", trueKeys(r.ofRepost[discovery.ActionSave]), res.SavesOfReposts)
	for followerID := int64(2); followerID <= 5; followerID++ {
		if !r.follows[discovery.FollowKey{FollowerID: followerID, FolloweeID: 1}] {
			t.Errorf("user %d does not follow creator 1", followerID)
		}
	}
	for _, a := range res.Apps {
		if r.apps[a.Address] != a.UserID || r.deletedApps[a.Address] != a.Deleted {
			t.Errorf("app %s: on chain registered by user %d deleted=%v, seed result %+v", a.Address, r.apps[a.Address], r.deletedApps[a.Address], a)
		}
	}
	if len(r.apps) != len(res.Apps) || len(r.grants) != len(res.Grants) {
		t.Errorf("on chain %d apps and %d grants, seed result %d and %d", len(r.apps), len(r.grants), len(res.Apps), len(res.Grants))
	}
	for _, want := range res.Grants {
		k := discovery.GrantKey{UserID: want.UserID, Grantee: want.Grantee}
		g, ok := r.grants[k]
		if !ok || g.IsRevoked != want.Revoked || (g.IsApproved && !g.IsRevoked) != want.Live || r.managers[k] != want.Manager {
			t.Errorf("grant %+v: on chain %+v (manager %v)", want, g, r.managers[k])
		}
	}
}

// isSuffixed reports whether slug is the title's slug with a "-N" suffix.
func isSuffixed(slug, title string, id int64) bool {
	base := devchain.Slug(title, id) + "-"
	return len(slug) > len(base) && slug[:len(base)] == base
}

func trueKeys[K comparable](m map[K]bool) map[K]bool {
	out := map[K]bool{}
	for k, v := range m {
		if v {
			out[k] = true
		}
	}
	return out
}

func sameSet[K comparable](t *testing.T, what string, got map[K]bool, want []K) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d on chain, seed result has %d", what, len(got), len(want))
	}
	for _, k := range want {
		if !got[k] {
			t.Errorf("%s: %+v is in the seed result but not on chain", what, k)
		}
	}
}
