package contracts

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
)

// ManageEntitySignature is the canonical signature of the contract's one
// event; its hash is the topic the follower filters on.
const ManageEntitySignature = "ManageEntity(uint256,address,string,uint256,string,string)"

// ManageEntityTopic is topic0 of every ManageEntity log. The event has no
// indexed arguments, so this is the log's only topic.
var ManageEntityTopic = crypto.Keccak256Hash([]byte(ManageEntitySignature))

// ManageIsVerifiedSignature is the EntityManager's verification event,
// emitted only by a call from the contract's verifier (its deployer).
const ManageIsVerifiedSignature = "ManageIsVerified(uint256,bool)"

// ManageIsVerifiedTopic is topic0 of a ManageIsVerified log; like
// ManageEntity it has no indexed arguments.
var ManageIsVerifiedTopic = crypto.Keccak256Hash([]byte(ManageIsVerifiedSignature))

// EIP-712 names the contract hashes; they must match EntityManager.sol.
const (
	domainName    = "Entity Manager"
	domainVersion = "1"
	domainType    = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
	actionType    = "ManageEntity(uint256 userId,string entityType,uint256 entityId,string action,string metadata,bytes32 nonce)"
)

// Action is one content-protocol action as a user signs it. The nonce makes
// each signed action usable once; pick it at random.
type Action struct {
	UserID     int64
	EntityType string
	EntityID   int64
	Action     string
	Metadata   string
	Nonce      [32]byte
}

// Digest returns the EIP-712 hash a user signs for a, as EntityManager
// deployed at contract on chainID recomputes it.
func Digest(chainID *big.Int, contract common.Address, a Action) (common.Hash, error) {
	if chainID == nil || chainID.Sign() <= 0 {
		return common.Hash{}, fmt.Errorf("hashing action: chain id must be positive")
	}
	if a.UserID < 0 || a.EntityID < 0 {
		return common.Hash{}, fmt.Errorf("hashing action: ids must not be negative (user %d, entity %d)", a.UserID, a.EntityID)
	}
	domain := crypto.Keccak256(
		crypto.Keccak256([]byte(domainType)),
		crypto.Keccak256([]byte(domainName)),
		crypto.Keccak256([]byte(domainVersion)),
		math.U256Bytes(new(big.Int).Set(chainID)),
		common.LeftPadBytes(contract.Bytes(), 32),
	)
	structHash := crypto.Keccak256(
		crypto.Keccak256([]byte(actionType)),
		math.U256Bytes(big.NewInt(a.UserID)),
		crypto.Keccak256([]byte(a.EntityType)),
		math.U256Bytes(big.NewInt(a.EntityID)),
		crypto.Keccak256([]byte(a.Action)),
		crypto.Keccak256([]byte(a.Metadata)),
		a.Nonce[:],
	)
	return crypto.Keccak256Hash([]byte("\x19\x01"), domain, structHash), nil
}

// SignAction signs a as the holder of key, producing the 65-byte
// [r || s || v] signature (v 27 or 28, low s) that manageEntity accepts.
func SignAction(key *ecdsa.PrivateKey, chainID *big.Int, contract common.Address, a Action) ([]byte, error) {
	digest, err := Digest(chainID, contract, a)
	if err != nil {
		return nil, err
	}
	sig, err := crypto.Sign(digest.Bytes(), key)
	if err != nil {
		return nil, fmt.Errorf("signing action: %w", err)
	}
	sig[crypto.RecoveryIDOffset] += 27
	return sig, nil
}

// PackManageEntity returns the calldata that relays a, signed with sig.
func PackManageEntity(a Action, sig []byte) ([]byte, error) {
	data, err := NewEntityManager().TryPackManageEntity(big.NewInt(a.UserID), a.EntityType, big.NewInt(a.EntityID), a.Action, a.Metadata, a.Nonce, sig)
	if err != nil {
		return nil, fmt.Errorf("packing manageEntity call: %w", err)
	}
	return data, nil
}

// PlaySignature is the Plays contract's event; its hash is topic0 of every
// play log.
const PlaySignature = "Play(uint256,uint256,uint256)"

// PlayTopic is topic0 of a Play log.
var PlayTopic = crypto.Keccak256Hash([]byte(PlaySignature))
