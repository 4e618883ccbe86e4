package reorgtest

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sync"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/discovery-node/discovery/internal/devchain"
)

// Actions draws random content-protocol actions from a seeded source:
// mostly actions the indexer accepts, and some it must refuse (duplicates,
// strangers' signatures, unknown ids, self-follows, malformed metadata).
// Ids come from a small space so that actions collide and build on one
// another. It keeps no model of the state: what is valid is the indexer's
// business, and the tests compare two indexes of one chain.
type Actions struct {
	rng *rand.Rand
	// Highest ids handed out so far; new entities take the next one, and
	// references pick below it (sometimes above, to miss).
	users, tracks, playlists int64
}

// NewActions returns a generator drawing from rng.
func NewActions(rng *rand.Rand) *Actions { return &Actions{rng: rng} }

var (
	keysMu sync.Mutex
	keys   = map[int64]*ecdsa.PrivateKey{}
)

// UserKey is the wallet key of user id in these tests. Keys are derived, so
// a scenario replays the same actions from the same seed.
func UserKey(id int64) *ecdsa.PrivateKey {
	keysMu.Lock()
	defer keysMu.Unlock()
	k, ok := keys[id]
	if !ok {
		k = devchain.DevKey(fmt.Sprintf("reorgtest-user-%d", id))
		keys[id] = k
	}
	return k
}

// AppKey is the key of developer app n in these tests.
func AppKey(n int64) *ecdsa.PrivateKey { return UserKey(-n) }

// Next returns a random action and the key that signs it.
func (g *Actions) Next() (contracts.Action, *ecdsa.PrivateKey, error) {
	a, signer, err := g.draw()
	if err != nil {
		return contracts.Action{}, nil, err
	}
	for i := range a.Nonce {
		a.Nonce[i] = byte(g.rng.UintN(256))
	}
	switch g.rng.IntN(20) {
	case 0:
		signer = g.rng.Int64N(g.users+2) + 1 // a stranger, or a manager, signs for the user
	case 1:
		signer = -(g.rng.Int64N(appCount) + 1) // an app signs for the user
	}
	return a, UserKey(signer), nil
}

// appCount is how many developer app keys the actions use.
const appCount = 3

// Signed returns the calldata of a manageEntity call relaying the next
// action to contract.
func (g *Actions) Signed(chainID *big.Int, contract common.Address) ([]byte, error) {
	a, key, err := g.Next()
	if err != nil {
		return nil, err
	}
	sig, err := contracts.SignAction(key, chainID, contract, a)
	if err != nil {
		return nil, err
	}
	return contracts.PackManageEntity(a, sig)
}

// pick returns an existing-looking id up to max, now and then one past it.
func (g *Actions) pick(max int64) int64 {
	return g.rng.Int64N(max+2) + 1
}

var (
	handles = []string{"ada", "brahms", "cleo", "dido", "echo", "fela", "gil", "hana", "Ada", "bad handle!"}
	words   = []string{"Night", "Harbor", "Kiln", "Salt", "Polar", "Glaze", "Sun", "Steps", "Mix", ""}
	genres  = []string{"Ambient", "Electronic", "House", "Folk", "Acoustic"}
)

func (g *Actions) word() string { return words[g.rng.IntN(len(words))] }

// draw picks the action and who should sign it.
func (g *Actions) draw() (contracts.Action, int64, error) {
	user := g.pick(g.users)
	a := contracts.Action{UserID: user}
	var data any
	switch r := g.rng.IntN(100); {
	case r < 14 || g.users == 0:
		id := g.users + 1
		if g.rng.IntN(8) == 0 && g.users > 0 {
			id = g.pick(g.users) // exists already
		} else {
			g.users = id
		}
		a = contracts.Action{UserID: id, EntityType: discovery.EntityUser, EntityID: id, Action: discovery.ActionCreate}
		data = map[string]any{"handle": handles[g.rng.IntN(len(handles))] + fmt.Sprint(g.rng.IntN(4)), "name": g.word(), "bio": g.word()}
		user = id
	case r < 22:
		a.EntityType, a.EntityID, a.Action = discovery.EntityUser, user, discovery.ActionUpdate
		d := map[string]any{"name": g.word() + " " + g.word(), "location": g.word()}
		if g.rng.IntN(4) == 0 {
			d["handle"] = handles[g.rng.IntN(len(handles))] + fmt.Sprint(g.rng.IntN(4))
		}
		data = d
	case r < 36:
		id := g.tracks + 1
		if g.rng.IntN(10) == 0 && g.tracks > 0 {
			id = g.pick(g.tracks)
		} else {
			g.tracks = id
		}
		a.EntityType, a.EntityID, a.Action = discovery.EntityTrack, id, discovery.ActionCreate
		data = map[string]any{"title": g.word() + " " + g.word(), "genre": genres[g.rng.IntN(len(genres))], "duration": g.rng.IntN(600)}
	case r < 43:
		a.EntityType, a.EntityID, a.Action = discovery.EntityTrack, g.pick(g.tracks), discovery.ActionUpdate
		data = map[string]any{"title": g.word() + " (edit)", "mood": g.word()}
	case r < 47:
		a.EntityType, a.EntityID, a.Action = discovery.EntityTrack, g.pick(g.tracks), discovery.ActionDelete
	case r < 54:
		id := g.playlists + 1
		g.playlists = id
		var tracks []map[string]any
		for range g.rng.IntN(4) {
			tracks = append(tracks, map[string]any{"track": g.pick(g.tracks), "time": 1_700_000_000 + g.rng.IntN(1000)})
		}
		a.EntityType, a.EntityID, a.Action = discovery.EntityPlaylist, id, discovery.ActionCreate
		data = map[string]any{"playlist_name": g.word() + " Mix", "is_album": g.rng.IntN(3) == 0, "playlist_contents": map[string]any{"track_ids": tracks}}
	case r < 58:
		a.EntityType, a.EntityID, a.Action = discovery.EntityPlaylist, g.pick(g.playlists), discovery.ActionUpdate
		data = map[string]any{"description": g.word()}
	case r < 60:
		a.EntityType, a.EntityID, a.Action = discovery.EntityPlaylist, g.pick(g.playlists), discovery.ActionDelete
	case r < 72:
		a.EntityType, a.EntityID, a.Action = discovery.EntityUser, g.pick(g.users), discovery.ActionFollow
	case r < 77:
		a.EntityType, a.EntityID, a.Action = discovery.EntityUser, g.pick(g.users), discovery.ActionUnfollow
	case r < 93:
		social := []string{discovery.ActionRepost, discovery.ActionSave, discovery.ActionRepost, discovery.ActionSave, discovery.ActionUnrepost, discovery.ActionUnsave}
		a.Action = social[g.rng.IntN(len(social))]
		if g.rng.IntN(3) == 0 {
			a.EntityType, a.EntityID = discovery.EntityPlaylist, g.pick(g.playlists)
		} else {
			a.EntityType, a.EntityID = discovery.EntityTrack, g.pick(g.tracks)
		}
	case r < 98:
		return g.drawProtocol(a, user)
	default:
		a.EntityType, a.EntityID, a.Action = discovery.EntityTrack, g.tracks+1, discovery.ActionCreate
		a.Metadata = `{"cid": "bafy", "data": ` // malformed
		return a, user, nil
	}
	if data != nil {
		md, err := devchain.Metadata(data)
		if err != nil {
			return contracts.Action{}, 0, err
		}
		a.Metadata = md
	}
	return a, user, nil
}

