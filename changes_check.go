package discovery

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// Check refuses a Changes the store could not undo exactly or whose
// digest would be wrong: map keys that disagree with their rows, a changed
// row without a prior image or a prior image of an unchanged row, and a
// rejected action of another block (a revert removes them by block).
func (c *Changes) Check(b BlockRef) error {
	userID := func(u *User) int64 { return u.ID }
	trackID := func(t *Track) int64 { return t.ID }
	playlistID := func(p *Playlist) int64 { return p.ID }
	followKey := func(f *Follow) FollowKey { return f.FollowKey }
	itemKey := func(a *ItemAction) ItemKey { return a.ItemKey }
	idName := func(kind string) func(int64) string {
		return func(id int64) string { return fmt.Sprintf("%s %d", kind, id) }
	}
	followName := func(k FollowKey) string {
		return fmt.Sprintf("follow %d->%d", k.FollowerID, k.FolloweeID)
	}
	itemName := func(kind string) func(ItemKey) string {
		return func(k ItemKey) string {
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
		checkTable(c.Subscriptions, c.Prior.Subscriptions, followKey, func(k FollowKey) string {
			return fmt.Sprintf("subscription %d->%d", k.FollowerID, k.FolloweeID)
		}),
		checkTable(c.Routes, c.Prior.Routes, func(r *Route) RouteKey { return r.RouteKey }, func(k RouteKey) string {
			return fmt.Sprintf("route %s %d/%s", k.Kind, k.OwnerID, k.Slug)
		}),
		checkTable(c.DeveloperApps, c.Prior.DeveloperApps, func(a *DeveloperApp) common.Address { return a.Address },
			func(k common.Address) string { return "developer app " + k.Hex() }),
		checkTable(c.Grants, c.Prior.Grants, func(g *Grant) GrantKey { return g.GrantKey }, func(k GrantKey) string {
			return fmt.Sprintf("grant of user %d to %s", k.UserID, k.Grantee.Hex())
		}),
		checkTable(c.PlayDays, c.Prior.PlayDays, func(d *PlayDay) PlayDayKey { return d.PlayDayKey }, func(k PlayDayKey) string {
			return fmt.Sprintf("plays of track %d on day %d", k.TrackID, k.Day)
		}),
	)
	if err != nil {
		return err
	}
	for _, r := range c.Rejected {
		if r.Block != b.Number {
			return Errorf(EINVALID, "rejected action %s/%d: of block %d, not %d",
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
			return Errorf(EINVALID, "%s: key mismatch", name(k))
		}
		if _, ok := prior[k]; !ok {
			return Errorf(EINVALID, "%s: changed without a prior image", name(k))
		}
	}
	for k, r := range prior {
		if r != nil && keyOf(r) != k {
			return Errorf(EINVALID, "%s: prior image key mismatch", name(k))
		}
		if _, ok := rows[k]; !ok {
			return Errorf(EINVALID, "%s: prior image of a row the block does not change", name(k))
		}
	}
	return nil
}

// SplitRows splits a table of row images into rows to write and keys whose
// row is to be removed, each in key order, so statements touch rows in a
// stable order (reproducible, and no lock-order surprises).
func SplitRows[K comparable, V any](m map[K]*V, order func(a, b K) int) (put []*V, del []K) {
	for _, k := range slices.SortedFunc(maps.Keys(m), order) {
		if r := m[k]; r != nil {
			put = append(put, r)
		} else {
			del = append(del, k)
		}
	}
	return put, del
}

// CompareFollowKeys orders follow keys, for SplitRows.
func CompareFollowKeys(a, b FollowKey) int {
	return cmp.Or(cmp.Compare(a.FollowerID, b.FollowerID), cmp.Compare(a.FolloweeID, b.FolloweeID))
}

// CompareItemKeys orders repost and save keys, for SplitRows.
func CompareItemKeys(a, b ItemKey) int {
	return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.ItemType, b.ItemType), cmp.Compare(a.ItemID, b.ItemID))
}

// CompareRouteKeys orders route keys, for SplitRows.
func CompareRouteKeys(a, b RouteKey) int {
	return cmp.Or(cmp.Compare(a.OwnerID, b.OwnerID), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Slug, b.Slug))
}

// CompareAddresses orders developer app addresses, for SplitRows.
func CompareAddresses(a, b common.Address) int { return bytes.Compare(a[:], b[:]) }

// CompareGrantKeys orders grant keys, for SplitRows.
func CompareGrantKeys(a, b GrantKey) int {
	return cmp.Or(cmp.Compare(a.UserID, b.UserID), CompareAddresses(a.Grantee, b.Grantee))
}

// ComparePlayDayKeys orders play-day keys, for SplitRows.
func ComparePlayDayKeys(a, b PlayDayKey) int {
	return cmp.Or(cmp.Compare(a.TrackID, b.TrackID), cmp.Compare(a.Day, b.Day))
}
