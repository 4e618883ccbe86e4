package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discovery-node/discovery"
)

// routeColumns is the select list scanRoute reads, in its order.
const routeColumns = `owner_id, kind, slug, entity_id, is_current, block`

func scanRoute(row scanner) (*discovery.Route, error) {
	var r discovery.Route
	if err := row.Scan(&r.OwnerID, &r.Kind, &r.Slug, &r.EntityID, &r.IsCurrent, &r.Block); err != nil {
		return nil, err
	}
	return &r, nil
}

func upsertRoutes(ctx context.Context, tx *sql.Tx, rows []*discovery.Route) error {
	const query = `
INSERT INTO routes (owner_id, kind, slug, entity_id, is_current, block) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (owner_id, kind, slug) DO UPDATE
SET entity_id = excluded.entity_id, is_current = excluded.is_current, block = excluded.block`
	err := execEach(ctx, tx, query, rows, func(r *discovery.Route) ([]any, error) {
		return []any{r.OwnerID, r.Kind, r.Slug, r.EntityID, r.IsCurrent, u64(r.Block)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert routes: %w", err)
	}
	return nil
}

func deleteRoutes(ctx context.Context, tx *sql.Tx, keys []discovery.RouteKey) error {
	const query = `DELETE FROM routes WHERE owner_id = ? AND kind = ? AND slug = ?`
	err := execEach(ctx, tx, query, keys, func(k discovery.RouteKey) ([]any, error) {
		return []any{k.OwnerID, k.Kind, k.Slug}, nil
	})
	if err != nil {
		return fmt.Errorf("delete routes: %w", err)
	}
	return nil
}

// Route returns the permalink k, current or not.
func (s *Store) Route(ctx context.Context, k discovery.RouteKey) (*discovery.Route, bool, error) {
	const query = `SELECT ` + routeColumns + ` FROM routes WHERE owner_id = ? AND kind = ? AND slug = ?`
	r, err := scanRoute(s.readRow(ctx, query, k.OwnerID, k.Kind, k.Slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("route %s %d/%s: %w", k.Kind, k.OwnerID, k.Slug, err)
	}
	return r, true, nil
}

// playDayColumns is the select list scanPlayDay reads, in its order.
const playDayColumns = `track_id, day, count`

func scanPlayDay(row scanner) (*discovery.PlayDay, error) {
	var d discovery.PlayDay
	if err := row.Scan(&d.TrackID, &d.Day, &d.Count); err != nil {
		return nil, err
	}
	return &d, nil
}

func upsertPlayDays(ctx context.Context, tx *sql.Tx, rows []*discovery.PlayDay) error {
	const query = `
INSERT INTO play_days (track_id, day, count) VALUES (?, ?, ?)
ON CONFLICT (track_id, day) DO UPDATE SET count = excluded.count`
	err := execEach(ctx, tx, query, rows, func(d *discovery.PlayDay) ([]any, error) {
		return []any{d.TrackID, d.Day, d.Count}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert play days: %w", err)
	}
	return nil
}

func deletePlayDays(ctx context.Context, tx *sql.Tx, keys []discovery.PlayDayKey) error {
	const query = `DELETE FROM play_days WHERE track_id = ? AND day = ?`
	err := execEach(ctx, tx, query, keys, func(k discovery.PlayDayKey) ([]any, error) {
		return []any{k.TrackID, k.Day}, nil
	})
	if err != nil {
		return fmt.Errorf("delete play days: %w", err)
	}
	return nil
}

// PlayDay returns the track's play count on the day.
func (s *Store) PlayDay(ctx context.Context, k discovery.PlayDayKey) (*discovery.PlayDay, bool, error) {
	const query = `SELECT ` + playDayColumns + ` FROM play_days WHERE track_id = ? AND day = ?`
	d, err := scanPlayDay(s.readRow(ctx, query, k.TrackID, k.Day))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("plays of track %d on day %d: %w", k.TrackID, k.Day, err)
	}
	return d, true, nil
}
