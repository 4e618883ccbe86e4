package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/storetest"
)

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
	bcs := storetest.SearchChain(1, 60)
	const final = 40

	keptDSN := pgtest.DSN(t)
	kept := mustOpen(t, keptDSN)
	storetest.ApplyRuns(t, kept, bcs, 7, 0) // nothing final: the triggers keep the documents

	deferredDSN := pgtest.DSN(t)
	s := mustOpen(t, deferredDSN)
	storetest.ApplyRuns(t, s, bcs[:21], 7, final)
	docs, _, disabled := searchTables(t, deferredDSN)
	if disabled != 9 || len(docs) != 0 {
		t.Fatalf("after final blocks into an empty store: %d search triggers disabled, %d documents; want 9 and none", disabled, len(docs))
	}
	s.Close()
	s = mustOpen(t, deferredDSN) // a restart keeps deferring
	storetest.ApplyRuns(t, s, bcs[21:final], 7, final)
	if _, _, disabled := searchTables(t, deferredDSN); disabled != 9 {
		t.Fatalf("after a restart and more final blocks: %d search triggers disabled, want 9", disabled)
	}
	storetest.ApplyRuns(t, s, bcs[final:], 7, 0)

	wantDocs, wantVocab, _ := searchTables(t, keptDSN)
	if len(wantDocs) == 0 || len(wantVocab) == 0 {
		t.Fatal("the chain made no search documents")
	}
	gotDocs, gotVocab, disabled := searchTables(t, deferredDSN)
	if disabled != 0 {
		t.Errorf("%d search triggers still disabled after a block that may be reverted", disabled)
	}
	if diff := storetest.FirstDiff(gotDocs, wantDocs); diff != "" {
		t.Errorf("search documents after the deferred backfill: %s", diff)
	}
	if diff := storetest.FirstDiff(gotVocab, wantVocab); diff != "" {
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
	if diff := storetest.FirstDiff(gotDocs, wantDocs); diff != "" {
		t.Errorf("search documents after reverts: %s", diff)
	}
	if diff := storetest.FirstDiff(gotVocab, wantVocab); diff != "" {
		t.Errorf("search vocabulary after reverts: %s", diff)
	}
}

// TestSearchNotDeferredWithBlocks checks that a store that has blocks keeps
// its search documents through final blocks: it does not defer.
func TestSearchNotDeferredWithBlocks(t *testing.T) {
	bcs := storetest.SearchChain(2, 10)
	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	storetest.ApplyRuns(t, s, bcs[:1], 1, 0)
	storetest.ApplyRuns(t, s, bcs[1:], 3, len(bcs))
	docs, _, disabled := searchTables(t, dsn)
	if disabled != 0 || len(docs) == 0 {
		t.Fatalf("final blocks after a kept one: %d search triggers disabled, %d documents; want none disabled, some documents", disabled, len(docs))
	}
}

// TestSearchFinishDeferred checks the end of a backfill on a chain whose
// blocks are all final: FinishDeferred builds the documents the triggers
// would have kept, once, and the triggers keep them after.
func TestSearchFinishDeferred(t *testing.T) {
	bcs := storetest.SearchChain(3, 30)
	keptDSN := pgtest.DSN(t)
	storetest.ApplyRuns(t, mustOpen(t, keptDSN), bcs, 5, 0)

	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	storetest.ApplyRuns(t, s, bcs[:20], 5, len(bcs))
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		built, err := s.FinishDeferred(ctx)
		if err != nil || built != want {
			t.Fatalf("FinishDeferred call %d: built %v, %v; want %v, nil", i+1, built, err, want)
		}
	}
	storetest.ApplyRuns(t, s, bcs[20:], 5, len(bcs)) // final, but after the build: kept by the triggers

	wantDocs, wantVocab, _ := searchTables(t, keptDSN)
	gotDocs, gotVocab, disabled := searchTables(t, dsn)
	if disabled != 0 {
		t.Errorf("%d search triggers disabled after FinishDeferred", disabled)
	}
	if diff := storetest.FirstDiff(gotDocs, wantDocs); diff != "" {
		t.Errorf("search documents: %s", diff)
	}
	if diff := storetest.FirstDiff(gotVocab, wantVocab); diff != "" {
		t.Errorf("search vocabulary: %s", diff)
	}
}
