package sqlite

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// checkChanges refuses a Changes the store could not undo exactly or whose
// digest would be wrong: map keys that disagree with their rows, a changed
// row without a prior image or a prior image of an unchanged row, and a
// rejected action of another block (a revert removes them by block).
func checkChanges(b discovery.BlockRef, c *discovery.Changes) error {
	userID := func(u *discovery.User) int64 { return u.ID }
	trackID := func(t *discovery.Track) int64 { return t.ID }
	playlistID := func(p *discovery.Playlist) int64 { return p.ID }
	followKey := func(f *discovery.Follow) discovery.FollowKey { return f.FollowKey }
	itemKey := func(a *discovery.ItemAction) discovery.ItemKey { return a.ItemKey }
	idName := func(kind string) func(int64) string {
		return func(id int64) string { return fmt.Sprintf("%s %d", kind, id) }
	}
	followName := func(k discovery.FollowKey) string {
		return fmt.Sprintf("follow %d->%d", k.FollowerID, k.FolloweeID)
	}
	itemName := func(kind string) func(discovery.ItemKey) string {
		return func(k discovery.ItemKey) string {
			return fmt.Sprintf("%s of %s %d by user %d", kind, k.ItemType, k.ItemID, k.UserID)
		}
	}
	err := cmp.Or(
		checkTable(c.Users, c.Prior.Users, userID, idName("user")),
		checkTable(c.Tracks, c.Prior.Tracks, trackID, idName("track")),
		checkTable(c.Playlists, c.Prior.Playlists, playlistID, idName("playlist")),
		checkTable(c.Follows, c.Prior.Follows, followKey, followName),
		checkTable(c.Reposts, c.Prior.Reposts, itemKey, itemName("repost")),
		checkTable(c.Saves, c.Prior.Saves, itemKey, itemName("save")),
	)
	if err != nil {
		return err
	}
	for _, r := range c.Rejected {
		if r.Block != b.Number {
			return discovery.Errorf(discovery.EINVALID, "rejected action %s/%d: of block %d, not %d",
				r.TxHash.Hex(), r.LogIndex, r.Block, b.Number)
		}
	}
	return nil
}

// checkTable checks one table of a Changes: every row, new or prior, sits
// under its own key, and the new and prior images have the same keys.
func checkTable[K comparable, V any](rows, prior map[K]*V, keyOf func(*V) K, name func(K) string) error {
	for k, r := range rows {
		if r != nil && keyOf(r) != k {
			return discovery.Errorf(discovery.EINVALID, "%s: key mismatch", name(k))
		}
		if _, ok := prior[k]; !ok {
			return discovery.Errorf(discovery.EINVALID, "%s: changed without a prior image", name(k))
		}
	}
	for k, r := range prior {
		if r != nil && keyOf(r) != k {
			return discovery.Errorf(discovery.EINVALID, "%s: prior image key mismatch", name(k))
		}
		if _, ok := rows[k]; !ok {
			return discovery.Errorf(discovery.EINVALID, "%s: prior image of a row the block does not change", name(k))
		}
	}
	return nil
}

// splitRows splits a table of row images into rows to write and keys whose
// row is to be removed, each in key order, so statements touch rows in a
// stable order (reproducible, and no lock-order surprises).
func splitRows[K comparable, V any](m map[K]*V, order func(a, b K) int) (put []*V, del []K) {
	for _, k := range slices.SortedFunc(maps.Keys(m), order) {
		if r := m[k]; r != nil {
			put = append(put, r)
		} else {
			del = append(del, k)
		}
	}
	return put, del
}

func compareFollowKeys(a, b discovery.FollowKey) int {
	return cmp.Or(cmp.Compare(a.FollowerID, b.FollowerID), cmp.Compare(a.FolloweeID, b.FolloweeID))
}

func compareItemKeys(a, b discovery.ItemKey) int {
	return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.ItemType, b.ItemType), cmp.Compare(a.ItemID, b.ItemID))
}

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
