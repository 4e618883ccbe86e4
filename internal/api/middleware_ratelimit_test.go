package api

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// fakeClock is a settable time for the rate limiter.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTestLimiter(t *testing.T, cfg Config) (*rateLimiter, *fakeClock) {
	t.Helper()
	l := newRateLimiter(cfg)
	if l == nil {
		t.Fatal("no limiter for a positive rate")
	}
	clock := &fakeClock{t: time.Unix(1700000000, 0)}
	l.now = clock.now
	return l, clock
}

func TestRateLimiterBuckets(t *testing.T) {
	// Four tokens a second: every time and token count below is exact in
	// binary floating point.
	l, clock := newTestLimiter(t, Config{RateLimit: 4, RateBurst: 3})
	a := netip.MustParsePrefix("192.0.2.1/32")
	b := netip.MustParsePrefix("192.0.2.2/32")

	type step struct {
		advance  time.Duration
		client   netip.Prefix
		wantOK   bool
		wantWait time.Duration
	}
	steps := []step{
		{0, a, true, 0}, {0, a, true, 0}, {0, a, true, 0}, // the burst
		{0, a, false, 250 * time.Millisecond}, // empty: one token every 250 ms
		{0, b, true, 0},                       // another client has its own bucket
		{125 * time.Millisecond, a, false, 125 * time.Millisecond},
		{125 * time.Millisecond, a, true, 0}, // refilled one token
		{0, a, false, 250 * time.Millisecond},
	}
	for i, s := range steps {
		clock.t = clock.t.Add(s.advance)
		ok, wait := l.allow(s.client)
		if ok != s.wantOK || wait != s.wantWait {
			t.Fatalf("step %d: allow = %v, wait %s; want %v, %s", i, ok, wait, s.wantOK, s.wantWait)
		}
	}
	if n := len(l.clients); n != 2 {
		t.Fatalf("%d buckets, want 2", n)
	}
	// After a full refill period both buckets equal new ones and are
	// dropped when a new client arrives.
	clock.t = clock.t.Add(l.idle)
	l.allow(netip.MustParsePrefix("192.0.2.3/32"))
	if n := len(l.clients); n != 1 {
		t.Fatalf("%d buckets after the idle period, want only the new client's", n)
	}
}

func TestRateLimiterDefaults(t *testing.T) {
	tests := []struct {
		cfg       Config
		wantNil   bool
		wantBurst int
	}{
		{Config{}, true, 0},
		{Config{RateLimit: -1}, true, 0},
		{Config{RateLimit: 0.5}, false, 1},
		{Config{RateLimit: 20}, false, 20},
		{Config{RateLimit: 20, RateBurst: 50}, false, 50},
	}
	for _, tt := range tests {
		l := newRateLimiter(tt.cfg)
		if (l == nil) != tt.wantNil {
			t.Errorf("%+v: limiter %v, want nil: %v", tt.cfg, l, tt.wantNil)
			continue
		}
		if l != nil && l.burst != tt.wantBurst {
			t.Errorf("%+v: burst %d, want %d", tt.cfg, l.burst, tt.wantBurst)
		}
	}
}

func TestClientOf(t *testing.T) {
	tests := []struct {
		name       string
		trustProxy bool
		remote     string
		forwarded  []string
		want       string
	}{
		{"IPv4", false, "192.0.2.7:5555", nil, "192.0.2.7/32"},
		{"IPv6 /64", false, "[2001:db8:1:2:3:4:5:6]:443", nil, "2001:db8:1:2::/64"},
		{"IPv4-mapped IPv6", false, "[::ffff:192.0.2.7]:1", nil, "192.0.2.7/32"},
		{"forwarded, untrusted", false, "192.0.2.7:1", []string{"203.0.113.9"}, "192.0.2.7/32"},
		{"forwarded, trusted", true, "192.0.2.7:1", []string{"203.0.113.9"}, "203.0.113.9/32"},
		{"trusted, the proxy's entry is the last", true, "192.0.2.7:1", []string{"10.0.0.1, 203.0.113.9"}, "203.0.113.9/32"},
		{"trusted, several header lines", true, "192.0.2.7:1", []string{"10.0.0.1", "198.51.100.4"}, "198.51.100.4/32"},
		{"trusted, garbage", true, "192.0.2.7:1", []string{"unknown"}, "192.0.2.7/32"},
		{"trusted, no header", true, "192.0.2.7:1", nil, "192.0.2.7/32"},
		{"unparsable remote", false, "pipe", nil, "invalid Prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newRateLimiter(Config{RateLimit: 1, TrustProxy: tt.trustProxy})
			req := httptest.NewRequest(http.MethodGet, "/health_check", nil)
			req.RemoteAddr = tt.remote
			for _, v := range tt.forwarded {
				req.Header.Add("X-Forwarded-For", v)
			}
			if got := l.clientOf(req).String(); got != tt.want {
				t.Fatalf("client %s, want %s", got, tt.want)
			}
		})
	}
}

// TestRateLimitAnswer: over its bucket a client gets 429 with Retry-After
// and a JSON error, and another client is still served. The rate is so low
// that no token comes back while the test runs.
func TestRateLimitAnswer(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := newConfiguredServer(t, Config{RateLimit: 0.01, RateBurst: 2, Registerer: reg}, newFixtureStore(t))
	request := func(remote string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/v1/users/"+alice, nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		if rec := request("192.0.2.1:1000"); rec.Code != want {
			t.Fatalf("request %d: status %d, want %d", i, rec.Code, want)
		}
	}
	rec := request("192.0.2.1:1001")
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("another port of the same address: status %d, want 429", rec.Code)
	}
	retry, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || retry < 1 || retry > 100 {
		t.Errorf("Retry-After %q, want 1 to 100 seconds", rec.Header().Get("Retry-After"))
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if msg := decodeBody[errorBody](t, rec.Body).Error; !strings.Contains(msg, "too many requests") {
		t.Errorf("error %q does not say why", msg)
	}
	if rec := request("192.0.2.2:1000"); rec.Code != http.StatusOK {
		t.Errorf("another client: status %d, want 200", rec.Code)
	}
	if n := counterValue(t, reg, "discovery_api_rate_limited_total", nil); n != 2 {
		t.Errorf("rate limited counted %v, want 2", n)
	}
	if n := counterValue(t, reg, "discovery_api_requests_total",
		map[string]string{"route": "GET /v1/users/{id}", "method": "GET", "code": "4xx"}); n != 2 {
		t.Errorf("refused requests counted %v under their route, want 2", n)
	}
}
