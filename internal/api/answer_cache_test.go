package api

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// cacheStore is a store whose trending track rankings are counted, and
// fail or wait for a gate to open when a test asks.
type cacheStore struct {
	*sqlite.Store
	calls atomic.Int64
	fail  atomic.Bool
	gate  chan struct{} // non-nil: TrendingTracks waits until it is closed
}

func (s *cacheStore) TrendingTracks(ctx context.Context, q discovery.TrendingTrackQuery) ([]discovery.TrendingTrack, error) {
	s.calls.Add(1)
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if s.fail.Load() {
		return nil, errors.New("the store is down")
	}
	return s.Store.TrendingTracks(ctx, q)
}

// newCachedServer serves s with an answer cache of budget bytes and a
// max-age of 5 s, and returns its cache and metrics.
func newCachedServer(t *testing.T, s Store, budget int64) (http.Handler, *answerCache, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg := testConfig
	cfg.AnswerCacheBytes, cfg.CacheMaxAge, cfg.Registerer = budget, 5*time.Second, reg
	h, c := newServer(cfg, s, ChainHeadFunc(func() uint64 { return 3 }), slog.New(slog.DiscardHandler))
	if c == nil {
		t.Fatal("no answer cache with a budget")
	}
	return h, c, reg
}

// applyPlays indexes block b, in which track 11 was played plays times,
// and refreshes trending.
func applyPlays(t *testing.T, s *sqlite.Store, b discovery.BlockRef, plays int64) {
	t.Helper()
	c := discovery.NewChanges()
	k := discovery.PlayDayKey{TrackID: 11, Day: int64(b.Time / 86400)}
	c.PlayDays[k], c.Prior.PlayDays[k] = &discovery.PlayDay{PlayDayKey: k, Count: plays}, nil
	if err := s.ApplyBlock(context.Background(), b, c); err != nil {
		t.Fatalf("apply block %d: %v", b.Number, err)
	}
	if err := s.RefreshTrending(context.Background()); err != nil {
		t.Fatalf("refresh trending: %v", err)
	}
}

// TestAnswerCachePerHead walks the cache through a chain: an answer is
// computed once per head and parameters, whatever their order, and a new
// head, or another block at the same height, computes it again.
func TestAnswerCachePerHead(t *testing.T) {
	s := &cacheStore{Store: newTrendingStore(t, true)}
	h, _, reg := newCachedServer(t, s, 1<<20)
	block4 := discovery.BlockRef{Number: 4, Hash: common.HexToHash("0x04"), ParentHash: trendingBlock.Hash, Time: trendingBlock.Time + 12}
	sibling := block4
	sibling.Hash = common.HexToHash("0x04bb")
	week := "/v1/tracks/trending?time=week&limit=5"

	steps := []struct {
		name      string
		before    func()
		path      string
		wantCalls int64 // rankings read by this request
		wantFirst string
	}{
		{"first ask computes", nil, week, 1, track14},
		{"asked again: a hit", nil, week, 0, track14},
		{"parameters in another order: a hit", nil, "/v1/tracks/trending?limit=5&time=week", 0, track14},
		{"other parameters compute", nil, "/v1/tracks/trending?time=month&limit=5", 1, track14},
		// Its own answer, but the same ranked page (trending_pages.go).
		{"the full variant is its own answer", nil, "/v1/full/tracks/trending?time=week&limit=5", 0, track14},
		{"full again: a hit", nil, "/v1/full/tracks/trending?limit=5&time=week", 0, track14},
		{"a new block computes again", func() { applyPlays(t, s.Store, block4, 1000) }, week, 1, track11},
		{"then hits at the new head", nil, week, 0, track11},
		{"a sibling block at the same height computes again", func() {
			if err := s.RevertBlock(context.Background(), block4); err != nil {
				t.Fatalf("revert block 4: %v", err)
			}
			applyPlays(t, s.Store, sibling, 2000)
		}, week, 1, track11},
		{"then hits", nil, week, 0, track11},
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
			t.Errorf("%s: GET %s ranks %v first, want %s", st.name, st.path, ids(t, got), st.wantFirst)
		}
	}

	route := map[string]string{"route": "GET /v1/tracks/trending"}
	if n := counterValue(t, reg, "discovery_api_answer_cache_hits_total", route); n != 4 {
		t.Errorf("hits of %v: %v, want 4", route, n)
	}
	if n := counterValue(t, reg, "discovery_api_answer_cache_misses_total", route); n != 4 {
		t.Errorf("misses of %v: %v, want 4", route, n)
	}
	if n := counterValue(t, reg, "discovery_api_answer_cache_evictions_total", map[string]string{"reason": "head"}); n != 4 {
		t.Errorf("evictions as the head moved: %v, want 4 (3 answers at block 3, 1 at block 4)", n)
	}
	if n := gaugeValue(t, reg, "discovery_api_answer_cache_bytes"); n <= 0 {
		t.Errorf("bytes held: %v, want the answer at the sibling block", n)
	}
}

