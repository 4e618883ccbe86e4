package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// playDayColumns is the select list scanPlayDay reads, in its order.
const playDayColumns = `track_id, day, count`

// playDayOnConflict makes an insert of play days replace existing rows.
const playDayOnConflict = `ON CONFLICT (track_id, day) DO UPDATE SET count = EXCLUDED.count`

func queueUpsertPlayDays(batch *pgx.Batch, rows []*discovery.PlayDay) {
	if len(rows) == 0 {
		return
	}
	const query = `INSERT INTO play_days (` + playDayColumns + `)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
` + playDayOnConflict
	n := len(rows)
	track, day, count := make([]int64, n), make([]int64, n), make([]int64, n)
	for i, d := range rows {
		track[i], day[i], count[i] = d.TrackID, d.Day, d.Count
	}
	batch.Queue(query, track, day, count)
}

func queueDeletePlayDays(batch *pgx.Batch, keys []discovery.PlayDayKey) {
	if len(keys) == 0 {
		return
	}
	const query = `
DELETE FROM play_days p
USING unnest($1::bigint[], $2::bigint[]) AS d(track_id, day)
WHERE p.track_id = d.track_id AND p.day = d.day`
	track, day := make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		track[i], day[i] = k.TrackID, k.Day
	}
	batch.Queue(query, track, day)
}

func scanPlayDay(row pgx.Row) (*discovery.PlayDay, error) {
	var d discovery.PlayDay
	if err := row.Scan(&d.TrackID, &d.Day, &d.Count); err != nil {
		return nil, err
	}
	return &d, nil
}

// PlayDay returns a track's play count on one day.
func (s *Store) PlayDay(ctx context.Context, k discovery.PlayDayKey) (*discovery.PlayDay, bool, error) {
	const query = `SELECT ` + playDayColumns + ` FROM play_days WHERE track_id = $1 AND day = $2`
	d, err := scanPlayDay(s.pool.QueryRow(ctx, query, k.TrackID, k.Day))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("plays of track %d on day %d: %w", k.TrackID, k.Day, err)
	}
	return d, true, nil
}
