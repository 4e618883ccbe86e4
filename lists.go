package discovery

// The vocabulary of ListQueries: how a list is asked for and what comes
// back when it mixes tracks and playlists.

// Orders of a user's tracks (UserTracksQuery.Sort). Each breaks ties by id
// in the same direction, so pages never overlap.
const (
	TrackByDate        = "date"         // when the track was created (its block)
	TrackByPlays       = "plays"        // play count
	TrackByTitle       = "title"        // title, as stored (byte order)
	TrackByReleaseDate = "release_date" // the release date given in the metadata, then creation
	TrackByReposts     = "reposts"      // repost count
	TrackBySaves       = "saves"        // save count
)

// UserTracksQuery selects and orders one user's tracks. Deleted tracks are
// never listed; Listed and Unlisted say which of the others are.
type UserTracksQuery struct {
	OwnerID  int64
	Sort     string // one of the TrackBy constants; "" is TrackByDate
	Desc     bool
	Listed   bool // include tracks that are not unlisted
	Unlisted bool // include unlisted tracks
}

// Orders of a user's playlists or albums (UserPlaylistsQuery.Sort).
const (
	PlaylistsByRecent  = "recent"  // newest first
	PlaylistsByPopular = "popular" // most reposts and saves together first, then newest
)

// UserPlaylistsQuery selects one user's playlists or albums. Deleted ones
// are never listed; private ones only when IncludePrivate is set.
type UserPlaylistsQuery struct {
	OwnerID        int64
	Albums         bool   // albums instead of playlists
	Sort           string // one of the PlaylistsBy constants; "" is PlaylistsByRecent
	IncludePrivate bool
}

// FeedQuery selects what a user's feed holds: originals are the tracks and
// playlists the users they follow created, reposts are what those users
// reposted. At least one should be set.
type FeedQuery struct {
	UserID    int64
	Originals bool
	Reposts   bool
}

// Activity is one entry of a list that mixes tracks and playlists: a
// user's reposts, or a feed. Block and At are when the entry happened (the
// repost, or for a feed the latest of the creation and the first repost by
// a followed user).
type Activity struct {
	ItemType string // ItemTrack or ItemPlaylist
	ItemID   int64
	Block    uint64
	At       uint64 // block time, unix seconds
}

// UserRelations is how a viewer relates to a set of users: whom the viewer
// follows, and who follows the viewer. Ids absent from a map are false.
type UserRelations struct {
	Follows    map[int64]bool // the viewer follows the user
	FollowedBy map[int64]bool // the user follows the viewer
}

// ItemRelations is what a viewer has done to a set of tracks or playlists.
// Ids absent from a map are false.
type ItemRelations struct {
	Reposted map[int64]bool
	Saved    map[int64]bool
}
