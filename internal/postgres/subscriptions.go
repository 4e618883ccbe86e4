package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// Subscriptions reuse the follow edge's type: FollowerID is the subscriber
// (subscriber_id), FolloweeID the user subscribed to (user_id).

// subscriptionColumns is the select list scanSubscription reads, in its
// order.
const subscriptionColumns = `subscriber_id, user_id, block, created_at`

// subscriptionOnConflict makes an insert of subscriptions replace existing
// rows.
const subscriptionOnConflict = `ON CONFLICT (subscriber_id, user_id) DO UPDATE
SET block = EXCLUDED.block, created_at = EXCLUDED.created_at`

func queueUpsertSubscriptions(batch *pgx.Batch, rows []*discovery.Follow) {
	if len(rows) == 0 {
		return
	}
	const query = `INSERT INTO subscriptions (` + subscriptionColumns + `)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])
` + subscriptionOnConflict
	n := len(rows)
	subscriber, user, block, created := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, f := range rows {
		subscriber[i], user[i], block[i], created[i] = f.FollowerID, f.FolloweeID, u64(f.Block), u64(f.CreatedAt)
	}
	batch.Queue(query, subscriber, user, block, created)
}

func queueDeleteSubscriptions(batch *pgx.Batch, keys []discovery.FollowKey) {
	if len(keys) == 0 {
		return
	}
	const query = `
DELETE FROM subscriptions s
USING unnest($1::bigint[], $2::bigint[]) AS d(subscriber_id, user_id)
WHERE s.subscriber_id = d.subscriber_id AND s.user_id = d.user_id`
	subscriber, user := make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		subscriber[i], user[i] = k.FollowerID, k.FolloweeID
	}
	batch.Queue(query, subscriber, user)
}

func scanSubscription(row pgx.Row) (*discovery.Follow, error) {
	var f discovery.Follow
	if err := row.Scan(&f.FollowerID, &f.FolloweeID, &f.Block, &f.CreatedAt); err != nil {
		return nil, err
	}
	return &f, nil
}

// Subscription returns k.FollowerID's subscription to k.FolloweeID.
func (s *Store) Subscription(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	const query = `SELECT ` + subscriptionColumns + ` FROM subscriptions WHERE subscriber_id = $1 AND user_id = $2`
	f, err := scanSubscription(s.pool.QueryRow(ctx, query, k.FollowerID, k.FolloweeID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("subscription %d->%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	return f, true, nil
}