// TestAnswerCacheBypassesViewers checks that an answer with a viewer is
// never served from the answer cache, before and after the same route's
// shared answer is cached, and has the viewer's fields; its ranked page is
// the one kept for everyone (trending_pages.go), so it reads no ranking.
func TestAnswerCacheBypassesViewers(t *testing.T) {
	s := &cacheStore{Store: newTrendingStore(t, true)}
	h, _, reg := newCachedServer(t, s, 1<<20)
	getData[[]map[string]any](t, h, "/v1/tracks/trending?genre=Electronic") // the shared answer, cached

	tests := []struct {
		path      string
		wantSaved bool // bob saved track 10, the first of Electronic
	}{
		{"/v1/tracks/trending?genre=Electronic&user_id=" + bob, true},
		{"/v1/tracks/trending?user_id=" + bob + "&genre=Electronic", true},
		{"/v1/full/tracks/trending?genre=Electronic&user_id=" + bob, true},
		{"/v1/tracks/trending?genre=Electronic&user_id=" + hashid.Encode(3), false},
		{"/v1/tracks/trending?genre=Electronic&user_id=", false},
	}
	for _, tt := range tests {
		for range 2 {
			before := s.calls.Load()
			got := getData[[]map[string]any](t, h, tt.path)
			if calls := s.calls.Load() - before; calls != 0 {
				t.Errorf("GET %s read the rankings %d times, want 0 (the kept page)", tt.path, calls)
			}
			if len(got) == 0 || got[0]["id"] != track10 {
				t.Fatalf("GET %s: %v, want track 10 first", tt.path, ids(t, got))
			}
			if saved, _ := got[0]["has_current_user_saved"].(bool); saved != tt.wantSaved {
				t.Errorf("GET %s: has_current_user_saved %v, want %v", tt.path, got[0]["has_current_user_saved"], tt.wantSaved)
			}
		}
	}
	if n := counterValue(t, reg, "discovery_api_answer_cache_hits_total", map[string]string{"route": "GET /v1/tracks/trending"}); n != 0 {
		t.Errorf("hits: %v, want none", n)
	}
}

// TestAnswerCacheKeepsNoErrors checks that failed answers are computed
// for every request and never served in place of a later success.
func TestAnswerCacheKeepsNoErrors(t *testing.T) {
	s := &cacheStore{Store: newTrendingStore(t, true)}
	h, _, reg := newCachedServer(t, s, 1<<20)
	tests := []struct {
		name, path string
		fail       bool
		want       int
	}{
		{"invalid parameter", "/v1/tracks/trending?time=decade", false, http.StatusBadRequest},
		{"store failure", "/v1/tracks/trending", true, http.StatusInternalServerError},
		{"the store is back", "/v1/tracks/trending", false, http.StatusOK},
	}
	misses := 0.0
	for _, tt := range tests {
		s.fail.Store(tt.fail)
		for i := range 2 {
			if rec := do(h, http.MethodGet, tt.path, nil); rec.Code != tt.want {
				t.Errorf("%s, request %d: status %d, want %d", tt.name, i, rec.Code, tt.want)
			}
		}
		if tt.want != http.StatusOK {
			misses += 2 // computed each time
		} else {
			misses++ // then a hit
		}
	}
	if n := counterValue(t, reg, "discovery_api_answer_cache_misses_total", map[string]string{"route": "GET /v1/tracks/trending"}); n != misses {
		t.Errorf("misses: %v, want %v", n, misses)
	}
}

