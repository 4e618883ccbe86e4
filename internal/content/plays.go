package content

import (
	"context"
	"fmt"

	"github.com/discovery-node/discovery"
)

// secondsPerDay buckets plays by UTC day of the block that recorded them.
// The block's time, not the event's timestamp: the recorder chooses the
// latter, the chain the former.
const secondsPerDay = 86400

// play counts one play of a live track, in total and for the block's day.
func play(ctx context.Context, v *view, a action) error {
	t, ok, err := v.track(ctx, a.EntityID)
	if err != nil {
		return fmt.Errorf("read track %d: %w", a.EntityID, err)
	}
	if !ok || t.IsDelete {
		return reject("played track %d does not exist", a.EntityID)
	}
	k := discovery.PlayDayKey{TrackID: t.ID, Day: int64(a.block.Time / secondsPerDay)}
	d, ok, err := v.playDay(ctx, k)
	if err != nil {
		return fmt.Errorf("read plays of track %d on day %d: %w", k.TrackID, k.Day, err)
	}
	if !ok {
		d = &discovery.PlayDay{PlayDayKey: k}
	}
	d.Count++
	t.PlayCount++
	v.changes.PlayDays[k] = d
	v.putTrack(t)
	return nil
}
