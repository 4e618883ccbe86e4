package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// runSeed deploys EntityManager and Plays to any chain and seeds the demo
// content, the way the old setup script added four creators, then prints
// what `discovery run` needs: the contract addresses, the demo's verifier
// and the deploy block.
func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("seed", getenv, stderr)
	var rpcURL, keyHex, logLevel string
	var asJSON bool
	f.string(&rpcURL, "rpc", "DISCOVERY_RPC", "", "JSON-RPC URL of the chain node")
	f.string(&keyHex, "key", "DISCOVERY_SEED_KEY", "", "hex private key of a funded account that deploys and relays (pays gas)")
	f.string(&logLevel, "log-level", "DISCOVERY_LOG_LEVEL", "info", "debug, info, warn or error")
	f.BoolVar(&asJSON, "json", false, "also print everything seeded (users, tracks, apps, grants, plays, ids, invalid actions) as one JSON line")
	if err := f.parse(args); err != nil {
		return err
	}
	logger, err := newLogger(stderr, logLevel)
	if err != nil {
		return err
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(keyHex), "0x"))
	if err != nil {
		// The key itself is never echoed back.
		return fmt.Errorf("--key: want the 64 hex digits of a private key: %w", err)
	}
	rc, err := dialRPC(ctx, rpcURL)
	if err != nil {
		return err
	}
	defer rc.Close()
	client := ethclient.NewClient(rc)
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("read chain id: %w", err)
	}
	relayer := crypto.PubkeyToAddress(key.PublicKey)
	balance, err := client.BalanceAt(ctx, relayer, nil)
	if err != nil {
		return fmt.Errorf("read balance of %s: %w", relayer.Hex(), err)
	}
	if balance.Cmp(big.NewInt(0)) == 0 {
		return fmt.Errorf("relayer %s has no funds on chain %s: fund it or pass another --key", relayer.Hex(), chainID)
	}

	logger.Info("deploying EntityManager and Plays", "chain_id", chainID, "relayer", relayer.Hex())
	d, err := devchain.DeployAll(ctx, client, key, chainID)
	if err != nil {
		return fmt.Errorf("deploy contracts: %w", err)
	}
	logger.Info("seeding demo content", "contract", d.EntityManager.Hex(), "plays", d.Plays.Hex(), "deploy_block", d.Block)
	res, err := devchain.Seed(ctx, client, chainID, d, key)
	if err != nil {
		return fmt.Errorf("seed demo content: %w", err)
	}
	fmt.Fprintf(stdout, "contract %s\nplays-contract %s\nverifier %s\ndeploy-block %d\n", d.EntityManager.Hex(), d.Plays.Hex(), res.Verifier.Hex(), d.Block)
	fmt.Fprintf(stdout, "seeded %d actions (%d users, %d tracks, %d playlists) in blocks %d-%d\n",
		res.Actions, len(res.Users), len(res.Tracks), len(res.Playlists), res.FirstBlock, res.LastBlock)
	if asJSON {
		b, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("encode seed result: %w", err)
		}
		fmt.Fprintf(stdout, "%s\n", b)
	}
	// The demo uses small ids, so the node must not hold it to the
	// shared protocol's id offsets.
	fmt.Fprintf(stdout, "next: discovery run --rpc %s --contract %s --plays-contract %s --verifier %s --id-offsets none --from-block %d --db ...\n",
		redact(rpcURL), d.EntityManager.Hex(), d.Plays.Hex(), res.Verifier.Hex(), d.Block)
	return nil
}