// TestAnswerCacheRepresentations checks that an answer from the cache is
// the answer the server makes without one, byte for byte and header for
// header: plain, gzipped, and 304 on a matching If-None-Match.
func TestAnswerCacheRepresentations(t *testing.T) {
	s := newTrendingStore(t, true)
	cached, _, reg := newCachedServer(t, s, 1<<20)
	plain := newConfiguredServer(t, Config{CacheMaxAge: 5 * time.Second}, s)

	for _, path := range []string{"/v1/tracks/trending", "/v1/tracks/trending/ids", "/v1/playlists/trending?time=month"} {
		tag := do(plain, http.MethodGet, path, nil).Header().Get("ETag")
		zipTag := do(plain, http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip"}).Header().Get("ETag")
		if tag == "" {
			t.Fatalf("GET %s: no ETag", path)
		}
		tests := []struct {
			name   string
			header map[string]string
		}{
			{"plain", nil},
			{"gzip", map[string]string{"Accept-Encoding": "gzip"}},
			{"gzip refused", map[string]string{"Accept-Encoding": "gzip;q=0"}},
			{"held, plain", map[string]string{"If-None-Match": tag}},
			{"held gzipped, asked gzipped", map[string]string{"If-None-Match": zipTag, "Accept-Encoding": "gzip"}},
			{"held plain, asked gzipped", map[string]string{"If-None-Match": `W/` + tag, "Accept-Encoding": "gzip"}},
			{"held another", map[string]string{"If-None-Match": `"abc"`, "Accept-Encoding": "gzip"}},
		}
		for _, tt := range tests {
			want := do(plain, http.MethodGet, path, tt.header)
			for _, attempt := range []string{"first", "again"} {
				got := do(cached, http.MethodGet, path, tt.header)
				if got.Code != want.Code || !reflect.DeepEqual(got.Header(), want.Header()) || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
					t.Errorf("GET %s, %s, %s: %d %v %q\nwant %d %v %q", path, tt.name, attempt,
						got.Code, got.Header(), got.Body.Bytes(), want.Code, want.Header(), want.Body.Bytes())
				}
			}
		}
	}
	if n := counterValue(t, reg, "discovery_api_answer_cache_misses_total", map[string]string{"route": "GET /v1/tracks/trending"}); n != 1 {
		t.Errorf("trending computed %v times, want once", n)
	}
}

// TestAnswerCacheComputesOnce asks the same answer many times while its
// computation waits: it is computed once, every request gets it, and a
// request that gives up stops waiting.
func TestAnswerCacheComputesOnce(t *testing.T) {
	gate := make(chan struct{})
	s := &cacheStore{Store: newTrendingStore(t, true), gate: gate}
	h, c, reg := newCachedServer(t, s, 1<<20)
	const n = 8
	path := "/v1/tracks/trending?time=week"

	var wg sync.WaitGroup
	answers := make([]*httptest.ResponseRecorder, n)
	for i := range n {
		wg.Go(func() { answers[i] = do(h, http.MethodGet, path, nil) })
	}
	waitFor(t, "one computation and the others waiting", func() bool { return s.calls.Load() == 1 && c.waitingNow() == n-1 })

	ctx, cancel := context.WithCancel(context.Background())
	quit := make(chan *httptest.ResponseRecorder)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil))
		quit <- rec
	}()
	waitFor(t, "another waiting", func() bool { return c.waitingNow() == n })
	cancel()
	select {
	case rec := <-quit:
		if rec.Code == http.StatusOK {
			t.Errorf("the request that gave up was answered 200 while the computation waits")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a request whose context ended kept waiting")
	}

	close(gate)
	wg.Wait()
	for i, rec := range answers {
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), answers[0].Body.Bytes()) {
			t.Errorf("request %d: %d %q, want the first's 200 answer", i, rec.Code, rec.Body)
		}
	}
	route := map[string]string{"route": "GET /v1/tracks/trending"}
	if m, hits := counterValue(t, reg, "discovery_api_answer_cache_misses_total", route), counterValue(t, reg, "discovery_api_answer_cache_hits_total", route); m != 1 || hits != n-1 {
		t.Errorf("%v misses and %v hits, want 1 and %d", m, hits, n-1)
	}
}

