package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/follow"
	"github.com/discovery-node/discovery/internal/metadata"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"
)

// nodeConfig is what every indexing-and-serving command shares.
type nodeConfig struct {
	listen           string
	healthyBlockDiff uint64
	batchSize        uint64
	maxRunLogs       int
	fromBlock        uint64
	finalityDepth    uint64
	rpcTimeout       time.Duration
	getLogsRange     uint64
	waitSynced       bool
	// nodeFinality trusts the node's "finalized" block. The embedded dev
	// chain finalizes blocks it can still lose when killed, so dev counts
	// --finality-depth below the head instead.
	nodeFinality bool
	contract     common.Address

	// The content protocol: the Plays contract (zero: no plays), the
	// signer of User Verify actions (zero: none), the lowest new ids, and
	// the IPFS sources of metadata named by CID (none: no fetching).
	plays       common.Address
	verifier    common.Address
	idOffsets   content.IDOffsets
	ipfs        []metadata.Source
	ipfsTimeout time.Duration

	// The API's HTTP behaviour (see api.Config) and how often trending is
	// recomputed.
	requestTimeout time.Duration
	rateLimit      float64
	rateBurst      int
	trustProxy     bool
	cacheMaxAge    time.Duration
	trendingEvery  time.Duration
	// answerCacheBytes bounds the API's per-head answer cache (0: none).
	answerCacheBytes int64
	// pprofListen is where Go's profiles are served ("": nowhere).
	pprofListen string
}

// serveNode follows the chain behind the endpoints rcs (tried in order, with
// failover) into store and serves the API until ctx is cancelled, then shuts
// the HTTP server down gracefully. It prints the address it listens on to
// stdout, so scripts and tests can use port 0.
func serveNode(ctx context.Context, logger *slog.Logger, stdout io.Writer, store discovery.Store, rcs []*rpc.Client, cfg nodeConfig) error {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register runtime metrics: %w", err)
		}
	}
	ix, err := content.New(store, content.Options{
		Logger:         logger.With("component", "content"),
		Registerer:     reg,
		IDOffsets:      cfg.idOffsets,
		Verifier:       cfg.verifier,
		EntityManagers: []common.Address{cfg.contract},
		Plays:          cfg.plays,
	})
	if err != nil {
		return err
	}
	worker, err := newMetadataWorker(logger, reg, store, cfg)
	if err != nil {
		return err
	}
	addrs := []common.Address{cfg.contract}
	if cfg.plays != (common.Address{}) {
		addrs = append(addrs, cfg.plays)
	}
	src := chain.NewEndpoints(rcs, addrs, content.Topics, chain.Options{
		RequestTimeout: cfg.rpcTimeout,
		MaxLogRange:    cfg.getLogsRange,
		Logger:         logger.With("component", "chain"),
		Registerer:     reg,
	})
	if cfg.waitSynced {
		if err := src.WaitSynced(ctx, nil); err != nil {
			return fmt.Errorf("wait for the node to sync: %w", err)
		}
	}
	var source discovery.BlockSource = src
	if !cfg.nodeFinality {
		source = withoutFinality{src, src}
	}
	f := follow.New(source, ix, store.Head, follow.Config{
		FromBlock:     cfg.fromBlock,
		BatchSize:     cfg.batchSize,
		MaxRunLogs:    cfg.maxRunLogs,
		FinalityDepth: cfg.finalityDepth,
		IndexedBlock:  store.Block,
		Prune:         store.Prune,
		Logger:        logger.With("component", "follow"),
		Registerer:    reg,
	})
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
	}, store, f, logger.With("component", "api"))
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
	logger.Info("serving", "addr", ln.Addr().String(), "contract", cfg.contract.Hex(), "plays", cfg.plays.Hex(),
		"verifier", cfg.verifier.Hex(), "ipfs_sources", len(cfg.ipfs))

	g, gctx := errgroup.WithContext(ctx)
	servePprof(gctx, g, logger, pln)
	g.Go(func() error { return f.Run(gctx) })
	g.Go(func() error {
		return finishDeferred(gctx, logger.With("component", "store"), store, reg, caughtUp(store, f, cfg.healthyBlockDiff), deferredPoll)
	})
	g.Go(func() error {
		return refreshTrending(gctx, logger.With("component", "trending"), store, cfg.trendingEvery, caughtUp(store, f, cfg.healthyBlockDiff))
	})
	if worker != nil {
		// Run returns nil once gctx ends; a fetch in flight is abandoned
		// and its job stays pending for the next start.
		g.Go(func() error { return worker.Run(gctx) })
	}
	serveHTTP(gctx, g, srv, ln)
	return g.Wait()
}

// serveHTTP serves srv on ln in g until ctx ends, then shuts it down
// gracefully: requests in flight get ten seconds to finish.
func serveHTTP(ctx context.Context, g *errgroup.Group, srv *http.Server, ln net.Listener) {
	g.Go(func() error {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve http: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shut down http: %w", err)
		}
		return nil
	})
}