// drawProtocol draws the newer actions: subscriptions, remixes and stems,
// artist picks, deactivation, metadata by CID, developer apps and grants.
func (g *Actions) drawProtocol(a contracts.Action, user int64) (contracts.Action, int64, error) {
	var data any
	switch g.rng.IntN(10) {
	case 0:
		a.EntityType, a.EntityID = discovery.EntityUser, g.pick(g.users)
		a.Action = []string{discovery.ActionSubscribe, discovery.ActionUnsubscribe}[g.rng.IntN(2)]
	case 1:
		id := g.tracks + 1
		g.tracks = id
		a.EntityType, a.EntityID, a.Action = discovery.EntityTrack, id, discovery.ActionCreate
		d := map[string]any{"title": g.word() + " " + g.word()}
		if g.rng.IntN(2) == 0 {
			d["remix_of"] = map[string]any{"tracks": []map[string]any{{"parent_track_id": g.pick(g.tracks)}}}
		} else {
			d["stem_of"] = map[string]any{"parent_track_id": g.pick(g.tracks), "category": "bass"}
		}
		data = d
	case 2:
		a.EntityType, a.EntityID, a.Action = discovery.EntityUser, user, discovery.ActionUpdate
		if g.rng.IntN(2) == 0 {
			data = map[string]any{"artist_pick_track_id": g.pick(g.tracks)}
		} else {
			data = map[string]any{"is_deactivated": g.rng.IntN(2) == 0}
		}
	case 3:
		// Metadata by CID: indexed pending; no worker runs here, so only the
		// chain-derived part counts.
		a.EntityType, a.EntityID, a.Action = discovery.EntityTrack, g.pick(g.tracks), discovery.ActionUpdate
		a.Metadata = devchain.CID([]byte(g.word()))
		return a, user, nil
	case 4, 5:
		n := g.rng.Int64N(appCount) + 1
		a.EntityType, a.EntityID = discovery.EntityDeveloperApp, 1
		app := crypto.PubkeyToAddress(AppKey(n).PublicKey)
		if g.rng.IntN(4) == 0 {
			a.Action, data = discovery.ActionDelete, map[string]any{"address": app.Hex()}
			break
		}
		msg := content.AppMessage(app, user)
		sig, err := crypto.Sign(accounts.TextHash([]byte(msg)), AppKey(n))
		if err != nil {
			return contracts.Action{}, 0, err
		}
		sig[crypto.RecoveryIDOffset] += 27
		a.Action = discovery.ActionCreate
		data = map[string]any{"address": app.Hex(), "name": g.word(), "app_signature": map[string]any{"message": msg, "signature": hexutil.Encode(sig)}}
	case 6, 7:
		var grantee common.Address
		if g.rng.IntN(2) == 0 {
			grantee = crypto.PubkeyToAddress(AppKey(g.rng.Int64N(appCount) + 1).PublicKey)
		} else {
			grantee = crypto.PubkeyToAddress(UserKey(g.pick(g.users)).PublicKey)
		}
		a.EntityType, a.EntityID = discovery.EntityGrant, 1
		a.Action = []string{discovery.ActionCreate, discovery.ActionCreate, discovery.ActionDelete}[g.rng.IntN(3)]
		data = map[string]any{"grantee_address": grantee.Hex()}
	default:
		a.EntityType, a.EntityID = discovery.EntityGrant, 1
		a.Action = []string{discovery.ActionApprove, discovery.ActionApprove, discovery.ActionReject}[g.rng.IntN(3)]
		data = map[string]any{"grantor_user_id": g.pick(g.users)}
	}
	if data != nil {
		md, err := devchain.Metadata(data)
		if err != nil {
			return contracts.Action{}, 0, err
		}
		a.Metadata = md
	}
	return a, user, nil
}
