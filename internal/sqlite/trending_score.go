package sqlite

import "github.com/discovery-node/discovery"

// The trending formula of docs/trending.md as SQL over the indexed tables,
// the same as the Postgres store's but for the dialect. Each scoring query
// yields one row per (window, eligible item) with a positive score that
// is among the top of its ranking (discovery.TrendingDepth), as of the
// head block in the same snapshot, so it serves both the refresh
// (INSERT ... SELECT) and the reads made before the first refresh.
// Parameters, in every scoring query:
//
//	?1..?3   week, month and year in days
//	?4       the item type of the reposts and saves counted
//	?5..?9   weights N, F, O, R, i
//	?10      decay base q
//	?11      fewest followers an owner needs
//	tracks:    ?12 the depth of a ranking
//	playlists: ?12 the listens term, ?13 fewest live tracks, ?14 the depth

// trendingInputs are the CTEs both scoring queries share: the head's time
// and day, the windows, and per item its reposts and saves, ever and in
// each window, and its karma (the followers of the users who reposted or
// saved it, deactivated users counting none).
const trendingInputs = `
head AS (
	SELECT time AS t, time / 86400 AS d FROM blocks ORDER BY number DESC LIMIT 1
),
ranges (name, days) AS (
	VALUES ('week', ?1), ('month', ?2), ('year', ?3), ('allTime', 0)
),
acts AS (
	SELECT a.item_id, a.is_repost, a.created_at, u.follower_count
	FROM (
		SELECT item_id, 1 AS is_repost, created_at, user_id FROM reposts WHERE item_type = ?4
		UNION ALL
		SELECT item_id, 0, created_at, user_id FROM saves WHERE item_type = ?4
	) a
	LEFT JOIN users u ON u.id = a.user_id AND NOT u.is_deactivated
),
social AS (
	SELECT a.item_id,
		count(*) FILTER (WHERE a.is_repost) AS reposts,
		count(*) FILTER (WHERE a.is_repost AND a.created_at > head.t - ?1 * 86400) AS reposts_week,
		count(*) FILTER (WHERE a.is_repost AND a.created_at > head.t - ?2 * 86400) AS reposts_month,
		count(*) FILTER (WHERE a.is_repost AND a.created_at > head.t - ?3 * 86400) AS reposts_year,
		count(*) FILTER (WHERE NOT a.is_repost) AS saves,
		count(*) FILTER (WHERE NOT a.is_repost AND a.created_at > head.t - ?1 * 86400) AS saves_week,
		count(*) FILTER (WHERE NOT a.is_repost AND a.created_at > head.t - ?2 * 86400) AS saves_month,
		count(*) FILTER (WHERE NOT a.is_repost AND a.created_at > head.t - ?3 * 86400) AS saves_year,
		coalesce(sum(a.follower_count), 0) AS karma
	FROM acts a CROSS JOIN head
	GROUP BY a.item_id
)`

// Terms of the score, for an item e (tracks or playlists) joined with its
// social row s, a window r and the head. Windowed counts of allTime are
// the counts ever. The weights are REAL parameters, so the arithmetic is
// in floating point as on Postgres.
const (
	trendingWindowReposts = `coalesce(CASE r.name WHEN 'week' THEN s.reposts_week WHEN 'month' THEN s.reposts_month
		WHEN 'year' THEN s.reposts_year ELSE s.reposts END, 0)`
	trendingWindowSaves = `coalesce(CASE r.name WHEN 'week' THEN s.saves_week WHEN 'month' THEN s.saves_month
		WHEN 'year' THEN s.saves_year ELSE s.saves END, 0)`
	trendingSocial = `?6 * ` + trendingWindowReposts + `
		+ ?7 * ` + trendingWindowSaves + `
		+ ?8 * coalesce(s.reposts, 0) + ?9 * coalesce(s.saves, 0)`
	trendingKarma = `max(1.0, coalesce(s.karma, 0))`
	// trendingDecay is max(1/q, q^(1 - age/days)) past the window, with
	// age in whole days; the exponent is clamped at -1, where the floor
	// takes over anyway.
	trendingDecay = `CASE WHEN r.days = 0 OR (head.t - e.created_at) / 86400 <= r.days THEN 1.0
		ELSE power(?10, max(-1.0, 1.0 - ((head.t - e.created_at) / 86400) * 1.0 / r.days)) END`
)

