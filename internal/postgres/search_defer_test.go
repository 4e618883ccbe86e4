package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
)

// searchChain makes blocks that create, rename, hide, count and delete
// users, tracks and playlists, with the prior image of every row, so
// search documents change in every way the triggers handle.
type searchChain struct {
	rnd       *rand.Rand
	users     map[int64]*discovery.User
	tracks    map[int64]*discovery.Track
	playlists map[int64]*discovery.Playlist
	parent    common.Hash
	n         uint64
}

var searchWords = []string{"Dance", "Night", "Café", "Über", "Love", "Rain", "Electric", "Dream", "Ocean", "Fire", "Señor", "Blue"}

func (g *searchChain) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = searchWords[g.rnd.IntN(len(searchWords))]
	}
	return strings.Join(w, " ")
}

func (g *searchChain) next() discovery.BlockChanges {
	g.n++
	ref := discovery.BlockRef{Number: g.n, Hash: common.BytesToHash([]byte(fmt.Sprintf("search block %d", g.n))), ParentHash: g.parent, Time: 1_700_000_000 + g.n}
	g.parent = ref.Hash
	c := discovery.NewChanges()
	for range 1 + g.rnd.IntN(4) { // new users
		id := int64(len(g.users) + 1)
		u := &discovery.User{ID: id, Handle: fmt.Sprintf("user%d", id), HandleLower: fmt.Sprintf("user%d", id),
			Name: g.words(2), MetadataStatus: discovery.MetadataInline, CreatedBlock: g.n, UpdatedBlock: g.n, CreatedAt: ref.Time, UpdatedAt: ref.Time}
		c.Prior.Users[id], c.Users[id] = nil, u
		g.users[id] = u
	}
	for range g.rnd.IntN(5) { // changed users: a count, a name, hidden or shown
		id := 1 + g.rnd.Int64N(int64(len(g.users)))
		if _, ok := c.Users[id]; ok {
			continue
		}
		old := g.users[id]
		u := *old
		switch g.rnd.IntN(4) {
		case 0:
			u.Name = g.words(1 + g.rnd.IntN(3))
		case 1:
			u.IsDeactivated = !u.IsDeactivated
		case 2:
			u.IsVerified = !u.IsVerified
		default:
			u.FollowerCount += 1 + g.rnd.Int64N(10)
		}
		u.UpdatedBlock = g.n
		c.Prior.Users[id], c.Users[id] = old, &u
		g.users[id] = &u
	}
	for range g.rnd.IntN(4) { // new tracks
		id := int64(len(g.tracks) + 1)
		t := &discovery.Track{ID: id, OwnerID: 1 + g.rnd.Int64N(int64(len(g.users))), Title: g.words(1 + g.rnd.IntN(3)),
			Slug: fmt.Sprintf("t-%d", id), Genre: "Electronic", Mood: "Peaceful", MetadataStatus: discovery.MetadataInline,
			CreatedBlock: g.n, UpdatedBlock: g.n, CreatedAt: ref.Time, UpdatedAt: ref.Time}
		c.Prior.Tracks[id], c.Tracks[id] = nil, t
		g.tracks[id] = t
	}
	for range g.rnd.IntN(4) { // changed tracks
		if len(g.tracks) == 0 {
			break
		}
		id := 1 + g.rnd.Int64N(int64(len(g.tracks)))
		if _, ok := c.Tracks[id]; ok {
			continue
		}
		old := g.tracks[id]
		t := *old
		switch g.rnd.IntN(4) {
		case 0:
			t.Title = g.words(2)
		case 1:
			t.IsUnlisted = !t.IsUnlisted
		case 2:
			t.IsDelete = true
		default:
			t.PlayCount += 1 + g.rnd.Int64N(100)
			t.RepostCount++
		}
		t.UpdatedBlock = g.n
		c.Prior.Tracks[id], c.Tracks[id] = old, &t
		g.tracks[id] = &t
	}
	if g.rnd.IntN(2) == 0 { // a playlist, new or renamed
		id := 1 + g.rnd.Int64N(int64(len(g.playlists)+1))
		old := g.playlists[id]
		p := &discovery.Playlist{ID: id, OwnerID: 1 + g.rnd.Int64N(int64(len(g.users))), Name: g.words(2), Slug: fmt.Sprintf("p-%d", id),
			MetadataStatus: discovery.MetadataInline, CreatedBlock: g.n, UpdatedBlock: g.n, CreatedAt: ref.Time, UpdatedAt: ref.Time}
		if old != nil {
			cp := *old
			cp.Name, cp.UpdatedBlock, cp.SaveCount = g.words(2), g.n, old.SaveCount+1
			p = &cp
		}
		c.Prior.Playlists[id], c.Playlists[id] = old, p
		g.playlists[id] = p
	}
	return discovery.BlockChanges{Block: ref, Changes: c}
}

