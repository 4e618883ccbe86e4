package follow_test

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/chain/chaintest"
	"github.com/discovery-node/discovery/internal/follow"
)

// Recorded mainnet blocks 22431080..22431090 (see the README beside them).
const (
	fixtures = "../../../shared/fixtures/mainnet/nimbus"
	first    = 22431080
	last     = 22431090
)

var usdt = common.HexToAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")

// mainnet starts a node serving the recorded blocks and a client of it.
func mainnet(t *testing.T) (*chaintest.Node, *chain.Client, []discovery.BlockRef) {
	t.Helper()
	node := chaintest.NewNode(t)
	refs := node.LoadFixtures(t, fixtures, first, last)
	c, err := chain.Dial(t.Context(), node.URL, []common.Address{usdt}, nil, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return node, c, refs
}

func TestStepAppliesMainnetBlocks(t *testing.T) {
	tests := []struct {
		batchSize uint64
		wantSteps int // steps that applied blocks
	}{
		// The first run probes 10 blocks (the density is not known yet),
		// the rest of the 11 follow in one run when the batch allows.
		{0, 2}, // the default, 100
		{1, 11},
		{4, 3},
		{11, 2},
		{12, 2},
	}
	for _, tt := range tests {
		node, src, refs := mainnet(t)
		sink := &recordingSink{}
		f := follow.New(src, sink, sink.Checkpoint, follow.Config{FromBlock: first, BatchSize: tt.batchSize})
		steps := 0
		for {
			err := f.Step(t.Context())
			if errors.Is(err, follow.ErrNothingNew) {
				break
			}
			if err != nil {
				t.Fatalf("batch size %d, step %d: %v", tt.batchSize, steps+1, err)
			}
			if steps++; steps > 11 {
				t.Fatalf("batch size %d: no ErrNothingNew after %d steps", tt.batchSize, steps)
			}
		}
		if steps != tt.wantSteps {
			t.Errorf("batch size %d: %d steps, want %d", tt.batchSize, steps, tt.wantSteps)
		}
		if got := sink.refs(); !slices.Equal(got, refs) {
			t.Errorf("batch size %d: sink holds\n%+v\nwant\n%+v", tt.batchSize, got, refs)
		}
		// Each step: eth_blockNumber, then one batch for headers and logs;
		// the last step asks only for the head.
		if got, want := node.Requests(), 2*tt.wantSteps+1; got != want {
			t.Errorf("batch size %d: %d HTTP requests, want %d", tt.batchSize, got, want)
		}
		if got := f.ChainHead(); got != last {
			t.Errorf("ChainHead = %d, want %d", got, last)
		}
	}
}

func TestStepResumesFromCheckpoint(t *testing.T) {
	_, src, refs := mainnet(t)
	sink := &recordingSink{start: &refs[4]}
	f := follow.New(src, sink, sink.Checkpoint, follow.Config{FromBlock: 1, BatchSize: 100})
	if err := f.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := sink.refs(); !slices.Equal(got, refs[5:]) {
		t.Errorf("sink holds %+v, want blocks after the checkpoint %d", got, refs[4].Number)
	}
}

func TestStepDetectsReorg(t *testing.T) {
	node, src, refs := mainnet(t)
	stale := refs[4]
	stale.Hash = common.HexToHash("0x5ca1ab1e")
	sink := &recordingSink{start: &stale}
	f := follow.New(src, sink, sink.Checkpoint, follow.Config{})
	err := f.Step(t.Context())
	if !errors.Is(err, follow.ErrReorg) {
		t.Fatalf("Step = %v, want ErrReorg", err)
	}
	for _, want := range []string{"block 22431085", refs[5].ParentHash.Hex(), stale.Hash.Hex()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if got := sink.refs(); len(got) != 0 {
		t.Errorf("applied %d blocks on a stale checkpoint", len(got))
	}
	if got := node.Calls("eth_getBlockByNumber"); got == 0 {
		t.Errorf("reorg reported without reading the chain")
	}
}

func TestStepNothingNew(t *testing.T) {
	node, src, refs := mainnet(t)
	tests := []struct {
		name  string
		start *discovery.BlockRef
		from  uint64
	}{
		{"checkpoint at head", &refs[len(refs)-1], 0},
		{"from block beyond head", nil, last + 1},
	}
	for _, tt := range tests {
		sink := &recordingSink{start: tt.start}
		f := follow.New(src, sink, sink.Checkpoint, follow.Config{FromBlock: tt.from})
		if err := f.Step(t.Context()); !errors.Is(err, follow.ErrNothingNew) {
			t.Errorf("%s: Step = %v, want ErrNothingNew", tt.name, err)
		}
	}
	if got := node.Calls("eth_getBlockByNumber"); got != 0 {
		t.Errorf("read %d blocks with nothing to do", got)
	}
}

func TestStepErrorsLeaveTheCheckpointExact(t *testing.T) {
	node, src, refs := mainnet(t)
	sink := &recordingSink{}
	f := follow.New(src, sink, sink.Checkpoint, follow.Config{FromBlock: first, BatchSize: 5})

	// The sink fails in the middle of the first batch.
	sink.setFailAt(22431083)
	err := f.Step(t.Context())
	if err == nil || !strings.Contains(err.Error(), "applying block 22431083: disk full") {
		t.Fatalf("Step = %v, want the sink's error naming block 22431083", err)
	}
	sink.setFailAt(0)

	// The node loses a block of the next batch.
	node.Drop(22431086)
	err = f.Step(t.Context())
	if !errors.Is(err, chain.ErrMissingBlock) || !strings.Contains(err.Error(), "block 22431086") {
		t.Fatalf("Step = %v, want ErrMissingBlock naming block 22431086", err)
	}
	if got := sink.refs(); !slices.Equal(got, refs[:3]) {
		t.Fatalf("after failures the sink holds %+v, want the first 3 blocks", got)
	}

	node.LoadFixtures(t, fixtures, 22431086, 22431086)
	for err = nil; err == nil; err = f.Step(t.Context()) {
	}
	if !errors.Is(err, follow.ErrNothingNew) {
		t.Fatal(err)
	}
	if got := sink.refs(); !slices.Equal(got, refs) {
		t.Errorf("after recovery the sink holds %+v, want all blocks once", got)
	}
}

// errorSignal is a slog handler that reports the first error record.
type errorSignal struct {
	slog.Handler
	errs chan slog.Record
}

func (errorSignal) Enabled(context.Context, slog.Level) bool { return true }

func (h errorSignal) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		select {
		case h.errs <- r:
		default:
		}
	}
	return h.Handler.Handle(ctx, r)
}

