package content_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// TestApplyBlocksSameAsOneByOne replays the blocks of the protocol
// scenario, which was indexed one block at a time, in runs of several
// blocks, and checks every run size leaves the same state: the same
// digest, the same rejected actions with the same reasons, and each block
// still revertible on its own. Within a run a block must see what the
// run's earlier blocks did (a user created, a handle taken or freed, a
// follow added, a grant approved) although none of it is in the store yet.
func TestApplyBlocksSameAsOneByOne(t *testing.T) {
	forEachStore(t, func(t *testing.T, s discovery.Store) {
		h := newHarnessWith(t, s, protocolOptions())
		protocolScenario(t, h)
		crossBlockScenario(h)
		want := digestOf(t, s)
		wantRejected := rejectedOf(t, s)
		if len(h.applied) < 20 || len(wantRejected) < 5 {
			t.Fatalf("the scenario indexed %d blocks with %d rejections: too few to compare runs", len(h.applied), len(wantRejected))
		}

		// The digests as each of the last blocks is reverted, one by one;
		// then the blocks again, so s is as it was.
		ctx := context.Background()
		tail := h.applied[len(h.applied)-3:]
		var wantReverted []discovery.Digest
		for i := len(tail) - 1; i >= 0; i-- {
			if err := s.RevertBlock(ctx, tail[i].BlockRef); err != nil {
				t.Fatalf("revert block %d: %v", tail[i].Number, err)
			}
			wantReverted = append(wantReverted, digestOf(t, s))
		}
		if err := h.ix.ApplyBlocks(ctx, tail); err != nil {
			t.Fatalf("apply the reverted blocks again: %v", err)
		}
		if got := digestOf(t, s); got != want {
			t.Fatalf("digest after reverting and applying again = %v, want %v", got, want)
		}

		for _, size := range []int{2, 3, 7, len(h.applied)} {
			t.Run(fmt.Sprintf("runs of %d", size), func(t *testing.T) {
				fresh := openLike(t, s)
				ix, err := content.New(fresh, protocolOptions())
				if err != nil {
					t.Fatal(err)
				}
				for run := range slices.Chunk(h.applied, size) {
					if err := ix.ApplyBlocks(ctx, run); err != nil {
						t.Fatalf("ApplyBlocks(%d-%d): %v", run[0].Number, run[len(run)-1].Number, err)
					}
				}
				if got := digestOf(t, fresh); got != want {
					t.Errorf("digest %v, want %v as one block at a time", got, want)
				}
				if got := rejectedOf(t, fresh); !slices.Equal(got, wantRejected) {
					t.Errorf("rejected actions differ from one block at a time:\n got %q\nwant %q", got, wantRejected)
				}
				// Each block of a run reverts on its own, to the state the
				// blocks one by one had before it.
				for i, d := range wantReverted {
					b := tail[len(tail)-1-i]
					if err := fresh.RevertBlock(ctx, b.BlockRef); err != nil {
						t.Fatalf("revert block %d: %v", b.Number, err)
					}
					if got := digestOf(t, fresh); got != d {
						t.Errorf("digest after reverting block %d = %v, want %v", b.Number, got, d)
					}
				}
			})
		}
	})
}

// crossBlockScenario makes actions that depend on the block before: a
// handle given up and taken by another user, then wanted back; edges made,
// undone and made again; a track created, acted on and deleted; each
// applied block by block here, and later in runs.
func crossBlockScenario(h *harness) {
	rename := func(id int64, owner, handle string) act {
		return act{user: id, signer: wallet(owner), entity: "User", id: id, action: "Update", meta: meta(map[string]any{"handle": handle})}
	}
	h.apply(createUser(50, "zed"), createUser(51, "yan"))
	h.apply(rename(50, "zed", "zed2"))
	h.apply(rename(51, "yan", "zed"))
	h.apply(rename(50, "zed", "zed"), rename(50, "zed", "yan"))
	h.apply(social(50, "zed", "User", 51, "Follow"), social(51, "yan", "User", 50, "Follow"))
	h.apply(social(50, "zed", "User", 51, "Unfollow"), social(50, "zed", "User", 51, "Follow"), social(50, "zed", "User", 51, "Follow"))
	h.apply(createTrack(50, "zed", 500, "Song"), createTrack(50, "zed", 501, "Song"))
	h.apply(social(51, "yan", "Track", 500, "Repost"), social(51, "yan", "Track", 500, "Save"), social(51, "yan", "Track", 501, "Repost"))
	h.apply(act{user: 50, signer: wallet("zed"), entity: "Track", id: 500, action: "Delete"})
	h.apply(social(51, "yan", "Track", 500, "Unrepost"), social(51, "yan", "Track", 500, "Repost"), social(51, "yan", "Track", 501, "Unrepost"))
	h.apply(createTrack(50, "zed", 502, "Song"), social(50, "zed", "User", 51, "Unfollow"))
}

// openLike opens a fresh store of the same kind as s.
func openLike(t *testing.T, s discovery.Store) discovery.Store {
	t.Helper()
	var (
		fresh discovery.Store
		err   error
	)
	switch s.(type) {
	case *sqlite.Store:
		fresh, err = sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "replay.db"))
	case *postgres.Store:
		fresh, err = postgres.Open(context.Background(), pgtest.DSN(t))
	default:
		t.Fatalf("no way to open another %T", s)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fresh.Close() })
	return fresh
}

func digestOf(t *testing.T, s discovery.Store) discovery.Digest {
	t.Helper()
	kept, err := s.StateDigest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	full, err := s.ComputeDigest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if kept != full {
		t.Fatalf("kept digest %v, recomputed %v", kept, full)
	}
	return kept
}

// rejectedOf lists every rejected action as "block/log: reason".
func rejectedOf(t *testing.T, s discovery.Store) []string {
	t.Helper()
	rs, err := s.RejectedActions(context.Background(), discovery.Page{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%d/%d: %s", r.Block, r.LogIndex, r.Reason)
	}
	return out
}
