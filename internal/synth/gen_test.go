package synth

import (
	"context"
	"math/big"
	"slices"
	"testing"

	"github.com/discovery-node/discovery/internal/contracts"
)

// TestGeneratorShape checks what a Config promises: the exact number of
// events, block sizes within bounds, tail blocks, probes that are User
// Creates of the block's last ManageEntity log, and a time per block.
func TestGeneratorShape(t *testing.T) {
	manage := contracts.NewEntityManager().GetABI().Events["ManageEntity"].Inputs
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"defaults", Config{Seed: 1, Events: 5000}},
		{"fixed blocks", Config{Seed: 2, Events: 1200, MinPerBlock: 100, MaxPerBlock: 100}},
		{"tail with probes", Config{Seed: 3, Events: 900, ProbeEveryBlock: true, TailBlocks: 12, TailMinPerBlock: 3, TailMaxPerBlock: 7}},
		{"no events, tail only", Config{Seed: 4, TailBlocks: 5, ProbeEveryBlock: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := NewGenerator(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfg := g.Config()
			events, blocks, tail := 0, 0, 0
			for b, ok := g.Next(); ok; b, ok = g.Next() {
				if want := cfg.StartTime + b.Number*cfg.BlockTime; b.Time != want || b.Number != uint64(blocks) {
					t.Fatalf("block %d (the %dth) at time %d, want %d", b.Number, blocks, b.Time, want)
				}
				blocks++
				n := 0
				var last []byte
				for _, l := range b.Logs {
					if l.Kind == KindManageEntity {
						n++
						last = l.Data
					}
				}
				events += n
				inTail := events > cfg.Events
				switch {
				case b.Number == 0:
					if len(b.Logs) != 0 {
						t.Fatalf("genesis has %d logs", len(b.Logs))
					}
					continue
				case inTail:
					tail++
					if n < cfg.TailMinPerBlock || n > cfg.TailMaxPerBlock {
						t.Fatalf("tail block %d has %d events, want %d-%d", b.Number, n, cfg.TailMinPerBlock, cfg.TailMaxPerBlock)
					}
				case n > cfg.MaxPerBlock || (n < cfg.MinPerBlock && events != cfg.Events):
					t.Fatalf("block %d has %d events, want %d-%d", b.Number, n, cfg.MinPerBlock, cfg.MaxPerBlock)
				}
				if !cfg.ProbeEveryBlock {
					continue
				}
				vals, err := manage.Unpack(last)
				if err != nil {
					t.Fatalf("block %d: last ManageEntity: %v", b.Number, err)
				}
				if vals[2] != "User" || vals[5] != "Create" || vals[0].(*big.Int).Int64() != b.Probe || b.Probe == 0 {
					t.Fatalf("block %d: last ManageEntity is %v %v of user %v, probe %d", b.Number, vals[2], vals[5], vals[0], b.Probe)
				}
			}
			if want := cfg.Events + tailEvents(tail, cfg); events < want || tail != cfg.TailBlocks {
				t.Fatalf("%d events in %d tail blocks, want %d events and %d tail blocks", events, tail, cfg.Events, cfg.TailBlocks)
			}
			if st := g.Stats(); st.Events != events || st.Blocks != blocks {
				t.Fatalf("stats say %d events in %d blocks, counted %d in %d", st.Events, st.Blocks, events, blocks)
			}
		})
	}
}

// tailEvents is the fewest events tail blocks can hold.
func tailEvents(blocks int, cfg Config) int { return blocks * cfg.TailMinPerBlock }

// TestDeterministic checks that a seed makes one chain, and another seed
// another.
func TestDeterministic(t *testing.T) {
	build := func(seed uint64) *Chain {
		t.Helper()
		c, err := Build(context.Background(), Config{Seed: seed, Events: 3000}, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b, other := build(9), build(9), build(10)
	if a.Len() != b.Len() || a.Bytes() != b.Bytes() {
		t.Fatalf("same seed: %d blocks of %d bytes and %d blocks of %d bytes", a.Len(), a.Bytes(), b.Len(), b.Bytes())
	}
	for n := range uint64(a.Len()) {
		if a.Hash(n) != b.Hash(n) {
			t.Fatalf("same seed: block %d hashes %s and %s", n, a.Hash(n), b.Hash(n))
		}
	}
	if other.Hash(other.Head()) == a.Hash(a.Head()) {
		t.Fatalf("seeds 9 and 10 made the same chain")
	}
}

// TestPowerLaw checks that the follow graph is skewed: a few users hold a
// large share of the followers, as on a real network.
func TestPowerLaw(t *testing.T) {
	g, err := NewGenerator(Config{Seed: 5, Events: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := g.Next(); ok; _, ok = g.Next() {
	}
	in := make([]int, g.st.userCount()+1)
	total := 0
	for k := range g.st.follows.set {
		in[int32(uint32(k))]++
		total++
	}
	slices.Sort(in)
	slices.Reverse(in)
	top := 0
	for _, n := range in[:len(in)/100] {
		top += n
	}
	share := float64(top) / float64(total)
	t.Logf("top 1%% of %d users hold %.0f%% of %d follows; %d tracks by %d creators", len(in), 100*share, total, g.st.trackCount(), len(g.st.tracksOf))
	if share < 0.15 {
		t.Fatalf("the top 1%% of %d users hold %.0f%% of %d follows; want a heavy tail (≥ 15%%; uniform choice gives about 1%%)", len(in), 100*share, total)
	}
	if creators := len(g.st.tracksOf); creators == 0 || g.st.trackCount() < int32(3*creators) {
		t.Fatalf("%d tracks by %d creators: want creators with many tracks", g.st.trackCount(), creators)
	}
}
