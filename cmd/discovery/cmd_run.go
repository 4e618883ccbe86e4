package main

import (
	"context"
	"fmt"
	"github.com/discovery-node/discovery/internal/follow"
	"io"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// runRun indexes a real chain: `discovery run --rpc URL --contract ADDR
// --from-block N --db DSN --listen ADDR`.
func runRun(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("run", getenv, stderr)
	var contract, db, logLevel string
	var rpcURLs listFlag
	var skipSyncWait bool
	var cfg nodeConfig
	var proto protocolFlags
	f.list(&rpcURLs, "rpc", "DISCOVERY_RPC", "JSON-RPC URL of a chain node (http, ws or IPC path); repeat or comma-separate for failover, first preferred")
	f.string(&contract, "contract", "DISCOVERY_CONTRACT", "", "address of the EntityManager contract")
	f.uint64(&cfg.fromBlock, "from-block", "DISCOVERY_FROM_BLOCK", 0, "first block to index when there is no checkpoint yet (the deploy block)")
	f.string(&db, "db", "DISCOVERY_DB", "", "store: postgres://user@host/db or sqlite:PATH")
	f.BoolVar(&skipSyncWait, "skip-sync-wait", f.env("DISCOVERY_SKIP_SYNC_WAIT", "") == "true", "follow the head without waiting for eth_syncing to report the node synced (env DISCOVERY_SKIP_SYNC_WAIT=true)")
	addNodeFlags(f, &cfg, &logLevel, 30*time.Second)
	proto.add(f, &cfg, "protocol", true)
	if err := f.parse(args); err != nil {
		return err
	}
	if err := proto.apply(&cfg); err != nil {
		return err
	}
	cfg.waitSynced = !skipSyncWait
	cfg.nodeFinality = true
	if err := cfg.validate(); err != nil {
		return err
	}
	logger, err := newLogger(stderr, logLevel)
	if err != nil {
		return err
	}
	if !common.IsHexAddress(contract) {
		return fmt.Errorf("--contract %q: want the 0x-prefixed address of the EntityManager contract", contract)
	}
	cfg.contract = common.HexToAddress(contract)
	if cfg.plays == cfg.contract {
		return fmt.Errorf("--plays-contract %s is the --contract address: want the Plays contract, which is deployed separately", cfg.plays.Hex())
	}
	if db == "" {
		return fmt.Errorf("--db is required: postgres://user@host/db or sqlite:PATH")
	}
	rcs, err := dialRPCs(ctx, rpcURLs.vals)
	if err != nil {
		return err
	}
	defer func() {
		for _, rc := range rcs {
			rc.Close()
		}
	}()
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()
	return serveNode(ctx, logger, stdout, store, rcs, cfg)
}

// addNodeFlags declares the flags every serving command shares.
func addNodeFlags(f *flags, cfg *nodeConfig, logLevel *string, trendingEvery time.Duration) {
	f.string(&cfg.listen, "listen", "DISCOVERY_LISTEN", "127.0.0.1:5000", "address the API listens on")
	f.uint64(&cfg.healthyBlockDiff, "healthy-block-diff", "DISCOVERY_HEALTHY_BLOCK_DIFF", 100, "blocks behind the chain head before /health_check answers 500")
	f.uint64(&cfg.batchSize, "batch-size", "DISCOVERY_BATCH_SIZE", 100, "most blocks fetched and applied in one step while catching up")
	f.int(&cfg.maxRunLogs, "max-run-logs", "DISCOVERY_MAX_RUN_LOGS", follow.DefaultMaxRunLogs, "about the most logs applied in one transaction while catching up: dense blocks go fewer than --batch-size at a time (memory grows with it)")
	f.uint64(&cfg.finalityDepth, "finality-depth", "DISCOVERY_FINALITY_DEPTH", 128, "blocks below the head taken as final when the node reports no finalized block; undo data below is pruned and a deeper reorg stops indexing")
	f.duration(&cfg.rpcTimeout, "rpc-timeout", "DISCOVERY_RPC_TIMEOUT", 30*time.Second, "timeout of one JSON-RPC request before it is retried elsewhere")
	f.uint64(&cfg.getLogsRange, "getlogs-range", "DISCOVERY_GETLOGS_RANGE", 2000, "largest block range of one eth_getLogs; shrunk automatically when a node refuses it")
	f.string(logLevel, "log-level", "DISCOVERY_LOG_LEVEL", "info", "debug, info, warn or error")
	f.duration(&cfg.requestTimeout, "request-timeout", "DISCOVERY_REQUEST_TIMEOUT", 10*time.Second, "longest an API request may take before it is answered 503; 0 for no limit")
	f.float64(&cfg.rateLimit, "rate-limit", "DISCOVERY_RATE_LIMIT", 100, "API requests a second one client (IP, or IPv6 /64) may make on average, answered 429 past it; 0 for no limit")
	f.int(&cfg.rateBurst, "rate-burst", "DISCOVERY_RATE_BURST", 200, "API requests one client may make at once")
	f.bool(&cfg.trustProxy, "trust-proxy", "DISCOVERY_TRUST_PROXY", false, "take the client address from the last X-Forwarded-For entry (only behind a proxy that sets it)")
	f.duration(&cfg.cacheMaxAge, "cache-max-age", "DISCOVERY_CACHE_MAX_AGE", 5*time.Second, "Cache-Control max-age of successful API answers")
	addAnswerCacheFlag(f, &cfg.answerCacheBytes)
	addPprofFlag(f, &cfg.pprofListen)
	f.duration(&cfg.trendingEvery, "trending-every", "DISCOVERY_TRENDING_EVERY", trendingEvery, "how often trending is recomputed when the head moved")
}
