package content_test

import (
	"crypto/ecdsa"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/content"
)

var (
	verifierKey  = keyOf("verifier")
	appKey       = keyOf("app")
	playsAddress = common.HexToAddress("0x00000000000000000000000000000000000a11ce")
)

func keyOf(name string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("discovery test key " + name)))
	if err != nil {
		panic(err) // a fixed 32-byte hash is always a valid key
	}
	return k
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// protocolOptions are the options the protocol tests index with.
func protocolOptions() content.Options {
	return content.Options{Verifier: addr(verifierKey), Plays: playsAddress}
}

// appSig is key's personal_sign of msg, as a wallet would make it.
func appSig(t *testing.T, key *ecdsa.PrivateKey, msg string) string {
	t.Helper()
	sig, err := crypto.Sign(accounts.TextHash([]byte(msg)), key)
	if err != nil {
		t.Fatal(err)
	}
	sig[crypto.RecoveryIDOffset] += 27
	return hexutil.Encode(sig)
}

// createApp is user's DeveloperApp Create of key, signed by the key.
func createApp(t *testing.T, user int64, handle string, key *ecdsa.PrivateKey) act {
	msg := content.AppMessage(addr(key), user)
	return act{user: user, signer: wallet(handle), entity: "DeveloperApp", id: 1, action: "Create", meta: meta(map[string]any{
		"address": addr(key).Hex(), "name": "App of " + handle, "description": "does things",
		"app_signature": map[string]any{"message": msg, "signature": appSig(t, key, msg)}})}
}

func grant(user int64, handle, action string, grantee common.Address) act {
	return act{user: user, signer: wallet(handle), entity: "Grant", id: 1, action: action,
		meta: meta(map[string]any{"grantee_address": grantee.Hex()})}
}

func managerAct(manager int64, handle, action string, grantor int64) act {
	return act{user: manager, signer: wallet(handle), entity: "Grant", id: 1, action: action,
		meta: meta(map[string]any{"grantor_user_id": grantor})}
}

func trackWith(owner int64, handle string, id int64, action string, data map[string]any) act {
	return act{user: owner, signer: wallet(handle), entity: "Track", id: id, action: action, meta: meta(data)}
}

func (h *harness) route(owner int64, kind, slug string) *discovery.Route {
	h.t.Helper()
	r, ok, err := h.store.Route(h.ctx, discovery.RouteKey{OwnerID: owner, Kind: kind, Slug: slug})
	if err != nil || !ok {
		h.t.Fatalf("route %d/%s/%s: ok=%v err=%v", owner, kind, slug, ok, err)
	}
	return r
}

func (h *harness) noRejections() {
	h.t.Helper()
	if rs := h.rejections(); len(rs) != 0 {
		h.t.Fatalf("block %d rejected: %q", h.head.Number, rs)
	}
}

// baseUsers are alice (1), bob (2), carol (3) and dave (4), each with a
// track, in one block.
func baseUsers(h *harness) {
	h.t.Helper()
	h.apply(createUser(1, "alice"), createUser(2, "bob"), createUser(3, "carol"), createUser(4, "dave"),
		createTrack(1, "alice", 10, "Intro"), createTrack(2, "bob", 20, "Beat"))
	h.noRejections()
}

// TestProtocol walks every action of the protocol beyond the basics, on
// both stores, checking rows and counts after each block.
func TestProtocol(t *testing.T) {
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		protocolScenario(t, newHarnessWith(t, s, protocolOptions()))
	})
}

