package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery/internal/storetest"
)

// TestSearchOwnerDeletePlan checks that the rewritten triggers remove a
// user's track and playlist documents through the owner index and the
// primary key, not by walking every document of a kind.
func TestSearchOwnerDeletePlan(t *testing.T) {
	s := mustOpenInternal(t, filepath.Join(t.TempDir(), "discovery.db"))
	defer s.Close()
	stmt := strings.TrimSuffix(strings.Replace(fmt.Sprintf(searchOwnerDelete, "OLD"), "OLD.id", "?", 1), ";")
	rows, err := s.w.Query(`EXPLAIN QUERY PLAN `+stmt, 7)
	if err != nil {
		t.Fatalf("explain %s: %v", stmt, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"SEARCH search_docs USING PRIMARY KEY (kind=? AND id=?)":                                false,
		"SEARCH search_docs USING COVERING INDEX search_docs_owner_idx (kind=? AND owner_id=?)": false,
	}
	for _, d := range plan {
		if _, ok := want[d]; ok {
			want[d] = true
		} else if strings.Contains(d, "search_docs") {
			t.Errorf("plan of %s: %q, a way of reading search_docs it should not take", stmt, d)
		}
	}
	for d, seen := range want {
		if !seen {
			t.Errorf("plan of %s has no %q: %q", stmt, d, plan)
		}
	}
}

// triggerSQL returns the SQL of each of searchOwnerTriggers as the schema
// has it and as a deferral kept it ("" where there is none).
func triggerSQL(t *testing.T, db *sql.DB) (live, kept []string) {
	t.Helper()
	for _, tr := range searchOwnerTriggers {
		var l, k string
		err := db.QueryRow(`SELECT coalesce((SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1), ''),
			coalesce((SELECT sql FROM search_deferred_triggers WHERE name = ?1), '')`, tr.name).Scan(&l, &k)
		if err != nil {
			t.Fatal(err)
		}
		live, kept = append(live, l), append(kept, k)
	}
	return live, kept
}

// TestSearchOwnerMigration checks migration 12 up and down on a store
// whose search triggers are kept and on one whose backfill dropped them:
// the triggers (or the SQL the deferral kept) are the new ones after up
// and those of 00005 after down, nothing else moves, and a deferral ended
// after the migration creates the new ones.
func TestSearchOwnerMigration(t *testing.T) {
	ctx := context.Background()
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	db, err := sql.Open("sqlite", fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := migrationProvider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, searchOwnerVersion-1); err != nil {
		t.Fatal(err)
	}
	made, _ := triggerSQL(t, db)
	for i, tr := range searchOwnerTriggers {
		if made[i] != tr.old {
			t.Errorf("00005 made %s as\n%s\nwant the old SQL of migration 12\n%s", tr.name, made[i], tr.old)
		}
	}

	bcs := storetest.SearchChain(4, 30)
	tests := []struct {
		name     string
		final    int  // blocks applied as final
		deferred bool // whether the store drops the search triggers
	}{
		{"triggers kept", 0, false},
		{"deferred by a backfill", len(bcs), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "discovery.db")
			s := mustOpenInternal(t, path)
			storetest.ApplyRuns(t, s, bcs, 10, tt.final)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			p, err := migrationProvider(db)
			if err != nil {
				t.Fatal(err)
			}
			check := func(when string, want func(int) string) {
				t.Helper()
				live, kept := triggerSQL(t, db)
				for i, tr := range searchOwnerTriggers {
					gotLive, gotKept := live[i], kept[i]
					wantLive, wantKept := want(i), ""
					if tt.deferred {
						wantLive, wantKept = "", want(i)
					}
					if gotLive != wantLive || gotKept != wantKept {
						t.Errorf("%s: %s is\n%s\nand kept as\n%s\nwant\n%s\nand kept as\n%s", when, tr.name, gotLive, gotKept, wantLive, wantKept)
					}
				}
			}
			others := searchSchemaOthers(t, db)
			check("up", func(i int) string { return searchOwnerTriggers[i].new })
			if _, err := p.DownTo(ctx, searchOwnerVersion-1); err != nil {
				t.Fatalf("down: %v", err)
			}
			check("down", func(i int) string { return searchOwnerTriggers[i].old })
			if _, err := p.Up(ctx); err != nil {
				t.Fatalf("up again: %v", err)
			}
			check("up again", func(i int) string { return searchOwnerTriggers[i].new })
			if diff := storetest.FirstDiff(searchSchemaOthers(t, db), others); diff != "" {
				t.Errorf("the other search triggers and kept SQL moved: %s", diff)
			}
			if !tt.deferred {
				return
			}
			s = mustOpenInternal(t, path)
			defer s.Close()
			if built, err := s.FinishDeferred(ctx); err != nil || !built {
				t.Fatalf("FinishDeferred: built %v, %v", built, err)
			}
			tt.deferred = false
			check("after the deferral", func(i int) string { return searchOwnerTriggers[i].new })
		})
	}
}

// searchSchemaOthers dumps the search triggers migration 12 leaves alone,
// as the schema has them and as a deferral kept them.
func searchSchemaOthers(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT 'live|' || name || '|' || sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'search%'
		AND name NOT IN ('search_users_inserted', 'search_users_activated', 'search_users_deleted')
		UNION ALL SELECT 'kept|' || name || '|' || sql FROM search_deferred_triggers
		WHERE name NOT IN ('search_users_inserted', 'search_users_activated', 'search_users_deleted')
		ORDER BY 1`)
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
	if len(out) < 10 {
		t.Fatalf("%d other search triggers: %q", len(out), out)
	}
	return out
}

func mustOpenInternal(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}
