package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/discovery-node/discovery"
)

var blockTests = []testCase{
	{"empty store has no head and no rows", testEmpty},
	{"first block may have any number", testFirstBlockAnywhere},
	{"block that does not extend the head is refused", testRefuseNotNext},
	{"malformed changes are refused", testRefuseMalformed},
	{"nil changes apply the block alone", testNilChanges},
	{"reads run while blocks are applied", testConcurrentReads},
}

func testEmpty(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	if h, ok := mustHead(t, s); ok {
		t.Errorf("head of empty store = %+v, want none", h)
	}
	if u, ok, err := s.User(ctx, 1); ok || err != nil || u != nil {
		t.Errorf("User(1) = %v, %v, %v; want nil, false, nil", u, ok, err)
	}
	if id, ok, err := s.UserIDByHandle(ctx, "alice"); ok || err != nil || id != 0 {
		t.Errorf("UserIDByHandle = %v, %v, %v; want 0, false, nil", id, ok, err)
	}
	if tr, ok, err := s.Track(ctx, 1); ok || err != nil || tr != nil {
		t.Errorf("Track(1) = %v, %v, %v; want nil, false, nil", tr, ok, err)
	}
	if p, ok, err := s.Playlist(ctx, 1); ok || err != nil || p != nil {
		t.Errorf("Playlist(1) = %v, %v, %v; want nil, false, nil", p, ok, err)
	}
	if f, ok, err := s.Follow(ctx, discovery.FollowKey{FollowerID: 1, FolloweeID: 2}); ok || err != nil || f != nil {
		t.Errorf("Follow = %v, %v, %v; want nil, false, nil", f, ok, err)
	}
	k := discovery.ItemKey{UserID: 1, ItemType: discovery.ItemTrack, ItemID: 2}
	if r, ok, err := s.Repost(ctx, k); ok || err != nil || r != nil {
		t.Errorf("Repost = %v, %v, %v; want nil, false, nil", r, ok, err)
	}
	if sv, ok, err := s.Save(ctx, k); ok || err != nil || sv != nil {
		t.Errorf("Save = %v, %v, %v; want nil, false, nil", sv, ok, err)
	}
	if b, ok, err := s.Block(ctx, 0); ok || err != nil {
		t.Errorf("Block(0) = %+v, %v, %v; want none", b, ok, err)
	}
	for name, digest := range map[string]func(context.Context) (discovery.Digest, error){
		"StateDigest": s.StateDigest, "ComputeDigest": s.ComputeDigest,
	} {
		if d, err := digest(ctx); err != nil || d != (discovery.Digest{}) {
			t.Errorf("%s of empty store = %v, %v; want zero", name, d, err)
		}
	}
	_, err := s.GetUser(ctx, 1)
	wantCode(t, "GetUser", err, discovery.ENOTFOUND)
	_, err = s.GetUserByHandle(ctx, "alice")
	wantCode(t, "GetUserByHandle", err, discovery.ENOTFOUND)
	_, err = s.GetTrack(ctx, 1)
	wantCode(t, "GetTrack", err, discovery.ENOTFOUND)
	_, err = s.GetPlaylist(ctx, 1)
	wantCode(t, "GetPlaylist", err, discovery.ENOTFOUND)

	page := discovery.Page{Limit: 10}
	lists := map[string]func() (int, error){
		"GetUsers":        func() (int, error) { u, err := s.GetUsers(ctx, []int64{1, 2}); return len(u), err },
		"SearchUsers":     func() (int, error) { u, err := s.SearchUsers(ctx, "a", page); return len(u), err },
		"Followers":       func() (int, error) { u, err := s.Followers(ctx, 1, page); return len(u), err },
		"Following":       func() (int, error) { u, err := s.Following(ctx, 1, page); return len(u), err },
		"UserTracks":      func() (int, error) { tr, err := s.UserTracks(ctx, 1, page); return len(tr), err },
		"RejectedActions": func() (int, error) { r, err := s.RejectedActions(ctx, page); return len(r), err },
	}
	for name, list := range lists {
		if n, err := list(); n != 0 || err != nil {
			t.Errorf("%s on empty store = %d rows, %v", name, n, err)
		}
	}
}

func testFirstBlockAnywhere(t *testing.T, s discovery.Store) {
	c := newChain(1_000_000)
	b := c.block()
	mustApply(t, s, b, changes(t, user(1, "alice", 0)))
	h, ok := mustHead(t, s)
	if !ok {
		t.Fatal("no head after the first block")
	}
	equal(t, "head", h, b)
	next := c.block()
	mustApply(t, s, next, nil)
	h, _ = mustHead(t, s)
	equal(t, "head after second block", h, next)
}

