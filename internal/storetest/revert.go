package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/discovery-node/discovery"
)

var revertTests = []testCase{
	{"reverting blocks one by one restores each earlier state exactly", testRevertExact},
	{"only the head can be reverted", testRevertNotHead},
	{"pruned blocks cannot be reverted", testPrune},
	{"a nil entity removes the row", testNilEntity},
}

// applyScenario applies every block of the scenario from block 1 and
// returns the blocks and the state before the first and after each,
// checking the kept digest against the rows and the model on the way.
func applyScenario(t *testing.T, s discovery.Store, u universe) ([]discovery.BlockRef, []snapshot) {
	t.Helper()
	ch, m := newChain(1), newModel()
	snaps := []snapshot{capture(t, s, u)}
	var blocks []discovery.BlockRef
	for _, st := range scenario {
		b := ch.block()
		c := st(t, b)
		mustApply(t, s, b, c)
		m.apply(c)
		snap := capture(t, s, u)
		if snap.StateDigest != snap.ComputeDigest {
			t.Errorf("block %d: StateDigest %v, ComputeDigest %v", b.Number, snap.StateDigest, snap.ComputeDigest)
		}
		if want := m.digest(t); snap.StateDigest != want {
			t.Errorf("block %d: StateDigest %v, want the sum of the rows' hashes %v", b.Number, snap.StateDigest, want)
		}
		blocks, snaps = append(blocks, b), append(snaps, snap)
	}
	return blocks, snaps
}

func testRevertExact(t *testing.T, s discovery.Store) {
	u := universeOf(t, scenario)
	blocks, snaps := applyScenario(t, s, u)
	if snaps[1].StateDigest == snaps[2].StateDigest || snaps[3].StateDigest != snaps[2].StateDigest {
		t.Errorf("digests %v, %v, %v: want a change by block 2 and none by the empty block 3",
			snaps[1].StateDigest, snaps[2].StateDigest, snaps[3].StateDigest)
	}

	for i := len(blocks) - 1; i >= 0; i-- {
		mustRevert(t, s, blocks[i])
		compareSnapshots(t, fmt.Sprintf("after reverting block %d", blocks[i].Number), capture(t, s, u), snaps[i])
	}
	if h, ok := mustHead(t, s); ok {
		t.Errorf("head %+v after reverting every block", h)
	}

	// The same blocks again give the same digests, and the same state.
	for i, st := range scenario {
		mustApply(t, s, blocks[i], st(t, blocks[i]))
		if d := checkDigests(t, s); d != snaps[i+1].StateDigest {
			t.Errorf("digest after applying block %d again = %v, want %v as the first time", blocks[i].Number, d, snaps[i+1].StateDigest)
		}
	}
	compareSnapshots(t, "after applying every block again", capture(t, s, u), snaps[len(blocks)])

	// A reorganisation: the last two blocks make way for another block 5.
	mustRevert(t, s, blocks[5])
	mustRevert(t, s, blocks[4])
	fork := discovery.BlockRef{Number: blocks[4].Number, Hash: hashOf("fork", blocks[4].Number), ParentHash: blocks[3].Hash, Time: blocks[4].Time + 1}
	mustApply(t, s, fork, changes(t, user(1, "bob", 9), user(7, "frank", 0), follow(4, 1, fork.Number), rejected(fork.Number, 7)))
	if d := checkDigests(t, s); d == snaps[5].StateDigest || d == snaps[4].StateDigest {
		t.Errorf("digest %v of the fork equals that of another state", d)
	}
	mustRevert(t, s, fork)
	compareSnapshots(t, "after reverting the fork", capture(t, s, u), snaps[4])
}

