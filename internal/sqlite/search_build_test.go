package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/discovery-node/discovery/internal/storetest"
)

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

// openRO opens the database file at path read-only, for dumps.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// searchSchema dumps the triggers and indexes that keep and serve the
// search documents, with their SQL: a build that drops them must make the
// same ones again.
func searchSchema(t *testing.T, path string) []string {
	t.Helper()
	rows, err := openRO(t, path).Query(`SELECT concat_ws('|', type, name, tbl_name, sql) FROM sqlite_schema
		WHERE type IN ('index', 'trigger') AND (tbl_name LIKE 'search%' OR name LIKE 'search%') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
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

// checkHidden fails unless the store at path holds rows of every kind a
// search document leaves out, so comparing documents tests each filter.
func checkHidden(t *testing.T, path string) {
	t.Helper()
	db := openRO(t, path)
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
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n == 0 {
			t.Errorf("the chain has no such rows, so it does not test the filter: %s", q)
		}
	}
}

// searchAnswers runs a few searches, one per tier and kind, and lists the
// ids each finds, in order.
func searchAnswers(t *testing.T, s *sqlite.Store) []string {
	t.Helper()
	ctx := context.Background()
	page := discovery.Page{Limit: 10}
	var out []string
	for _, q := range []string{"dj.u3", "dance", "dan", "danse", "blue", "night rain"} {
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

// TestSearchBuild checks the bulk build that ends a deferral against the
// triggers: on a chain with every kind of hidden row, FinishDeferred must
// write the documents, words and word counts the triggers keep block by
// block, make the same triggers and indexes again, and answer searches as
// the kept store does; the triggers keep the documents after it.
func TestSearchBuild(t *testing.T) {
	bcs := searchEdgeCases(storetest.SearchChain(10, 100)) // a seed whose state has every row checkHidden asks for
	const built = 70
	dir := t.TempDir()
	keptPath, path := filepath.Join(dir, "kept.db"), filepath.Join(dir, "built.db")
	kept := mustOpen(t, keptPath)
	defer kept.Close()
	storetest.ApplyRuns(t, kept, bcs[:built], 5, 0)
	schema := searchSchema(t, keptPath)

	s := mustOpen(t, path)
	defer s.Close()
	storetest.ApplyRuns(t, s, bcs[:built], 5, len(bcs))
	if docs, _, _, triggers := searchDump(t, path); triggers != 0 || len(docs) != 0 {
		t.Fatalf("before the build: %d search triggers, %d documents; want none", triggers, len(docs))
	}
	if built, err := s.FinishDeferred(context.Background()); err != nil || !built {
		t.Fatalf("FinishDeferred: built %v, %v; want true, nil", built, err)
	}
	sameSearch(t, "after the build", path, keptPath)
	if diff := storetest.FirstDiff(searchSchema(t, path), schema); diff != "" {
		t.Errorf("search triggers and indexes after the build: %s", diff)
	}
	answers := searchAnswers(t, kept)
	if found := regexp.MustCompile(`: .*[utp][0-9]`).FindAllString(strings.Join(answers, "\n"), -1); len(found) < 3 {
		t.Fatalf("the searches find nothing, so they test nothing: %q", answers)
	}
	if diff := storetest.FirstDiff(searchAnswers(t, s), answers); diff != "" {
		t.Errorf("searches after the build: %s", diff)
	}
	checkHidden(t, keptPath)

	storetest.ApplyRuns(t, kept, bcs[built:], 5, 0)
	storetest.ApplyRuns(t, s, bcs[built:], 5, len(bcs)) // final, but after the build: kept by the triggers
	sameSearch(t, "after more final blocks", path, keptPath)
}