// protocolScenario drives h through every rule of the protocol, checking
// each outcome as it goes.
func protocolScenario(t *testing.T, h *harness) {
	t.Helper()
	s := h.store
	{
		baseUsers(h)

		// Permalinks: a second "Intro" by the same owner gets a suffix;
		// a remix of another user's track; a stem of an own track.
		h.apply(createTrack(1, "alice", 11, "Intro"),
			trackWith(2, "bob", 21, "Create", map[string]any{"title": "Intro (Bob's Remix)", "genre": "House",
				"remix_of": map[string]any{"tracks": []map[string]any{{"parent_track_id": 10}}}}),
			trackWith(1, "alice", 12, "Create", map[string]any{"title": "Intro Drums",
				"stem_of": map[string]any{"parent_track_id": 10, "category": "drums"}}))
		h.noRejections()
		if tr := h.track(11); tr.Slug != "intro-1" {
			t.Fatalf("second Intro slug = %q, want intro-1", tr.Slug)
		}
		if r := h.route(1, discovery.ItemTrack, "intro-1"); r.EntityID != 11 || !r.IsCurrent {
			t.Fatalf("route intro-1 = %+v", r)
		}
		if tr := h.track(21); !slices.Equal(tr.RemixOf, []int64{10}) || tr.Genre != "House" {
			t.Fatalf("remix = %+v", tr)
		}
		if tr := h.track(12); tr.StemOf != 10 {
			t.Fatalf("stem = %+v", tr)
		}

		// Rename: the new slug is current, the old one still resolves;
		// a third "Intro" skips both taken slugs; renaming back takes the
		// old route again.
		h.apply(trackWith(1, "alice", 10, "Update", map[string]any{"title": "Overture"}), createTrack(1, "alice", 13, "Intro"))
		h.noRejections()
		if tr := h.track(10); tr.Slug != "overture" {
			t.Fatalf("renamed slug = %q", tr.Slug)
		}
		if r := h.route(1, discovery.ItemTrack, "intro"); r.EntityID != 10 || r.IsCurrent {
			t.Fatalf("old route after rename = %+v, want track 10, not current", r)
		}
		if tr := h.track(13); tr.Slug != "intro-2" {
			t.Fatalf("third Intro slug = %q, want intro-2", tr.Slug)
		}
		h.apply(trackWith(1, "alice", 10, "Update", map[string]any{"title": "Intro"}))
		h.noRejections()
		if r := h.route(1, discovery.ItemTrack, "intro"); r.EntityID != 10 || !r.IsCurrent {
			t.Fatalf("route after renaming back = %+v", r)
		}
		if r := h.route(1, discovery.ItemTrack, "overture"); r.IsCurrent {
			t.Fatalf("overture still current: %+v", r)
		}

		// Verification by the verifier's action and by the contract's
		// event; an artist pick.
		h.applyLogs(
			h.log(act{user: 2, signer: addr(verifierKey), entity: "User", id: 2, action: "Verify", meta: meta(map[string]any{"is_verified": true})}),
			h.verifiedLog(common.Address{}, 3, true),
			h.log(act{user: 1, signer: wallet("alice"), entity: "User", id: 1, action: "Update", meta: meta(map[string]any{"artist_pick_track_id": 10})}))
		h.noRejections()
		if !h.user(2).IsVerified || !h.user(3).IsVerified || h.user(1).IsVerified {
			t.Fatal("verification not applied as sent")
		}
		if got := h.user(1).ArtistPickID; got != 10 {
			t.Fatalf("artist pick = %d", got)
		}

		// Subscriptions; repost of a repost and save of a repost.
		h.apply(social(2, "bob", "User", 1, "Subscribe"), social(3, "carol", "User", 1, "Subscribe"), social(3, "carol", "User", 1, "Unsubscribe"),
			act{user: 2, signer: wallet("bob"), entity: "Track", id: 10, action: "Repost", meta: `{"is_repost_of_repost": true}`},
			act{user: 3, signer: wallet("carol"), entity: "Track", id: 10, action: "Save", meta: meta(map[string]any{"is_save_of_repost": true})},
			social(4, "dave", "Track", 10, "Save"))
		h.noRejections()
		if _, ok, _ := s.Subscription(h.ctx, discovery.FollowKey{FollowerID: 2, FolloweeID: 1}); !ok {
			t.Fatal("bob's subscription missing")
		}
		if _, ok, _ := s.Subscription(h.ctx, discovery.FollowKey{FollowerID: 3, FolloweeID: 1}); ok {
			t.Fatal("carol's subscription survived the unsubscribe")
		}
		if r, _, _ := s.Repost(h.ctx, discovery.ItemKey{UserID: 2, ItemType: "track", ItemID: 10}); r == nil || !r.OfRepost {
			t.Fatalf("repost of repost = %+v", r)
		}
		if r, _, _ := s.Save(h.ctx, discovery.ItemKey{UserID: 3, ItemType: "track", ItemID: 10}); r == nil || !r.OfRepost {
			t.Fatalf("save of repost = %+v", r)
		}
		if r, _, _ := s.Save(h.ctx, discovery.ItemKey{UserID: 4, ItemType: "track", ItemID: 10}); r == nil || r.OfRepost {
			t.Fatalf("plain save = %+v", r)
		}

		// A developer app, granted by alice, acts for her.
		h.apply(createApp(t, 4, "dave", appKey), grant(1, "alice", "Create", addr(appKey)),
			act{user: 1, signer: addr(appKey), entity: "Track", id: 10, action: "Update", meta: meta(map[string]any{"description": "by the app"})},
			act{user: 1, signer: addr(appKey), entity: "Track", id: 20, action: "Save"})
		h.noRejections()
		if app, ok, _ := s.DeveloperApp(h.ctx, addr(appKey)); !ok || app.UserID != 4 || app.Name != "App of dave" {
			t.Fatalf("developer app = %+v", app)
		}
		if g, ok, _ := s.Grant(h.ctx, discovery.GrantKey{UserID: 1, Grantee: addr(appKey)}); !ok || !g.IsApproved || g.IsRevoked {
			t.Fatalf("grant to app = %+v", g)
		}
		if tr := h.track(10); tr.Description != "by the app" || tr.OwnerID != 1 {
			t.Fatalf("track updated by app = %+v", tr)
		}

		// A manager grant: carol may act for bob once she approves.
		h.apply(grant(2, "bob", "Create", wallet("carol")),
			act{user: 2, signer: wallet("carol"), entity: "Track", id: 20, action: "Update", meta: meta(map[string]any{"mood": "Early"})},
			managerAct(3, "carol", "Approve", 2),
			act{user: 2, signer: wallet("carol"), entity: "Track", id: 20, action: "Update", meta: meta(map[string]any{"mood": "Managed"})})
		if rs := h.rejections(); len(rs) != 1 || !strings.Contains(rs[0], "not approved") {
			t.Fatalf("manager before approval: rejections %q", rs)
		}
		if tr := h.track(20); tr.Mood != "Managed" {
			t.Fatalf("track updated by manager = %+v", tr)
		}

		// Plays: only the Plays contract's count.
		h.applyLogs(h.playLog(playsAddress, 10, 2), h.playLog(playsAddress, 10, 0), h.playLog(playsAddress, 10, 3),
			h.playLog(playsAddress, 20, 1), h.playLog(common.HexToAddress("0xbad"), 10, 2))
		h.noRejections()
		day := int64(h.head.Time / 86400)
		if tr := h.track(10); tr.PlayCount != 3 {
			t.Fatalf("track 10 play_count = %d, want 3", tr.PlayCount)
		}
		if d, ok, _ := s.PlayDay(h.ctx, discovery.PlayDayKey{TrackID: 10, Day: day}); !ok || d.Count != 3 {
			t.Fatalf("track 10 plays today = %+v", d)
		}
		h.applyLogs(h.playLog(playsAddress, 20, 1))
		if d, _, _ := s.PlayDay(h.ctx, discovery.PlayDayKey{TrackID: 20, Day: day}); d == nil || d.Count != 2 || h.track(20).PlayCount != 2 {
			t.Fatalf("track 20 plays = %+v", d)
		}

		// Deactivation: only coming back is accepted meanwhile.
		h.apply(act{user: 4, signer: wallet("dave"), entity: "User", id: 4, action: "Update", meta: meta(map[string]any{"is_deactivated": true})})
		h.noRejections()
		h.apply(social(4, "dave", "User", 1, "Follow"), social(1, "alice", "User", 4, "Follow"))
		if rs := h.rejections(); len(rs) != 2 || !strings.Contains(rs[0], "deactivated") || !strings.Contains(rs[1], "deactivated") {
			t.Fatalf("actions of and on a deactivated user: rejections %q", rs)
		}
		h.apply(act{user: 4, signer: wallet("dave"), entity: "User", id: 4, action: "Update", meta: meta(map[string]any{"is_deactivated": false})},
			social(4, "dave", "User", 1, "Follow"))
		h.noRejections()
		if u := h.user(4); u.IsDeactivated || u.FolloweeCount != 1 {
			t.Fatalf("dave after reactivating = %+v", u)
		}
		assertDigest(h)
	}
}