// trackScoresQuery scores listed, live tracks that are not stems, of
// owners who are active and have enough followers, and keeps the top of
// each window and of each genre in it.
const trackScoresQuery = `WITH ` + trendingInputs + `,
plays AS (
	SELECT p.track_id,
		sum(p.count) FILTER (WHERE p.day > head.d - ?1) AS week,
		sum(p.count) FILTER (WHERE p.day > head.d - ?2) AS month,
		sum(p.count) FILTER (WHERE p.day > head.d - ?3) AS year,
		sum(p.count) AS all_time
	FROM play_days p CROSS JOIN head
	GROUP BY p.track_id
),
scored AS (
	SELECT r.name AS time_range, e.id AS track_id, e.genre,
		(?5 * coalesce(CASE r.name WHEN 'week' THEN p.week WHEN 'month' THEN p.month
			WHEN 'year' THEN p.year ELSE p.all_time END, 0)
		+ ` + trendingSocial + `) * ` + trendingKarma + ` * ` + trendingDecay + ` AS score
	FROM tracks e
	JOIN users o ON o.id = e.owner_id
	CROSS JOIN head
	CROSS JOIN ranges r
	LEFT JOIN plays p ON p.track_id = e.id
	LEFT JOIN social s ON s.item_id = e.id
	WHERE NOT e.is_delete AND NOT e.is_unlisted AND e.stem_of = 0
		AND NOT o.is_deactivated AND o.follower_count >= ?11
),
ranked AS (
	SELECT time_range, track_id, genre, score,
		row_number() OVER (PARTITION BY time_range ORDER BY score DESC, track_id) AS overall,
		row_number() OVER (PARTITION BY time_range, genre ORDER BY score DESC, track_id) AS in_genre
	FROM scored WHERE score > 0
)
SELECT time_range, track_id, genre, score FROM ranked WHERE overall <= ?12 OR in_genre <= ?12`

// playlistScoresQuery scores public, live playlists and albums with
// enough live tracks, of owners who are active and have enough followers,
// that were reposted or saved in the window, and keeps the top of each
// window and kind (playlists, albums).
const playlistScoresQuery = `WITH ` + trendingInputs + `,
live AS (
	SELECT e.id, count(DISTINCT t.id) AS tracks
	FROM playlists e
	CROSS JOIN json_each(e.tracks) AS j
	JOIN tracks t ON t.id = json_extract(j.value, '$.track_id') AND NOT t.is_delete
	WHERE NOT e.is_delete AND NOT e.is_private
	GROUP BY e.id
),
scored AS (
	SELECT r.name AS time_range, e.id AS playlist_id, e.is_album,
		` + trendingWindowReposts + ` + ` + trendingWindowSaves + ` AS acted,
		(?5 * ?12 + ` + trendingSocial + `) * ` + trendingKarma + ` * ` + trendingDecay + ` AS score
	FROM playlists e
	JOIN live l ON l.id = e.id
	JOIN users o ON o.id = e.owner_id
	JOIN social s ON s.item_id = e.id
	CROSS JOIN head
	CROSS JOIN ranges r
	WHERE l.tracks >= ?13 AND NOT o.is_deactivated AND o.follower_count >= ?11
),
ranked AS (
	SELECT time_range, playlist_id, is_album, score,
		row_number() OVER (PARTITION BY time_range, is_album ORDER BY score DESC, playlist_id) AS place
	FROM scored WHERE acted > 0
)
SELECT time_range, playlist_id, is_album, score FROM ranked WHERE place <= ?14`

// trackScoreArgs are the parameters of trackScoresQuery.
func trackScoreArgs() []any {
	return append(scoreArgs(discovery.ItemTrack), int64(discovery.TrendingDepth))
}

// playlistScoreArgs are the parameters of playlistScoresQuery.
func playlistScoreArgs() []any {
	return append(scoreArgs(discovery.ItemPlaylist),
		float64(discovery.TrendingPlaylistListens), int64(discovery.TrendingMinPlaylistTracks), int64(discovery.TrendingDepth))
}

// scoreArgs passes every weight as a float64, so SQLite computes the score
// in floating point even where a weight is a whole number.
func scoreArgs(itemType string) []any {
	return []any{
		discovery.TrendingWeek.Days(), discovery.TrendingMonth.Days(), discovery.TrendingYear.Days(),
		itemType,
		float64(discovery.TrendingPlayWeight), float64(discovery.TrendingWindowRepostWeight),
		float64(discovery.TrendingWindowSaveWeight), float64(discovery.TrendingRepostWeight),
		float64(discovery.TrendingSaveWeight), float64(discovery.TrendingDecayBase),
		int64(discovery.TrendingMinOwnerFollowers),
	}
}
