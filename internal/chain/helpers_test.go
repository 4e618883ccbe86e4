package chain_test

import (
	"context"
	"log/slog"
	"math/big"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/chain/chaintest"
)

var (
	ping = crypto.Keccak256Hash([]byte("Ping(bytes)"))
	pong = crypto.Keccak256Hash([]byte("Pong(bytes)"))
)

// logChain is a simulated chain served over HTTP where two emitters logged
// in most blocks: watched (topic ping) and other (topic pong).
type logChain struct {
	sim     *chaintest.Sim
	watched common.Address
	other   common.Address
	head    uint64
}

// newLogChain mines blocks blocks after the deployments; block i holds
// i%3 calls of watched and one call of other when i%4 == 0.
func newLogChain(t *testing.T, blocks int) *logChain {
	t.Helper()
	sim := chaintest.NewSimWith(t, chaintest.SimOptions{HTTP: true})
	lc := &logChain{sim: sim, watched: sim.DeployEmitter(t, ping), other: sim.DeployEmitter(t, pong)}
	for i := range blocks {
		for j := range i % 3 {
			sim.Send(t, &lc.watched, []byte{byte(i), byte(j)})
		}
		if i%4 == 0 {
			sim.Send(t, &lc.other, []byte{byte(i)})
		}
		sim.Mine(t)
	}
	head, err := sim.Eth.BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	lc.head = head
	return lc
}

// direct reads blocks from..to and the watched emitter's ping logs with
// plain go-ethereum calls, independently of package chain.
func (lc *logChain) direct(t *testing.T, from, to uint64) []discovery.Block {
	t.Helper()
	ctx := t.Context()
	var blocks []discovery.Block
	for n := from; n <= to; n++ {
		h, err := lc.sim.Eth.HeaderByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		logs, err := lc.sim.Eth.FilterLogs(ctx, ethereum.FilterQuery{
			BlockHash: ptr(h.Hash()), Addresses: []common.Address{lc.watched}, Topics: [][]common.Hash{{ping}},
		})
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, discovery.Block{
			BlockRef: discovery.BlockRef{Number: n, Hash: h.Hash(), ParentHash: h.ParentHash, Time: h.Time},
			Logs:     logs,
		})
	}
	return blocks
}

func ptr[T any](v T) *T { return &v }

// assertSame fails unless got are exactly the blocks and logs of want.
func assertSame(t *testing.T, got, want []discovery.Block) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d blocks, want %d", len(got), len(want))
	}
	logs := 0
	for i := range want {
		if got[i].BlockRef != want[i].BlockRef {
			t.Errorf("block %d = %+v, want %+v", want[i].Number, got[i].BlockRef, want[i].BlockRef)
		}
		if len(got[i].Logs)+len(want[i].Logs) > 0 && !reflect.DeepEqual(got[i].Logs, want[i].Logs) {
			t.Errorf("block %d: %d logs %+v\nwant %d: %+v", want[i].Number, len(got[i].Logs), got[i].Logs, len(want[i].Logs), want[i].Logs)
		}
		logs += len(want[i].Logs)
	}
	if logs == 0 {
		t.Fatal("no logs in the blocks compared; the test proves nothing")
	}
}

// fastOptions retry quickly, record every wait instead of sleeping it,
// and report metrics to a fresh registry.
type fastOptions struct {
	chain.Options
	reg *prometheus.Registry

	mu    sync.Mutex
	waits []time.Duration
}

func newFastOptions(t *testing.T) *fastOptions {
	reg := prometheus.NewRegistry()
	return &fastOptions{reg: reg, Options: chain.Options{
		RequestTimeout: 500 * time.Millisecond,
		BackoffBase:    time.Millisecond,
		BackoffMax:     4 * time.Millisecond,
		RetryAfterMax:  5 * time.Millisecond,
		Cooldown:       time.Minute,
		Registerer:     reg,
		Logger:         slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}}
}

// client dials urls with these options.
func (o *fastOptions) client(t *testing.T, urls []string, addresses []common.Address, topics []common.Hash) *chain.Client {
	t.Helper()
	c, err := chain.DialEndpoints(t.Context(), urls, addresses, topics, o.Options)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	chain.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		o.mu.Lock()
		o.waits = append(o.waits, d)
		o.mu.Unlock()
		return ctx.Err()
	})
	return c
}

func (o *fastOptions) recordedWaits() []time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]time.Duration(nil), o.waits...)
}

// metric sums the samples of the named metric whose labels include labels
// (name, value pairs).
func (o *fastOptions) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	families, err := o.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if !hasLabels(m, labels) {
				continue
			}
			switch {
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			case m.Histogram != nil:
				sum += float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return sum
}

func hasLabels(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
