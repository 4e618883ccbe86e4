package sqlite

import (
	"context"

	"github.com/discovery-node/discovery"
)

// FollowersWalking lists followers with the walk factor given, so tests
// can compare the walk, the join and the fallback between them.
func (s *Store) FollowersWalking(ctx context.Context, userID int64, p discovery.Page, walk float64) ([]discovery.User, error) {
	return s.followers(ctx, userID, p, walk)
}

// FollowersWalk is the walk factor Followers uses.
const FollowersWalk = followersWalk
