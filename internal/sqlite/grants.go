package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// developerAppColumns is the select list scanDeveloperApp reads, in its
// order.
const developerAppColumns = `address, user_id, name, description, is_delete,
	created_block, updated_block, created_at, updated_at`

func scanDeveloperApp(row scanner) (*discovery.DeveloperApp, error) {
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

func upsertDeveloperApps(ctx context.Context, tx *sql.Tx, rows []*discovery.DeveloperApp) error {
	const query = `
INSERT INTO developer_apps (address, user_id, name, description, is_delete,
	created_block, updated_block, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (address) DO UPDATE SET
	user_id = excluded.user_id, name = excluded.name, description = excluded.description,
	is_delete = excluded.is_delete, created_block = excluded.created_block,
	updated_block = excluded.updated_block, created_at = excluded.created_at, updated_at = excluded.updated_at`
	err := execEach(ctx, tx, query, rows, func(a *discovery.DeveloperApp) ([]any, error) {
		return []any{lowerHex(a.Address), a.UserID, a.Name, a.Description, a.IsDelete,
			u64(a.CreatedBlock), u64(a.UpdatedBlock), u64(a.CreatedAt), u64(a.UpdatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert developer apps: %w", err)
	}
	return nil
}

func deleteDeveloperApps(ctx context.Context, tx *sql.Tx, keys []common.Address) error {
	const query = `DELETE FROM developer_apps WHERE address = ?`
	err := execEach(ctx, tx, query, keys, func(a common.Address) ([]any, error) {
		return []any{lowerHex(a)}, nil
	})
	if err != nil {
		return fmt.Errorf("delete developer apps: %w", err)
	}
	return nil
}

// DeveloperApp returns the app registered at address, deleted or not: an
// address is registered once, ever.
func (s *Store) DeveloperApp(ctx context.Context, address common.Address) (*discovery.DeveloperApp, bool, error) {
	const query = `SELECT ` + developerAppColumns + ` FROM developer_apps WHERE address = ?`
	a, err := scanDeveloperApp(s.readRow(ctx, query, lowerHex(address)))
	if errors.Is(err, sql.ErrNoRows) {
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

func scanGrant(row scanner) (*discovery.Grant, error) {
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

func upsertGrants(ctx context.Context, tx *sql.Tx, rows []*discovery.Grant) error {
	const query = `
INSERT INTO grants (user_id, grantee_address, is_approved, is_revoked,
	created_block, updated_block, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id, grantee_address) DO UPDATE SET
	is_approved = excluded.is_approved, is_revoked = excluded.is_revoked,
	created_block = excluded.created_block, updated_block = excluded.updated_block,
	created_at = excluded.created_at, updated_at = excluded.updated_at`
	err := execEach(ctx, tx, query, rows, func(g *discovery.Grant) ([]any, error) {
		return []any{g.UserID, lowerHex(g.Grantee), g.IsApproved, g.IsRevoked,
			u64(g.CreatedBlock), u64(g.UpdatedBlock), u64(g.CreatedAt), u64(g.UpdatedAt)}, nil
	})
	if err != nil {
		return fmt.Errorf("upsert grants: %w", err)
	}
	return nil
}

func deleteGrants(ctx context.Context, tx *sql.Tx, keys []discovery.GrantKey) error {
	const query = `DELETE FROM grants WHERE user_id = ? AND grantee_address = ?`
	err := execEach(ctx, tx, query, keys, func(k discovery.GrantKey) ([]any, error) {
		return []any{k.UserID, lowerHex(k.Grantee)}, nil
	})
	if err != nil {
		return fmt.Errorf("delete grants: %w", err)
	}
	return nil
}

// Grant returns k.UserID's grant to k.Grantee, revoked or not.
func (s *Store) Grant(ctx context.Context, k discovery.GrantKey) (*discovery.Grant, bool, error) {
	const query = `SELECT ` + grantColumns + ` FROM grants WHERE user_id = ? AND grantee_address = ?`
	g, err := scanGrant(s.readRow(ctx, query, k.UserID, lowerHex(k.Grantee)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("grant of user %d to %s: %w", k.UserID, k.Grantee.Hex(), err)
	}
	return g, true, nil
}