func newSearchChain(seed uint64, blocks int) []discovery.BlockChanges {
	g := &searchChain{rnd: rand.New(rand.NewPCG(seed, 7)), users: map[int64]*discovery.User{},
		tracks: map[int64]*discovery.Track{}, playlists: map[int64]*discovery.Playlist{}}
	out := make([]discovery.BlockChanges, blocks)
	for i := range out {
		out[i] = g.next()
	}
	return out
}

// applyRuns applies bcs in runs of size, the first final of them final.
func applyRuns(t *testing.T, s interface {
	ApplyBlocks(context.Context, []discovery.BlockChanges) error
}, bcs []discovery.BlockChanges, size, final int) {
	t.Helper()
	for i := 0; i < len(bcs); i += size {
		run := slices.Clone(bcs[i:min(i+size, len(bcs))])
		for k := range run {
			run[k].Final = i+k < final
		}
		if err := s.ApplyBlocks(context.Background(), run); err != nil {
			t.Fatalf("apply run at block %d: %v", run[0].Block.Number, err)
		}
	}
}

// searchTables dumps the search documents and vocabulary, in order.
func searchTables(t *testing.T, dsn string) (docs, vocab []string, disabled int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	dump := func(q string) []string {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return out
	}
	docs = dump(`SELECT concat_ws('|', kind, id, owner_id, words::text, doc::text, handle, verified, genre, mood, popularity, created_at)
		FROM search_docs ORDER BY kind, id`)
	vocab = dump(`SELECT concat_ws('|', kind, word, tail, n) FROM search_vocab ORDER BY kind, word`)
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'search_%' AND tgenabled = 'D'`).Scan(&disabled); err != nil {
		t.Fatal(err)
	}
	return docs, vocab, disabled
}

// TestSearchDeferredBackfill checks that a backfill of final blocks into an
// empty store, which defers the search documents, ends with exactly the
// documents the triggers keep block by block, once a block that may be
// reverted arrives, across a restart, and through reverts after.
func TestSearchDeferredBackfill(t *testing.T) {
	bcs := newSearchChain(1, 60)
	const final = 40

	keptDSN := pgtest.DSN(t)
	kept := mustOpen(t, keptDSN)
	applyRuns(t, kept, bcs, 7, 0) // nothing final: the triggers keep the documents

	deferredDSN := pgtest.DSN(t)
	s := mustOpen(t, deferredDSN)
	applyRuns(t, s, bcs[:21], 7, final)
	docs, _, disabled := searchTables(t, deferredDSN)
	if disabled != 9 || len(docs) != 0 {
		t.Fatalf("after final blocks into an empty store: %d search triggers disabled, %d documents; want 9 and none", disabled, len(docs))
	}
	s.Close()
	s = mustOpen(t, deferredDSN) // a restart keeps deferring
	applyRuns(t, s, bcs[21:final], 7, final)
	if _, _, disabled := searchTables(t, deferredDSN); disabled != 9 {
		t.Fatalf("after a restart and more final blocks: %d search triggers disabled, want 9", disabled)
	}
	applyRuns(t, s, bcs[final:], 7, 0)

	wantDocs, wantVocab, _ := searchTables(t, keptDSN)
	if len(wantDocs) == 0 || len(wantVocab) == 0 {
		t.Fatal("the chain made no search documents")
	}
	gotDocs, gotVocab, disabled := searchTables(t, deferredDSN)
	if disabled != 0 {
		t.Errorf("%d search triggers still disabled after a block that may be reverted", disabled)
	}
	if diff := firstDiff(gotDocs, wantDocs); diff != "" {
		t.Errorf("search documents after the deferred backfill: %s", diff)
	}
	if diff := firstDiff(gotVocab, wantVocab); diff != "" {
		t.Errorf("search vocabulary after the deferred backfill: %s", diff)
	}

	// Reverts after the rebuild keep the documents as the triggers do.
	ctx := context.Background()
	for i := len(bcs) - 1; i >= len(bcs)-5; i-- {
		for _, st := range []interface {
			RevertBlock(context.Context, discovery.BlockRef) error
		}{kept, s} {
			if err := st.RevertBlock(ctx, bcs[i].Block); err != nil {
				t.Fatalf("revert block %d: %v", bcs[i].Block.Number, err)
			}
		}
	}
	wantDocs, wantVocab, _ = searchTables(t, keptDSN)
	gotDocs, gotVocab, _ = searchTables(t, deferredDSN)
	if diff := firstDiff(gotDocs, wantDocs); diff != "" {
		t.Errorf("search documents after reverts: %s", diff)
	}
	if diff := firstDiff(gotVocab, wantVocab); diff != "" {
		t.Errorf("search vocabulary after reverts: %s", diff)
	}
}

// TestSearchNotDeferredWithBlocks checks that a store that has blocks keeps
// its search documents through final blocks: it does not defer.
func TestSearchNotDeferredWithBlocks(t *testing.T) {
	bcs := newSearchChain(2, 10)
	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	applyRuns(t, s, bcs[:1], 1, 0)
	applyRuns(t, s, bcs[1:], 3, len(bcs))
	docs, _, disabled := searchTables(t, dsn)
	if disabled != 0 || len(docs) == 0 {
		t.Fatalf("final blocks after a kept one: %d search triggers disabled, %d documents; want none disabled, some documents", disabled, len(docs))
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("row %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("got %d rows, want %d", len(got), len(want))
	}
	return ""
}

// TestSearchFinishDeferred checks the end of a backfill on a chain whose
// blocks are all final: FinishDeferred builds the documents the triggers
// would have kept, once, and the triggers keep them after.
func TestSearchFinishDeferred(t *testing.T) {
	bcs := newSearchChain(3, 30)
	keptDSN := pgtest.DSN(t)
	applyRuns(t, mustOpen(t, keptDSN), bcs, 5, 0)

	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	applyRuns(t, s, bcs[:20], 5, len(bcs))
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		built, err := s.FinishDeferred(ctx)
		if err != nil || built != want {
			t.Fatalf("FinishDeferred call %d: built %v, %v; want %v, nil", i+1, built, err, want)
		}
	}
	applyRuns(t, s, bcs[20:], 5, len(bcs)) // final, but after the build: kept by the triggers

	wantDocs, wantVocab, _ := searchTables(t, keptDSN)
	gotDocs, gotVocab, disabled := searchTables(t, dsn)
	if disabled != 0 {
		t.Errorf("%d search triggers disabled after FinishDeferred", disabled)
	}
	if diff := firstDiff(gotDocs, wantDocs); diff != "" {
		t.Errorf("search documents: %s", diff)
	}
	if diff := firstDiff(gotVocab, wantVocab); diff != "" {
		t.Errorf("search vocabulary: %s", diff)
	}
}
