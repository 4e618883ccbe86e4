package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
)

// memoryTrending answers trending, its owners and the viewer relations
// from memory, so the benchmark measures what the API adds to the store's
// answers, and what a viewer adds to that.
type memoryTrending struct {
	Store   // nil: nothing else is asked
	ranked  []discovery.TrendingTrack
	users   map[int64]*discovery.User
	follows map[int64]bool // whom the viewer follows
	saved   map[int64]bool // the tracks the viewer saved
}

func newMemoryTrending(n int) memoryTrending {
	m := memoryTrending{users: map[int64]*discovery.User{}, follows: map[int64]bool{}, saved: map[int64]bool{}}
	for i := range n / 2 {
		u := *fixtureUsers[0]
		u.ID, u.Handle = int64(100+i), fmt.Sprintf("artist%d", i)
		m.users[u.ID] = &u
		m.follows[u.ID] = i%3 == 0
	}
	for i := range n {
		t := *fixtureTracks[0]
		t.ID, t.OwnerID, t.Slug = int64(1000+i), int64(100+i/2), fmt.Sprintf("song-%d", i)
		m.ranked = append(m.ranked, discovery.TrendingTrack{Track: t, Score: float64(n - i)})
		m.saved[t.ID] = i%4 == 0
	}
	return m
}

func (m memoryTrending) TrendingTracks(_ context.Context, q discovery.TrendingTrackQuery) ([]discovery.TrendingTrack, error) {
	end := min(q.Page.Offset+q.Page.Limit, len(m.ranked))
	return append([]discovery.TrendingTrack(nil), m.ranked[min(q.Page.Offset, end):end]...), nil
}

func (m memoryTrending) GetUsers(_ context.Context, ids []int64) ([]discovery.User, error) {
	out := make([]discovery.User, 0, len(ids))
	for _, id := range ids {
		if u, ok := m.users[id]; ok {
			out = append(out, *u)
		}
	}
	return out, nil
}

func (m memoryTrending) Head(context.Context) (discovery.BlockRef, bool, error) {
	return fixtureBlocks[1], true, nil
}

func (m memoryTrending) FollowRelations(_ context.Context, _ int64, ids []int64) (discovery.UserRelations, error) {
	r := discovery.UserRelations{Follows: map[int64]bool{}, FollowedBy: map[int64]bool{}}
	for _, id := range ids {
		if m.follows[id] {
			r.Follows[id] = true
		}
	}
	return r, nil
}

func (m memoryTrending) ItemRelations(_ context.Context, _ int64, _ string, ids []int64) (discovery.ItemRelations, error) {
	r := discovery.ItemRelations{Reposted: map[int64]bool{}, Saved: map[int64]bool{}}
	for _, id := range ids {
		if m.saved[id] {
			r.Saved[id], r.Reposted[id] = true, true
		}
	}
	return r, nil
}

// BenchmarkTrendingViewer measures a page of trending tracks (the default
// 20) through the whole handler as BenchmarkLookup does, without the
// answer cache: anonymous, which is the computation the cache saves, and
// signed in (user_id), which no cache serves, the /v1 and /v1/full
// variants.
func BenchmarkTrendingViewer(b *testing.B) {
	m := newMemoryTrending(40)
	cfg := testConfig
	cfg.Registerer = prometheus.NewRegistry()
	cfg.CacheMaxAge, cfg.RequestTimeout = 5*time.Second, 10*time.Second
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := NewServer(cfg, m, ChainHeadFunc(func() uint64 { return 3 }), logger)
	for _, c := range []struct{ name, path string }{
		{"anonymous", "/v1/tracks/trending?time=week"},
		{"signed-in", "/v1/tracks/trending?time=week&user_id=" + bob},
		{"full signed-in", "/v1/full/tracks/trending?time=week&user_id=" + bob},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
