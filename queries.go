package discovery

import "context"

// The API's questions beyond single lookups, grouped by concern so each can
// grow on its own. Each store implements all of them; see ContentQueries for
// the conventions (ENOTFOUND for a missing or deleted entity, Page for lists).

// ListQueries answer the lists of users, tracks and playlists the API
// serves: who reposted or saved what, a user's reposts, favorites,
// playlists and albums, mutuals, related artists, subscribers, the feed,
// remixes and stems, and what a viewer has done to a set of items.
//
// Lists leave out what Audius leaves out: deleted tracks and playlists,
// unlisted tracks and private playlists (unless a query says otherwise), the
// content of deactivated users, and deactivated users themselves from lists
// of users. Lists of items return ids and times (Activity) or whole rows; the
// API loads what it embeds in one query per kind.
type ListQueries interface {
	// TracksByID returns the tracks among ids that exist and are not
	// deleted, unlisted ones included, in the order of ids.
	TracksByID(ctx context.Context, ids []int64) ([]Track, error)
	// PlaylistsByID returns the playlists among ids that exist and are not
	// deleted, private ones included, in the order of ids.
	PlaylistsByID(ctx context.Context, ids []int64) ([]Playlist, error)

	// UserTrackList lists one user's tracks as q selects and orders them,
	// stems left out. Sorts other than the TrackBy constants are refused
	// with EINVALID.
	UserTrackList(ctx context.Context, q UserTracksQuery, p Page) ([]Track, error)
	// UserPlaylists lists one user's playlists or albums.
	UserPlaylists(ctx context.Context, q UserPlaylistsQuery, p Page) ([]Playlist, error)
	// UserReposts lists the tracks and playlists userID reposted, newest
	// repost first; reposted stems are left out, as in the feed.
	UserReposts(ctx context.Context, userID int64, p Page) ([]Activity, error)
	// UserFavorites lists the tracks userID saved, newest save first,
	// stems left out.
	UserFavorites(ctx context.Context, userID int64, p Page) ([]ItemAction, error)
	// Mutuals lists the users who follow userID and whom viewerID follows,
	// most followed first.
	Mutuals(ctx context.Context, userID, viewerID int64, p Page) ([]User, error)
	// RelatedUsers lists artists (users with tracks) that userID's
	// followers also follow, those most followers share first, then most
	// followed; the followers read are a sample of at most 250. When
	// excludeFollowedBy is not 0, that user and whom they follow are left
	// out.
	RelatedUsers(ctx context.Context, userID, excludeFollowedBy int64, p Page) ([]User, error)
	// Subscribers lists the users subscribed to userID, most followed first.
	Subscribers(ctx context.Context, userID int64, p Page) ([]User, error)
	// Feed lists the tracks and playlists of the users q.UserID follows and
	// what they reposted, each item once, newest activity first. Stems are
	// left out.
	Feed(ctx context.Context, q FeedQuery, p Page) ([]Activity, error)

	// Reposters lists the users who reposted an item (ItemTrack or
	// ItemPlaylist), most followed first.
	Reposters(ctx context.Context, itemType string, itemID int64, p Page) ([]User, error)
	// Savers lists the users who saved an item, most followed first.
	Savers(ctx context.Context, itemType string, itemID int64, p Page) ([]User, error)
	// Remixes lists the tracks that name trackID as a remix parent, newest
	// first.
	Remixes(ctx context.Context, trackID int64, p Page) ([]Track, error)
	// Stems lists the tracks that are stems of trackID, oldest first;
	// unlisted stems are included, as they belong to their parent.
	Stems(ctx context.Context, trackID int64, p Page) ([]Track, error)

	// FollowRelations answers, in one query, which of userIDs viewerID
	// follows and which follow viewerID.
	FollowRelations(ctx context.Context, viewerID int64, userIDs []int64) (UserRelations, error)
	// ItemRelations answers, in one query, which of the items viewerID
	// reposted and which it saved.
	ItemRelations(ctx context.Context, viewerID int64, itemType string, itemIDs []int64) (ItemRelations, error)
}

// SearchQueries answer relevance-ranked, prefix- and typo-tolerant search
// over users, tracks and playlists (see SearchQuery for the ranking).
// Deactivated users, deleted, unlisted or private content, albums and
// content of deactivated users are never found. A query that fails
// SearchQuery.Validate is refused with EINVALID.
type SearchQueries interface {
	FindUsers(ctx context.Context, q SearchQuery, p Page) ([]User, error)
	FindTracks(ctx context.Context, q SearchQuery, p Page) ([]Track, error)
	FindPlaylists(ctx context.Context, q SearchQuery, p Page) ([]Playlist, error)
}

// TrendingQueries answer trending tracks and playlists. Rankings are
// computed from the tables as of the indexed head (docs/trending.md) and
// kept until the next RefreshTrending, so reads are an index scan; before
// the first refresh they are computed on demand.
type TrendingQueries interface {
	// TrendingTracks ranks listed, live tracks, TrendingDepth places
	// deep; an unknown window is EINVALID.
	TrendingTracks(ctx context.Context, q TrendingTrackQuery) ([]TrendingTrack, error)
	// TrendingPlaylists ranks public, live playlists or albums,
	// TrendingDepth places deep.
	TrendingPlaylists(ctx context.Context, q TrendingPlaylistQuery) ([]TrendingPlaylist, error)
	// RefreshTrending recomputes every ranking from the tables as of the
	// current head, in one transaction, unless they were already computed
	// at that very block (same number and hash), which makes it cheap to
	// call often. After a revert, a refresh gives exactly the rankings a
	// fresh index of the same blocks would.
	RefreshTrending(ctx context.Context) error
}
