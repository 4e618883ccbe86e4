package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/discovery-node/discovery/internal/storetest"
)

// searchDump dumps the search documents, words and vocabulary in order,
// and counts the search triggers that exist.
func searchDump(t *testing.T, path string) (docs, words, vocab []string, triggers int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dump := func(q string) []string {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	docs = dump(`SELECT concat_ws('|', kind, id, owner_id, words, handle, verified, genre, mood, popularity, created_at) FROM search_docs ORDER BY kind, id`)
	words = dump(`SELECT concat_ws('|', kind, word, id) FROM search_words ORDER BY kind, word, id`)
	vocab = dump(`SELECT concat_ws('|', kind, word, tail, n) FROM search_vocab ORDER BY kind, word`)
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND (name LIKE 'search_users_%' OR name LIKE 'search_tracks_%' OR name LIKE 'search_playlists_%')`).Scan(&triggers); err != nil {
		t.Fatal(err)
	}
	return docs, words, vocab, triggers
}

func sameSearch(t *testing.T, when, gotPath, wantPath string) {
	t.Helper()
	wantDocs, wantWords, wantVocab, _ := searchDump(t, wantPath)
	gotDocs, gotWords, gotVocab, triggers := searchDump(t, gotPath)
	if triggers != 13 {
		t.Errorf("%s: %d search triggers, want 13", when, triggers)
	}
	if len(wantDocs) == 0 {
		t.Fatalf("%s: the chain made no search documents", when)
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{{"documents", gotDocs, wantDocs}, {"words", gotWords, wantWords}, {"vocabulary", gotVocab, wantVocab}} {
		if diff := storetest.FirstDiff(c.got, c.want); diff != "" {
			t.Errorf("%s: search %s: %s", when, c.what, diff)
		}
	}
}

// TestSearchDeferredBackfill checks that a backfill of final blocks into an
// empty store, which drops the search triggers, ends with exactly the
// documents the triggers keep block by block once a block that may be
// reverted arrives, across a restart, and through reverts after.
func TestSearchDeferredBackfill(t *testing.T) {
	bcs := storetest.SearchChain(1, 60)
	const final = 40
	dir := t.TempDir()
	keptPath, path := filepath.Join(dir, "kept.db"), filepath.Join(dir, "deferred.db")
	kept := mustOpen(t, keptPath)
	defer kept.Close()
	storetest.ApplyRuns(t, kept, bcs, 7, 0)

	s := mustOpen(t, path)
	storetest.ApplyRuns(t, s, bcs[:21], 7, final)
	if docs, _, _, triggers := searchDump(t, path); triggers != 0 || len(docs) != 0 {
		t.Fatalf("after final blocks into an empty store: %d search triggers, %d documents; want none", triggers, len(docs))
	}
	s.Close()
	s = mustOpen(t, path) // a restart keeps deferring
	defer s.Close()
	storetest.ApplyRuns(t, s, bcs[21:final], 7, final)
	if _, _, _, triggers := searchDump(t, path); triggers != 0 {
		t.Fatalf("after a restart and more final blocks: %d search triggers, want none", triggers)
	}
	storetest.ApplyRuns(t, s, bcs[final:], 7, 0)
	sameSearch(t, "after the deferred backfill", path, keptPath)

	ctx := context.Background()
	for i := len(bcs) - 1; i >= len(bcs)-5; i-- {
		for _, st := range []*sqlite.Store{kept, s} {
			if err := st.RevertBlock(ctx, bcs[i].Block); err != nil {
				t.Fatalf("revert block %d: %v", bcs[i].Block.Number, err)
			}
		}
	}
	sameSearch(t, "after reverts", path, keptPath)
}

// TestSearchFinishDeferred checks the end of a backfill on a chain whose
// blocks are all final: FinishDeferred builds the documents, once, and
// the triggers keep them after; a store with blocks never defers.
func TestSearchFinishDeferred(t *testing.T) {
	bcs := storetest.SearchChain(3, 30)
	dir := t.TempDir()
	keptPath, path := filepath.Join(dir, "kept.db"), filepath.Join(dir, "deferred.db")
	kept := mustOpen(t, keptPath)
	defer kept.Close()
	storetest.ApplyRuns(t, kept, bcs, 5, 0)

	s := mustOpen(t, path)
	defer s.Close()
	storetest.ApplyRuns(t, s, bcs[:20], 5, len(bcs))
	for i, want := range []bool{true, false} {
		built, err := s.FinishDeferred(context.Background())
		if err != nil || built != want {
			t.Fatalf("FinishDeferred call %d: built %v, %v; want %v, nil", i+1, built, err, want)
		}
	}
	storetest.ApplyRuns(t, s, bcs[20:], 5, len(bcs))
	sameSearch(t, "after FinishDeferred", path, keptPath)

	withBlocks := filepath.Join(dir, "with-blocks.db")
	w := mustOpen(t, withBlocks)
	defer w.Close()
	storetest.ApplyRuns(t, w, bcs[:1], 1, 0)
	storetest.ApplyRuns(t, w, bcs[1:], 4, len(bcs))
	sameSearch(t, "final blocks after a kept one", withBlocks, keptPath)
}

var _ discovery.DeferredBuilder = (*sqlite.Store)(nil)
