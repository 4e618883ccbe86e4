package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
)

// memoryLookups answers single lookups from memory, so benchmarks of the
// API measure the API (middleware, JSON, gzip) and not the store.
type memoryLookups struct {
	Store  // nil: nothing else is asked
	users  map[int64]*discovery.User
	tracks map[int64]*discovery.Track
}

func (m memoryLookups) GetUser(_ context.Context, id int64) (*discovery.User, error) {
	u, ok := m.users[id]
	if !ok {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "no user %d", id)
	}
	return u, nil
}

func (m memoryLookups) GetTrack(_ context.Context, id int64) (*discovery.Track, error) {
	t, ok := m.tracks[id]
	if !ok {
		return nil, discovery.Errorf(discovery.ENOTFOUND, "no track %d", id)
	}
	return t, nil
}

func (m memoryLookups) GetTrackWithOwner(ctx context.Context, id int64) (*discovery.Track, *discovery.User, error) {
	t, err := m.GetTrack(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return t, m.users[t.OwnerID], nil
}

func newMemoryLookups() memoryLookups {
	m := memoryLookups{users: map[int64]*discovery.User{}, tracks: map[int64]*discovery.Track{}}
	for _, u := range fixtureUsers {
		m.users[u.ID] = u
	}
	for _, t := range fixtureTracks {
		m.tracks[t.ID] = t
	}
	return m
}

// BenchmarkLookup measures one single-entity request through the whole
// handler as the API benchmark's `serve` builds it (metrics, a request
// timeout, warnings logged, no rate limit), with a client that takes gzip.
func BenchmarkLookup(b *testing.B) {
	m := newMemoryLookups()
	cfg := testConfig
	cfg.Registerer = prometheus.NewRegistry()
	cfg.CacheMaxAge, cfg.RequestTimeout = 5*time.Second, 10*time.Second
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := NewServer(cfg, m, ChainHeadFunc(func() uint64 { return 3 }), logger)
	for _, path := range []string{"/v1/users/" + alice, "/v1/tracks/" + track10} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