// refreshTrending recomputes trending at start and then every interval; a
// refresh of an unmoved head costs almost nothing. It waits while the index
// is catching up (ready says when it is not): rankings of a chain half
// indexed mean nothing, and a refresh reads every play window, which would
// take a good share of a backfill's time. A failure is logged and the next
// tick retries; reads keep the previous rankings meanwhile.
func refreshTrending(ctx context.Context, logger *slog.Logger, store discovery.Store, every time.Duration, ready func(context.Context) bool) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		if !ready(ctx) {
			logger.Debug("trending refresh waits for the index to catch up")
		} else if err := store.RefreshTrending(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("trending refresh failed", "err", err)
		} else if err == nil {
			logger.Debug("trending refreshed", "took", time.Since(start))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// caughtUp reports whether the index is within maxBehind blocks of the
// chain head the follower last saw; before the follower has seen one, it
// is taken as caught up, so an index served without a reachable node still
// gets its rankings.
func caughtUp(store discovery.Store, f *follow.Follower, maxBehind uint64) func(context.Context) bool {
	return func(ctx context.Context) bool {
		head := f.ChainHead()
		if head == 0 {
			return true
		}
		cp, ok, err := store.Head(ctx)
		if err != nil || !ok {
			return false
		}
		return cp.Number+maxBehind >= head
	}
}

// newMetadataWorker returns the worker that fetches metadata named by CID
// from the --ipfs sources into store, or nil when there are none.
func newMetadataWorker(logger *slog.Logger, reg prometheus.Registerer, store discovery.Store, cfg nodeConfig) (*metadata.Worker, error) {
	if len(cfg.ipfs) == 0 {
		return nil, nil
	}
	log := logger.With("component", "metadata")
	fetcher, err := metadata.NewFetcher(cfg.ipfs, metadata.FetcherOptions{RequestTimeout: cfg.ipfsTimeout, Registerer: reg, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("--ipfs: %w", err)
	}
	w, err := metadata.NewWorker(fetcher, content.NewMetadataQueue(store), metadata.WorkerOptions{Registerer: reg, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("start metadata worker: %w", err)
	}
	return w, nil
}

// openStore opens the store a --db value names: postgres://... or
// sqlite:PATH.
func openStore(ctx context.Context, dsn string) (discovery.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open --db %s: %w", redact(dsn), err)
		}
		return s, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("--db sqlite: needs a file path, e.g. sqlite:./discovery.db")
		}
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("open --db %s: %w", dsn, err)
		}
		return s, nil
	default:
		return nil, fmt.Errorf("--db %q: want postgres://user@host/db or sqlite:PATH", redact(dsn))
	}
}

// redact hides a password in a DSN so it never reaches logs or errors.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unparseable DSN)"
		}
		return dsn
	}
	return u.Redacted()
}

// dialRPCs connects to every endpoint of a --rpc list. Each must answer at
// start, so a typo is reported at once rather than as a failover later.
func dialRPCs(ctx context.Context, urls []string) ([]*rpc.Client, error) {
	if len(urls) == 0 {
		return nil, errors.New("--rpc is required: the JSON-RPC URL of a node, e.g. http://127.0.0.1:8545 (repeat it, or separate with commas, for failover)")
	}
	var rcs []*rpc.Client
	for _, u := range urls {
		rc, err := dialRPC(ctx, u)
		if err != nil {
			for _, c := range rcs {
				c.Close()
			}
			return nil, err
		}
		rcs = append(rcs, rc)
	}
	return rcs, nil
}

// maxRPCMessage bounds one WebSocket message from the node.
const maxRPCMessage = 512 << 20

// dialRPC connects to a JSON-RPC endpoint (http, ws or an IPC path) and
// checks it answers.
func dialRPC(ctx context.Context, rawURL string) (*rpc.Client, error) {
	if rawURL == "" {
		return nil, errors.New("--rpc is required: the JSON-RPC URL of a node, e.g. http://127.0.0.1:8545")
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	// One batch of a dense chain's blocks and logs outgrows go-ethereum's
	// 32 MB WebSocket message limit; a bounded larger one still keeps a
	// hostile node from costing unbounded memory.
	rc, err := rpc.DialOptions(dctx, rawURL, rpc.WithWebsocketMessageSizeLimit(maxRPCMessage))
	if err != nil {
		return nil, fmt.Errorf("dial --rpc %s: %w", redact(rawURL), err)
	}
	var id string
	if err := rc.CallContext(dctx, &id, "eth_chainId"); err != nil {
		rc.Close()
		return nil, fmt.Errorf("ask --rpc %s for its chain id: %w", redact(rawURL), err)
	}
	return rc, nil
}

// validate checks the shared settings before anything starts.
func (c nodeConfig) validate() error {
	if c.batchSize == 0 || c.batchSize > 10_000 {
		return fmt.Errorf("--batch-size %d: want 1 to 10000 blocks", c.batchSize)
	}
	if c.maxRunLogs < 1 || c.maxRunLogs > 1_000_000 {
		return fmt.Errorf("--max-run-logs %d: want 1 to 1000000 logs", c.maxRunLogs)
	}
	if c.finalityDepth == 0 {
		return fmt.Errorf("--finality-depth must be at least 1 block")
	}
	if c.rpcTimeout <= 0 {
		return fmt.Errorf("--rpc-timeout %s: want a positive duration", c.rpcTimeout)
	}
	if c.getLogsRange == 0 || c.getLogsRange > 10_000 {
		return fmt.Errorf("--getlogs-range %d: want 1 to 10000 blocks", c.getLogsRange)
	}
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
	if c.trendingEvery < time.Second {
		return fmt.Errorf("--trending-every %s: want at least 1s", c.trendingEvery)
	}
	if _, _, err := net.SplitHostPort(c.listen); err != nil {
		return fmt.Errorf("--listen %q: want host:port, e.g. 127.0.0.1:5000: %w", c.listen, err)
	}
	return nil
}

// withoutFinality hides a source's Finalized method from the follower, which
// then takes blocks --finality-depth below the head as final.
type withoutFinality struct {
	discovery.BlockSource
	follow.HeadSubscriber
}
