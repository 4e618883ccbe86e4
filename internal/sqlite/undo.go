package sqlite

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// undoImage is a block's Prior as kept in the undo table until the block
// is final: each table's prior images as a list in key order, so the same
// Prior always encodes to the same bytes (JSON cannot key a map by a
// struct). A nil row means the block created that row. Images written
// before a field existed decode with its zero value, which is the column's
// default.
type undoImage struct {
	Users     []undoRow[int64, discovery.User]                   `json:"users,omitempty"`
	Tracks    []undoRow[int64, discovery.Track]                  `json:"tracks,omitempty"`
	Playlists []undoRow[int64, discovery.Playlist]               `json:"playlists,omitempty"`
	Follows   []undoRow[discovery.FollowKey, discovery.Follow]   `json:"follows,omitempty"`
	Reposts   []undoRow[discovery.ItemKey, discovery.ItemAction] `json:"reposts,omitempty"`
	Saves     []undoRow[discovery.ItemKey, discovery.ItemAction] `json:"saves,omitempty"`

	Subscriptions []undoRow[discovery.FollowKey, discovery.Follow]   `json:"subscriptions,omitempty"`
	Routes        []undoRow[discovery.RouteKey, discovery.Route]     `json:"routes,omitempty"`
	DeveloperApps []undoRow[common.Address, discovery.DeveloperApp]  `json:"developer_apps,omitempty"`
	Grants        []undoRow[discovery.GrantKey, discovery.Grant]     `json:"grants,omitempty"`
	PlayDays      []undoRow[discovery.PlayDayKey, discovery.PlayDay] `json:"play_days,omitempty"`
}

type undoRow[K, V any] struct {
	Key K  `json:"key"`
	Row *V `json:"row"`
}

func encodeUndo(prior discovery.RowSet) ([]byte, error) {
	return json.Marshal(undoImage{
		Users:     undoRows(prior.Users, cmp.Compare[int64]),
		Tracks:    undoRows(prior.Tracks, cmp.Compare[int64]),
		Playlists: undoRows(prior.Playlists, cmp.Compare[int64]),
		Follows:   undoRows(prior.Follows, discovery.CompareFollowKeys),
		Reposts:   undoRows(prior.Reposts, discovery.CompareItemKeys),
		Saves:     undoRows(prior.Saves, discovery.CompareItemKeys),

		Subscriptions: undoRows(prior.Subscriptions, discovery.CompareFollowKeys),
		Routes:        undoRows(prior.Routes, discovery.CompareRouteKeys),
		DeveloperApps: undoRows(prior.DeveloperApps, discovery.CompareAddresses),
		Grants:        undoRows(prior.Grants, discovery.CompareGrantKeys),
		PlayDays:      undoRows(prior.PlayDays, discovery.ComparePlayDayKeys),
	})
}

func undoRows[K comparable, V any](m map[K]*V, order func(a, b K) int) []undoRow[K, V] {
	out := make([]undoRow[K, V], 0, len(m))
	for _, k := range slices.SortedFunc(maps.Keys(m), order) {
		out = append(out, undoRow[K, V]{Key: k, Row: m[k]})
	}
	return out
}

func decodeUndo(data []byte) (discovery.RowSet, error) {
	var u undoImage
	if err := json.Unmarshal(data, &u); err != nil {
		return discovery.RowSet{}, err
	}
	rs := discovery.NewRowSet()
	fill(rs.Users, u.Users)
	fill(rs.Tracks, u.Tracks)
	fill(rs.Playlists, u.Playlists)
	fill(rs.Follows, u.Follows)
	fill(rs.Reposts, u.Reposts)
	fill(rs.Saves, u.Saves)
	fill(rs.Subscriptions, u.Subscriptions)
	fill(rs.Routes, u.Routes)
	fill(rs.DeveloperApps, u.DeveloperApps)
	fill(rs.Grants, u.Grants)
	fill(rs.PlayDays, u.PlayDays)
	return rs, nil
}

func fill[K comparable, V any](m map[K]*V, rows []undoRow[K, V]) {
	for _, r := range rows {
		m[r.Key] = r.Row
	}
}