// assertDigest checks the kept digest against a full recomputation.
func assertDigest(h *harness) {
	h.t.Helper()
	kept, err := h.store.StateDigest(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	full, err := h.store.ComputeDigest(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	if kept != full {
		h.t.Fatalf("kept digest %s, recomputed %s", kept, full)
	}
}

// TestAuthorizationAttacks checks that every way of acting for another user
// without an active grant is refused, with its reason, and changes nothing.
func TestAuthorizationAttacks(t *testing.T) {
	otherApp, thirdApp := keyOf("other app"), keyOf("third app")
	tests := []struct {
		name   string
		setup  func(t *testing.T, h *harness) // run before, and must be accepted
		action func(t *testing.T, h *harness) act
		reason string
	}{
		{name: "another user's wallet updates a track",
			action: func(*testing.T, *harness) act {
				return act{user: 1, signer: wallet("bob"), entity: "Track", id: 10, action: "Update", meta: meta(map[string]any{"title": "pwned"})}
			},
			reason: "holds no grant"},
		{name: "a user updates another user's track as itself",
			action: func(*testing.T, *harness) act {
				return trackWith(2, "bob", 10, "Update", map[string]any{"title": "pwned"})
			},
			reason: "belongs to user 1"},
		{name: "revoked grant",
			setup: func(t *testing.T, h *harness) {
				h.apply(grant(1, "alice", "Create", addr(appKey)))
				h.apply(grant(1, "alice", "Delete", addr(appKey)))
			},
			action: func(*testing.T, *harness) act {
				return act{user: 1, signer: addr(appKey), entity: "Track", id: 10, action: "Delete"}
			},
			reason: "was revoked"},
		{name: "grant to an app deleted since",
			setup: func(t *testing.T, h *harness) {
				h.apply(createApp(t, 4, "dave", otherApp), grant(1, "alice", "Create", addr(otherApp)))
				h.apply(act{user: 4, signer: wallet("dave"), entity: "DeveloperApp", id: 1, action: "Delete", meta: meta(map[string]any{"address": addr(otherApp).Hex()})})
			},
			action: func(*testing.T, *harness) act {
				return act{user: 1, signer: addr(otherApp), entity: "Track", id: 10, action: "Delete"}
			},
			reason: "was deleted"},
		{name: "grant to a deleted app",
			setup: func(t *testing.T, h *harness) {
				h.apply(createApp(t, 4, "dave", thirdApp))
				h.apply(act{user: 4, signer: wallet("dave"), entity: "DeveloperApp", id: 1, action: "Delete", meta: meta(map[string]any{"address": addr(thirdApp).Hex()})})
			},
			action: func(*testing.T, *harness) act { return grant(1, "alice", "Create", addr(thirdApp)) },
			reason: "was deleted"},
		{name: "a grantee widens its own grant",
			action: func(*testing.T, *harness) act {
				a := grant(1, "alice", "Create", wallet("mallory"))
				a.signer = addr(appKey)
				return a
			},
			reason: "only the user's own wallet"},
		{name: "a grantee deactivates the user",
			action: func(*testing.T, *harness) act {
				return act{user: 1, signer: addr(appKey), entity: "User", id: 1, action: "Update", meta: meta(map[string]any{"is_deactivated": true})}
			},
			reason: "only the user's own wallet"},
		{name: "manager acts before approval",
			setup: func(t *testing.T, h *harness) { h.apply(grant(2, "bob", "Create", wallet("carol"))) },
			action: func(*testing.T, *harness) act {
				return act{user: 2, signer: wallet("carol"), entity: "Track", id: 20, action: "Delete"}
			},
			reason: "not approved"},
		{name: "approve a grant that does not exist",
			action: func(*testing.T, *harness) act { return managerAct(4, "dave", "Approve", 1) },
			reason: "has no grant"},
		{name: "app registered with another key's signature",
			action: func(t *testing.T, h *harness) act {
				a := createApp(t, 4, "dave", keyOf("fresh"))
				msg := content.AppMessage(addr(keyOf("fresh")), 4)
				a.meta = meta(map[string]any{"address": addr(keyOf("fresh")).Hex(), "name": "x",
					"app_signature": map[string]any{"message": msg, "signature": appSig(t, keyOf("impostor"), msg)}})
				return a
			},
			reason: "app_signature was made by"},
		{name: "app signature replayed for another user",
			action: func(t *testing.T, h *harness) act {
				a := createApp(t, 4, "dave", keyOf("fresh"))
				a.user, a.signer = 3, wallet("carol")
				return a
			},
			reason: "message must be"},
		{name: "app registered twice",
			action: func(t *testing.T, h *harness) act { return createApp(t, 3, "carol", appKey) },
			reason: "already exists"},
		{name: "verify by someone else",
			action: func(*testing.T, *harness) act {
				return act{user: 1, signer: wallet("alice"), entity: "User", id: 1, action: "Verify", meta: meta(map[string]any{"is_verified": true})}
			},
			reason: "is not the verifier"},
		{name: "reserved handle",
			action: func(*testing.T, *harness) act { return createUser(5, "Admin") },
			reason: "is reserved"},
		{name: "genre outside the list",
			action: func(*testing.T, *harness) act {
				return trackWith(1, "alice", 30, "Create", map[string]any{"title": "x", "genre": "Polka Metal"})
			},
			reason: "not one of the protocol's genres"},
		{name: "remix of itself",
			action: func(*testing.T, *harness) act {
				return trackWith(1, "alice", 30, "Create", map[string]any{"title": "x", "remix_of": map[string]any{"tracks": []map[string]any{{"parent_track_id": 30}}}})
			},
			reason: "remix of itself"},
		{name: "remix of a missing track",
			action: func(*testing.T, *harness) act {
				return trackWith(1, "alice", 30, "Create", map[string]any{"title": "x", "remix_of": map[string]any{"tracks": []map[string]any{{"parent_track_id": 999}}}})
			},
			reason: "remix parent track 999 does not exist"},
		{name: "stem of another user's track",
			action: func(*testing.T, *harness) act {
				return trackWith(1, "alice", 30, "Create", map[string]any{"title": "x", "stem_of": map[string]any{"parent_track_id": 20}})
			},
			reason: "belongs to user 2"},
		{name: "artist pick of another user's track",
			action: func(*testing.T, *harness) act {
				return act{user: 1, signer: wallet("alice"), entity: "User", id: 1, action: "Update", meta: meta(map[string]any{"artist_pick_track_id": 20})}
			},
			reason: "belongs to user 2"},
		{name: "subscribe twice",
			setup:  func(t *testing.T, h *harness) { h.apply(social(2, "bob", "User", 1, "Subscribe")) },
			action: func(*testing.T, *harness) act { return social(2, "bob", "User", 1, "Subscribe") },
			reason: "already subscribed"},
		{name: "unsubscribe from nothing",
			action: func(*testing.T, *harness) act { return social(3, "carol", "User", 1, "Unsubscribe") },
			reason: "not subscribed"},
		{name: "repost flag not a boolean",
			action: func(*testing.T, *harness) act {
				return act{user: 3, signer: wallet("carol"), entity: "Track", id: 10, action: "Repost", meta: `{"is_repost_of_repost": "yes"}`}
			},
			reason: "must be true or false"},
		{name: "grant by a bare CID",
			action: func(*testing.T, *harness) act {
				return act{user: 1, signer: wallet("alice"), entity: "Grant", id: 1, action: "Create", meta: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}
			},
			reason: "must be inline JSON"},
	}
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		h := newHarnessWith(t, s, protocolOptions())
		baseUsers(h)
		h.apply(createApp(t, 4, "dave", appKey))
		h.noRejections()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h.t = t
				if tt.setup != nil {
					before := len(h.rejectionsSoFar())
					tt.setup(t, h)
					if rs := h.rejectionsSoFar(); len(rs) != before {
						t.Fatalf("setup rejected: %+v", rs[0])
					}
				}
				before := snapshot(h)
				h.apply(tt.action(t, h))
				got := h.rejections()
				if len(got) != 1 || !strings.Contains(got[0], tt.reason) {
					t.Fatalf("rejections = %q, want one containing %q", got, tt.reason)
				}
				if after := snapshot(h); after != before {
					t.Fatal("state changed by a rejected action")
				}
			})
		}
	})
}

