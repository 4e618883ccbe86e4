package devchain

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
)

// The protocol demo's entities, after the basic demo's ids.
const (
	remixTrack      = 12 // user 2's remix of user 1's track 1
	stemTrack       = 13 // user 3's stem of its own track 6
	twinTrack       = 14 // user 4's second track titled like track 9
	scratchPlaylist = 3  // created and deleted by user 5
	pickedTrack     = 2  // user 1's artist pick, set by its manager
	managedUser     = 1  // grants user managerUser's wallet
	managerUser     = 3
	verifiedUser    = 1  // verified by a User Verify action
	contractVerUser = 2  // verified by the contract's ManageIsVerified
	appTrack        = 10 // user 4's track its app updates
)

// The demo's developer apps.
var demoApps = []struct {
	n     int
	owner int64
	name  string
	desc  string
}{
	{1, 2, "Harbor Uploader", "Uploads and tidies tracks for the artists who grant it."},
	{2, 3, "Kiln Scheduler", "Schedules reposts; retired by its author."},
}

// demoPlay is one play the Plays contract records: a track, and the
// listener (0 for an anonymous one).
type demoPlay struct{ track, user int64 }

// Plays, recorded by two playBatch calls in different blocks.
var demoPlayBatches = [][]demoPlay{
	{{1, 5}, {1, 2}, {1, 0}, {4, 5}, {6, 0}, {remixTrack, 3}},
	{{1, 4}, {9, 5}, {twinTrack, 0}, {remixTrack, 0}},
}

// AppMessage is what a developer app's key signs (personal_sign) to be
// registered by userID, exactly as the protocol requires.
func AppMessage(app common.Address, userID int64) string {
	return fmt.Sprintf("Discovery developer app %s for user %d", strings.ToLower(app.Hex()), userID)
}

// addProtocol shows every other entity type and action of the protocol:
// lineage, permalinks, verification, subscriptions, reposts of reposts,
// developer apps, grants and managers, and the attacks on delegation the
// indexer must refuse.
func (p *plan) addProtocol(now int64) {
	p.addTracksAndPlaylists(now)

	p.delegated(VerifierKey(), verifiedUser, discovery.EntityUser, verifiedUser, discovery.ActionVerify,
		map[string]any{"is_verified": true}, "the verifier verifies user 1")
	p.user(verifiedUser).Verified = true
	p.steps = append(p.steps, step{data: contracts.NewEntityManager().PackManageIsVerified(big.NewInt(contractVerUser), true)})
	p.user(contractVerUser).Verified = true

	subs := []discovery.FollowKey{{FollowerID: 5, FolloweeID: 1}, {FollowerID: 4, FolloweeID: 1}, {FollowerID: 5, FolloweeID: 4}}
	for _, s := range subs {
		p.self(s.FollowerID, discovery.EntityUser, s.FolloweeID, discovery.ActionSubscribe, nil)
	}
	p.self(subs[2].FollowerID, discovery.EntityUser, subs[2].FolloweeID, discovery.ActionUnsubscribe, nil)
	p.result.Subscriptions = subs[:2]

	// User 1 reposts what it saw in user 3's reposts; user 2 saves what it
	// saw in user 4's. The flag comes bare and inside data.
	repost := discovery.ItemKey{UserID: 1, ItemType: discovery.ItemTrack, ItemID: 4}
	p.self(repost.UserID, discovery.EntityTrack, repost.ItemID, discovery.ActionRepost, rawMetadata(`{"is_repost_of_repost": true}`))
	save := discovery.ItemKey{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 6}
	p.self(save.UserID, discovery.EntityTrack, save.ItemID, discovery.ActionSave, map[string]any{"is_save_of_repost": true})
	p.self(4, discovery.EntityTrack, remixTrack, discovery.ActionRepost, nil)
	p.self(4, discovery.EntityTrack, remixTrack, discovery.ActionUnrepost, nil)
	p.result.Reposts = append(p.result.Reposts, repost)
	p.result.Saves = append(p.result.Saves, save)
	p.result.RepostsOfReposts = []discovery.ItemKey{repost}
	p.result.SavesOfReposts = []discovery.ItemKey{save}

	p.addApps()
	p.addManagers()
}

