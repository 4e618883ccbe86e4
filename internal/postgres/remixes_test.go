package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
)

// remixPair is a row of track_remixes.
type remixPair struct{ parent, child int64 }

// TestTrackRemixes checks the derived remix pairs follow tracks.remix_of
// through writes, removals and reverts: the table is not part of the
// Store interface, so the conformance suite cannot see it.
func TestTrackRemixes(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	defer s.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	remixOf := func(id int64, parents ...int64) *discovery.Track {
		return &discovery.Track{ID: id, OwnerID: 1, Title: fmt.Sprint(id), RemixOf: parents}
	}
	// Each block writes some tracks and removes others; want is the pairs
	// after it, and, reverting from the last block, before it.
	blocks := []struct {
		put    []*discovery.Track
		remove []int64
		want   []remixPair
	}{
		{
			put:  []*discovery.Track{remixOf(1), remixOf(2, 1), remixOf(3, 2, 1), remixOf(5, 1)},
			want: []remixPair{{1, 2}, {1, 3}, {1, 5}, {2, 3}},
		},
		{
			// Track 3 drops a parent, track 2 goes (its pair as a parent
			// stays: track 3 still names it), track 4 remixes two; track 5
			// is not written, so its pair stays.
			put:    []*discovery.Track{remixOf(3, 2), remixOf(4, 3, 2)},
			remove: []int64{2},
			want:   []remixPair{{1, 5}, {2, 3}, {2, 4}, {3, 4}},
		},
		{
			put:  []*discovery.Track{remixOf(4), remixOf(5)},
			want: []remixPair{{2, 3}},
		},
	}

	state := map[int64]*discovery.Track{} // for prior images
	var refs []discovery.BlockRef
	for i, blk := range blocks {
		n := uint64(i + 1)
		b := discovery.BlockRef{Number: n, Hash: common.BytesToHash([]byte{byte(n)}), ParentHash: common.BytesToHash([]byte{byte(n - 1)})}
		c := discovery.NewChanges()
		for _, tr := range blk.put {
			c.Tracks[tr.ID], c.Prior.Tracks[tr.ID] = tr, state[tr.ID]
		}
		for _, id := range blk.remove {
			c.Tracks[id], c.Prior.Tracks[id] = nil, state[id]
		}
		if err := s.ApplyBlock(ctx, b, c); err != nil {
			t.Fatalf("apply block %d: %v", n, err)
		}
		for id, tr := range c.Tracks {
			state[id] = tr
		}
		wantRemixPairs(t, conn, fmt.Sprintf("after block %d", n), blk.want)
		refs = append(refs, b)
	}
	for i := len(refs) - 1; i >= 0; i-- {
		if err := s.RevertBlock(ctx, refs[i]); err != nil {
			t.Fatalf("revert block %d: %v", refs[i].Number, err)
		}
		var want []remixPair
		if i > 0 {
			want = blocks[i-1].want
		}
		wantRemixPairs(t, conn, fmt.Sprintf("after reverting block %d", refs[i].Number), want)
	}
}

func wantRemixPairs(t *testing.T, conn *pgx.Conn, what string, want []remixPair) {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT parent_id, child_id FROM track_remixes ORDER BY parent_id, child_id`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (remixPair, error) {
		var p remixPair
		return p, r.Scan(&p.parent, &p.child)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: remix pairs %v, want %v", what, got, want)
	}
}
