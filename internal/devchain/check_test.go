package devchain_test

import (
	"context"
	"encoding/json"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/discovery-node/discovery/internal/devchain"
)

// onChain is what the demo left on chain, decoded.
type onChain struct {
	manage   []*contracts.EntityManagerManageEntity
	verified []*contracts.EntityManagerManageIsVerified
	plays    []*contracts.PlaysPlay
}

// chainEvents returns the decoded events of the demo's contracts from block
// `from` to the head.
func chainEvents(t *testing.T, ctx context.Context, f ethereum.LogFilterer, res devchain.SeedResult, from uint64) onChain {
	t.Helper()
	logs, err := f.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from),
		Addresses: []common.Address{res.Contract, res.Plays},
		Topics:    [][]common.Hash{content.Topics},
	})
	if err != nil {
		t.Fatalf("filtering logs: %v", err)
	}
	em, pl := contracts.NewEntityManager(), contracts.NewPlays()
	var c onChain
	for i := range logs {
		lg := &logs[i]
		var err error
		switch {
		case lg.Address == res.Contract && lg.Topics[0] == contracts.ManageEntityTopic:
			var ev *contracts.EntityManagerManageEntity
			ev, err = em.UnpackManageEntityEvent(lg)
			c.manage = append(c.manage, ev)
		case lg.Address == res.Contract && lg.Topics[0] == contracts.ManageIsVerifiedTopic:
			var ev *contracts.EntityManagerManageIsVerified
			ev, err = em.UnpackManageIsVerifiedEvent(lg)
			c.verified = append(c.verified, ev)
		case lg.Address == res.Plays && lg.Topics[0] == contracts.PlayTopic:
			var ev *contracts.PlaysPlay
			ev, err = pl.UnpackPlayEvent(lg)
			c.plays = append(c.plays, ev)
		default:
			t.Fatalf("log %d: topic %s from %s is none of the demo's events", i, lg.Topics[0], lg.Address)
		}
		if err != nil {
			t.Fatalf("decoding log %d: %v", i, err)
		}
	}
	return c
}

// checkSeed checks the seed result against the demo's promises and against
// the events on chain: every valid action is signed by its user's wallet or
// by the delegate the result names, the invalid ones are where the result
// says, and replaying the valid events yields the state the result reports.
func checkSeed(t *testing.T, res devchain.SeedResult, c onChain) {
	t.Helper()
	if len(c.manage) != res.Actions {
		t.Fatalf("%d ManageEntity events on chain, seed result reports %d actions", len(c.manage), res.Actions)
	}
	playTxs := map[common.Hash]bool{}
	playBlocks := map[uint64]bool{}
	for _, p := range c.plays {
		playTxs[p.Raw.TxHash] = true
		playBlocks[p.Raw.BlockNumber] = true
	}
	counts := []struct {
		what      string
		got, want int
	}{
		{"users", len(res.Users), 5},
		{"tracks", len(res.Tracks), 13},
		{"playlists", len(res.Playlists), 3},
		{"follows", len(res.Follows), 10},
		{"subscriptions", len(res.Subscriptions), 2},
		{"reposts", len(res.Reposts), 7},
		{"saves", len(res.Saves), 9},
		{"developer apps", len(res.Apps), 2},
		{"grants", len(res.Grants), 5},
		{"delegated actions", len(res.Delegated), 4},
		{"invalid actions", len(res.Invalid), 9},
		{"actions", res.Actions, 83},
		{"ManageIsVerified events", len(c.verified), 1},
		{"transactions", res.Transactions, res.Actions + len(c.verified) + len(playTxs)},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("seeded %d %s, want %d", c.got, c.what, c.want)
		}
	}
	if res.FirstBlock == 0 || res.LastBlock < res.FirstBlock {
		t.Errorf("seed blocks %d..%d are not a range", res.FirstBlock, res.LastBlock)
	}
	if len(playBlocks) < 2 {
		t.Errorf("plays recorded in %d blocks, want at least 2", len(playBlocks))
	}
	if res.Verifier != crypto.PubkeyToAddress(devchain.VerifierKey().PublicKey) {
		t.Errorf("verifier %s is not VerifierKey's address", res.Verifier)
	}

	noted := map[common.Hash]devchain.SeedAction{}
	for _, a := range append(slices.Clone(res.Invalid), res.Delegated...) {
		noted[a.TxHash] = a
	}
	r := newReplay()
	found := 0
	for _, ev := range c.manage {
		userID, entityID := ev.UserId.Int64(), ev.EntityId.Int64()
		n, isNoted := noted[ev.Raw.TxHash]
		if isNoted {
			found++
			if ev.Signer != n.Signer || userID != n.UserID || entityID != n.EntityID || ev.Action != n.Action || ev.EntityType != n.EntityType {
				t.Errorf("%q: event %+v does not match %+v", n.Reason, ev, n)
			}
			if n.Kind != "" {
				continue
			}
		} else if want := crypto.PubkeyToAddress(devchain.UserKey(userID).PublicKey); ev.Signer != want {
			t.Errorf("%s %s %d: signer %s, want user %d's wallet %s", ev.EntityType, ev.Action, entityID, ev.Signer, userID, want)
		}
		r.apply(t, ev, checkMetadata(t, ev))
	}
	for _, p := range c.plays {
		if n, ok := noted[p.Raw.TxHash]; ok {
			found++
			if n.Kind != devchain.InvalidPlay || n.EntityID != p.TrackId.Int64() || n.UserID != p.UserId.Int64() {
				t.Errorf("invalid play %+v does not match %+v", p, n)
			}
			continue
		}
		r.plays[p.TrackId.Int64()]++
	}
	if found != len(noted) {
		t.Errorf("found %d of the %d invalid and delegated actions on chain", found, len(noted))
	}
	for _, v := range c.verified {
		r.verified[v.UserId.Int64()] = v.IsVerified
	}
	r.check(t, res)
}

