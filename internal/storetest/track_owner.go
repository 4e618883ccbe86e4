package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/discovery-node/discovery"
)

// testTracksWithOwners checks that TracksWithOwners answers what
// TracksByID and GetUser answer together, on the list fixture.
func testTracksWithOwners(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	loadLists(t, s)
	tests := []struct {
		name string
		ids  []int64
		want []int64
	}{
		{"order of the ids, repeats kept, deleted and missing left out", []int64{16, 99, 14, 11, 10, 16}, []int64{16, 11, 10, 16}},
		{"the track of a deactivated owner", []int64{13}, []int64{13}},
		{"remixes and stems, unlisted ones too", []int64{18, 12, 26, 15}, []int64{18, 12, 26, 15}},
		{"one deleted track", []int64{14}, []int64{}},
		{"one missing track", []int64{404}, []int64{}},
		{"no ids", nil, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tracks, owners, err := s.TracksWithOwners(ctx, tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "ids", trackIDs(tracks), tt.want)
			if len(owners) != len(tracks) {
				t.Fatalf("%d owners for %d tracks", len(owners), len(tracks))
			}
			byID, err := s.TracksByID(ctx, tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "tracks", tracks, byID)
			for i := range tracks {
				owner, err := s.GetUser(ctx, tracks[i].OwnerID)
				if err != nil {
					t.Fatal(err)
				}
				equal(t, fmt.Sprintf("owner of track %d", tracks[i].ID), &owners[i], owner)
			}
		})
	}
}
