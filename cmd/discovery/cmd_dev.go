package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/ethereum/go-ethereum/rpc"
)

// runDev runs everything in one process with no setup: the embedded chain
// with demo content, the indexer on SQLite in the data directory, and the API.
func runDev(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("dev", getenv, stderr)
	var dataDir, db, logLevel string
	var blockTime time.Duration
	var cfg nodeConfig
	var proto protocolFlags
	f.string(&dataDir, "data-dir", "DISCOVERY_DATA_DIR", ".discovery", "directory holding the dev chain and the index")
	f.duration(&blockTime, "block-time", "DISCOVERY_BLOCK_TIME", time.Second, "interval between blocks of the embedded chain")
	f.string(&db, "db", "DISCOVERY_DB", "", "store: postgres://user@host/db or sqlite:PATH (default sqlite:<data-dir>/discovery.db)")
	addNodeFlags(f, &cfg, &logLevel, 2*time.Second) // a dev chain is small: trending keeps up
	proto.add(f, &cfg, "none", false)
	if err := f.parse(args); err != nil {
		return err
	}
	if err := proto.apply(&cfg); err != nil {
		return err
	}
	if blockTime < 10*time.Millisecond || blockTime > time.Hour {
		return fmt.Errorf("--block-time %s: want between 10ms and 1h", blockTime)
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	logger, err := newLogger(stderr, logLevel)
	if err != nil {
		return err
	}
	if db == "" {
		db = "sqlite:" + filepath.Join(dataDir, "discovery.db")
	}

	started := time.Now()
	chain, err := devchain.Start(ctx, devchain.Config{DataDir: dataDir, BlockTime: blockTime, Logger: logger.With("component", "devchain")})
	if err != nil {
		return fmt.Errorf("start dev chain: %w", err)
	}
	defer chain.Close()
	rc, err := chain.RPC(ctx)
	if err != nil {
		return fmt.Errorf("connect to dev chain: %w", err)
	}
	defer rc.Close()
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()

	// The demo's plays and User Verify actions count only with the
	// chain's Plays contract and the demo verifier configured.
	cfg.contract, cfg.plays, cfg.verifier = chain.Contract(), chain.Plays(), chain.Verifier()
	cfg.fromBlock = chain.DeployBlock()
	logger.Info("dev chain ready", "contract", cfg.contract.Hex(), "plays", cfg.plays.Hex(), "deploy_block", cfg.fromBlock, "took", time.Since(started).Round(time.Millisecond))
	return serveNode(ctx, logger, stdout, store, []*rpc.Client{rc}, cfg)
}
