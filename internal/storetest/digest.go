package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/discovery-node/discovery"
)

var digestTests = []testCase{
	{"rewriting rows as they were leaves the digest alone", testDigestNoop},
}

func testDigestNoop(t *testing.T, s discovery.Store) {
	ch := newChain(1)
	mustApply(t, s, ch.block(), changes(t, user(1, "alice", 0), follow(2, 1, 1)))
	before := checkDigests(t, s)
	mustApply(t, s, ch.block(), changes(t, user(1, "alice", 0), follow(2, 1, 1)))
	if after := checkDigests(t, s); after != before {
		t.Errorf("digest %v after rewriting the same rows, want %v", after, before)
	}
}

// applySteps applies steps from block 1 and returns the chain, ready to
// hand out the next block.
func applySteps(t *testing.T, s discovery.Store, steps []step) *chain {
	t.Helper()
	ch := newChain(1)
	for _, st := range steps {
		b := ch.block()
		mustApply(t, s, b, st(t, b))
	}
	return ch
}

// RunOutsideWrites checks what a store makes of its tables written behind
// its back with plain SQL: ComputeDigest no longer matches StateDigest, and
// a head indexed before digests were kept gets one when the store opens.
// newDB makes a new, empty database for the test and returns how to open a
// store on it (the suite closes each store it opens) and how to run one
// SQL statement on the database directly.
func RunOutsideWrites(t *testing.T, newDB func(t *testing.T) (open func(t *testing.T) discovery.Store, exec func(ctx context.Context, stmt string) error)) {
	t.Helper()
	// Each statement changes a row the scenario leaves; the SQL is the
	// same on both stores.
	tampers := []struct{ table, stmt string }{
		{"users", `UPDATE users SET bio = 'tampered' WHERE id = 1`},
		{"users handle", `UPDATE users SET handle_lower = NULL WHERE id = 2`},
		{"tracks", `UPDATE tracks SET play_count = play_count + 1 WHERE id = 10`},
		{"playlists", `UPDATE playlists SET is_private = NOT is_private WHERE id = 20`},
		{"follows", `DELETE FROM follows WHERE follower_id = 2 AND followee_id = 1`},
		{"reposts", `UPDATE reposts SET created_at = created_at + 1 WHERE user_id = 2`},
		{"saves", `INSERT INTO saves (user_id, item_type, item_id, block, created_at) VALUES (4, 'track', 10, 1, 1)`},
		{"rejected actions", `UPDATE rejected_actions SET reason = 'tampered' WHERE log_index = 0`},
		{"subscriptions", `DELETE FROM subscriptions WHERE subscriber_id = 3 AND user_id = 1`},
		{"routes", `UPDATE routes SET is_current = NOT is_current WHERE owner_id = 1 AND slug = 'renamed-10'`},
		{"developer apps", `UPDATE developer_apps SET name = 'tampered'`},
		{"grants", `UPDATE grants SET is_revoked = NOT is_revoked WHERE user_id = 2`},
		{"play days", `UPDATE play_days SET count = count + 1 WHERE track_id = 10 AND day = 19701`},
		{"remix parents", `UPDATE tracks SET remix_of = '[]' WHERE id = 10`},
		{"stem parents", `UPDATE tracks SET stem_of = 12345 WHERE id = 10`},
		{"reposts of reposts", `UPDATE reposts SET of_repost = NOT of_repost WHERE user_id = 2`},
		{"saves of reposts", `UPDATE saves SET of_repost = NOT of_repost WHERE user_id = 6`},
		{"metadata status", `UPDATE users SET metadata_status = 'pending' WHERE id = 1`},
	}
	// Statements that change only what nodes may see differently: fields
	// fetched by CID, and the queue of fetches.
	untracked := []string{
		`UPDATE users SET name = 'fetched', bio = 'fetched' WHERE id = 6`,
		`UPDATE users SET metadata_status = 'resolved' WHERE id = 6`,
		`UPDATE playlists SET name = 'fetched', description = 'fetched' WHERE id = 22`,
		`INSERT INTO metadata_attempts (kind, entity_id, cid, attempts, next_attempt_at, reason) VALUES ('User', 6, 'QmUserMeta6', 1, 0, 'r')`,
	}
	t.Run("ComputeDigest sees rows changed behind the store's back", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		open, exec := newDB(t)
		s := open(t)
		defer s.Close()
		applySteps(t, s, scenario)
		kept := checkDigests(t, s)
		// The statements run one after another: each must move the
		// computed digest again, and none the kept one.
		last := kept
		for _, tt := range tampers {
			if err := exec(ctx, tt.stmt); err != nil {
				t.Fatalf("%s: %v", tt.stmt, err)
			}
			if d, err := s.StateDigest(ctx); err != nil || d != kept {
				t.Errorf("%s: StateDigest = %v, %v; want it unchanged, %v", tt.table, d, err, kept)
			}
			d, err := s.ComputeDigest(ctx)
			if err != nil || d == last || d == kept {
				t.Errorf("%s: ComputeDigest = %v, %v; want a digest not seen before", tt.table, d, err)
			}
			last = d
		}
		for _, stmt := range untracked {
			if err := exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
			if d, err := s.ComputeDigest(ctx); err != nil || d != last {
				t.Errorf("%s: ComputeDigest = %v, %v; want it unchanged, %v", stmt, d, err, last)
			}
		}
	})
	t.Run("a head without a digest gets one on open", func(t *testing.T) {
		t.Parallel()
		testBackfill(t, newDB)
	})
}

func testBackfill(t *testing.T, newDB func(t *testing.T) (func(t *testing.T) discovery.Store, func(context.Context, string) error)) {
	ctx := context.Background()
	open, exec := newDB(t)
	s := open(t)
	ch := applySteps(t, s, scenario)
	want := checkDigests(t, s)
	head, _ := mustHead(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// What a database indexed before digests and undo images looks like.
	for _, stmt := range []string{`DELETE FROM undo`, `UPDATE blocks SET state_digest = NULL`} {
		if err := exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	s = open(t)
	defer s.Close()
	if d := checkDigests(t, s); d != want {
		t.Errorf("digest after opening = %v, want %v", d, want)
	}
	next := ch.block()
	mustApply(t, s, next, changes(t, user(8, "newcomer", 0), follow(8, 1, next.Number)))
	checkDigests(t, s)
	mustRevert(t, s, next)
	if d := checkDigests(t, s); d != want {
		t.Errorf("digest after reverting the new block = %v, want %v", d, want)
	}
	if err := s.RevertBlock(ctx, head); !errors.Is(err, discovery.ErrFinalized) {
		t.Errorf("RevertBlock(%d) = %v; want ErrFinalized: it has no undo image", head.Number, err)
	}
}
