package discovery

// Trending ranks tracks and playlists by recent attention, in the spirit of
// the Audius "AggregateInterval" strategy. docs/trending.md gives the whole
// formula with a worked example; the constants below are its weights, kept
// here once so both stores compute exactly the same thing.

// TrendingWindow is the period a trending ranking looks back over, measured
// from the indexed head block's time (never the wall clock), so a ranking is
// a function of the indexed state alone.
type TrendingWindow string

// The windows of the Audius API's time parameter.
const (
	TrendingWeek    TrendingWindow = "week"
	TrendingMonth   TrendingWindow = "month"
	TrendingYear    TrendingWindow = "year"
	TrendingAllTime TrendingWindow = "allTime"
)

// TrendingWindows lists every window, shortest first.
var TrendingWindows = []TrendingWindow{TrendingWeek, TrendingMonth, TrendingYear, TrendingAllTime}

// Days returns the window's length in days, and 0 for allTime, which has no
// window and no time decay.
func (w TrendingWindow) Days() int64 {
	switch w {
	case TrendingWeek:
		return 7
	case TrendingMonth:
		return 30
	case TrendingYear:
		return 365
	default:
		return 0
	}
}

// Valid reports whether w is one of TrendingWindows.
func (w TrendingWindow) Valid() bool {
	switch w {
	case TrendingWeek, TrendingMonth, TrendingYear, TrendingAllTime:
		return true
	}
	return false
}

// Weights and thresholds of the trending formula (docs/trending.md). The
// letters are those of the reference implementation.
const (
	TrendingPlayWeight         = 1.0  // N: per play in the window
	TrendingWindowRepostWeight = 50.0 // F: per repost made in the window
	TrendingWindowSaveWeight   = 1.0  // O: per save made in the window
	TrendingRepostWeight       = 0.25 // R: per repost, ever
	TrendingSaveWeight         = 0.01 // i: per save, ever
	TrendingDecayBase          = 1e5  // q: an item older than the window loses a factor q per window of extra age, down to 1/q
	TrendingMinOwnerFollowers  = 3    // y: owners with fewer followers are not ranked
	TrendingMinPlaylistTracks  = 3    // playlists with fewer live tracks are not ranked
	TrendingPlaylistListens    = 1.0  // a playlist's "plays" term, constant as in the reference
	// TrendingDepth is how deep a ranking goes: the top TrendingDepth of
	// each window, and of each genre (tracks) or kind (playlists, albums)
	// in it. Audius serves the top 100; keeping only the top keeps a
	// refresh's writes small however large the index grows.
	TrendingDepth = 1000
)

// TrendingTrackQuery selects a page of trending tracks. An empty Genre
// ranks every genre; otherwise only tracks whose genre is exactly Genre.
type TrendingTrackQuery struct {
	Window TrendingWindow
	Genre  string
	Page   Page
}

// TrendingPlaylistQuery selects a page of trending playlists, or of
// trending albums when Albums is set.
type TrendingPlaylistQuery struct {
	Window TrendingWindow
	Albums bool
	Page   Page
}

// TrendingTrack is a ranked track with its score, best first in a ranking;
// equal scores are ordered by id.
type TrendingTrack struct {
	Track Track
	Score float64
}

// TrendingPlaylist is a ranked playlist or album with its score.
type TrendingPlaylist struct {
	Playlist Playlist
	Score    float64
}

// ClipTrendingPage limits a page of a ranking to its first TrendingDepth
// places (a zero Limit, "no limit", included); ok is false when the page
// starts past them. Stores keep a little more than each ranking's depth
// (the top of every genre, too), so a page beyond it would be incomplete.
// Negative pages are the caller's to refuse.
func ClipTrendingPage(p Page) (clipped Page, ok bool) {
	if p.Offset >= TrendingDepth {
		return Page{}, false
	}
	if room := TrendingDepth - p.Offset; p.Limit == 0 || p.Limit > room {
		p.Limit = room
	}
	return p, true
}
