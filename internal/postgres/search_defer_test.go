package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
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

// searchIndexes dumps the indexes of the search tables: a build that drops
// them must make the same ones again, valid.
func searchIndexes(t *testing.T, dsn string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT concat_ws('|', pg_get_indexdef(indexrelid), indisvalid, indisready)
		FROM pg_index WHERE indrelid IN ('search_docs'::regclass, 'search_vocab'::regclass) ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// searchEdgeCases gives a SearchChain what it lacks: playlists that are
// private, albums or deleted, and handles with capitals and punctuation,
// with prior images to match. Without them a build that forgot a filter,
// or wrote a handle unfolded, would go unseen.
func searchEdgeCases(bcs []discovery.BlockChanges) []discovery.BlockChanges {
	users, playlists := map[int64]*discovery.User{}, map[int64]*discovery.Playlist{}
	for _, bc := range bcs {
		for id, u := range bc.Changes.Users {
			cu := *u
			cu.Handle = fmt.Sprintf("DJ.%s_%d", strings.ToUpper(u.Handle[:1]), id)
			cu.HandleLower = strings.ToLower(cu.Handle)
			bc.Changes.Users[id], bc.Changes.Prior.Users[id] = &cu, users[id]
			users[id] = &cu
		}
		for id, p := range bc.Changes.Playlists {
			cp := *p
			switch (id + int64(bc.Block.Number)) % 5 {
			case 0:
				cp.IsPrivate = true
			case 1:
				cp.IsAlbum = true
			case 2:
				cp.IsDelete = true
			}
			bc.Changes.Playlists[id], bc.Changes.Prior.Playlists[id] = &cp, playlists[id]
			playlists[id] = &cp
		}
	}
	return bcs
}

// compareSearch fails the test where the search documents, vocabulary or
// indexes of the store at dsn differ from those of the store at wantDSN.
func compareSearch(t *testing.T, when, dsn, wantDSN string) {
	t.Helper()
	wantDocs, wantVocab, _ := searchTables(t, wantDSN)
	if len(wantDocs) == 0 || len(wantVocab) == 0 {
		t.Fatal("the chain made no search documents")
	}
	gotDocs, gotVocab, _ := searchTables(t, dsn)
	if diff := storetest.FirstDiff(gotDocs, wantDocs); diff != "" {
		t.Errorf("search documents %s: %s", when, diff)
	}
	if diff := storetest.FirstDiff(gotVocab, wantVocab); diff != "" {
		t.Errorf("search vocabulary %s: %s", when, diff)
	}
	if diff := storetest.FirstDiff(searchIndexes(t, dsn), searchIndexes(t, wantDSN)); diff != "" {
		t.Errorf("search indexes %s: %s", when, diff)
	}
}

// checkHidden fails unless the store at dsn holds rows of every kind a
// search document leaves out, so comparing documents tests each filter.
func checkHidden(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`SELECT count(*) FROM users WHERE is_deactivated`,
		`SELECT count(*) FROM tracks WHERE is_delete`,
		`SELECT count(*) FROM tracks WHERE is_unlisted AND NOT is_delete`,
		`SELECT count(*) FROM tracks t JOIN users u ON u.id = t.owner_id WHERE u.is_deactivated AND NOT t.is_delete AND NOT t.is_unlisted`,
		`SELECT count(*) FROM playlists WHERE is_delete`,
		`SELECT count(*) FROM playlists WHERE is_private AND NOT is_delete`,
		`SELECT count(*) FROM playlists WHERE is_album AND NOT is_private AND NOT is_delete`,
		`SELECT count(*) FROM playlists p JOIN users u ON u.id = p.owner_id WHERE u.is_deactivated AND NOT p.is_delete AND NOT p.is_private AND NOT p.is_album`,
	} {
		var n int
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n == 0 {
			t.Errorf("the chain has no such rows, so it does not test the filter: %s", q)
		}
	}
}