// TestIDOffsets checks new ids below the protocol's offsets are refused when
// the offsets are on.
func TestIDOffsets(t *testing.T) {
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		h := newHarnessWith(t, s, content.Options{IDOffsets: content.ProtocolIDOffsets})
		h.apply(createUser(5, "low"))
		if rs := h.rejections(); len(rs) != 1 || !strings.Contains(rs[0], "below the protocol's offset 3000000") {
			t.Fatalf("low user id: %q", rs)
		}
		h.apply(createUser(3_000_000, "ok"), createTrack(3_000_000, "ok", 1_999_999, "low"),
			createTrack(3_000_000, "ok", 2_000_000, "fine"),
			act{user: 3_000_000, signer: wallet("ok"), entity: "Playlist", id: 399_999, action: "Create", meta: meta(map[string]any{"playlist_name": "p"})})
		rs := h.rejections()
		slices.Sort(rs)
		if len(rs) != 2 || !strings.Contains(rs[0], "playlist id 399999 is below") || !strings.Contains(rs[1], "track id 1999999 is below") {
			t.Fatalf("rejections = %q", rs)
		}
		if tr := h.track(2_000_000); tr.OwnerID != 3_000_000 {
			t.Fatalf("track at the offset = %+v", tr)
		}
	})
}

// TestRevertNewTables applies a block using every new kind of row and
// reverts it: the state, digest included, is exactly what it was.
func TestRevertNewTables(t *testing.T) {
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		h := newHarnessWith(t, s, protocolOptions())
		baseUsers(h)
		h.apply(createApp(t, 4, "dave", appKey), grant(2, "bob", "Create", wallet("carol")))
		parent := h.head
		before := snapshot(h)
		digest, err := s.StateDigest(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		h.applyLogs(
			h.log(grant(1, "alice", "Create", addr(appKey))),
			h.log(act{user: 1, signer: addr(appKey), entity: "Track", id: 10, action: "Update", meta: meta(map[string]any{"title": "Renamed"})}),
			h.log(managerAct(3, "carol", "Approve", 2)),
			h.log(social(3, "carol", "User", 1, "Subscribe")),
			h.log(act{user: 3, signer: wallet("carol"), entity: "Track", id: 10, action: "Repost", meta: `{"is_repost_of_repost": true}`}),
			h.log(trackWith(2, "bob", 22, "Create", map[string]any{"title": "Remix", "remix_of": map[string]any{"tracks": []map[string]any{{"parent_track_id": 10}}}})),
			h.log(act{user: 4, signer: wallet("dave"), entity: "DeveloperApp", id: 1, action: "Delete", meta: meta(map[string]any{"address": addr(appKey).Hex()})}),
			h.playLog(playsAddress, 10, 1),
			h.verifiedLog(common.Address{}, 2, true))
		h.noRejections()
		if err := h.ix.Revert(h.ctx, h.head); err != nil {
			t.Fatal(err)
		}
		h.head = parent
		after, err := s.StateDigest(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != digest || snapshot(h) != before {
			t.Fatalf("digest after revert %s, before %s", after, digest)
		}
		assertDigest(h)
		if tr := h.track(10); tr.Title != "Intro" || tr.Slug != "intro" || tr.PlayCount != 0 {
			t.Fatalf("track 10 after revert = %+v", tr)
		}
		if _, ok, _ := s.Route(h.ctx, discovery.RouteKey{OwnerID: 1, Kind: "track", Slug: "renamed"}); ok {
			t.Fatal("route of the reverted rename survived")
		}
		if _, ok, _ := s.Grant(h.ctx, discovery.GrantKey{UserID: 1, Grantee: addr(appKey)}); ok {
			t.Fatal("reverted grant survived")
		}
		if app, _, _ := s.DeveloperApp(h.ctx, addr(appKey)); app == nil || app.IsDelete {
			t.Fatalf("app after revert = %+v", app)
		}
	})
}