// addTracksAndPlaylists adds a remix, a stem, a second track of the same
// title, and a playlist update and delete.
func (p *plan) addTracksAndPlaylists(now int64) {
	remix := demoTrack{remixTrack, 2, "Polar Night (Neon Harbor Remix)", "Electronic", "Energizing", "synthwave,remix",
		"Aurora's winter night, driven through the harbour.", "2024-07-01", 284}
	data := trackData(remix)
	data["remix_of"] = map[string]any{"tracks": []map[string]any{{"parent_track_id": 1}}}
	p.createTrack(remix, data)
	p.track(remixTrack).RemixOf = []int64{1}

	stem := demoTrack{stemTrack, 3, "Low Fire (Drums)", "Deep House", "Sensual", "deep house,stem",
		"The drums of Low Fire, alone.", "2024-03-15", 402}
	data = trackData(stem)
	data["stem_of"] = map[string]any{"parent_track_id": 6, "category": "drums"}
	p.createTrack(stem, data)
	p.track(stemTrack).StemOf = 6

	twin := demoTracks[9-1]
	twin.id, twin.description, twin.date = twinTrack, "Salt and Sun again, live at the river bar.", "2024-08-09"
	p.createTrack(twin, trackData(twin))

	scratch := demoPlaylist{scratchPlaylist, 5, "Scratch", "Trying things out.", false, []int64{2}}
	p.createPlaylist(scratch, now)
	p.self(5, discovery.EntityPlaylist, scratchPlaylist, discovery.ActionDelete, nil)
	p.playlist(scratchPlaylist).Deleted = true

	late := demoPlaylists[0]
	late.tracks = append(append([]int64{}, late.tracks...), remixTrack)
	p.self(late.owner, discovery.EntityPlaylist, late.id, discovery.ActionUpdate, map[string]any{
		"playlist_contents": playlistData(late, now)["playlist_contents"],
	})
	p.playlist(late.id).TrackIDs = late.tracks
}

// addApps registers two developer apps, grants them, and shows what an app
// may do and what it may not once its grant is revoked or it is deleted.
func (p *plan) addApps() {
	for _, a := range demoApps {
		key := AppKey(a.n)
		addr := crypto.PubkeyToAddress(key.PublicKey)
		msg := AppMessage(addr, a.owner)
		sig, err := crypto.Sign(accounts.TextHash([]byte(msg)), key)
		if err != nil && p.err == nil {
			p.err = fmt.Errorf("signing app %d registration: %w", a.n, err)
		}
		if len(sig) == crypto.SignatureLength {
			sig[crypto.RecoveryIDOffset] += 27 // as wallets' personal_sign gives it
		}
		p.self(a.owner, discovery.EntityDeveloperApp, int64(a.n), discovery.ActionCreate, map[string]any{
			"address": addr.Hex(), "name": a.name, "description": a.desc,
			"app_signature": map[string]any{"message": msg, "signature": hexutil.Encode(sig)},
		})
		p.result.Apps = append(p.result.Apps, SeedApp{N: a.n, Address: addr, UserID: a.owner, Name: a.name})
	}
	app1, app2 := AppKey(1), AppKey(2)
	app1Addr, app2Addr := crypto.PubkeyToAddress(app1.PublicKey), crypto.PubkeyToAddress(app2.PublicKey)

	// User 4 lets app 1 tidy its tracks; the app may touch only those.
	p.grant(4, app1Addr, false)
	p.delegated(app1, 4, discovery.EntityTrack, appTrack, discovery.ActionUpdate,
		map[string]any{"description": "Climbing the old town at dusk. Remastered by Harbor Uploader."}, "app 1, granted by user 4")
	p.track(appTrack).Description = "Climbing the old town at dusk. Remastered by Harbor Uploader."
	p.invalid(app1, InvalidNotOwner, 4, discovery.EntityTrack, 1, discovery.ActionUpdate, map[string]any{"title": "Taken Over"},
		"app 1, granted by user 4, updates track 1, which belongs to user 1")

	// User 5 lets app 1 save for it, then revokes the grant.
	p.grant(5, app1Addr, false)
	p.delegated(app1, 5, discovery.EntityTrack, remixTrack, discovery.ActionSave, nil, "app 1, granted by user 5")
	p.result.Saves = append(p.result.Saves, discovery.ItemKey{UserID: 5, ItemType: discovery.ItemTrack, ItemID: remixTrack})
	p.self(5, discovery.EntityGrant, p.grantAction(), discovery.ActionDelete, map[string]any{"grantee_address": app1Addr.Hex()})
	p.grantState(5, app1Addr).Revoked = true
	p.grantState(5, app1Addr).Live = false
	p.invalid(app1, InvalidRevokedGrant, 5, discovery.EntityTrack, stemTrack, discovery.ActionSave, nil,
		"app 1 saves for user 5 after user 5 revoked its grant")

	// User 1 grants app 2, whose author then deletes it.
	p.grant(1, app2Addr, false)
	p.self(3, discovery.EntityDeveloperApp, 2, discovery.ActionDelete, map[string]any{"address": app2Addr.Hex()})
	p.result.Apps[1].Deleted = true
	p.invalid(app2, InvalidDeletedApp, 1, discovery.EntityTrack, 9, discovery.ActionRepost, nil,
		"app 2 reposts for user 1 after its author deleted it")
	p.invalid(UserKey(5), InvalidGrantToDeletedApp, 5, discovery.EntityGrant, p.grantAction(), discovery.ActionCreate,
		map[string]any{"grantee_address": app2Addr.Hex()}, "user 5 grants app 2, which was deleted")
}