// searchAnswers runs a few searches, one per tier and kind, and lists the
// ids each finds, in order.
func searchAnswers(t *testing.T, s *postgres.Store) []string {
	t.Helper()
	ctx := context.Background()
	page := discovery.Page{Limit: 10}
	var out []string
	for _, q := range []string{"user3", "dance", "dan", "danse", "blue", "night rain"} {
		sq := discovery.SearchQuery{Query: q}
		users, err := s.FindUsers(ctx, sq, page)
		if err != nil {
			t.Fatal(err)
		}
		tracks, err := s.FindTracks(ctx, sq, page)
		if err != nil {
			t.Fatal(err)
		}
		playlists, err := s.FindPlaylists(ctx, sq, page)
		if err != nil {
			t.Fatal(err)
		}
		line := q + ":"
		for _, u := range users {
			line += fmt.Sprintf(" u%d", u.ID)
		}
		for _, tr := range tracks {
			line += fmt.Sprintf(" t%d", tr.ID)
		}
		for _, p := range playlists {
			line += fmt.Sprintf(" p%d", p.ID)
		}
		out = append(out, line)
	}
	return out
}

// TestSearchDeferredBackfill checks that a backfill of final blocks into an
// empty store, which defers the search documents, ends with exactly the
// documents the triggers keep block by block, once a block that may be
// reverted arrives, across a restart, and through reverts after.
func TestSearchDeferredBackfill(t *testing.T) {
	bcs := searchEdgeCases(storetest.SearchChain(1, 60))
	const final, built = 40, 47 // built: the end of the first run with a block that is not final

	keptDSN := pgtest.DSN(t)
	kept := mustOpen(t, keptDSN)
	storetest.ApplyRuns(t, kept, bcs[:built], 7, 0) // nothing final: the triggers keep the documents

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
	storetest.ApplyRuns(t, s, bcs[final:built], 7, 0)
	if _, _, disabled := searchTables(t, deferredDSN); disabled != 0 {
		t.Errorf("%d search triggers still disabled after a block that may be reverted", disabled)
	}
	compareSearch(t, "after the run that ended the deferral", deferredDSN, keptDSN)
	checkHidden(t, keptDSN)

	storetest.ApplyRuns(t, kept, bcs[built:], 7, 0)
	storetest.ApplyRuns(t, s, bcs[built:], 7, 0)
	compareSearch(t, "after more blocks", deferredDSN, keptDSN)

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
	compareSearch(t, "after reverts", deferredDSN, keptDSN)
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
// would have kept, and indexes that answer searches as theirs do, once,
// and the triggers keep them after.
func TestSearchFinishDeferred(t *testing.T) {
	bcs := searchEdgeCases(storetest.SearchChain(10, 100)) // a seed whose state has every row checkHidden asks for
	const built = 70
	keptDSN := pgtest.DSN(t)
	kept := mustOpen(t, keptDSN)
	storetest.ApplyRuns(t, kept, bcs[:built], 5, 0)

	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	storetest.ApplyRuns(t, s, bcs[:built], 5, len(bcs))
	searchAnswers(t, s) // statements prepared before the build's new indexes must still answer after it
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		built, err := s.FinishDeferred(ctx)
		if err != nil || built != want {
			t.Fatalf("FinishDeferred call %d: built %v, %v; want %v, nil", i+1, built, err, want)
		}
	}
	if _, _, disabled := searchTables(t, dsn); disabled != 0 {
		t.Errorf("%d search triggers disabled after FinishDeferred", disabled)
	}
	compareSearch(t, "after FinishDeferred", dsn, keptDSN)
	if diff := storetest.FirstDiff(searchAnswers(t, s), searchAnswers(t, kept)); diff != "" {
		t.Errorf("searches after FinishDeferred: %s", diff)
	}
	checkHidden(t, keptDSN)

	storetest.ApplyRuns(t, kept, bcs[built:], 5, 0)
	storetest.ApplyRuns(t, s, bcs[built:], 5, len(bcs)) // final, but after the build: kept by the triggers
	compareSearch(t, "after more final blocks", dsn, keptDSN)
}