func testRevertNotHead(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	u := universeOf(t, scenario)
	wantNotHead := func(t *testing.T, err error) {
		t.Helper()
		wantCode(t, "RevertBlock", err, discovery.EINVALID)
		if !errors.Is(err, discovery.ErrNotHead) {
			t.Errorf("RevertBlock: error %v does not wrap ErrNotHead", err)
		}
	}
	wantNotHead(t, s.RevertBlock(ctx, newChain(1).block()))

	ch := newChain(1)
	var blocks []discovery.BlockRef
	for _, st := range scenario[:3] {
		b := ch.block()
		mustApply(t, s, b, st(t, b))
		blocks = append(blocks, b)
	}
	want := capture(t, s, u)
	otherHash := blocks[2]
	otherHash.Hash = hashOf("other", otherHash.Number)
	tests := []struct {
		name string
		b    discovery.BlockRef
	}{
		{"parent of the head", blocks[1]},
		{"first block", blocks[0]},
		{"head number, other hash", otherHash},
		{"child of the head", ch.block()},
		{"zero block", discovery.BlockRef{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantNotHead(t, s.RevertBlock(ctx, tt.b))
			compareSnapshots(t, "after a refused revert", capture(t, s, u), want)
		})
	}
}

func testPrune(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	prune := func(below uint64, want int) {
		t.Helper()
		if n, err := s.Prune(ctx, below); err != nil || n != want {
			t.Errorf("Prune(%d) = %d, %v; want %d", below, n, err, want)
		}
	}
	prune(100, 0)
	u := universeOf(t, scenario)
	blocks, snaps := applyScenario(t, s, u)

	prune(blocks[0].Number, 0)
	prune(blocks[3].Number, 3) // blocks 1, 2 and 3 are final
	prune(blocks[3].Number, 0)
	for i := len(blocks) - 1; i >= 3; i-- {
		mustRevert(t, s, blocks[i])
		compareSnapshots(t, fmt.Sprintf("after reverting block %d", blocks[i].Number), capture(t, s, u), snaps[i])
	}
	err := s.RevertBlock(ctx, blocks[2])
	wantCode(t, "RevertBlock(pruned)", err, discovery.EINVALID)
	if !errors.Is(err, discovery.ErrFinalized) {
		t.Errorf("RevertBlock(pruned): error %v does not wrap ErrFinalized", err)
	}
	compareSnapshots(t, "after the refused revert of a pruned block", capture(t, s, u), snaps[3])
	for _, b := range blocks[:3] {
		got, ok, err := s.Block(ctx, b.Number)
		if err != nil || !ok || got != b {
			t.Errorf("Block(%d) after pruning = %+v, %v, %v; want %+v", b.Number, got, ok, err, b)
		}
	}

	// Indexing goes on from the final head.
	mustApply(t, s, blocks[3], scenario[3](t, blocks[3]))
	compareSnapshots(t, "after applying block 4 again", capture(t, s, u), snaps[4])
	prune(math.MaxUint64, 1)
	err = s.RevertBlock(ctx, blocks[3])
	if !errors.Is(err, discovery.ErrFinalized) {
		t.Errorf("RevertBlock after pruning everything = %v, want ErrFinalized", err)
	}
}

func testNilEntity(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	ch := newChain(1)
	mustApply(t, s, ch.block(), changes(t, user(1, "alice", 0), track(10, 1, 1), playlist(20, 1)))
	c := discovery.NewChanges()
	c.Users[1], c.Tracks[10], c.Playlists[20] = nil, nil, nil
	mustApply(t, s, ch.block(), c)

	if _, ok := mustUser(t, s, 1); ok {
		t.Error("user 1 still exists")
	}
	if id, ok, err := s.UserIDByHandle(ctx, "alice"); ok || err != nil {
		t.Errorf("UserIDByHandle(alice) = %d, %v, %v; want the handle free", id, ok, err)
	}
	if tr, ok, err := s.Track(ctx, 10); ok || err != nil {
		t.Errorf("Track(10) = %+v, %v, %v; want none", tr, ok, err)
	}
	if p, ok, err := s.Playlist(ctx, 20); ok || err != nil {
		t.Errorf("Playlist(20) = %+v, %v, %v; want none", p, ok, err)
	}
	if d := checkDigests(t, s); d != (discovery.Digest{}) {
		t.Errorf("digest %v with no rows left, want zero", d)
	}
	// The freed handle can be taken.
	mustApply(t, s, ch.block(), changes(t, user(2, "Alice", 0)))
	if id, ok, err := s.UserIDByHandle(ctx, "alice"); !ok || err != nil || id != 2 {
		t.Errorf("UserIDByHandle(alice) = %d, %v, %v; want 2", id, ok, err)
	}
}
