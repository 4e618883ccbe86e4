package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// Developer apps and grants name addresses as lowercase 0x hex, like
// wallets, so a lookup never depends on checksum case.

// developerAppColumns is the select list scanDeveloperApp reads, in its
// order.
const developerAppColumns = `address, user_id, name, description, is_delete,
	created_block, updated_block, created_at, updated_at`

// developerAppOnConflict makes an insert of developer apps replace existing
// rows.
const developerAppOnConflict = `ON CONFLICT (address) DO UPDATE SET
	user_id = EXCLUDED.user_id, name = EXCLUDED.name, description = EXCLUDED.description,
	is_delete = EXCLUDED.is_delete, created_block = EXCLUDED.created_block,
	updated_block = EXCLUDED.updated_block, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`

func queueUpsertDeveloperApps(batch *pgx.Batch, rows []*discovery.DeveloperApp) {
	if len(rows) == 0 {
		return
	}
	const query = `INSERT INTO developer_apps (` + developerAppColumns + `)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::boolean[],
	$6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
` + developerAppOnConflict
	n := len(rows)
	var (
		address, name, description = make([]string, n), make([]string, n), make([]string, n)
		user                       = make([]int64, n)
		deleted                    = make([]bool, n)
		createdBlock, updatedBlock = make([]int64, n), make([]int64, n)
		createdAt, updatedAt       = make([]int64, n), make([]int64, n)
	)
	for i, a := range rows {
		address[i], user[i], name[i], description[i], deleted[i] = lowerHex(a.Address), a.UserID, a.Name, a.Description, a.IsDelete
		createdBlock[i], updatedBlock[i] = u64(a.CreatedBlock), u64(a.UpdatedBlock)
		createdAt[i], updatedAt[i] = u64(a.CreatedAt), u64(a.UpdatedAt)
	}
	batch.Queue(query, address, user, name, description, deleted, createdBlock, updatedBlock, createdAt, updatedAt)
}

func queueDeleteDeveloperApps(batch *pgx.Batch, keys []common.Address) {
	if len(keys) == 0 {
		return
	}
	address := make([]string, len(keys))
	for i, k := range keys {
		address[i] = lowerHex(k)
	}
	batch.Queue(`DELETE FROM developer_apps WHERE address = ANY($1)`, address)
}

func scanDeveloperApp(row pgx.Row) (*discovery.DeveloperApp, error) {
	var (
		a       discovery.DeveloperApp
		address string
	)
	err := row.Scan(&address, &a.UserID, &a.Name, &a.Description, &a.IsDelete,
		&a.CreatedBlock, &a.UpdatedBlock, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return nil, err
	}
	a.Address = common.HexToAddress(address)
	return &a, nil
}

// DeveloperApp returns the app registered at address, deleted or not: a
// deleted app's address is never registered again.
func (s *Store) DeveloperApp(ctx context.Context, address common.Address) (*discovery.DeveloperApp, bool, error) {
	const query = `SELECT ` + developerAppColumns + ` FROM developer_apps WHERE address = $1`
	a, err := scanDeveloperApp(s.pool.QueryRow(ctx, query, lowerHex(address)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("developer app %s: %w", address.Hex(), err)
	}
	return a, true, nil
}

// grantColumns is the select list scanGrant reads, in its order.
const grantColumns = `user_id, grantee_address, is_approved, is_revoked,
	created_block, updated_block, created_at, updated_at`

// grantOnConflict makes an insert of grants replace existing rows.
const grantOnConflict = `ON CONFLICT (user_id, grantee_address) DO UPDATE SET
	is_approved = EXCLUDED.is_approved, is_revoked = EXCLUDED.is_revoked,
	created_block = EXCLUDED.created_block, updated_block = EXCLUDED.updated_block,
	created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`

func queueUpsertGrants(batch *pgx.Batch, rows []*discovery.Grant) {
	if len(rows) == 0 {
		return
	}
	const query = `INSERT INTO grants (` + grantColumns + `)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::boolean[], $4::boolean[],
	$5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
` + grantOnConflict
	n := len(rows)
	var (
		user, createdBlock, updatedBlock = make([]int64, n), make([]int64, n), make([]int64, n)
		createdAt, updatedAt             = make([]int64, n), make([]int64, n)
		grantee                          = make([]string, n)
		approved, revoked                = make([]bool, n), make([]bool, n)
	)
	for i, g := range rows {
		user[i], grantee[i], approved[i], revoked[i] = g.UserID, lowerHex(g.Grantee), g.IsApproved, g.IsRevoked
		createdBlock[i], updatedBlock[i] = u64(g.CreatedBlock), u64(g.UpdatedBlock)
		createdAt[i], updatedAt[i] = u64(g.CreatedAt), u64(g.UpdatedAt)
	}
	batch.Queue(query, user, grantee, approved, revoked, createdBlock, updatedBlock, createdAt, updatedAt)
}

func queueDeleteGrants(batch *pgx.Batch, keys []discovery.GrantKey) {
	if len(keys) == 0 {
		return
	}
	const query = `
DELETE FROM grants g
USING unnest($1::bigint[], $2::text[]) AS d(user_id, grantee_address)
WHERE g.user_id = d.user_id AND g.grantee_address = d.grantee_address`
	user, grantee := make([]int64, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		user[i], grantee[i] = k.UserID, lowerHex(k.Grantee)
	}
	batch.Queue(query, user, grantee)
}

func scanGrant(row pgx.Row) (*discovery.Grant, error) {
	var (
		g       discovery.Grant
		grantee string
	)
	err := row.Scan(&g.UserID, &grantee, &g.IsApproved, &g.IsRevoked,
		&g.CreatedBlock, &g.UpdatedBlock, &g.CreatedAt, &g.UpdatedAt)
	if err != nil {
		return nil, err
	}
	g.Grantee = common.HexToAddress(grantee)
	return &g, nil
}

// Grant returns k.UserID's grant to k.Grantee, revoked or not.
func (s *Store) Grant(ctx context.Context, k discovery.GrantKey) (*discovery.Grant, bool, error) {
	const query = `SELECT ` + grantColumns + ` FROM grants WHERE user_id = $1 AND grantee_address = $2`
	g, err := scanGrant(s.pool.QueryRow(ctx, query, k.UserID, lowerHex(k.Grantee)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("grant of user %d to %s: %w", k.UserID, k.Grantee.Hex(), err)
	}
	return g, true, nil
}
