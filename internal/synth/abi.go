package synth

import (
	"encoding/binary"

	"github.com/ethereum/go-ethereum/common"
)

// The event data is ABI-encoded by hand: the generator emits hundreds of
// thousands of logs a second, and reflection-based packing would be most of
// its cost. abi_test.go checks every encoder against go-ethereum's packer.

// appendWord appends v as one big-endian 32-byte word.
func appendWord(dst []byte, v uint64) []byte {
	var w [32]byte
	binary.BigEndian.PutUint64(w[24:], v)
	return append(dst, w[:]...)
}

// appendAddressWord appends a left-padded address word.
func appendAddressWord(dst []byte, a common.Address) []byte {
	var w [32]byte
	copy(w[12:], a[:])
	return append(dst, w[:]...)
}

// appendString appends a string's tail: its length word and its bytes padded
// to a whole word.
func appendString[T string | []byte](dst []byte, s T) []byte {
	dst = appendWord(dst, uint64(len(s)))
	dst = append(dst, s...)
	if pad := (32 - len(s)%32) % 32; pad > 0 {
		var zero [32]byte
		dst = append(dst, zero[:pad]...)
	}
	return dst
}

func paddedLen(n int) uint64 { return uint64((n + 31) / 32 * 32) }

// appendManageEntity appends the data of ManageEntity(uint256 _userId,
// address _signer, string _entityType, uint256 _entityId, string _metadata,
// string _action).
func appendManageEntity(dst []byte, userID int64, signer common.Address, entityType string, entityID int64, metadata []byte, action string) []byte {
	const head = 6 * 32
	offType := uint64(head)
	offMeta := offType + 32 + paddedLen(len(entityType))
	offAction := offMeta + 32 + paddedLen(len(metadata))
	dst = appendWord(dst, uint64(userID))
	dst = appendAddressWord(dst, signer)
	dst = appendWord(dst, offType)
	dst = appendWord(dst, uint64(entityID))
	dst = appendWord(dst, offMeta)
	dst = appendWord(dst, offAction)
	dst = appendString(dst, entityType)
	dst = appendString(dst, metadata)
	return appendString(dst, action)
}

// appendPlay appends the data of Play(uint256 _trackId, uint256 _userId,
// uint256 _timestamp).
func appendPlay(dst []byte, trackID, userID int64, timestamp uint64) []byte {
	dst = appendWord(dst, uint64(trackID))
	dst = appendWord(dst, uint64(userID))
	return appendWord(dst, timestamp)
}

// appendManageIsVerified appends the data of ManageIsVerified(uint256
// _userId, bool _isVerified).
func appendManageIsVerified(dst []byte, userID int64, verified bool) []byte {
	dst = appendWord(dst, uint64(userID))
	b := uint64(0)
	if verified {
		b = 1
	}
	return appendWord(dst, b)
}
