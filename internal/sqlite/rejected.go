package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

func insertRejected(ctx context.Context, tx *sql.Tx, rows []discovery.RejectedAction) error {
	const query = `
INSERT INTO rejected_actions (block, tx_hash, log_index, user_id, entity_type, entity_id, action, signer, reason)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	err := execEach(ctx, tx, query, rows, func(r discovery.RejectedAction) ([]any, error) {
		return []any{u64(r.Block), r.TxHash.Hex(), int64(r.LogIndex), r.UserID, r.EntityType, r.EntityID,
			r.Action, lowerHex(r.Signer), r.Reason}, nil
	})
	if err != nil {
		return fmt.Errorf("insert rejected actions: %w", err)
	}
	return nil
}

// rejectedColumns is the select list scanRejected reads, in its order.
const rejectedColumns = `block, tx_hash, log_index, user_id, entity_type, entity_id, action, signer, reason`

func scanRejected(row scanner) (discovery.RejectedAction, error) {
	var (
		r          discovery.RejectedAction
		tx, signer string
	)
	if err := row.Scan(&r.Block, &tx, &r.LogIndex, &r.UserID, &r.EntityType, &r.EntityID, &r.Action, &signer, &r.Reason); err != nil {
		return discovery.RejectedAction{}, err
	}
	r.TxHash, r.Signer = common.HexToHash(tx), common.HexToAddress(signer)
	return r, nil
}

// RejectedActions lists refused actions, newest first.
func (s *Store) RejectedActions(ctx context.Context, p discovery.Page) ([]discovery.RejectedAction, error) {
	limit, offset, err := pageArgs(p)
	if err != nil {
		return nil, err
	}
	const query = `SELECT ` + rejectedColumns + ` FROM rejected_actions
ORDER BY block DESC, log_index DESC
LIMIT ? OFFSET ?`
	rows, err := s.r.QueryContext(ctx, query, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("rejected actions: %w", err)
	}
	defer rows.Close()
	var out []discovery.RejectedAction
	for rows.Next() {
		r, err := scanRejected(rows)
		if err != nil {
			return nil, fmt.Errorf("rejected actions: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rejected actions: %w", err)
	}
	return out, nil
}