// TestAnswerCacheBudget fills the cache past its budget: it holds no more
// bytes than that, drops the least recently used answers, and keeps
// nothing larger than the whole budget.
func TestAnswerCacheBudget(t *testing.T) {
	tests := []struct {
		name      string
		budget    int64
		wantKept  bool // the last answer is kept
		wantEvict bool
	}{
		{"a few answers fit", 2000, true, true},
		{"no answer fits", 100, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &cacheStore{Store: newTrendingStore(t, true)}
			h, _, reg := newCachedServer(t, s, tt.budget)
			path := func(i int) string { return "/v1/tracks/trending?genre=g" + string(rune('a'+i)) }
			for i := range 10 {
				getData[[]map[string]any](t, h, path(i))
				if b := gaugeValue(t, reg, "discovery_api_answer_cache_bytes"); b > float64(tt.budget) {
					t.Fatalf("after %d answers the cache holds %v bytes, over its budget of %d", i+1, b, tt.budget)
				}
			}
			for _, ask := range []struct {
				i    int
				kept bool
			}{{9, tt.wantKept}, {0, false}} {
				// Hits counted, not rankings read: a page the cache
				// dropped is still ranked once per head (trending_pages.go).
				hits := func() float64 {
					return counterValue(t, reg, "discovery_api_answer_cache_hits_total", map[string]string{"route": "GET /v1/tracks/trending"})
				}
				before := hits()
				getData[[]map[string]any](t, h, path(ask.i))
				if hit := hits() > before; hit != ask.kept {
					t.Errorf("answer %d served from the cache: %v, want %v", ask.i, hit, ask.kept)
				}
			}
			evicted := counterValue(t, reg, "discovery_api_answer_cache_evictions_total", map[string]string{"reason": "budget"}) > 0
			if evicted != tt.wantEvict {
				t.Errorf("evicted for the budget: %v, want %v", evicted, tt.wantEvict)
			}
		})
	}
}

// TestAnswerCacheOff checks that a zero budget means no cache.
func TestAnswerCacheOff(t *testing.T) {
	s := &cacheStore{Store: newTrendingStore(t, true)}
	h, c := newServer(Config{}, s, ChainHeadFunc(func() uint64 { return 3 }), slog.New(slog.DiscardHandler))
	if c != nil {
		t.Fatal("an answer cache with no budget")
	}
	for range 2 {
		getData[[]map[string]any](t, h, "/v1/tracks/trending")
	}
	if n := s.calls.Load(); n != 2 {
		t.Errorf("rankings read %d times, want 2", n)
	}
}

// TestHeadReaderWaitsForAFreshRead checks that a request arriving while
// the head is being read gets the read after it, which sees what was
// indexed meanwhile, and that requests share that read.
func TestHeadReaderWaitsForAFreshRead(t *testing.T) {
	var (
		reads   atomic.Int64
		release = make(chan struct{})
		changed []uint64
	)
	h := &headReader{
		read: func(ctx context.Context) (discovery.BlockRef, bool, error) {
			n := reads.Add(1)
			<-release
			return discovery.BlockRef{Number: uint64(n)}, true, nil
		},
		changed: func(b discovery.BlockRef) { changed = append(changed, b.Number) },
	}
	got := make([]uint64, 3)
	var wg sync.WaitGroup
	ask := func(i int) {
		wg.Go(func() {
			b, ok, err := h.head(context.Background())
			if err != nil || !ok {
				t.Errorf("head: %v %v", ok, err)
			}
			got[i] = b.Number
		})
	}
	ask(0)
	waitFor(t, "the first read", func() bool { return reads.Load() == 1 })
	ask(1)
	ask(2)
	waitFor(t, "two requests queued for the next read", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.next != nil && h.next.waiters == 2
	})
	release <- struct{}{}
	release <- struct{}{}
	wg.Wait()
	if want := []uint64{1, 2, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("heads %v, want %v: the first read, then one read for both that came during it", got, want)
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads, want 2", n)
	}
	if want := []uint64{1, 2}; !reflect.DeepEqual(changed, want) {
		t.Errorf("changes %v, want %v", changed, want)
	}
}

// gaugeValue is the value of a gauge.
func gaugeValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	m := metricWith(t, reg, name, nil)
	if m == nil {
		t.Fatalf("no gauge %s", name)
	}
	return m.GetGauge().GetValue()
}

// waitingNow is how many requests wait on a computation.
func (c *answerCache) waitingNow() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// waitFor polls cond until it holds, failing the test if it never does.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
