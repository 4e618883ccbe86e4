package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/discovery-node/discovery"
)

var batchTests = []testCase{
	{"a run of blocks applied at once leaves what the blocks one by one leave", testApplyBlocksSameState},
	{"a run whose blocks do not link is refused whole", testApplyBlocksBrokenRun},
	{"a final block keeps no undo image", testApplyBlocksFinal},
	{"ReadRows reads what the point reads read", testReadRows},
}

// runChanges builds the Changes of scenario blocks from..to (indexes into
// blocks) with prior images from the model, as the indexer does within a
// run: the store has not seen the run's earlier blocks yet.
func runChanges(t *testing.T, m *model, blocks []discovery.BlockRef, from, to int) []discovery.BlockChanges {
	t.Helper()
	var bcs []discovery.BlockChanges
	for i := from; i <= to; i++ {
		c := scenario[i](t, blocks[i])
		if c == nil {
			c = discovery.NewChanges()
		}
		m.fillPrior(c)
		m.apply(c)
		bcs = append(bcs, discovery.BlockChanges{Block: blocks[i], Changes: c})
	}
	return bcs
}

func testApplyBlocksSameState(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	u := universeOf(t, scenario)
	blocks, snaps := applyScenario(t, s, u)
	for i := len(blocks) - 1; i >= 0; i-- {
		mustRevert(t, s, blocks[i])
	}

	// The scenario again, as two runs: the first from an empty store, the
	// second extending the first.
	m := newModel()
	split := 3
	for _, run := range [][2]int{{0, split - 1}, {split, len(blocks) - 1}} {
		if err := s.ApplyBlocks(ctx, runChanges(t, m, blocks, run[0], run[1])); err != nil {
			t.Fatalf("ApplyBlocks(%d-%d): %v", blocks[run[0]].Number, blocks[run[1]].Number, err)
		}
		if d, want := checkDigests(t, s), m.digest(t); d != want {
			t.Errorf("digest after blocks up to %d = %v, want the sum of the rows' hashes %v", blocks[run[1]].Number, d, want)
		}
		compareSnapshots(t, fmt.Sprintf("after the run up to block %d", blocks[run[1]].Number), capture(t, s, u), snaps[run[1]+1])
	}

	// Every block of the runs reverts on its own, to the state the blocks
	// one by one had left before it.
	for i := len(blocks) - 1; i >= 0; i-- {
		mustRevert(t, s, blocks[i])
		compareSnapshots(t, fmt.Sprintf("after reverting block %d of a run", blocks[i].Number), capture(t, s, u), snaps[i])
	}
}

func testApplyBlocksBrokenRun(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	u := universeOf(t, scenario)
	ch := newChain(1)
	var blocks []discovery.BlockRef
	for range scenario {
		blocks = append(blocks, ch.block())
	}
	before := capture(t, s, u)

	m := newModel()
	bcs := runChanges(t, m, blocks, 0, 2)
	bcs[2].Block.ParentHash = hashOf("elsewhere", bcs[2].Block.Number-1)
	err := s.ApplyBlocks(ctx, bcs)
	if !errors.Is(err, discovery.ErrNotNextBlock) {
		t.Fatalf("ApplyBlocks of a run with a block on another parent: %v, want ErrNotNextBlock", err)
	}
	compareSnapshots(t, "after a refused run", capture(t, s, u), before)

	// A run that does not extend the head is refused too.
	m = newModel()
	mustApply(t, s, blocks[0], scenario[0](t, blocks[0]))
	m.apply(withPrior(t, s, scenario[0](t, blocks[0])))
	afterFirst := capture(t, s, u)
	bcs = runChanges(t, m, blocks, 2, 3) // skips block 2
	if err := s.ApplyBlocks(ctx, bcs); !errors.Is(err, discovery.ErrNotNextBlock) {
		t.Fatalf("ApplyBlocks of a run starting past the head's child: %v, want ErrNotNextBlock", err)
	}
	compareSnapshots(t, "after a run that skips a block", capture(t, s, u), afterFirst)
}

