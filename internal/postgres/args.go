package postgres

import (
	"github.com/discovery-node/discovery"
)

// pageArgs turns a Page into LIMIT and OFFSET arguments; a zero Limit means
// no limit (LIMIT NULL).
func pageArgs(p discovery.Page) (limit *int, offset int, err error) {
	if p.Offset < 0 || p.Limit < 0 {
		return nil, 0, discovery.Errorf(discovery.EINVALID, "page offset %d, limit %d: must not be negative", p.Offset, p.Limit)
	}
	if p.Limit > 0 {
		limit = &p.Limit
	}
	return limit, p.Offset, nil
}

// u64 converts a block number or unix time for a BIGINT column; values of
// this kind stay far below 2^63.
func u64(v uint64) int64 { return int64(v) }