// TestMetadataByCID indexes entities named by a bare CID at once, pending,
// and fills them in from fetched bytes without moving the state digest.
func TestMetadataByCID(t *testing.T) {
	const cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		h := newHarnessWith(t, s, protocolOptions())
		baseUsers(h)
		h.apply(act{user: 1, signer: wallet("alice"), entity: "Track", id: 30, action: "Create", meta: cid},
			act{user: 2, signer: wallet("bob"), entity: "User", id: 2, action: "Update", meta: " " + cid + " "})
		h.noRejections()
		tr := h.track(30)
		if tr.MetadataStatus != discovery.MetadataPending || tr.MetadataCID != cid || tr.Title != "" || tr.Slug != "30" {
			t.Fatalf("track by CID = %+v", tr)
		}
		if u := h.user(2); u.MetadataStatus != discovery.MetadataPending || u.Name != "Name of bob" || u.Handle != "bob" {
			t.Fatalf("user updated by CID = %+v", u)
		}
		digest, err := s.StateDigest(h.ctx)
		if err != nil {
			t.Fatal(err)
		}

		q := content.NewMetadataQueue(s)
		jobs, err := q.Pending(h.ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 2 {
			t.Fatalf("pending jobs = %+v, want the track and the user", jobs)
		}
		for _, j := range jobs {
			data := map[string]any{"title": "Fetched", "genre": "Jazz", "duration": 99, "handle": "ignored"}
			if j.Kind == discovery.EntityUser {
				data = map[string]any{"name": "Robert", "bio": "from ipfs", "handle": "hijack"}
			}
			b, _ := json.Marshal(data)
			if err := q.Resolve(h.ctx, j, b); err != nil {
				t.Fatal(err)
			}
		}
		if tr := h.track(30); tr.MetadataStatus != discovery.MetadataResolved || tr.Title != "Fetched" || tr.Genre != "Jazz" || tr.Duration != 99 {
			t.Fatalf("track after resolve = %+v", tr)
		}
		if u := h.user(2); u.Name != "Robert" || u.Bio != "from ipfs" || u.Handle != "bob" {
			t.Fatalf("user after resolve = %+v", u)
		}
		if after, _ := s.StateDigest(h.ctx); after != digest {
			t.Fatalf("resolving metadata moved the digest: %s → %s", digest, after)
		}
		assertDigest(h)

		// Fetched bytes the protocol refuses fail the job for good.
		h.apply(act{user: 1, signer: wallet("alice"), entity: "Track", id: 10, action: "Update", meta: cid})
		jobs, err = q.Pending(h.ctx, 10)
		if err != nil || len(jobs) != 1 || jobs[0].ID != 10 {
			t.Fatalf("pending = %+v, %v", jobs, err)
		}
		if err := q.Resolve(h.ctx, jobs[0], []byte(`{"title": "x", "genre": "Polka Metal"}`)); err != nil {
			t.Fatal(err)
		}
		if tr := h.track(10); tr.MetadataStatus != discovery.MetadataFailed || tr.Title != "Intro" {
			t.Fatalf("track after refused metadata = %+v", tr)
		}
		if _, reason, ok, err := s.MetadataAttempts(h.ctx, discovery.EntityTrack, 10); err != nil || !ok || !strings.Contains(reason, "genre") {
			t.Fatalf("failure reason = %q ok=%v err=%v", reason, ok, err)
		}
		assertDigest(h)

		// Inline metadata replaces fetched fields as a whole.
		h.apply(trackWith(1, "alice", 30, "Update", map[string]any{"title": "Inline"}))
		if tr := h.track(30); tr.MetadataStatus != discovery.MetadataInline || tr.Title != "Inline" || tr.Genre != "" {
			t.Fatalf("track after inline update = %+v", tr)
		}
		assertDigest(h)
	})
}