func testApplyBlocksFinal(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	ch := newChain(1)
	var blocks []discovery.BlockRef
	for range scenario {
		blocks = append(blocks, ch.block())
	}
	m := newModel()
	bcs := runChanges(t, m, blocks, 0, 3)
	bcs[0].Final, bcs[1].Final, bcs[2].Final = true, true, true
	if err := s.ApplyBlocks(ctx, bcs); err != nil {
		t.Fatalf("ApplyBlocks: %v", err)
	}
	if d, want := checkDigests(t, s), m.digest(t); d != want {
		t.Errorf("digest %v, want the sum of the rows' hashes %v", d, want)
	}
	before := m.digest(t)
	// The block that is not final reverts; the final one below it does not.
	mustRevert(t, s, blocks[3])
	if d := checkDigests(t, s); d == before {
		t.Errorf("digest unchanged by reverting block %d, which changed rows", blocks[3].Number)
	}
	err := s.RevertBlock(ctx, blocks[2])
	if !errors.Is(err, discovery.ErrFinalized) {
		t.Fatalf("RevertBlock of a final block: %v, want ErrFinalized", err)
	}
	if h, ok := mustHead(t, s); !ok || h.Number != blocks[2].Number {
		t.Errorf("head %+v after a refused revert, want block %d", h, blocks[2].Number)
	}
}

func testReadRows(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	u := universeOf(t, scenario)
	blocks, _ := applyScenario(t, s, u)
	// Back to the state with the most rows in it.
	mustRevert(t, s, blocks[len(blocks)-1])
	mustRevert(t, s, blocks[len(blocks)-2])

	k := discovery.RowKeys{
		Users: u.users, Tracks: u.tracks, Playlists: u.playlists,
		Follows: u.follows, Subscriptions: u.subscriptions,
		Grants: u.grants, DeveloperApps: u.apps, PlayDays: u.playDays,
	}
	for _, it := range u.items {
		k.Reposts, k.Saves = append(k.Reposts, it), append(k.Saves, it)
	}
	got, err := s.ReadRows(ctx, k)
	if err != nil {
		t.Fatalf("ReadRows: %v", err)
	}
	found := 0
	found += sameAsPointReads(t, "user", k.Users, got.Users, s.User)
	found += sameAsPointReads(t, "track", k.Tracks, got.Tracks, s.Track)
	found += sameAsPointReads(t, "playlist", k.Playlists, got.Playlists, s.Playlist)
	found += sameAsPointReads(t, "follow", k.Follows, got.Follows, s.Follow)
	found += sameAsPointReads(t, "subscription", k.Subscriptions, got.Subscriptions, s.Subscription)
	found += sameAsPointReads(t, "repost", k.Reposts, got.Reposts, s.Repost)
	found += sameAsPointReads(t, "save", k.Saves, got.Saves, s.Save)
	found += sameAsPointReads(t, "grant", k.Grants, got.Grants, s.Grant)
	found += sameAsPointReads(t, "developer app", k.DeveloperApps, got.DeveloperApps, s.DeveloperApp)
	found += sameAsPointReads(t, "play day", k.PlayDays, got.PlayDays, s.PlayDay)
	if found < 20 {
		t.Errorf("ReadRows found %d rows; the scenario leaves more, so the comparison proves little", found)
	}

	empty, err := s.ReadRows(ctx, discovery.RowKeys{})
	if err != nil || len(empty.Users)+len(empty.Tracks) != 0 {
		t.Errorf("ReadRows of no keys = %d users, %d tracks, %v; want none", len(empty.Users), len(empty.Tracks), err)
	}
}

// sameAsPointReads checks that got has, for every key, exactly the row the
// point read returns, and no other; it returns how many rows there were.
func sameAsPointReads[K comparable, V any](t *testing.T, what string, keys []K, got map[K]*V,
	read func(context.Context, K) (*V, bool, error)) int {
	t.Helper()
	n := 0
	for _, k := range keys {
		want, ok, err := read(context.Background(), k)
		if err != nil {
			t.Fatalf("%s %v: %v", what, k, err)
		}
		row, have := got[k]
		switch {
		case ok != have:
			t.Errorf("%s %v: ReadRows has it %v, the point read %v", what, k, have, ok)
		case ok && !reflect.DeepEqual(row, want):
			t.Errorf("%s %v: ReadRows %+v, point read %+v", what, k, *row, *want)
		case ok:
			n++
		}
	}
	if len(got) > len(keys) {
		t.Errorf("%s: ReadRows returned %d rows for %d keys", what, len(got), len(keys))
	}
	return n
}