// await fails the test if ch stays open for long; the bound only stops a
// broken follower from hanging the test run.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
		var zero T
		return zero
	}
}

func TestRunFollowsRetriesAndStops(t *testing.T) {
	node, src, refs := mainnet(t)
	node.SetHead(first + 4)
	sink := &recordingSink{}
	logged := errorSignal{Handler: slog.DiscardHandler, errs: make(chan slog.Record, 1)}
	f := follow.New(src, sink, sink.Checkpoint, follow.Config{
		FromBlock:    first,
		BatchSize:    3,
		PollInterval: time.Millisecond,
		MaxBackoff:   5 * time.Millisecond,
		Logger:       slog.New(logged),
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// Run catches up with the head, then waits for more.
	await(t, sink.reach(first+4), "block 22431084")

	// New blocks appear, but the node has lost one: Run logs and retries.
	node.Drop(first + 7)
	node.SetHead(last)
	rec := await(t, logged.errs, "an error log")
	var logErr string
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			logErr = a.Value.String()
		}
		return true
	})
	if !strings.Contains(logErr, "block 22431087") {
		t.Errorf("logged %q with err %q, want it to name block 22431087", rec.Message, logErr)
	}

	// The node recovers and Run carries on to the head.
	node.LoadFixtures(t, fixtures, first+7, first+7)
	await(t, sink.reach(last), "block 22431090")
	if got := f.ChainHead(); got != last {
		t.Errorf("ChainHead = %d, want %d", got, last)
	}

	cancel()
	if err := await(t, done, "Run to return"); err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
	if got := sink.refs(); !slices.Equal(got, refs) {
		t.Errorf("sink holds %+v, want every block once", got)
	}
}

func TestMetrics(t *testing.T) {
	node, src, _ := mainnet(t)
	node.Drop(22431089)
	reg := prometheus.NewRegistry()
	sink := &recordingSink{}
	f := follow.New(src, sink, sink.Checkpoint, follow.Config{FromBlock: first, BatchSize: 4, Registerer: reg})
	for f.Step(t.Context()) == nil {
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			got[mf.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"discovery_follower_chain_head":           last,
		"discovery_follower_block":                22431087,
		"discovery_follower_blocks_applied_total": 8,
		"discovery_follower_errors_total":         0, // counted by Run, not Step
		// No reorganisation, no finality asked for or pruning yet.
		"discovery_follower_blocks_reverted_total":    0,
		"discovery_follower_reorg_depth":              0,
		"discovery_follower_finalized_block":          0,
		"discovery_follower_undo_images_pruned_total": 0,
		"discovery_follower_runs_read_ahead_total":    0,
	}
	if !maps.Equal(got, want) {
		t.Errorf("metrics = %v, want %v", got, want)
	}
}
