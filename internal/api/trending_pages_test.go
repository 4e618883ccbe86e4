package api

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// TestTrendingPages walks signed-in trending requests through a chain: the
// ranking is read once per head and parameters whoever asks, each viewer
// gets their own fields, a viewer's fields never reach another answer, and
// a new head ranks again.
func TestTrendingPages(t *testing.T) {
	s := &cacheStore{Store: newTrendingStore(t, true)}
	h, _, _ := newCachedServer(t, s, 1<<20)
	block4 := discovery.BlockRef{Number: 4, Hash: common.HexToHash("0x04"), ParentHash: trendingBlock.Hash, Time: trendingBlock.Time + 12}
	page := "/v1/tracks/trending?genre=Electronic&limit=3"
	carol := hashid.Encode(3)

	steps := []struct {
		name      string
		before    func()
		path      string
		wantCalls int64
		wantFirst string
		wantSaved any // has_current_user_saved of the first track; nil: absent
	}{
		{"a viewer ranks the page", nil, page + "&user_id=" + bob, 1, track10, true},
		{"another viewer reads it", nil, page + "&user_id=" + carol, 0, track10, false},
		{"the first viewer again", nil, page + "&user_id=" + bob, 0, track10, true},
		{"no viewer: no viewer fields", nil, page, 0, track10, nil},
		{"the full variant", nil, "/v1/full/tracks/trending?genre=Electronic&limit=3&user_id=" + bob, 0, track10, true},
		{"another page ranks", nil, "/v1/tracks/trending?genre=Electronic&limit=2&user_id=" + bob, 1, track10, true},
		{"a new head ranks again", func() { applyPlays(t, s.Store, block4, 1000) }, "/v1/tracks/trending?limit=3&user_id=" + carol, 1, track11, false},
		{"and is kept", nil, "/v1/tracks/trending?limit=3&user_id=" + bob, 0, track11, false},
	}
	for _, st := range steps {
		if st.before != nil {
			st.before()
		}
		before := s.calls.Load()
		got := getData[[]map[string]any](t, h, st.path)
		if calls := s.calls.Load() - before; calls != st.wantCalls {
			t.Errorf("%s: GET %s read the rankings %d times, want %d", st.name, st.path, calls, st.wantCalls)
		}
		if len(got) == 0 || got[0]["id"] != st.wantFirst {
			t.Fatalf("%s: GET %s ranks %v first, want %s", st.name, st.path, ids(t, got), st.wantFirst)
		}
		saved, present := got[0]["has_current_user_saved"]
		if st.wantSaved == nil && present {
			t.Errorf("%s: GET %s: has_current_user_saved %v, want none", st.name, st.path, saved)
		}
		if st.wantSaved != nil && saved != st.wantSaved {
			t.Errorf("%s: GET %s: has_current_user_saved %v, want %v", st.name, st.path, saved, st.wantSaved)
		}
	}
}

// TestTrendingPagesKeepNoErrors checks that a failed ranking is not kept:
// the next request ranks again and succeeds.
func TestTrendingPagesKeepNoErrors(t *testing.T) {
	s := &cacheStore{Store: newTrendingStore(t, true)}
	h, _, _ := newCachedServer(t, s, 1<<20)
	path := "/v1/tracks/trending?user_id=" + bob
	s.fail.Store(true)
	if rec := do(h, "GET", path, nil); rec.Code != 500 {
		t.Fatalf("GET %s with the store down: %d, want 500", path, rec.Code)
	}
	s.fail.Store(false)
	before := s.calls.Load()
	if got := getData[[]map[string]any](t, h, path); len(got) == 0 {
		t.Fatalf("GET %s after the store came back: no tracks", path)
	}
	if calls := s.calls.Load() - before; calls != 1 {
		t.Errorf("GET %s after a failure read the rankings %d times, want 1", path, calls)
	}
}

// TestTrendingPagesOff checks that with no answer cache nothing is kept.
func TestTrendingPagesOff(t *testing.T) {
	if p := newTrendingPages(nil); p != nil {
		t.Fatal("pages kept with the answer cache off")
	}
	var p *trendingPages
	calls := 0
	for range 2 {
		if _, err := p.get(context.Background(), trendingPageKey{}, func(context.Context) ([]trackJSON, error) {
			calls++
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Errorf("computed %d times with no pages, want 2", calls)
	}
}