func testRefuseNotNext(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	c := newChain(10)
	b10 := c.block()
	mustApply(t, s, b10, changes(t, user(1, "alice", 0)))
	b11 := c.block()

	gap := b11
	gap.Number = 12
	wrongParent := b11
	wrongParent.ParentHash = hashOf("other", 10)
	again := b10
	older := b10
	older.Number, older.ParentHash = 9, hashOf("block", 8)

	tests := []struct {
		name string
		b    discovery.BlockRef
	}{
		{"gap", gap},
		{"wrong parent", wrongParent},
		{"head again", again},
		{"older block", older},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := user(1, "alice", 0)
			changed.Bio = "changed by a refused block"
			c := changes(t, changed, user(2, "bob", 0), follow(2, 1, tt.b.Number))
			c.Rejected = append(c.Rejected, rejected(tt.b.Number, 0))
			err := s.ApplyBlock(ctx, tt.b, withPrior(t, s, c))
			if err == nil {
				t.Fatalf("block %d with parent %s was applied on head %d", tt.b.Number, tt.b.ParentHash, b10.Number)
			}
			wantCode(t, "ApplyBlock", err, discovery.EINVALID)
			if !errors.Is(err, discovery.ErrNotNextBlock) {
				t.Errorf("ApplyBlock: error %v does not wrap ErrNotNextBlock", err)
			}
			h, _ := mustHead(t, s)
			equal(t, "head", h, b10)
			u, _ := mustUser(t, s, 1)
			equal(t, "user 1", u, user(1, "alice", 0))
			if _, ok := mustUser(t, s, 2); ok {
				t.Error("user 2 of the refused block exists")
			}
			if f := mustFollow(t, s, discovery.FollowKey{FollowerID: 2, FolloweeID: 1}); f != nil {
				t.Errorf("follow of the refused block: %+v", f)
			}
			if r, err := s.RejectedActions(ctx, discovery.Page{}); len(r) != 0 || err != nil {
				t.Errorf("rejected actions of the refused block: %v, %v", r, err)
			}
		})
	}
	mustApply(t, s, b11, changes(t, user(2, "bob", 0)))
	h, _ := mustHead(t, s)
	equal(t, "head after the right block", h, b11)
}

func testRefuseMalformed(t *testing.T, s discovery.Store) {
	c := newChain(1)
	b1 := c.block()
	mustApply(t, s, b1, changes(t, user(1, "alice", 0)))
	b2 := c.block()

	// Each case breaks one rule of an otherwise valid Changes.
	tests := []struct {
		name  string
		build func(t *testing.T) *discovery.Changes
	}{
		{"user key mismatch", func(t *testing.T) *discovery.Changes {
			c := discovery.NewChanges()
			c.Users[5] = user(6, "x", 0)
			return withPrior(t, s, c)
		}},
		{"track key mismatch", func(t *testing.T) *discovery.Changes {
			c := discovery.NewChanges()
			c.Tracks[5] = track(6, 1, 1)
			return withPrior(t, s, c)
		}},
		{"follow key mismatch", func(t *testing.T) *discovery.Changes {
			c := discovery.NewChanges()
			c.Follows[discovery.FollowKey{FollowerID: 1, FolloweeID: 2}] = follow(1, 3, 2)
			return withPrior(t, s, c)
		}},
		{"save key mismatch", func(t *testing.T) *discovery.Changes {
			c := discovery.NewChanges()
			c.Saves[discovery.ItemKey{UserID: 1, ItemType: discovery.ItemTrack, ItemID: 2}] = item(1, discovery.ItemPlaylist, 2, 2)
			return withPrior(t, s, c)
		}},
		{"changed user without prior image", func(t *testing.T) *discovery.Changes {
			return changes(t, user(5, "x", 0))
		}},
		{"removed repost without prior image", func(t *testing.T) *discovery.Changes {
			c := discovery.NewChanges()
			c.Reposts[discovery.ItemKey{UserID: 1, ItemType: discovery.ItemTrack, ItemID: 2}] = nil
			return c
		}},
		{"prior image of an unchanged row", func(t *testing.T) *discovery.Changes {
			c := withPrior(t, s, changes(t, user(5, "x", 0)))
			c.Prior.Playlists[9] = nil
			return c
		}},
		{"prior image under another key", func(t *testing.T) *discovery.Changes {
			c := withPrior(t, s, changes(t, user(5, "x", 0)))
			c.Prior.Users[5] = user(1, "alice", 0)
			return c
		}},
		{"rejected action of another block", func(t *testing.T) *discovery.Changes {
			return changes(t, rejected(b2.Number+1, 0))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.ApplyBlock(context.Background(), b2, tt.build(t))
			if err == nil {
				t.Fatal("applied")
			}
			wantCode(t, "ApplyBlock", err, discovery.EINVALID)
			h, _ := mustHead(t, s)
			equal(t, "head", h, b1)
		})
	}
	if _, ok := mustUser(t, s, 5); ok {
		t.Error("user 5 of a refused block exists")
	}
}

func testNilChanges(t *testing.T, s discovery.Store) {
	c := newChain(5)
	for range 3 {
		mustApply(t, s, c.block(), nil)
	}
	h, _ := mustHead(t, s)
	if h.Number != 7 {
		t.Errorf("head %d, want 7", h.Number)
	}
}

// testConcurrentReads reads while a writer applies blocks: every read must
// see a whole block, never an error or a head going backwards.
func testConcurrentReads(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	c := newChain(1)
	const blocks = 30
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last uint64
			for {
				select {
				case <-done:
					return
				default:
				}
				h, ok, err := s.Head(ctx)
				if err != nil {
					errs <- "head: " + err.Error()
					return
				}
				if !ok {
					continue
				}
				if h.Number < last {
					errs <- "head went backwards"
					return
				}
				last = h.Number
				// Block n wrote user n with follower count n.
				u, ok, err := s.User(ctx, int64(h.Number))
				if err != nil || !ok || u.FollowerCount != int64(h.Number) {
					errs <- "user of the head block missing or partial"
					return
				}
			}
		}()
	}
	for range blocks {
		b := c.block()
		c := withPrior(t, s, changes(t, user(int64(b.Number), fmt.Sprintf("user%d", b.Number), int64(b.Number))))
		if err := s.ApplyBlock(ctx, b, c); err != nil {
			t.Errorf("apply block %d: %v", b.Number, err)
			break
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	h, _ := mustHead(t, s)
	if h.Number != blocks {
		t.Errorf("head %d, want %d", h.Number, blocks)
	}
}