// addManagers shows a manager grant: refused before the manager approves,
// accepted after; and a grant the would-be manager rejects.
func (p *plan) addManagers() {
	manager := UserKey(managerUser)
	managerAddr := crypto.PubkeyToAddress(manager.PublicKey)
	pick := map[string]any{"artist_pick_track_id": pickedTrack}
	p.grant(managedUser, managerAddr, true)
	p.invalid(manager, InvalidUnapprovedManager, managedUser, discovery.EntityUser, managedUser, discovery.ActionUpdate, pick,
		"user 3 acts for user 1 before approving user 1's grant")
	p.self(managerUser, discovery.EntityGrant, p.grantAction(), discovery.ActionApprove, map[string]any{"grantor_user_id": managedUser})
	p.grantState(managedUser, managerAddr).Live = true
	p.delegated(manager, managedUser, discovery.EntityUser, managedUser, discovery.ActionUpdate, pick, "user 3, user 1's manager")
	p.user(managedUser).ArtistPickID = pickedTrack

	lena := crypto.PubkeyToAddress(UserKey(5).PublicKey)
	p.grant(2, lena, true)
	p.self(5, discovery.EntityGrant, p.grantAction(), discovery.ActionReject, map[string]any{"grantor_user_id": 2})
	p.grantState(2, lena).Revoked = true
}

// grant appends userID's Grant Create to grantee: live at once for an app,
// pending the manager's Approve otherwise.
func (p *plan) grant(userID int64, grantee common.Address, manager bool) {
	p.self(userID, discovery.EntityGrant, p.grantAction(), discovery.ActionCreate, map[string]any{"grantee_address": grantee.Hex()})
	p.result.Grants = append(p.result.Grants, SeedGrant{UserID: userID, Grantee: grantee, Manager: manager, Live: !manager})
}

// grantState is the planned grant of userID to grantee.
func (p *plan) grantState(userID int64, grantee common.Address) *SeedGrant {
	for i := range p.result.Grants {
		if g := &p.result.Grants[i]; g.UserID == userID && g.Grantee == grantee {
			return g
		}
	}
	if p.err == nil {
		p.err = fmt.Errorf("planning the demo: no grant of user %d to %s", userID, grantee)
	}
	return &SeedGrant{}
}

// grantAction is the _entityId of the next Grant action. The protocol
// ignores it, but it must be a valid id.
func (p *plan) grantAction() int64 {
	p.grantActions++
	return p.grantActions
}

// addPlays records the demo plays in two blocks, then a play of the
// deleted track, which the indexer refuses.
func (p *plan) addPlays(now int64) {
	pb := contracts.NewPlays()
	batch := func(plays []demoPlay) []byte {
		var tracks, users, times []*big.Int
		for _, pl := range plays {
			tracks = append(tracks, big.NewInt(pl.track))
			users = append(users, big.NewInt(pl.user))
			times = append(times, big.NewInt(now))
		}
		return pb.PackPlayBatch(tracks, users, times)
	}
	for _, plays := range demoPlayBatches {
		p.steps = append(p.steps, step{data: batch(plays), toPlays: true, plays: plays, newBlock: true})
		for _, pl := range plays {
			p.track(pl.track).PlayCount++
		}
	}
	bad := demoPlay{deletedTrack, 5}
	p.steps = append(p.steps, step{data: batch([]demoPlay{bad}), toPlays: true, note: &SeedAction{
		Kind: InvalidPlay, UserID: bad.user, EntityType: "Play", EntityID: bad.track, Action: "Play",
		Reason: fmt.Sprintf("a play of track %d, which was deleted", bad.track),
	}})
}
