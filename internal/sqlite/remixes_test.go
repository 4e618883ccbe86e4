package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// remixTrack is a track of user 1 that remixes the given parents.
func remixTrack(id int64, block uint64, parents ...int64) *discovery.Track {
	return &discovery.Track{ID: id, OwnerID: 1, Title: fmt.Sprintf("Track %d", id), Slug: fmt.Sprintf("track-%d", id),
		RemixOf: parents, CreatedBlock: block, UpdatedBlock: block}
}

// remixEdges reads every row of track_remixes as (parent, child), in order.
func remixEdges(t *testing.T, db *sql.DB) [][2]int64 {
	t.Helper()
	rows, err := db.Query(`SELECT parent_id, child_id FROM track_remixes ORDER BY child_id, parent_id`)
	if err != nil {
		t.Fatalf("read track_remixes: %v", err)
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var e [2]int64
		if err := rows.Scan(&e[0], &e[1]); err != nil {
			t.Fatalf("read track_remixes: %v", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read track_remixes: %v", err)
	}
	return out
}

// TestTrackRemixes checks that track_remixes, which the store derives from
// tracks.remix_of, follows every track image written, by a block or by a
// revert.
func TestTrackRemixes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "discovery.db")
	s := mustOpen(t, path)
	defer s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	deleted := remixTrack(13, 1, 5, 5)
	deleted.IsDelete = true
	steps := []struct {
		name   string
		tracks map[int64]*discovery.Track // nil removes the row
		want   [][2]int64
	}{
		{"create", map[int64]*discovery.Track{
			10: remixTrack(10, 1, 2, 1), 11: remixTrack(11, 1, 10), 12: remixTrack(12, 1), 13: remixTrack(13, 1, 5, 5),
		}, [][2]int64{{1, 10}, {2, 10}, {10, 11}, {5, 13}}},
		{"change parents", map[int64]*discovery.Track{
			10: remixTrack(10, 2, 3), 11: remixTrack(11, 2), 12: remixTrack(12, 2, 11, 10),
		}, [][2]int64{{3, 10}, {10, 12}, {11, 12}, {5, 13}}},
		{"remove and delete", map[int64]*discovery.Track{10: nil, 13: deleted},
			[][2]int64{{10, 12}, {11, 12}, {5, 13}}},
		{"write an unchanged image", map[int64]*discovery.Track{12: remixTrack(12, 2, 11, 10)},
			[][2]int64{{10, 12}, {11, 12}, {5, 13}}},
	}

	state := map[int64]*discovery.Track{}
	var blocks []discovery.BlockRef
	parent := common.Hash{}
	for i, st := range steps {
		b := discovery.BlockRef{Number: uint64(i + 1), Hash: common.BytesToHash([]byte{byte(i + 1)}), ParentHash: parent}
		parent = b.Hash
		c := discovery.NewChanges()
		for id, tr := range st.tracks {
			c.Tracks[id], c.Prior.Tracks[id] = tr, state[id]
			if tr == nil {
				delete(state, id)
			} else {
				state[id] = tr
			}
		}
		if err := s.ApplyBlock(ctx, b, c); err != nil {
			t.Fatalf("%s: apply: %v", st.name, err)
		}
		blocks = append(blocks, b)
		if got := remixEdges(t, db); !reflect.DeepEqual(got, st.want) {
			t.Errorf("%s: track_remixes %v, want %v", st.name, got, st.want)
		}
	}
	got, ok, err := s.Track(ctx, 13)
	if err != nil || !ok || !reflect.DeepEqual(got.RemixOf, []int64{5, 5}) {
		t.Errorf("Track(13) = %+v, %v, %v; want RemixOf [5 5] as given", got, ok, err)
	}

	for i := len(blocks) - 1; i >= 0; i-- {
		if err := s.RevertBlock(ctx, blocks[i]); err != nil {
			t.Fatalf("revert %s: %v", steps[i].name, err)
		}
		var want [][2]int64
		if i > 0 {
			want = steps[i-1].want
		}
		if got := remixEdges(t, db); !reflect.DeepEqual(got, want) {
			t.Errorf("after reverting %s: track_remixes %v, want %v", steps[i].name, got, want)
		}
	}
}
