package devchain

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// Keys are derived from fixed seeds so every start builds the same genesis
// and reopens the same chain, and so a user of the demo can sign as a demo
// user. They guard nothing: never fund them on a real network.
const (
	relayerSeed  = "discovery-dev-relayer"
	userSeed     = "discovery-dev-user-%d"
	verifierSeed = "discovery-dev-verifier"
	appSeed      = "discovery-dev-app-%d"
)

// DevKey returns the private key derived from seed: keccak256(seed), hashed
// again in the vanishingly rare case that is not a valid secp256k1 scalar.
func DevKey(seed string) *ecdsa.PrivateKey {
	b := crypto.Keccak256([]byte(seed))
	for {
		if k, err := crypto.ToECDSA(b); err == nil {
			return k
		}
		b = crypto.Keccak256(b)
	}
}

// RelayerKey is the account that deploys EntityManager and Plays and pays the
// gas of every relayed action; as the deployer it is also EntityManager's
// verifier and the Plays recorder.
func RelayerKey() *ecdsa.PrivateKey { return DevKey(relayerSeed) }

// UserKey is the wallet key of demo user id.
func UserKey(id int64) *ecdsa.PrivateKey { return DevKey(fmt.Sprintf(userSeed, id)) }

// VerifierKey signs User Verify actions: a node run with --verifier set to
// its address accepts them. It only signs, so genesis does not fund it.
func VerifierKey() *ecdsa.PrivateKey { return DevKey(verifierSeed) }

// AppKey is the key of demo developer app n. An app only signs actions for
// the users who granted it, so genesis does not fund it.
func AppKey(n int) *ecdsa.PrivateKey { return DevKey(fmt.Sprintf(appSeed, n)) }

// genesisAlloc funds the relayer generously and each demo user a little, so
// users could also send their own transactions.
func genesisAlloc() types.GenesisAlloc {
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	alloc := types.GenesisAlloc{
		crypto.PubkeyToAddress(RelayerKey().PublicKey): {Balance: new(big.Int).Mul(ether, big.NewInt(1_000_000))},
	}
	for id := int64(1); id <= demoUserKeys; id++ {
		alloc[crypto.PubkeyToAddress(UserKey(id).PublicKey)] = types.Account{Balance: new(big.Int).Mul(ether, big.NewInt(10))}
	}
	return alloc
}
