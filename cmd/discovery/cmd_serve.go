package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api"
)

// serveConfig is what `discovery serve` needs: the API's settings, without
// any of the follower's.
type serveConfig struct {
	listen           string
	healthyBlockDiff uint64
	requestTimeout   time.Duration
	rateLimit        float64
	rateBurst        int
	trustProxy       bool
	cacheMaxAge      time.Duration
	answerCacheBytes int64
	pprofListen      string
	// headEvery is how often the indexed head is read for /health_check,
	// which has no chain node to ask.
	headEvery time.Duration
}

// runServe serves the API over an index another process writes (a read
// replica), or over a finished one (a benchmark): `discovery serve --db DSN
// --listen ADDR`. It follows no chain and writes nothing but the schema
// migrations every store applies on open; trending is whatever the writer
// last refreshed.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("serve", getenv, stderr)
	var db, logLevel string
	var cfg serveConfig
	f.string(&db, "db", "DISCOVERY_DB", "", "store: postgres://user@host/db or sqlite:PATH, an index written by discovery run")
	f.string(&cfg.listen, "listen", "DISCOVERY_LISTEN", "127.0.0.1:5000", "address the API listens on")
	f.uint64(&cfg.healthyBlockDiff, "healthy-block-diff", "DISCOVERY_HEALTHY_BLOCK_DIFF", 100, "blocks behind the chain head before /health_check answers 500")
	f.string(&logLevel, "log-level", "DISCOVERY_LOG_LEVEL", "info", "debug, info, warn or error")
	f.duration(&cfg.requestTimeout, "request-timeout", "DISCOVERY_REQUEST_TIMEOUT", 10*time.Second, "longest an API request may take before it is answered 503; 0 for no limit")
	f.float64(&cfg.rateLimit, "rate-limit", "DISCOVERY_RATE_LIMIT", 100, "API requests a second one client (IP, or IPv6 /64) may make on average, answered 429 past it; 0 for no limit")
	f.int(&cfg.rateBurst, "rate-burst", "DISCOVERY_RATE_BURST", 200, "API requests one client may make at once")
	f.bool(&cfg.trustProxy, "trust-proxy", "DISCOVERY_TRUST_PROXY", false, "take the client address from the last X-Forwarded-For entry (only behind a proxy that sets it)")
	f.duration(&cfg.cacheMaxAge, "cache-max-age", "DISCOVERY_CACHE_MAX_AGE", 5*time.Second, "Cache-Control max-age of successful API answers")
	addAnswerCacheFlag(f, &cfg.answerCacheBytes)
	addPprofFlag(f, &cfg.pprofListen)
	f.duration(&cfg.headEvery, "head-every", "DISCOVERY_HEAD_EVERY", 2*time.Second, "how often the indexed head is read, as the chain head /health_check compares it with")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	logger, err := newLogger(stderr, logLevel)
	if err != nil {
		return err
	}
	if db == "" {
		return fmt.Errorf("--db is required: postgres://user@host/db or sqlite:PATH of an existing index")
	}
	// Opening a SQLite path creates the file; a replica of nothing is a
	// typo, better refused than served empty.
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok && path != "" {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("--db %s: no index there to serve: %w", db, err)
		}
	}
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()
	return serveIndex(ctx, logger, stdout, store, cfg)
}

// defaultAnswerCacheBytes holds trending's answers of a few heads' worth
// of parameters many times over (one answer is tens of KiB).
const defaultAnswerCacheBytes = 32 << 20

// minAnswerCacheBytes is the smallest answer cache worth having: below it,
// the largest trending answers (100 tracks with their owners) would not
// fit at all.
const minAnswerCacheBytes = 1 << 20

// addAnswerCacheFlag declares --answer-cache-bytes, shared by every
// command that serves the API.
func addAnswerCacheFlag(f *flags, p *int64) {
	f.int64(p, "answer-cache-bytes", "DISCOVERY_ANSWER_CACHE_BYTES", defaultAnswerCacheBytes,
		"bytes of finished trending answers kept per indexed head, so one computation per block serves every client; with it, signed-in trending requests also share the ranked page and read only their viewer fields; 0 for neither")
}

func validateAnswerCacheBytes(n int64) error {
	if n != 0 && n < minAnswerCacheBytes {
		return fmt.Errorf("--answer-cache-bytes %d: want 0 (no answer cache) or at least %d (1 MiB)", n, minAnswerCacheBytes)
	}
	return nil
}

func (c serveConfig) validate() error {
	if c.requestTimeout < 0 || c.cacheMaxAge < 0 {
		return fmt.Errorf("--request-timeout and --cache-max-age cannot be negative")
	}
	if c.rateLimit < 0 || c.rateBurst < 0 {
		return fmt.Errorf("--rate-limit and --rate-burst cannot be negative")
	}
	if err := validateAnswerCacheBytes(c.answerCacheBytes); err != nil {
		return err
	}
	if err := validatePprofListen(c.pprofListen); err != nil {
		return err
	}
	if c.headEvery <= 0 {
		return fmt.Errorf("--head-every %s: want a positive duration", c.headEvery)
	}
	if _, _, err := net.SplitHostPort(c.listen); err != nil {
		return fmt.Errorf("--listen %q: want host:port, e.g. 127.0.0.1:5000: %w", c.listen, err)
	}
	return nil
}

// serveIndex serves the API over store until ctx is cancelled, as
// serveNode does but with no follower: the chain head /health_check
// reports is the indexed head, read every cfg.headEvery, so a replica is
// healthy while its writer keeps up (the writer's own health says how far
// it trails the chain).
func serveIndex(ctx context.Context, logger *slog.Logger, stdout io.Writer, store discovery.Store, cfg serveConfig) error {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register runtime metrics: %w", err)
		}
	}
	var head atomic.Uint64
	readHead := func(ctx context.Context) error {
		b, ok, err := store.Head(ctx)
		if err != nil {
			return fmt.Errorf("read the indexed head: %w", err)
		}
		if ok {
			head.Store(b.Number)
		}
		return nil
	}
	if err := readHead(ctx); err != nil {
		return err
	}
	handler := api.NewServer(api.Config{
		Service:          "discovery",
		Version:          version,
		HealthyBlockDiff: cfg.healthyBlockDiff,
		RequestTimeout:   cfg.requestTimeout,
		RateLimit:        cfg.rateLimit,
		RateBurst:        cfg.rateBurst,
		TrustProxy:       cfg.trustProxy,
		CacheMaxAge:      cfg.cacheMaxAge,
		AnswerCacheBytes: cfg.answerCacheBytes,
		Registerer:       reg,
	}, store, api.ChainHeadFunc(head.Load), logger.With("component", "api"))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/", handler)

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.listen, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	pln, err := listenPprof(cfg.pprofListen)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	logger.Info("serving an existing index", "addr", ln.Addr().String(), "head", head.Load())

	g, gctx := errgroup.WithContext(ctx)
	servePprof(gctx, g, logger, pln)
	g.Go(func() error {
		t := time.NewTicker(cfg.headEvery)
		defer t.Stop()
		for {
			select {
			case <-gctx.Done():
				return nil
			case <-t.C:
				if err := readHead(gctx); err != nil && gctx.Err() == nil {
					logger.Warn("reading the indexed head failed", "err", err)
				}
			}
		}
	})
	serveHTTP(gctx, g, srv, ln)
	return g.Wait()
}
