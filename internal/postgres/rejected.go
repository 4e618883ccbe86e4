package postgres

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

func queueInsertRejected(batch *pgx.Batch, rows []discovery.RejectedAction) {
	if len(rows) == 0 {
		return
	}
	const query = `
INSERT INTO rejected_actions (block, tx_hash, log_index, user_id, entity_type, entity_id, action, signer, reason)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[],
	$7::text[], $8::text[], $9::text[])`
	n := len(rows)
	var (
		block, logIndex, user, entity = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		tx, typ, action, signer       = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		reason                        = make([]string, n)
	)
	for i, r := range rows {
		block[i], logIndex[i], user[i], entity[i] = u64(r.Block), int64(r.LogIndex), r.UserID, r.EntityID
		tx[i], typ[i], action[i], signer[i], reason[i] = r.TxHash.Hex(), r.EntityType, r.Action, lowerHex(r.Signer), r.Reason
	}
	batch.Queue(query, block, tx, logIndex, user, typ, entity, action, signer, reason)
}

// lowerHex spells an address as lowercase 0x hex, the form stored for
// wallets and signers.
func lowerHex(a common.Address) string {
	return "0x" + common.Bytes2Hex(a.Bytes())
}

// rejectedColumns is the select list scanRejected reads, in its order.
const rejectedColumns = `block, tx_hash, log_index, user_id, entity_type, entity_id, action, signer, reason`

func scanRejected(row pgx.Row) (discovery.RejectedAction, error) {
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
LIMIT $1 OFFSET $2`
	rows, err := s.pool.Query(ctx, query, limit, offset)
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
