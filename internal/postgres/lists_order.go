package postgres

import (
	"github.com/discovery-node/discovery"
)

// trackOrders holds the ORDER BY clause of each order of a user's tracks,
// descending then ascending. Lists may only be ordered by these clauses:
// the caller chooses a key, never the text. Text columns compare byte by
// byte (COLLATE "C"), as SQLite does, so both stores list alike.
var trackOrders = map[string][2]string{
	discovery.TrackByDate:        {`created_block DESC, id DESC`, `created_block, id`},
	discovery.TrackByPlays:       {`play_count DESC, id DESC`, `play_count, id`},
	discovery.TrackByTitle:       {`title COLLATE "C" DESC, id DESC`, `title COLLATE "C", id`},
	discovery.TrackByReleaseDate: {`release_date COLLATE "C" DESC, created_block DESC, id DESC`, `release_date COLLATE "C", created_block, id`},
	discovery.TrackByReposts:     {`repost_count DESC, id DESC`, `repost_count, id`},
	discovery.TrackBySaves:       {`save_count DESC, id DESC`, `save_count, id`},
}

// trackOrder returns the ORDER BY clause of a sort, or EINVALID.
func trackOrder(sort string, desc bool) (string, error) {
	if sort == "" {
		sort = discovery.TrackByDate
	}
	o, ok := trackOrders[sort]
	if !ok {
		return "", discovery.Errorf(discovery.EINVALID, "tracks cannot be sorted by %q", sort)
	}
	if desc {
		return o[0], nil
	}
	return o[1], nil
}

// playlistOrders holds the ORDER BY clause of each order of a user's
// playlists.
var playlistOrders = map[string]string{
	discovery.PlaylistsByRecent:  `created_block DESC, id DESC`,
	discovery.PlaylistsByPopular: `repost_count + save_count DESC, created_block DESC, id DESC`,
}

// playlistOrder returns the ORDER BY clause of a sort, or EINVALID.
func playlistOrder(sort string) (string, error) {
	if sort == "" {
		sort = discovery.PlaylistsByRecent
	}
	o, ok := playlistOrders[sort]
	if !ok {
		return "", discovery.Errorf(discovery.EINVALID, "playlists cannot be sorted by %q", sort)
	}
	return o, nil
}
