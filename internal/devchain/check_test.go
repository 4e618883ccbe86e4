package devchain_test

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/discovery-node/discovery/internal/devchain"
)

// manageEntityEvents returns the decoded ManageEntity events of contract
// from block `from` to the head.
func manageEntityEvents(t *testing.T, ctx context.Context, f ethereum.LogFilterer, contract common.Address, from uint64) []*contracts.EntityManagerManageEntity {
	t.Helper()
	logs, err := f.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from),
		Addresses: []common.Address{contract},
		Topics:    [][]common.Hash{{contracts.ManageEntityTopic}},
	})
	if err != nil {
		t.Fatalf("filtering ManageEntity logs: %v", err)
	}
	em := contracts.NewEntityManager()
	events := make([]*contracts.EntityManagerManageEntity, len(logs))
	for i := range logs {
		if events[i], err = em.UnpackManageEntityEvent(&logs[i]); err != nil {
			t.Fatalf("decoding log %d: %v", i, err)
		}
	}
	return events
}

// checkSeed checks the seed result against the demo's promises and against
// the events on chain: every valid action is signed by its own user, the
// invalid ones are where the result says, and replaying the valid events
// yields the users, tracks and edges the result reports.
func checkSeed(t *testing.T, res devchain.SeedResult, events []*contracts.EntityManagerManageEntity) {
	t.Helper()
	if len(events) != res.Actions {
		t.Fatalf("%d ManageEntity events on chain, seed result reports %d actions", len(events), res.Actions)
	}
	counts := []struct {
		what      string
		got, want int
	}{
		{"users", len(res.Users), 5},
		{"tracks", len(res.Tracks), 10},
		{"playlists", len(res.Playlists), 2},
		{"follows", len(res.Follows), 10},
		{"reposts", len(res.Reposts), 6},
		{"saves", len(res.Saves), 7},
		{"invalid actions", len(res.Invalid), 3},
		{"actions", res.Actions, 49},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("seeded %d %s, want %d", c.got, c.what, c.want)
		}
	}
	if res.FirstBlock == 0 || res.LastBlock < res.FirstBlock {
		t.Errorf("seed blocks %d..%d are not a range", res.FirstBlock, res.LastBlock)
	}

	invalid := map[int]devchain.SeedAction{} // by index of the event
	for _, inv := range res.Invalid {
		for i, ev := range events {
			if ev.Raw.TxHash == inv.TxHash {
				invalid[i] = inv
			}
		}
	}
	if len(invalid) != len(res.Invalid) {
		t.Fatalf("found %d of the %d invalid actions on chain", len(invalid), len(res.Invalid))
	}

	users := map[int64]string{}
	titles := map[int64]string{}
	deleted := map[int64]bool{}
	follows := map[discovery.FollowKey]bool{}
	reposts := map[discovery.ItemKey]bool{}
	saves := map[discovery.ItemKey]bool{}
	for i, ev := range events {
		userID, entityID := ev.UserId.Int64(), ev.EntityId.Int64()
		if inv, ok := invalid[i]; ok {
			if ev.Signer != inv.Signer || userID != inv.UserID || entityID != inv.EntityID || ev.Action != inv.Action {
				t.Errorf("invalid action %q: event %+v does not match %+v", inv.Reason, ev, inv)
			}
			continue
		}
		if want := crypto.PubkeyToAddress(devchain.UserKey(userID).PublicKey); ev.Signer != want {
			t.Errorf("%s %s %d: signer %s, want user %d's wallet %s", ev.EntityType, ev.Action, entityID, ev.Signer, userID, want)
		}
		data := checkMetadata(t, ev)
		item := discovery.ItemKey{UserID: userID, ItemType: discovery.ItemTrack, ItemID: entityID}
		if ev.EntityType == discovery.EntityPlaylist {
			item.ItemType = discovery.ItemPlaylist
		}
		switch ev.EntityType + " " + ev.Action {
		case "User Create":
			users[userID] = data["handle"].(string)
		case "Track Create", "Track Update":
			titles[entityID] = data["title"].(string)
		case "Track Delete":
			deleted[entityID] = true
		case "User Follow":
			follows[discovery.FollowKey{FollowerID: userID, FolloweeID: entityID}] = true
		case "User Unfollow":
			delete(follows, discovery.FollowKey{FollowerID: userID, FolloweeID: entityID})
		case "Track Repost", "Playlist Repost":
			reposts[item] = true
		case "Track Save", "Playlist Save":
			saves[item] = true
		case "Track Unsave", "Playlist Unsave":
			delete(saves, item)
		}
	}

	for _, u := range res.Users {
		if users[u.ID] != u.Handle {
			t.Errorf("user %d: handle on chain %q, seed result %q", u.ID, users[u.ID], u.Handle)
		}
		if want := crypto.PubkeyToAddress(devchain.UserKey(u.ID).PublicKey); u.Wallet != want {
			t.Errorf("user %d: wallet %s, want %s", u.ID, u.Wallet, want)
		}
	}
	if len(users) != len(res.Users) {
		t.Errorf("%d users created on chain, seed result has %d", len(users), len(res.Users))
	}
	for _, tr := range res.Tracks {
		if titles[tr.ID] != tr.Title || deleted[tr.ID] != tr.Deleted {
			t.Errorf("track %d: on chain %q deleted=%v, seed result %q deleted=%v", tr.ID, titles[tr.ID], deleted[tr.ID], tr.Title, tr.Deleted)
		}
	}
	if len(deleted) != 1 || len(titles) != len(res.Tracks) {
		t.Errorf("on chain %d tracks with %d deleted, want %d with 1 deleted", len(titles), len(deleted), len(res.Tracks))
	}
	sameSet(t, "follows", follows, res.Follows)
	sameSet(t, "reposts", reposts, res.Reposts)
	sameSet(t, "saves", saves, res.Saves)
	for followerID := int64(2); followerID <= 5; followerID++ {
		if !follows[discovery.FollowKey{FollowerID: followerID, FolloweeID: 1}] {
			t.Errorf("user %d does not follow creator 1", followerID)
		}
	}
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

