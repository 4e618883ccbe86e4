package postgres

import (
	"cmp"
	"maps"
	"slices"

	"github.com/discovery-node/discovery"
)

// checkChanges refuses a Changes whose map keys disagree with the rows they
// hold, or that holds a nil entity: entities are never deleted, only marked,
// so a nil there is a bug in the caller rather than an instruction.
func checkChanges(c *discovery.Changes) error {
	for id, u := range c.Users {
		if u == nil || u.ID != id {
			return discovery.Errorf(discovery.EINVALID, "user %d: missing row or id mismatch", id)
		}
	}
	for id, t := range c.Tracks {
		if t == nil || t.ID != id {
			return discovery.Errorf(discovery.EINVALID, "track %d: missing row or id mismatch", id)
		}
	}
	for id, p := range c.Playlists {
		if p == nil || p.ID != id {
			return discovery.Errorf(discovery.EINVALID, "playlist %d: missing row or id mismatch", id)
		}
	}
	for k, f := range c.Follows {
		if f != nil && f.FollowKey != k {
			return discovery.Errorf(discovery.EINVALID, "follow %d->%d: key mismatch", k.FollowerID, k.FolloweeID)
		}
	}
	for _, m := range []map[discovery.ItemKey]*discovery.ItemAction{c.Reposts, c.Saves} {
		for k, a := range m {
			if a != nil && a.ItemKey != k {
				return discovery.Errorf(discovery.EINVALID, "%s %d by user %d: key mismatch", k.ItemType, k.ItemID, k.UserID)
			}
		}
	}
	return nil
}

// sortedRows returns the values of m ordered by key, so statements touch
// rows in a stable order (reproducible, and no lock-order surprises).
func sortedRows[T any](m map[int64]*T) []*T {
	out := make([]*T, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[id])
	}
	return out
}

// splitFollows splits edge changes into rows to write and keys to delete,
// each in key order.
func splitFollows(m map[discovery.FollowKey]*discovery.Follow) (put []*discovery.Follow, del []discovery.FollowKey) {
	keys := slices.SortedFunc(maps.Keys(m), func(a, b discovery.FollowKey) int {
		return cmp.Or(cmp.Compare(a.FollowerID, b.FollowerID), cmp.Compare(a.FolloweeID, b.FolloweeID))
	})
	for _, k := range keys {
		if f := m[k]; f != nil {
			put = append(put, f)
		} else {
			del = append(del, k)
		}
	}
	return put, del
}

// splitItems is splitFollows for reposts and saves.
func splitItems(m map[discovery.ItemKey]*discovery.ItemAction) (put []*discovery.ItemAction, del []discovery.ItemKey) {
	keys := slices.SortedFunc(maps.Keys(m), func(a, b discovery.ItemKey) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.ItemType, b.ItemType), cmp.Compare(a.ItemID, b.ItemID))
	})
	for _, k := range keys {
		if a := m[k]; a != nil {
			put = append(put, a)
		} else {
			del = append(del, k)
		}
	}
	return put, del
}

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
