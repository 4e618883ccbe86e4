package sqlite

import (
	"context"

	"github.com/discovery-node/discovery"
)

// GetTrackWithOwner reads a track and then its owner: SQLite answers in
// process, so two lookups cost no round trip to save.
func (s *Store) GetTrackWithOwner(ctx context.Context, id int64) (*discovery.Track, *discovery.User, error) {
	t, err := s.GetTrack(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	owner, ok, err := s.User(ctx, t.OwnerID)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return t, nil, nil
	}
	return t, owner, nil
}
