package api

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxClients bounds the memory the rate limiter can be made to use. Past
// it, arbitrary clients' buckets are forgotten (they start full again),
// which is the cheapest way to keep serving under a flood of addresses.
const maxClients = 100_000

// rateLimiter keeps a token bucket per client: an IPv4 address, or an IPv6
// /64, the block one subscriber usually gets, so that walking through
// addresses of one's own block does not multiply the allowance.
type rateLimiter struct {
	limit      rate.Limit
	burst      int
	trustProxy bool
	// idle is how long a bucket takes to fill up again: a bucket unused
	// that long is the same as a new one and can be dropped.
	idle time.Duration
	now  func() time.Time

	mu        sync.Mutex
	clients   map[netip.Prefix]*clientBucket
	lastSweep time.Time
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newRateLimiter returns the limiter cfg asks for, or nil for none. A
// burst of zero or less means one second's worth of requests.
func newRateLimiter(cfg Config) *rateLimiter {
	if cfg.RateLimit <= 0 {
		return nil
	}
	burst := cfg.RateBurst
	if burst <= 0 {
		burst = max(1, int(math.Ceil(cfg.RateLimit)))
	}
	return &rateLimiter{
		limit:      rate.Limit(cfg.RateLimit),
		burst:      burst,
		trustProxy: cfg.TrustProxy,
		idle:       time.Duration(float64(burst) / cfg.RateLimit * float64(time.Second)),
		now:        time.Now,
		clients:    map[netip.Prefix]*clientBucket{},
	}
}

// limitRate answers a client over its rate 429 with Retry-After and a JSON
// error, before any work is done for it. A nil limiter lets everything
// through.
func limitRate(l *rateLimiter, m *metrics, logger *slog.Logger, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.allow(l.clientOf(r))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		m.rateLimited.Inc()
		secs := max(1, int(math.Ceil(wait.Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, r, logger, http.StatusTooManyRequests, errorBody{Error: fmt.Sprintf(
			"too many requests: a client may make %g requests a second, %d at once; retry after %d s", float64(l.limit), l.burst, secs)})
	})
}

// allow takes a token from the bucket of client, or tells how long until
// one is there.
func (l *rateLimiter) allow(client netip.Prefix) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.clients[client]
	if !ok {
		l.makeRoom(now)
		b = &clientBucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[client] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return false, l.idle
	}
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// makeRoom drops the buckets that are full again, at most once per idle
// period, and arbitrary ones beyond maxClients.
func (l *rateLimiter) makeRoom(now time.Time) {
	if now.Sub(l.lastSweep) >= l.idle {
		l.lastSweep = now
		for k, b := range l.clients {
			if now.Sub(b.seen) >= l.idle {
				delete(l.clients, k)
			}
		}
	}
	for k := range l.clients {
		if len(l.clients) < maxClients {
			break
		}
		delete(l.clients, k)
	}
}

// clientOf is the bucket key of the client that sent r: the connection's
// address or, behind a trusted proxy, the last X-Forwarded-For entry, the
// one that proxy appended. Earlier entries are whatever the client claimed
// and are never used.
func (l *rateLimiter) clientOf(r *http.Request) netip.Prefix {
	if l.trustProxy {
		if v := r.Header.Values("X-Forwarded-For"); len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if addr, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return clientPrefix(addr)
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{} // one shared bucket for unparsable addresses
	}
	return clientPrefix(addr)
}

// clientPrefix is the address block treated as one client.
func clientPrefix(addr netip.Addr) netip.Prefix {
	addr = addr.Unmap().WithZone("")
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	p, _ := addr.Prefix(bits) // bits fits the address family: no error
	return p
}
