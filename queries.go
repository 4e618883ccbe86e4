package discovery

// The API's questions beyond single lookups, grouped by concern so each can
// grow on its own. Each store implements all of them; see ContentQueries for
// the conventions (ENOTFOUND for a missing or deleted entity, Page for lists).

// ListQueries answer the lists of users, tracks and playlists the API
// serves: who reposted or saved what, a user's reposts, favorites,
// playlists and albums, mutuals, related artists, subscribers, the feed,
// remixes and stems, and what a viewer has done to a set of items.
type ListQueries interface{}

// SearchQueries answer relevance-ranked, prefix- and typo-tolerant search
// over users, tracks and playlists.
type SearchQueries interface{}

// TrendingQueries answer trending tracks and playlists.
type TrendingQueries interface{}
