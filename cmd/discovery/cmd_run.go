package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ethereum/go-ethereum/common"
)

// runRun indexes a real chain: `discovery run --rpc URL --contract ADDR
// --from-block N --db DSN --listen ADDR`.
func runRun(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("run", getenv, stderr)
	var rpcURL, contract, db, logLevel string
	var cfg nodeConfig
	f.string(&rpcURL, "rpc", "DISCOVERY_RPC", "", "JSON-RPC URL of the chain node")
	f.string(&contract, "contract", "DISCOVERY_CONTRACT", "", "address of the EntityManager contract")
	f.uint64(&cfg.fromBlock, "from-block", "DISCOVERY_FROM_BLOCK", 0, "first block to index when there is no checkpoint yet (the deploy block)")
	f.string(&db, "db", "DISCOVERY_DB", "", "store: postgres://user@host/db or sqlite:PATH")
	addNodeFlags(f, &cfg, &logLevel)
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
	if !common.IsHexAddress(contract) {
		return fmt.Errorf("--contract %q: want the 0x-prefixed address of the EntityManager contract", contract)
	}
	cfg.contract = common.HexToAddress(contract)
	if db == "" {
		return fmt.Errorf("--db is required: postgres://user@host/db or sqlite:PATH")
	}
	rc, err := dialRPC(ctx, rpcURL)
	if err != nil {
		return err
	}
	defer rc.Close()
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()
	return serveNode(ctx, logger, stdout, store, rc, cfg)
}

// addNodeFlags declares the flags every serving command shares.
func addNodeFlags(f *flags, cfg *nodeConfig, logLevel *string) {
	f.string(&cfg.listen, "listen", "DISCOVERY_LISTEN", "127.0.0.1:5000", "address the API listens on")
	f.uint64(&cfg.healthyBlockDiff, "healthy-block-diff", "DISCOVERY_HEALTHY_BLOCK_DIFF", 100, "blocks behind the chain head before /health_check answers 500")
	f.uint64(&cfg.batchSize, "batch-size", "DISCOVERY_BATCH_SIZE", 100, "blocks fetched per JSON-RPC batch")
	f.string(logLevel, "log-level", "DISCOVERY_LOG_LEVEL", "info", "debug, info, warn or error")
}
