package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/discovery-node/discovery"
)

// protocolSchema lists what migration 00003 adds, each with a query that
// fails without it.
var protocolSchema = []struct{ name, query string }{
	{"users.metadata_status", `SELECT metadata_status FROM users`},
	{"tracks.remix_of", `SELECT remix_of FROM tracks`},
	{"tracks.stem_of", `SELECT stem_of FROM tracks`},
	{"tracks.metadata_status", `SELECT metadata_status FROM tracks`},
	{"playlists.metadata_status", `SELECT metadata_status FROM playlists`},
	{"reposts.of_repost", `SELECT of_repost FROM reposts`},
	{"saves.of_repost", `SELECT of_repost FROM saves`},
	{"track_remixes", `SELECT parent_id, child_id FROM track_remixes`},
	{"subscriptions", `SELECT subscriber_id, user_id, block, created_at FROM subscriptions`},
	{"routes", `SELECT ` + routeColumns + ` FROM routes`},
	{"developer_apps", `SELECT ` + developerAppColumns + ` FROM developer_apps`},
	{"grants", `SELECT ` + grantColumns + ` FROM grants`},
	{"play_days", `SELECT ` + playDayColumns + ` FROM play_days`},
	{"metadata_attempts", `SELECT kind, entity_id, cid, attempts, next_attempt_at, reason FROM metadata_attempts`},
}

// TestProtocolMigrationDown takes a database with content down to the
// schema before migration 00003 and up again: Down must remove every
// object Up adds, and the rows of the older schema must survive both.
func TestProtocolMigrationDown(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "discovery.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := discovery.NewChanges()
	c.Users[1], c.Prior.Users[1] = &discovery.User{ID: 1, Handle: "alice", HandleLower: "alice", MetadataStatus: discovery.MetadataPending}, nil
	c.Tracks[10], c.Prior.Tracks[10] = &discovery.Track{ID: 10, OwnerID: 1, RemixOf: []int64{3}, StemOf: 4}, nil
	k := discovery.ItemKey{UserID: 1, ItemType: discovery.ItemTrack, ItemID: 10}
	c.Reposts[k], c.Prior.Reposts[k] = &discovery.ItemAction{ItemKey: k, OfRepost: true}, nil
	if err := s.ApplyBlock(ctx, discovery.BlockRef{Number: 1}, c); err != nil {
		t.Fatal(err)
	}
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
	if _, err := p.DownTo(ctx, 2); err != nil {
		t.Fatalf("down to 2: %v", err)
	}
	for _, o := range protocolSchema {
		if rows, err := db.QueryContext(ctx, o.query); err == nil {
			rows.Close()
			t.Errorf("after down: %s is still there", o.name)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM tracks) + (SELECT count(*) FROM reposts)`).Scan(&n); err != nil || n != 3 {
		t.Errorf("after down: %d rows, %v; want the 3 rows kept", n, err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	for _, o := range protocolSchema {
		rows, err := db.QueryContext(ctx, o.query)
		if err != nil {
			t.Errorf("after up: %s: %v", o.name, err)
			continue
		}
		rows.Close()
	}

	// Rows from before the migration read back with the new fields at
	// their defaults.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tr, ok, err := s.Track(ctx, 10)
	if err != nil || !ok || tr.RemixOf != nil || tr.StemOf != 0 || tr.MetadataStatus != "" {
		t.Errorf("Track(10) after down and up = %+v, %v, %v; want remix_of, stem_of and status at their defaults", tr, ok, err)
	}
	r, ok, err := s.Repost(ctx, k)
	if err != nil || !ok || r.OfRepost {
		t.Errorf("Repost after down and up = %+v, %v, %v; want of_repost false", r, ok, err)
	}
}

// TestDecodeOldUndo checks that an undo image written before migration
// 00003 decodes with the new fields at the columns' defaults, so a block
// indexed before an upgrade can still be reverted.
func TestDecodeOldUndo(t *testing.T) {
	tests := []struct {
		name, data string
		want       func(rs discovery.RowSet) discovery.RowSet
	}{
		{"empty", `{}`, func(rs discovery.RowSet) discovery.RowSet { return rs }},
		{"old rows", `{
			"users": [{"key": 1, "row": {"ID": 1, "Handle": "alice", "Wallet": "0x0000000000000000000000000000000000000001"}}],
			"tracks": [{"key": 10, "row": {"ID": 10, "OwnerID": 1, "Title": "t"}}, {"key": 11, "row": null}],
			"reposts": [{"key": {"UserID": 1, "ItemType": "track", "ItemID": 10}, "row": {"UserID": 1, "ItemType": "track", "ItemID": 10, "Block": 3}}]
		}`, func(rs discovery.RowSet) discovery.RowSet {
			rs.Users[1] = &discovery.User{ID: 1, Handle: "alice", Wallet: [20]byte{19: 1}}
			rs.Tracks[10], rs.Tracks[11] = &discovery.Track{ID: 10, OwnerID: 1, Title: "t"}, nil
			k := discovery.ItemKey{UserID: 1, ItemType: discovery.ItemTrack, ItemID: 10}
			rs.Reposts[k] = &discovery.ItemAction{ItemKey: k, Block: 3}
			return rs
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeUndo([]byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(discovery.NewRowSet()); !reflect.DeepEqual(got, want) {
				t.Errorf("decodeUndo = %+v, want %+v", got, want)
			}
		})
	}
}
