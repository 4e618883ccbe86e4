package discovery

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery/internal/jsontext"
)

// The digest is defined by encoding/json: a row hashes as
// json.Marshal(chainImage(row)). Marshalling by reflection was a tenth of a
// backfill's CPU, so the row types are encoded here by hand, byte for byte
// as encoding/json writes them (field order, names, number and string
// forms). TestRowJSONMatchesEncodingJSON fills every exported field of every
// row type by reflection and compares with json.Marshal, so a field added
// to a row type and forgotten here fails it.

// hashBufs holds encoding buffers; rows are hashed on every core at once
// (PrepareRun).
var hashBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledBuf keeps a playlist of thousands of tracks from pinning its
// buffer in the pool.
const maxPooledBuf = 64 << 10

func putHashBuf(bp *[]byte) {
	if cap(*bp) <= maxPooledBuf {
		hashBufs.Put(bp)
	}
}

// digestRow hashes row as hashBytes(table, json.Marshal(chainImage(*row)))
// does, in *buf, which it may grow.
func digestRow[T any](buf *[]byte, table string, row *T, enc func([]byte, *T) []byte) Digest {
	b := binary.BigEndian.AppendUint64((*buf)[:0], uint64(len(table)))
	b = append(b, table...)
	b = enc(b, row)
	*buf = b
	return sha256.Sum256(b)
}

// sumRows adds the digest of every row of a table's image to d.
func sumRows[K comparable, T any](buf *[]byte, d *Digest, table string, rows map[K]*T, enc func([]byte, *T) []byte) {
	for _, r := range rows {
		if r != nil {
			*d = d.Add(digestRow(buf, table, r, enc))
		}
	}
}

// appendRowJSON appends json.Marshal(chainImage(row)); ok is false for a
// type it does not know, which the caller marshals by reflection. Pointers
// are not rows: chainImage leaves them as they are.
func appendRowJSON(b []byte, row any) (_ []byte, ok bool) {
	switch r := row.(type) {
	case User:
		return appendUserJSON(b, &r), true
	case Track:
		return appendTrackJSON(b, &r), true
	case Playlist:
		return appendPlaylistJSON(b, &r), true
	case Follow:
		return appendFollowJSON(b, &r), true
	case ItemAction:
		return appendItemActionJSON(b, &r), true
	case RejectedAction:
		return appendRejectedJSON(b, &r), true
	case Route:
		return appendRouteJSON(b, &r), true
	case DeveloperApp:
		return appendDeveloperAppJSON(b, &r), true
	case Grant:
		return appendGrantJSON(b, &r), true
	case PlayDay:
		return appendPlayDayJSON(b, &r), true
	}
	return b, false
}

// Scalars as encoding/json writes them. Each appends the key (given with
// its leading separator and colon) then the value.

func appendInt(b []byte, key string, v int64) []byte {
	return strconv.AppendInt(append(b, key...), v, 10)
}

func appendUint(b []byte, key string, v uint64) []byte {
	return strconv.AppendUint(append(b, key...), v, 10)
}

func appendBool(b []byte, key string, v bool) []byte {
	b = append(b, key...)
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

func appendStr(b []byte, key, v string) []byte {
	return jsontext.AppendString(append(b, key...), v)
}

// appendHex writes an address or hash as their MarshalText does:
// 0x-prefixed lowercase hex, which needs no escaping.
func appendHex(b []byte, key string, v []byte) []byte {
	b = append(append(b, key...), `"0x`...)
	return append(hex.AppendEncode(b, v), '"')
}

func appendAddress(b []byte, key string, a *common.Address) []byte { return appendHex(b, key, a[:]) }

func appendHash(b []byte, key string, h *common.Hash) []byte { return appendHex(b, key, h[:]) }
