package devchain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
)

// Seed relays the demo content to the contracts of d, paid for by relayer,
// which must be the account that deployed them (EntityManager's verifier
// and the Plays recorder). Each action is signed by its user's key
// (UserKey) or by a key the user granted, as the demo shows. It works on any
// chain; ids are fixed (users 1..5, tracks from 1, playlists from 1), so
// seeding the same contracts twice yields only actions the indexer rejects.
func Seed(ctx context.Context, backend bind.Backend, chainID *big.Int, d Deployment, relayerKey *ecdsa.PrivateKey) (SeedResult, error) {
	from := crypto.PubkeyToAddress(relayerKey.PublicKey)
	if err := checkPrivileged(ctx, backend, d, from); err != nil {
		return SeedResult{}, err
	}
	p, err := demoPlan(time.Now().Unix())
	if err != nil {
		return SeedResult{}, err
	}
	em := contracts.NewEntityManager().Instance(backend, d.EntityManager)
	plays := contracts.NewPlays().Instance(backend, d.Plays)
	calls := make([]call, len(p.steps))
	for i, st := range p.steps {
		c := call{to: em, data: st.data, newBlock: st.newBlock, what: st.describe()}
		if st.toPlays {
			c.to = plays
		}
		if st.key != nil {
			if c.data, err = sign(st.key, chainID, d.EntityManager, st.action); err != nil {
				return SeedResult{}, fmt.Errorf("signing %s: %w", c.what, err)
			}
		}
		calls[i] = c
	}
	receipts, err := (&relayer{backend: backend, key: relayerKey, chainID: chainID}).relay(ctx, calls)
	if err != nil {
		return SeedResult{}, fmt.Errorf("seeding demo content: %w", err)
	}

	res := p.result
	res.Contract, res.Plays, res.Relayer = d.EntityManager, d.Plays, from
	res.Verifier = crypto.PubkeyToAddress(VerifierKey().PublicKey)
	res.Transactions = len(receipts)
	if len(receipts) > 0 {
		res.FirstBlock = receipts[0].BlockNumber.Uint64()
		res.LastBlock = receipts[len(receipts)-1].BlockNumber.Uint64()
	}
	days := map[discovery.PlayDayKey]int64{}
	for i, st := range p.steps {
		if st.key != nil {
			res.Actions++
		}
		if n := st.note; n != nil {
			a := *n
			a.TxHash, a.Block = receipts[i].TxHash, receipts[i].BlockNumber.Uint64()
			if a.Kind != "" {
				res.Invalid = append(res.Invalid, a)
			} else {
				res.Delegated = append(res.Delegated, a)
			}
		}
		if len(st.plays) == 0 {
			continue
		}
		h, err := backend.HeaderByNumber(ctx, receipts[i].BlockNumber)
		if err != nil {
			return SeedResult{}, fmt.Errorf("reading block %s of plays: %w", receipts[i].BlockNumber, err)
		}
		for _, pl := range st.plays {
			days[discovery.PlayDayKey{TrackID: pl.track, Day: int64(h.Time / 86400)}]++
		}
	}
	for k, n := range days {
		res.PlayDays = append(res.PlayDays, discovery.PlayDay{PlayDayKey: k, Count: n})
	}
	slices.SortFunc(res.PlayDays, func(a, b discovery.PlayDay) int {
		if a.TrackID != b.TrackID {
			return int(a.TrackID - b.TrackID)
		}
		return int(a.Day - b.Day)
	})
	return res, nil
}

// checkPrivileged refuses to seed with a relayer the contracts do not
// privilege: its verification and plays would revert half way through.
func checkPrivileged(ctx context.Context, backend bind.Backend, d Deployment, relayer common.Address) error {
	em, plays := contracts.NewEntityManager(), contracts.NewPlays()
	opts := &bind.CallOpts{Context: ctx}
	verifier, err := bind.Call(em.Instance(backend, d.EntityManager), opts, em.PackVerifier(), em.UnpackVerifier)
	if err != nil {
		return fmt.Errorf("reading the verifier of EntityManager %s: %w", d.EntityManager, err)
	}
	recorder, err := bind.Call(plays.Instance(backend, d.Plays), opts, plays.PackRecorder(), plays.UnpackRecorder)
	if err != nil {
		return fmt.Errorf("reading the recorder of Plays %s: %w", d.Plays, err)
	}
	if verifier != relayer || recorder != relayer {
		return fmt.Errorf("seeding needs the key that deployed the contracts: relayer %s, EntityManager verifier %s, Plays recorder %s", relayer, verifier, recorder)
	}
	return nil
}

// step is one planned transaction: a ManageEntity action signed by key, or
// a call the relayer makes itself (key nil).
type step struct {
	key    *ecdsa.PrivateKey
	action contracts.Action
	// data is the calldata of a direct call: to EntityManager, or to Plays
	// when toPlays.
	data    []byte
	toPlays bool
	// plays are the accepted plays a playBatch call records.
	plays []demoPlay
	// newBlock puts the step in a block after every earlier step.
	newBlock bool
	// note singles the step out in the result: an invalid action (Kind
	// set) or one signed by a delegate.
	note *SeedAction
}

func (s step) describe() string {
	switch {
	case s.key != nil:
		return describe(s.action)
	case s.toPlays:
		return "playBatch"
	default:
		return "manageIsVerified"
	}
}
