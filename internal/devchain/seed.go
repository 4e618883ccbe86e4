package devchain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
)

// SeedResult is what Seed put on chain and the state an indexer should reach
// from it, so tests and `discovery dev` can check the pipeline end to end.
type SeedResult struct {
	Contract common.Address `json:"contract"`
	Relayer  common.Address `json:"relayer"`

	Users     []SeedUser     `json:"users"`     // valid users, by id
	Tracks    []SeedTrack    `json:"tracks"`    // every valid track, deleted ones included, by id
	Playlists []SeedPlaylist `json:"playlists"` // playlists and albums, by id

	// The edges that exist once every action is applied (an unfollowed or
	// unsaved edge is absent).
	Follows []discovery.FollowKey `json:"follows"`
	Reposts []discovery.ItemKey   `json:"reposts"`
	Saves   []discovery.ItemKey   `json:"saves"`

	// Invalid lists the deliberately invalid actions; the indexer must
	// reject each of them and record why.
	Invalid []SeedAction `json:"invalid"`

	Actions    int    `json:"actions"` // ManageEntity events emitted, invalid ones included
	FirstBlock uint64 `json:"first_block"`
	LastBlock  uint64 `json:"last_block"`
}

// SeedUser is a demo user; its wallet is UserKey(ID)'s address.
type SeedUser struct {
	ID      int64          `json:"id"`
	Handle  string         `json:"handle"`
	Name    string         `json:"name"`
	Wallet  common.Address `json:"wallet"`
	Creator bool           `json:"creator"`
}

// SeedTrack is a demo track as it stands after seeding (renamed tracks carry
// their new title).
type SeedTrack struct {
	ID      int64  `json:"id"`
	OwnerID int64  `json:"owner_id"`
	Title   string `json:"title"`
	Deleted bool   `json:"deleted"`
}

// SeedPlaylist is a demo playlist or album.
type SeedPlaylist struct {
	ID       int64   `json:"id"`
	OwnerID  int64   `json:"owner_id"`
	Name     string  `json:"name"`
	IsAlbum  bool    `json:"is_album"`
	TrackIDs []int64 `json:"track_ids"`
}

// SeedAction is one relayed action that the indexer must reject.
type SeedAction struct {
	UserID     int64          `json:"user_id"`
	EntityType string         `json:"entity_type"`
	EntityID   int64          `json:"entity_id"`
	Action     string         `json:"action"`
	Signer     common.Address `json:"signer"`
	Reason     string         `json:"reason"` // why it is invalid, in words
	TxHash     common.Hash    `json:"tx_hash"`
	Block      uint64         `json:"block"`
}

// Seed relays the demo content to EntityManager at contract: every action
// signed by its own user's key (UserKey) and paid for by relayer. It works
// on any chain; ids are fixed (users 1..5, tracks 1..10, playlists 1..2), so
// seeding the same contract twice yields only actions the indexer rejects.
func Seed(ctx context.Context, backend bind.Backend, chainID *big.Int, contract common.Address, relayer *ecdsa.PrivateKey) (SeedResult, error) {
	p, err := demoPlan(time.Now().Unix())
	if err != nil {
		return SeedResult{}, err
	}
	actions := make([]signed, len(p.steps))
	for i, st := range p.steps {
		if actions[i], err = sign(st.key, chainID, contract, st.action); err != nil {
			return SeedResult{}, fmt.Errorf("signing %s: %w", describe(st.action), err)
		}
	}
	receipts, err := newRelayer(backend, relayer, chainID, contract).relay(ctx, actions)
	if err != nil {
		return SeedResult{}, fmt.Errorf("seeding demo content: %w", err)
	}

	res := p.result
	res.Contract = contract
	res.Relayer = crypto.PubkeyToAddress(relayer.PublicKey)
	res.Actions = len(receipts)
	if len(receipts) > 0 {
		res.FirstBlock = receipts[0].BlockNumber.Uint64()
		res.LastBlock = receipts[len(receipts)-1].BlockNumber.Uint64()
	}
	for i, st := range p.steps {
		if st.invalid == "" {
			continue
		}
		res.Invalid = append(res.Invalid, SeedAction{
			UserID:     st.action.UserID,
			EntityType: st.action.EntityType,
			EntityID:   st.action.EntityID,
			Action:     st.action.Action,
			Signer:     crypto.PubkeyToAddress(st.key.PublicKey),
			Reason:     st.invalid,
			TxHash:     receipts[i].TxHash,
			Block:      receipts[i].BlockNumber.Uint64(),
		})
	}
	return res, nil
}

// step is one planned action: who signs it, and, for a deliberately invalid
// one, why the indexer must reject it.
type step struct {
	key     *ecdsa.PrivateKey
	action  contracts.Action
	invalid string
}
