package sqlite

import (
	"context"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// ReadRows reads every row k names. SQLite runs in process, so a point read
// costs no round trip and the reads are simply made one by one, through
// the same methods the indexer calls for a single row.
func (s *Store) ReadRows(ctx context.Context, k discovery.RowKeys) (discovery.RowSet, error) {
	rs := discovery.NewRowSet()
	err := readEach(ctx, k.Users, s.User, rs.Users)
	if err == nil {
		err = readEach(ctx, k.Tracks, s.Track, rs.Tracks)
	}
	if err == nil {
		err = readEach(ctx, k.Playlists, s.Playlist, rs.Playlists)
	}
	if err == nil {
		err = readEach(ctx, k.Follows, s.Follow, rs.Follows)
	}
	if err == nil {
		err = readEach(ctx, k.Reposts, s.Repost, rs.Reposts)
	}
	if err == nil {
		err = readEach(ctx, k.Saves, s.Save, rs.Saves)
	}
	if err == nil {
		err = readEach(ctx, k.Subscriptions, s.Subscription, rs.Subscriptions)
	}
	if err == nil {
		err = readEach(ctx, k.Grants, s.Grant, rs.Grants)
	}
	if err == nil {
		err = readEach[common.Address](ctx, k.DeveloperApps, s.DeveloperApp, rs.DeveloperApps)
	}
	if err == nil {
		err = readEach(ctx, k.PlayDays, s.PlayDay, rs.PlayDays)
	}
	if err != nil {
		return discovery.RowSet{}, err
	}
	return rs, nil
}

// readEach reads the row of every key with read into out, leaving out the
// keys without one.
func readEach[K comparable, V any](ctx context.Context, keys []K, read func(context.Context, K) (*V, bool, error), out map[K]*V) error {
	for _, k := range keys {
		r, ok, err := read(ctx, k)
		if err != nil {
			return err
		}
		if ok {
			out[k] = r
		}
	}
	return nil
}
