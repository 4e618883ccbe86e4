package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/discovery-node/discovery/internal/synth"
)

// chainFlags are the flags that describe a synthetic chain.
type chainFlags struct {
	cfg synth.Config
	dir string
}

func (c *chainFlags) add(fs *flag.FlagSet) {
	fs.Uint64Var(&c.cfg.Seed, "seed", 1, "seed of the chain: the same seed and sizes give the same chain")
	fs.IntVar(&c.cfg.Events, "events", 10_000, "ManageEntity events in the chain")
	fs.IntVar(&c.cfg.MinPerBlock, "min-per-block", 50, "fewest ManageEntity logs in a block")
	fs.IntVar(&c.cfg.MaxPerBlock, "max-per-block", 500, "most ManageEntity logs in a block")
	fs.Float64Var(&c.cfg.PlaysPerEvent, "plays-per-event", 0.25, "Play logs per ManageEntity log (negative: none)")
	fs.Float64Var(&c.cfg.RejectRate, "reject-rate", 0.03, "share of actions made to be refused (negative: none)")
	fs.StringVar(&c.dir, "dir", "", "directory of the rendered chain's (unlinked) file; default /dev/shm, else the temporary directory")
}

// runServe generates a chain and serves it until interrupted.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf chainFlags
	cf.add(fs)
	listen := fs.String("listen", "127.0.0.1:8545", "address to serve JSON-RPC on (HTTP and WebSocket)")
	interval := fs.Duration("interval", 2*time.Second, "with -tail-blocks: time between two revealed blocks")
	fs.IntVar(&cf.cfg.TailBlocks, "tail-blocks", 0, "blocks revealed one per -interval after the rest, each with a user to probe for")
	finality := fs.Uint64("finality-depth", 64, "blocks below the head the finalized and safe tags name")
	maxRange := fs.Uint64("max-log-range", 0, "refuse eth_getLogs over more blocks, as providers do (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cf.cfg.ProbeEveryBlock = cf.cfg.TailBlocks > 0
	start := time.Now()
	c, err := synth.Build(ctx, cf.cfg, cf.dir)
	if err != nil {
		return err
	}
	defer c.Close()
	srv, err := synth.NewServer(c, synth.ServerOptions{FinalityDepth: *finality, MaxLogRange: *maxRange})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *listen, err)
	}
	cfg := c.Config()
	st := c.Stats()
	fmt.Fprintf(stdout, "generated %d blocks, %d events, %d plays, %d refused, %.1f MB in %s\n",
		c.Len(), st.Events, st.Plays, st.Rejected, float64(c.Bytes())/1e6, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "contract %s plays-contract %s head %d\n", cfg.EntityManager.Hex(), cfg.Plays.Hex(), c.Head())
	fmt.Fprintf(stdout, "listening on http://%s (ws://%s)\n", ln.Addr(), ln.Addr())
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if cf.cfg.TailBlocks > 0 {
		go reveal(ctx, c, *interval)
	}
	if err := hs.Serve(ln); err != nil && ctx.Err() == nil {
		return fmt.Errorf("serving JSON-RPC: %w", err)
	}
	stats, _ := json.Marshal(srv.Stats())
	fmt.Fprintf(stdout, "served %s\n", stats)
	return nil
}

// reveal reveals the chain's remaining blocks, one per interval.
func reveal(ctx context.Context, c *synth.Chain, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for n := c.Head() + 1; n < uint64(c.Len()); n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := c.Reveal(n); err != nil {
			return
		}
	}
}