// metadataKeys are the data keys the indexer reads, per entity type.
var metadataKeys = map[string][]string{
	discovery.EntityUser:     {"handle", "name", "bio", "location", "profile_picture", "cover_photo"},
	discovery.EntityTrack:    {"title", "genre", "mood", "tags", "description", "release_date", "duration", "track_cid", "cover_art"},
	discovery.EntityPlaylist: {"playlist_name", "description", "is_album", "is_private", "cover_art", "playlist_contents"},
}

// checkMetadata checks a valid action's metadata has the shape the indexer
// parses and returns its data.
func checkMetadata(t *testing.T, ev *contracts.EntityManagerManageEntity) map[string]any {
	t.Helper()
	withData := ev.Action == discovery.ActionCreate || ev.Action == discovery.ActionUpdate
	if !withData {
		if ev.Metadata != "" {
			t.Errorf("%s %s: metadata %q, want empty", ev.EntityType, ev.Action, ev.Metadata)
		}
		return nil
	}
	var md struct {
		CID  string          `json:"cid"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(ev.Metadata), &md); err != nil {
		t.Fatalf("%s %s: metadata is not JSON: %v", ev.EntityType, ev.Action, err)
	}
	if md.CID != devchain.CID(md.Data) {
		t.Errorf("%s %s: cid %s does not address its data (%s)", ev.EntityType, ev.Action, md.CID, devchain.CID(md.Data))
	}
	var data map[string]any
	if err := json.Unmarshal(md.Data, &data); err != nil {
		t.Fatalf("%s %s: data is not an object: %v", ev.EntityType, ev.Action, err)
	}
	for _, k := range metadataKeys[ev.EntityType] {
		if _, ok := data[k]; !ok {
			t.Errorf("%s %s: data lacks %q", ev.EntityType, ev.Action, k)
		}
	}
	if ev.EntityType == discovery.EntityPlaylist {
		entries := data["playlist_contents"].(map[string]any)["track_ids"].([]any)
		if len(entries) == 0 {
			t.Errorf("playlist %d has no tracks", ev.EntityId)
		}
		for _, e := range entries {
			e := e.(map[string]any)
			if _, ok := e["track"].(float64); !ok {
				t.Errorf("playlist %d entry %v has no numeric track", ev.EntityId, e)
			}
		}
	}
	return data
}