// metadataKeys are the data keys a Create carries, per entity type.
var metadataKeys = map[string][]string{
	discovery.EntityUser:         {"handle", "name", "bio", "location", "profile_picture", "cover_photo"},
	discovery.EntityTrack:        {"title", "genre", "mood", "tags", "description", "release_date", "duration", "track_cid", "cover_art"},
	discovery.EntityPlaylist:     {"playlist_name", "description", "is_album", "is_private", "cover_art", "playlist_contents"},
	discovery.EntityDeveloperApp: {"address", "name", "description", "app_signature"},
	discovery.EntityGrant:        {"grantee_address"},
}

// checkMetadata checks a valid action's metadata has the shape the indexer
// parses and returns its data: nothing for an action without metadata, the
// flags of a social action, the inline form's data otherwise.
func checkMetadata(t *testing.T, ev *contracts.EntityManagerManageEntity) map[string]any {
	t.Helper()
	if ev.Metadata == "" {
		if ev.Action == discovery.ActionCreate || ev.Action == discovery.ActionUpdate {
			t.Errorf("%s %s %d has no metadata", ev.EntityType, ev.Action, ev.EntityId)
		}
		return nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(ev.Metadata), &doc); err != nil {
		t.Fatalf("%s %s: metadata is not a JSON object: %v", ev.EntityType, ev.Action, err)
	}
	raw, inline := doc["data"]
	if !inline {
		raw = []byte(ev.Metadata) // a bare flag of a repost or save
	} else {
		var cid string
		if err := json.Unmarshal(doc["cid"], &cid); err != nil || cid != devchain.CID(raw) {
			t.Errorf("%s %s: cid %s does not address its data (%s)", ev.EntityType, ev.Action, doc["cid"], devchain.CID(raw))
		}
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatalf("%s %s: data is not an object: %v", ev.EntityType, ev.Action, err)
	}
	if ev.Action == discovery.ActionCreate {
		for _, k := range metadataKeys[ev.EntityType] {
			if _, ok := data[k]; !ok {
				t.Errorf("%s %s: data lacks %q", ev.EntityType, ev.Action, k)
			}
		}
	}
	if ev.EntityType == discovery.EntityPlaylist && data["playlist_contents"] != nil {
		for _, e := range data["playlist_contents"].(map[string]any)["track_ids"].([]any) {
			if _, ok := e.(map[string]any)["track"].(float64); !ok {
				t.Errorf("playlist %d entry %v has no numeric track", ev.EntityId, e)
			}
		}
	}
	if ev.EntityType == discovery.EntityDeveloperApp && ev.Action == discovery.ActionCreate {
		checkAppSignature(t, ev.UserId.Int64(), data)
	}
	return data
}

// checkAppSignature checks a DeveloperApp Create carries the app key's
// personal_sign of exactly the message the indexer demands.
func checkAppSignature(t *testing.T, userID int64, data map[string]any) {
	t.Helper()
	addr := common.HexToAddress(data["address"].(string))
	sig := data["app_signature"].(map[string]any)
	if want := content.AppMessage(addr, userID); sig["message"] != want || devchain.AppMessage(addr, userID) != want {
		t.Errorf("app %s: message %q, want %q", addr, sig["message"], want)
	}
	b, err := hexutil.Decode(sig["signature"].(string))
	if err != nil || len(b) != 65 || b[64] < 27 {
		t.Fatalf("app %s: signature %v is not 65 bytes with v 27/28: %v", addr, sig["signature"], err)
	}
	b[64] -= 27
	pub, err := crypto.SigToPub(accounts.TextHash([]byte(sig["message"].(string))), b)
	if err != nil || crypto.PubkeyToAddress(*pub) != addr {
		t.Errorf("app %s: signature does not recover to the app (%v)", addr, err)
	}
}
