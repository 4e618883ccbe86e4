package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// ReadRows reads every row k names in one round trip: one statement per
// table, all sent as one batch. The indexer calls it before validating a
// run of blocks, so its rules find almost every row they ask for already
// read instead of waiting on one query each.
func (s *Store) ReadRows(ctx context.Context, k discovery.RowKeys) (discovery.RowSet, error) {
	rs := discovery.NewRowSet()
	if k.Empty() {
		return rs, nil
	}
	batch := &pgx.Batch{}
	queueRead(batch, len(k.Users) > 0, `SELECT `+userColumns+` FROM users WHERE id = ANY($1)`, scanUser,
		func(u *discovery.User) { rs.Users[u.ID] = u }, k.Users)
	queueRead(batch, len(k.Tracks) > 0, `SELECT `+trackColumns+` FROM tracks WHERE id = ANY($1)`, scanTrack,
		func(t *discovery.Track) { rs.Tracks[t.ID] = t }, k.Tracks)
	queueRead(batch, len(k.Playlists) > 0, `SELECT `+playlistColumns+` FROM playlists WHERE id = ANY($1)`, scanPlaylist,
		func(p *discovery.Playlist) { rs.Playlists[p.ID] = p }, k.Playlists)

	a, b := followPairs(k.Follows)
	queueRead(batch, len(a) > 0, `SELECT `+followColumns+` FROM follows
		WHERE (follower_id, followee_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`, scanFollow,
		func(f *discovery.Follow) { rs.Follows[f.FollowKey] = f }, a, b)
	a, b = followPairs(k.Subscriptions)
	queueRead(batch, len(a) > 0, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE (subscriber_id, user_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`, scanSubscription,
		func(f *discovery.Follow) { rs.Subscriptions[f.FollowKey] = f }, a, b)

	for _, t := range []struct {
		table string
		keys  []discovery.ItemKey
		into  map[discovery.ItemKey]*discovery.ItemAction
	}{{"reposts", k.Reposts, rs.Reposts}, {"saves", k.Saves, rs.Saves}} {
		user, typ, item := itemTriples(t.keys)
		// The two tables are named by constants, never by input.
		query := `SELECT ` + itemColumns + ` FROM ` + t.table + `
			WHERE (user_id, item_type, item_id) IN (SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]))`
		into := t.into
		queueRead(batch, len(user) > 0, query, scanItem, func(a *discovery.ItemAction) { into[a.ItemKey] = a }, user, typ, item)
	}

	gUser, gGrantee := make([]int64, len(k.Grants)), make([]string, len(k.Grants))
	for i, g := range k.Grants {
		gUser[i], gGrantee[i] = g.UserID, lowerHex(g.Grantee)
	}
	queueRead(batch, len(gUser) > 0, `SELECT `+grantColumns+` FROM grants
		WHERE (user_id, grantee_address) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`, scanGrant,
		func(g *discovery.Grant) { rs.Grants[g.GrantKey] = g }, gUser, gGrantee)
	apps := make([]string, len(k.DeveloperApps))
	for i, addr := range k.DeveloperApps {
		apps[i] = lowerHex(addr)
	}
	queueRead(batch, len(apps) > 0, `SELECT `+developerAppColumns+` FROM developer_apps WHERE address = ANY($1)`,
		scanDeveloperApp, func(a *discovery.DeveloperApp) { rs.DeveloperApps[a.Address] = a }, apps)

	track, day := make([]int64, len(k.PlayDays)), make([]int64, len(k.PlayDays))
	for i, d := range k.PlayDays {
		track[i], day[i] = d.TrackID, d.Day
	}
	queueRead(batch, len(track) > 0, `SELECT `+playDayColumns+` FROM play_days
		WHERE (track_id, day) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`, scanPlayDay,
		func(d *discovery.PlayDay) { rs.PlayDays[d.PlayDayKey] = d }, track, day)

	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return discovery.RowSet{}, fmt.Errorf("read rows: %w", err)
	}
	return rs, nil
}

// queueRead queues query, when want, with a callback that scans each row
// and hands it to keep.
func queueRead[T any](batch *pgx.Batch, want bool, query string, scan func(pgx.Row) (*T, error), keep func(*T), args ...any) {
	if !want {
		return
	}
	batch.Queue(query, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			r, err := scan(rows)
			if err != nil {
				return err
			}
			keep(r)
		}
		return rows.Err()
	})
}

func followPairs(keys []discovery.FollowKey) (a, b []int64) {
	a, b = make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		a[i], b[i] = k.FollowerID, k.FolloweeID
	}
	return a, b
}

func itemTriples(keys []discovery.ItemKey) (user []int64, typ []string, item []int64) {
	user, typ, item = make([]int64, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		user[i], typ[i], item[i] = k.UserID, k.ItemType, k.ItemID
	}
	return user, typ, item
}
