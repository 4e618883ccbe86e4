package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// routeColumns is the select list scanRoute reads, in its order.
const routeColumns = `owner_id, kind, slug, entity_id, is_current, block`

// routeOnConflict makes an insert of routes replace existing rows.
const routeOnConflict = `ON CONFLICT (owner_id, kind, slug) DO UPDATE
SET entity_id = EXCLUDED.entity_id, is_current = EXCLUDED.is_current, block = EXCLUDED.block`

func queueUpsertRoutes(batch *pgx.Batch, rows []*discovery.Route) {
	if len(rows) == 0 {
		return
	}
	const query = `INSERT INTO routes (` + routeColumns + `)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::boolean[], $6::bigint[])
` + routeOnConflict
	n := len(rows)
	owner, kind, slug, entity := make([]int64, n), make([]string, n), make([]string, n), make([]int64, n)
	current, block := make([]bool, n), make([]int64, n)
	for i, r := range rows {
		owner[i], kind[i], slug[i], entity[i] = r.OwnerID, r.Kind, r.Slug, r.EntityID
		current[i], block[i] = r.IsCurrent, u64(r.Block)
	}
	batch.Queue(query, owner, kind, slug, entity, current, block)
}

func queueDeleteRoutes(batch *pgx.Batch, keys []discovery.RouteKey) {
	if len(keys) == 0 {
		return
	}
	const query = `
DELETE FROM routes r
USING unnest($1::bigint[], $2::text[], $3::text[]) AS d(owner_id, kind, slug)
WHERE r.owner_id = d.owner_id AND r.kind = d.kind AND r.slug = d.slug`
	owner, kind, slug := make([]int64, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		owner[i], kind[i], slug[i] = k.OwnerID, k.Kind, k.Slug
	}
	batch.Queue(query, owner, kind, slug)
}

func scanRoute(row pgx.Row) (*discovery.Route, error) {
	var r discovery.Route
	if err := row.Scan(&r.OwnerID, &r.Kind, &r.Slug, &r.EntityID, &r.IsCurrent, &r.Block); err != nil {
		return nil, err
	}
	return &r, nil
}

// Route returns the permalink k, current or kept from an earlier name.
func (s *Store) Route(ctx context.Context, k discovery.RouteKey) (*discovery.Route, bool, error) {
	const query = `SELECT ` + routeColumns + ` FROM routes WHERE owner_id = $1 AND kind = $2 AND slug = $3`
	r, err := scanRoute(s.pool.QueryRow(ctx, query, k.OwnerID, k.Kind, k.Slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("route %s %d/%s: %w", k.Kind, k.OwnerID, k.Slug, err)
	}
	return r, true, nil
}
