package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/discovery-node/discovery/internal/benchtest"
	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/discovery-node/discovery/internal/gethtest"
)

// The synth server measures Discovery without a node's costs; this step
// keeps one backfill against a real geth --dev, so the figures can be read
// against what a node serving real transactions costs.

// How the suite runs geth: a block a second, each with room for about 300
// actions of 150,000 gas, as dense as the synthetic chains' blocks (50 to
// 500 actions); a small cache, as the machine is shared.
const (
	gethPeriod   = time.Second
	gethGasLimit = 45_000_000
	gethRelayers = 4
)

var gethArgs = []string{"--cache", "256"}

// gethRun is the backfill from geth: what was loaded, how long that took
// (not counted in the figures), and the run.
type gethRun struct {
	Version  string             `json:"version"`
	Period   Duration           `json:"period"`
	GasLimit uint64             `json:"gas_limit"`
	Args     []string           `json:"args"`
	Load     devchain.BenchLoad `json:"load"`
	// LoadTime covers funding the relayers, deploying the contracts,
	// relaying the workload and reading its logs back.
	LoadTime time.Duration `json:"load_ns"`
	// Finalized is geth's finalized block when the backfill started:
	// discovery writes undo images only for the blocks above it.
	Finalized uint64                    `json:"finalized"`
	Backfill  *benchtest.BackfillResult `json:"backfill,omitempty"`
	// GethCPU is geth's CPU time from the database's creation to
	// discovery's stop: mostly serving the backfill, plus mining an empty
	// block a second.
	GethCPU time.Duration `json:"geth_cpu_ns"`
}

// gethBackfill starts geth --dev, loads it with p.GethEvents actions and
// measures discovery's backfill of it into PostgreSQL.
func (s *suite) gethBackfill(ctx context.Context, p plan) error {
	bin := s.geth
	if bin == "" {
		var err error
		if bin, err = gethtest.FindBinary(); err != nil {
			return err
		}
	} else if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%w: %v", gethtest.ErrNoBinary, err)
	}
	dir := filepath.Join(s.workDir, fmt.Sprintf("geth-%d", p.GethEvents))
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clearing geth's data directory: %w", err)
	}
	s.logf("geth: starting %s --dev (block every %s) in %s", bin, gethPeriod, dir)
	node, err := gethtest.Run(ctx, gethtest.Config{Binary: bin, DataDir: dir, Period: gethPeriod, GasLimit: gethGasLimit, Args: gethArgs})
	if err != nil {
		return err
	}
	defer node.Stop()
	g := &gethRun{Version: node.Version, Period: Duration(gethPeriod), GasLimit: gethGasLimit, Args: gethArgs}

	s.logf("geth: loading %d ManageEntity actions through %d relayers", p.GethEvents, gethRelayers)
	start := time.Now()
	if g.Load, err = loadGeth(ctx, node, devchain.BenchConfig{Events: p.GethEvents, Seed: s.res.Seed}); err != nil {
		return fmt.Errorf("loading geth: %w (geth log: %s)", err, node.LogTail(1000))
	}
	g.LoadTime = time.Since(start)
	s.res.Geth = g
	l := g.Load
	s.logf("geth: loaded %d events (%d to be refused), %d plays in blocks %d-%d, %d transactions, in %s",
		l.Events, l.Rejected, l.Plays, l.FirstBlock, l.LastBlock, l.Transactions, g.LoadTime.Round(time.Millisecond))

	var fin struct {
		Number hexutil.Uint64 `json:"number"`
	}
	if err := node.RPC.CallContext(ctx, &fin, "eth_getBlockByNumber", "finalized", false); err != nil {
		return fmt.Errorf("reading geth's finalized block: %w", err)
	}
	g.Finalized = uint64(fin.Number)
	s.logf("geth: backfill into postgres (cap %s), finalized block %d", time.Duration(p.GethCap), g.Finalized)
	chain := benchtest.NodeChain{URL: node.URL, EntityManager: l.Deployment.EntityManager, Plays: l.Deployment.Plays,
		FromBlock: l.Deployment.Block, LastBlock: l.LastBlock, Events: l.Events, Logs: l.Logs(), Rejected: l.Rejected,
		EventsThrough: l.EventsThrough}
	cpu0, err := node.CPU()
	if err != nil {
		return err
	}
	r, err := benchtest.BackfillNode(ctx, chain, benchtest.RunOptions{Discovery: s.discovery, Store: "postgres", PGAdmin: s.pg,
		WorkDir: s.workDir, Cap: time.Duration(p.GethCap)}, fmt.Sprintf("geth-postgres-%d", l.Events))
	if err != nil {
		return err
	}
	cpu1, err := node.CPU()
	if err != nil {
		return err
	}
	g.Backfill, g.GethCPU = r, cpu1-cpu0
	s.logf("geth: %d of %d events in %s: %.0f events/s, peak RSS %.0f MB; %.0f logs applied, %.0f refused",
		r.EventsIndexed, r.Events, r.Wall.Round(time.Millisecond), r.EventsPerSec, float64(r.PeakRSS)/1e6, r.Applied, r.Rejected)
	return checkGethRun(g)
}

// checkGethRun holds the run to what was loaded: every log counted by
// discovery, and exactly the actions made to be refused refused.
func checkGethRun(g *gethRun) error {
	r, l := g.Backfill, g.Load
	if !r.Complete {
		return fmt.Errorf("backfill from geth stopped at the cap after %d of %d events", r.EventsIndexed, l.Events)
	}
	var errs []error
	if got := r.Applied + r.Rejected; got != float64(l.Logs()) {
		errs = append(errs, fmt.Errorf("discovery counted %.0f logs (%.0f applied, %.0f refused); %d were loaded", got, r.Applied, r.Rejected, l.Logs()))
	}
	if r.Rejected != float64(l.Rejected) {
		errs = append(errs, fmt.Errorf("discovery refused %.0f actions; the load made %d to be refused", r.Rejected, l.Rejected))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("backfill from geth: %w", err)
	}
	return nil
}

// loadGeth funds the relayers from geth's dev account, deploys the
// contracts and relays the workload.
func loadGeth(ctx context.Context, node *gethtest.Process, cfg devchain.BenchConfig) (devchain.BenchLoad, error) {
	keys := devchain.BenchKeys(gethRelayers)
	addrs := make([]common.Address, len(keys))
	for i, k := range keys {
		addrs[i] = crypto.PubkeyToAddress(k.PublicKey)
	}
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	if err := node.Fund(ctx, new(big.Int).Mul(ether, big.NewInt(10_000)), addrs...); err != nil {
		return devchain.BenchLoad{}, err
	}
	client := ethclient.NewClient(node.RPC)
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return devchain.BenchLoad{}, fmt.Errorf("reading geth's chain id: %w", err)
	}
	d, err := devchain.DeployAll(ctx, client, keys[0], chainID)
	if err != nil {
		return devchain.BenchLoad{}, err
	}
	return devchain.LoadBench(ctx, node.RPC, d, keys, cfg)
}
