package benchtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/follow"
	"github.com/discovery-node/discovery/internal/synth"
)

// Pipeline is the indexing half of a Discovery node — JSON-RPC client,
// follower, content indexer, store — wired as cmd/discovery wires it
// (serveNode in node.go, with `run`'s flag defaults), without the API.
type Pipeline struct {
	Client   *chain.Client
	Follower *follow.Follower
	Store    discovery.Store
	Indexer  *content.Indexer
	Registry *prometheus.Registry
	// Timings split the time spent so far; the pipeline is not safe for
	// concurrent use, so neither are they.
	Timings *Timings
}

// PipelineOptions are the node settings a benchmark may vary; zero values
// are the binary's defaults.
type PipelineOptions struct {
	BatchSize    uint64 // --batch-size, default 100
	GetLogsRange uint64 // --getlogs-range, default 2000
}

// NewPipeline connects to the synth server at rpcURL, serving a chain made
// with cfg, and indexes into store with --id-offsets none and the chain's
// Plays contract. Close releases the connection, not the store.
func NewPipeline(ctx context.Context, rpcURL string, cfg synth.Config, store discovery.Store, opts PipelineOptions) (*Pipeline, error) {
	if opts.BatchSize == 0 {
		opts.BatchSize = 100
	}
	if opts.GetLogsRange == 0 {
		opts.GetLogsRange = 2000
	}
	reg := prometheus.NewRegistry()
	logger := slog.New(slog.DiscardHandler)
	t := &Timings{}
	ix, err := content.New(timedStore{store, t}, content.Options{
		Logger:         logger,
		Registerer:     reg,
		EntityManagers: []common.Address{cfg.EntityManager},
		Plays:          cfg.Plays,
	})
	if err != nil {
		return nil, fmt.Errorf("starting the content indexer: %w", err)
	}
	src, err := chain.Dial(ctx, rpcURL, []common.Address{cfg.EntityManager, cfg.Plays}, content.Topics, chain.Options{
		MaxLogRange: opts.GetLogsRange,
		Logger:      logger,
		Registerer:  reg,
	})
	if err != nil {
		return nil, fmt.Errorf("dialling the synth server: %w", err)
	}
	f := follow.New(timedSource{src, t}, timedSink{ix, t}, store.Head, follow.Config{
		BatchSize:    opts.BatchSize,
		IndexedBlock: store.Block,
		Prune:        store.Prune,
		Logger:       logger,
		Registerer:   reg,
	})
	return &Pipeline{Client: src, Follower: f, Store: store, Indexer: ix, Registry: reg, Timings: t}, nil
}

// Close closes the JSON-RPC connection.
func (p *Pipeline) Close() { p.Client.Close() }

// CatchUp steps the follower until the store holds the node's head,
// pruning undo images of final blocks as the binary does every 30 s of a
// run (here once per 50 steps, which a backfill reaches about as often).
func (p *Pipeline) CatchUp(ctx context.Context) error {
	for step := 1; ; step++ {
		err := p.Follower.Step(ctx)
		if errors.Is(err, follow.ErrNothingNew) {
			return p.finishDeferred(ctx)
		}
		if err != nil {
			return fmt.Errorf("indexing the synthetic chain: %w", err)
		}
		if step%50 == 0 {
			if _, err := p.Follower.Prune(ctx); err != nil {
				return fmt.Errorf("pruning undo images: %w", err)
			}
		}
	}
}

// finishDeferred builds what the store put off during the backfill, as
// the binary does once caught up; it counts as block writes.
func (p *Pipeline) finishDeferred(ctx context.Context) error {
	d, ok := p.Store.(discovery.DeferredBuilder)
	if !ok {
		return nil
	}
	start := time.Now()
	if _, err := d.FinishDeferred(ctx); err != nil {
		return fmt.Errorf("building what the backfill deferred: %w", err)
	}
	took := time.Since(start)
	p.Timings.Apply += took
	p.Timings.Write += took
	return nil
}

// Actions sums the indexer's discovery_content_actions_total by outcome
// ("applied", "rejected").
func (p *Pipeline) Actions() (map[string]float64, error) {
	return actionCounts(p.Registry)
}

func actionCounts(g prometheus.Gatherer) (map[string]float64, error) {
	mfs, err := g.Gather()
	if err != nil {
		return nil, fmt.Errorf("gathering metrics: %w", err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "discovery_content_actions_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" {
					out[l.GetValue()] += m.GetCounter().GetValue()
				}
			}
		}
	}
	return out, nil
}
