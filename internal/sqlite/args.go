package sqlite

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// pageArgs turns a Page into LIMIT and OFFSET arguments; a zero Limit means
// no limit (LIMIT -1 in SQLite).
func pageArgs(p discovery.Page) (limit, offset int, err error) {
	if p.Offset < 0 || p.Limit < 0 {
		return 0, 0, discovery.Errorf(discovery.EINVALID, "page offset %d, limit %d: must not be negative", p.Offset, p.Limit)
	}
	if p.Limit == 0 {
		return -1, p.Offset, nil
	}
	return p.Limit, p.Offset, nil
}

// u64 converts a block number or unix time for an INTEGER column; values
// of this kind stay far below 2^63.
func u64(v uint64) int64 { return int64(v) }

// lowerHex spells an address as lowercase 0x hex, the form stored for
// wallets and signers.
func lowerHex(a common.Address) string {
	return "0x" + common.Bytes2Hex(a.Bytes())
}
