package devchain

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/discovery-node/discovery"
)

// TestBenchPlan checks the benchmark workload adds up to what it claims,
// and that no action depends on the order of two relayers' transactions:
// whatever an action names was made in an earlier phase, or before it by
// the same relayer, and is not deleted in the same phase by another.
func TestBenchPlan(t *testing.T) {
	tests := []struct {
		events, relayers int
		plays            float64
	}{
		{events: 100, relayers: 1},
		{events: 300, relayers: 4},
		{events: 2_000, relayers: 3, plays: -1},
		{events: 10_000, relayers: 4, plays: 0.5},
	}
	for _, tt := range tests {
		p, err := newBenchPlan(BenchConfig{Events: tt.events, Seed: 7, PlaysPerEvent: tt.plays}, tt.relayers, 1_700_000_000)
		if err != nil {
			t.Fatalf("%d events: %v", tt.events, err)
		}
		l := p.load
		wantPlays := 0
		switch {
		case tt.plays == 0:
			wantPlays = int(math.Round(float64(tt.events) * 0.25))
		case tt.plays > 0:
			wantPlays = int(math.Round(float64(tt.events) * tt.plays))
		}
		valid, refused, events := 0, 0, 0
		for _, n := range l.ByAction {
			valid += n
		}
		for _, n := range l.RejectedBy {
			refused += n
		}
		for _, ph := range p.phases {
			for _, st := range ph {
				if st.key != nil {
					events++
				}
			}
		}
		if l.Events != tt.events || events != tt.events || valid+refused != tt.events || refused != l.Rejected ||
			l.Rejected != int(math.Round(float64(tt.events)*benchRejectRate)) || l.Plays != wantPlays {
			t.Errorf("%d events: planned %d (%d steps), %d valid + %d refused of %d, %d plays; want %d plays",
				tt.events, l.Events, events, valid, refused, l.Rejected, l.Plays, wantPlays)
		}
		if len(p.phases) != 4 {
			t.Errorf("%d events: %d phases, want 4", tt.events, len(p.phases))
		}
		checkBenchOrder(t, p, tt.relayers)
	}
}

// made is where an entity was created or deleted: phase and relayer.
type made struct{ phase, relayer int }

func checkBenchOrder(t *testing.T, p benchPlan, relayers int) {
	t.Helper()
	created := map[[2]any]made{} // {entity type, id}
	deleted := map[[2]any]made{}
	for i, ph := range p.phases {
		for _, st := range ph {
			if st.key == nil {
				if st.relayer != 0 {
					t.Errorf("phase %d: %s sent by relayer %d, not the deployer", i, st.describe(), st.relayer)
				}
				continue
			}
			a := st.action
			if st.relayer != int(a.UserID%int64(relayers)) {
				t.Errorf("phase %d: %s relayed by %d, not its user's relayer", i, st.describe(), st.relayer)
			}
			here := made{i, st.relayer}
			uses := func(entityType string, id int64) {
				k := [2]any{entityType, id}
				if c, ok := created[k]; ok && c.phase == i && c.relayer != st.relayer {
					t.Errorf("phase %d: %s names %s %d, created in the same phase by another relayer", i, st.describe(), entityType, id)
				}
				if d, ok := deleted[k]; ok && d.phase == i && d.relayer != st.relayer {
					t.Errorf("phase %d: %s names %s %d, deleted in the same phase by another relayer", i, st.describe(), entityType, id)
				}
			}
			if a.Action != discovery.ActionCreate || a.EntityType != discovery.EntityUser {
				uses(discovery.EntityUser, a.UserID)
			}
			switch {
			case a.Action == discovery.ActionCreate:
				if _, ok := created[[2]any{a.EntityType, a.EntityID}]; !ok {
					created[[2]any{a.EntityType, a.EntityID}] = here
				}
			case a.Action == discovery.ActionDelete:
				uses(a.EntityType, a.EntityID)
				deleted[[2]any{a.EntityType, a.EntityID}] = here
			default:
				uses(a.EntityType, a.EntityID)
			}
			for _, id := range listedTracks(t, a.Metadata) {
				uses(discovery.EntityTrack, id)
			}
		}
	}
	// Deletes that happen after the uses they would break are caught
	// above only if uses come first; check the other order too.
	for i, ph := range p.phases {
		for _, st := range ph {
			if st.key == nil || st.action.Action == discovery.ActionDelete {
				continue
			}
			if d, ok := deleted[[2]any{st.action.EntityType, st.action.EntityID}]; ok && d.phase == i && d.relayer != st.relayer {
				t.Errorf("phase %d: %s names an entity another relayer deletes in the same phase", i, st.describe())
			}
		}
	}
}

// listedTracks are the tracks a playlist's metadata lists.
func listedTracks(t *testing.T, md string) []int64 {
	t.Helper()
	var m struct {
		Data struct {
			Contents *struct {
				TrackIDs []struct {
					Track int64 `json:"track"`
				} `json:"track_ids"`
			} `json:"playlist_contents"`
		} `json:"data"`
	}
	if md == "" || json.Unmarshal([]byte(md), &m) != nil || m.Data.Contents == nil {
		return nil
	}
	var ids []int64
	for _, e := range m.Data.Contents.TrackIDs {
		ids = append(ids, e.Track)
	}
	return ids
}
