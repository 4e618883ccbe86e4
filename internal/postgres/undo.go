package postgres

import (
	"cmp"
	"encoding/json"

	"github.com/discovery-node/discovery"
)

// undoImage is a block's Prior as kept in the undo table until the block
// is final. Rows are spelled like the tables that hold them, with the
// column names as keys (see undorows.go), so RevertBlock writes them back
// server-side (jsonb_populate_recordset) without carrying them to the
// client and back. The keys of rows the block created, which a revert
// deletes, are listed apart. Every list is in key order, so the same Prior
// always encodes to the same bytes.
type undoImage struct {
	Users           []userRow         `json:"users,omitempty"`
	Tracks          []trackRow        `json:"tracks,omitempty"`
	Playlists       []playlistRow     `json:"playlists,omitempty"`
	Follows         []followRow       `json:"follows,omitempty"`
	Reposts         []itemRow         `json:"reposts,omitempty"`
	Saves           []itemRow         `json:"saves,omitempty"`
	Subscriptions   []subscriptionRow `json:"subscriptions,omitempty"`
	Routes          []routeRow        `json:"routes,omitempty"`
	DeveloperApps   []developerAppRow `json:"developer_apps,omitempty"`
	Grants          []grantRow        `json:"grants,omitempty"`
	PlayDays        []playDayRow      `json:"play_days,omitempty"`
	NoUsers         []int64           `json:"no_users,omitempty"`
	NoTracks        []int64           `json:"no_tracks,omitempty"`
	NoPlaylists     []int64           `json:"no_playlists,omitempty"`
	NoFollows       []followKeyRow    `json:"no_follows,omitempty"`
	NoReposts       []itemKeyRow      `json:"no_reposts,omitempty"`
	NoSaves         []itemKeyRow      `json:"no_saves,omitempty"`
	NoSubscriptions []subscriptionKey `json:"no_subscriptions,omitempty"`
	NoRoutes        []routeKeyRow     `json:"no_routes,omitempty"`
	NoDeveloperApps []string          `json:"no_developer_apps,omitempty"`
	NoGrants        []grantKeyRow     `json:"no_grants,omitempty"`
	NoPlayDays      []playDayKeyRow   `json:"no_play_days,omitempty"`
}

// encodeUndo spells prior as an undoImage.
func encodeUndo(prior discovery.RowSet) ([]byte, error) {
	var u undoImage
	users, noUsers := discovery.SplitRows(prior.Users, cmp.Compare[int64])
	tracks, noTracks := discovery.SplitRows(prior.Tracks, cmp.Compare[int64])
	playlists, noPlaylists := discovery.SplitRows(prior.Playlists, cmp.Compare[int64])
	follows, noFollows := discovery.SplitRows(prior.Follows, discovery.CompareFollowKeys)
	reposts, noReposts := discovery.SplitRows(prior.Reposts, discovery.CompareItemKeys)
	saves, noSaves := discovery.SplitRows(prior.Saves, discovery.CompareItemKeys)
	subscriptions, noSubscriptions := discovery.SplitRows(prior.Subscriptions, discovery.CompareFollowKeys)
	routes, noRoutes := discovery.SplitRows(prior.Routes, discovery.CompareRouteKeys)
	apps, noApps := discovery.SplitRows(prior.DeveloperApps, discovery.CompareAddresses)
	grants, noGrants := discovery.SplitRows(prior.Grants, discovery.CompareGrantKeys)
	playDays, noPlayDays := discovery.SplitRows(prior.PlayDays, discovery.ComparePlayDayKeys)
	for _, r := range users {
		u.Users = append(u.Users, userRowOf(r))
	}
	for _, r := range tracks {
		row, err := trackRowOf(r)
		if err != nil {
			return nil, err
		}
		u.Tracks = append(u.Tracks, row)
	}
	for _, r := range playlists {
		row, err := playlistRowOf(r)
		if err != nil {
			return nil, err
		}
		u.Playlists = append(u.Playlists, row)
	}
	for _, r := range follows {
		u.Follows = append(u.Follows, followRow{r.FollowerID, r.FolloweeID, u64(r.Block), u64(r.CreatedAt)})
	}
	for _, k := range noFollows {
		u.NoFollows = append(u.NoFollows, followKeyRow{k.FollowerID, k.FolloweeID})
	}
	u.Reposts, u.NoReposts = itemRows(reposts, noReposts)
	u.Saves, u.NoSaves = itemRows(saves, noSaves)
	for _, r := range subscriptions {
		u.Subscriptions = append(u.Subscriptions, subscriptionRow{r.FollowerID, r.FolloweeID, u64(r.Block), u64(r.CreatedAt)})
	}
	for _, k := range noSubscriptions {
		u.NoSubscriptions = append(u.NoSubscriptions, subscriptionKey{k.FollowerID, k.FolloweeID})
	}
	for _, r := range routes {
		u.Routes = append(u.Routes, routeRow{r.OwnerID, r.Kind, r.Slug, r.EntityID, r.IsCurrent, u64(r.Block)})
	}
	for _, k := range noRoutes {
		u.NoRoutes = append(u.NoRoutes, routeKeyRow{k.OwnerID, k.Kind, k.Slug})
	}
	for _, r := range apps {
		u.DeveloperApps = append(u.DeveloperApps, developerAppRowOf(r))
	}
	for _, k := range noApps {
		u.NoDeveloperApps = append(u.NoDeveloperApps, lowerHex(k))
	}
	for _, r := range grants {
		u.Grants = append(u.Grants, grantRowOf(r))
	}
	for _, k := range noGrants {
		u.NoGrants = append(u.NoGrants, grantKeyRow{k.UserID, lowerHex(k.Grantee)})
	}
	for _, r := range playDays {
		u.PlayDays = append(u.PlayDays, playDayRow{r.TrackID, r.Day, r.Count})
	}
	for _, k := range noPlayDays {
		u.NoPlayDays = append(u.NoPlayDays, playDayKeyRow{k.TrackID, k.Day})
	}
	u.NoUsers, u.NoTracks, u.NoPlaylists = noUsers, noTracks, noPlaylists
	return json.Marshal(u)
}
