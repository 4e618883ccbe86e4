package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/benchtest"
	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/discovery-node/discovery/internal/gethtest"
	"github.com/discovery-node/discovery/internal/pgtest"
)

// TestGethBackfill runs the suite's geth step at a tiny size: a real geth
// --dev loaded through signed transactions, then the discovery binary
// backfilling it into PostgreSQL, which must count every loaded log and
// refuse exactly the actions made to be refused.
func TestGethBackfill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds discovery and runs geth")
	}
	geth := gethtest.Binary(t)
	pg := pgtest.DSN(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "discovery")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/discovery-node/discovery/cmd/discovery").CombinedOutput(); err != nil {
		t.Fatalf("building discovery: %v\n%s", err, out)
	}
	var log bytes.Buffer
	s := &suite{discovery: bin, workDir: dir, pg: pg, geth: geth, log: &log, res: results{Seed: 3}}
	const events = 300
	if err := s.gethBackfill(context.Background(), plan{GethEvents: events, GethCap: Duration(time.Minute)}); err != nil {
		t.Fatalf("geth step: %v\n%s", err, log.String())
	}
	g := s.res.Geth
	l, r := g.Load, g.Backfill
	if l.Events != events || l.Rejected != 9 || l.Plays != 75 || l.Verifications < 1 {
		t.Errorf("loaded %d events (%d to refuse), %d plays, %d verifications; want %d (9), 75, at least 1",
			l.Events, l.Rejected, l.Plays, l.Verifications, events)
	}
	if !r.Complete || r.EventsIndexed != events || r.Indexed < l.LastBlock {
		t.Errorf("backfill: complete %v, %d events indexed to block %d; want all %d to block %d", r.Complete, r.EventsIndexed, r.Indexed, events, l.LastBlock)
	}
	if r.Applied+r.Rejected != float64(l.Logs()) || r.Rejected != float64(l.Rejected) {
		t.Errorf("discovery applied %.0f and refused %.0f logs; loaded %d, %d to refuse", r.Applied, r.Rejected, l.Logs(), l.Rejected)
	}
	if r.RPCRequests == 0 || r.RPCBytes == 0 || r.PeakRSS == 0 {
		t.Errorf("no traffic or memory measured: %d requests, %d bytes, peak RSS %d", r.RPCRequests, r.RPCBytes, r.PeakRSS)
	}
	var b strings.Builder
	gethSection(&b, &s.res)
	for _, want := range []string{"## Backfill from a real geth --dev", "| 300 | 9 | 75 |", "| postgres | 300 | yes |", "(9) |", "discovery run --rpc http://127.0.0.1:"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("section lacks %q:\n%s", want, b.String())
		}
	}
}

func TestCheckGethRun(t *testing.T) {
	load := devchain.BenchLoad{Events: 100, Rejected: 3, Plays: 25, Verifications: 2}
	tests := []struct {
		name string
		r    benchtest.BackfillResult
		want string // in the error; "" for none
	}{
		{"all counted", benchtest.BackfillResult{Complete: true, Applied: 124, Rejected: 3}, ""},
		{"stopped at the cap", benchtest.BackfillResult{Complete: false, Applied: 124, Rejected: 3}, "stopped at the cap"},
		{"a log missed", benchtest.BackfillResult{Complete: true, Applied: 123, Rejected: 3}, "counted 126 logs"},
		{"a valid action refused", benchtest.BackfillResult{Complete: true, Applied: 123, Rejected: 4}, "refused 4 actions"},
	}
	for _, tt := range tests {
		err := checkGethRun(&gethRun{Load: load, Backfill: &tt.r})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

func TestGethComparison(t *testing.T) {
	geth := &benchtest.BackfillResult{Store: "postgres", Events: 10_000, Complete: true, EventsPerSec: 5_000, Wall: 2 * time.Second, EventsIndexed: 10_000}
	synth := func(store string, events int, rate float64, args ...string) *benchtest.BackfillResult {
		return &benchtest.BackfillResult{Store: store, Events: events, Complete: true, EventsPerSec: rate, Wall: time.Second, EventsIndexed: events, Args: args}
	}
	tests := []struct {
		name      string
		backfills []*benchtest.BackfillResult
		want      string
	}{
		{"same size", []*benchtest.BackfillResult{synth("postgres", 10_000, 20_000), synth("postgres", 100_000, 40_000)}, "of the same size, which ran at 20,000 events/s"},
		{"closest size", []*benchtest.BackfillResult{synth("postgres", 2_000, 10_000), synth("postgres", 100_000, 40_000)}, "the closest size, 2,000 events"},
		{"×0.25", []*benchtest.BackfillResult{synth("postgres", 10_000, 20_000)}, "×0.25 the rate"},
		{"other stores and flags ignored", []*benchtest.BackfillResult{synth("sqlite", 10_000, 1), synth("postgres", 10_000, 1, "--max-run-logs", "2000")}, "No complete synth-server backfill"},
		{"none", nil, "No complete synth-server backfill"},
	}
	for _, tt := range tests {
		if got := gethComparison(&results{Backfills: tt.backfills}, geth); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q lacks %q", tt.name, got, tt.want)
		}
	}
	// The synth chain's shape comes from its description.
	res := &results{Backfills: []*benchtest.BackfillResult{synth("postgres", 10_000, 20_000)},
		Chains: []chainInfo{{Events: 10_000, Blocks: 100, Live: true}, {Events: 10_000, Blocks: 100}}}
	if got, want := gethComparison(res, geth), "(100 blocks, 36 of them final)"; !strings.Contains(got, want) {
		t.Errorf("%q lacks %q", got, want)
	}
}

func TestChooseParts(t *testing.T) {
	tests := []struct {
		only string
		want []string
		err  bool
	}{
		{"", suiteParts, false},
		{"geth", []string{"geth"}, false},
		{"backfill,lag", []string{"backfill", "lag"}, false},
		{"gteh", nil, true},
	}
	for _, tt := range tests {
		parts, err := chooseParts(tt.only)
		if (err != nil) != tt.err {
			t.Errorf("%q: error %v", tt.only, err)
			continue
		}
		n := 0
		for _, p := range tt.want {
			if parts[p] {
				n++
			}
		}
		on := 0
		for _, v := range parts {
			if v {
				on++
			}
		}
		if n != len(tt.want) || on != len(tt.want) {
			t.Errorf("%q: parts %v, want %v", tt.only, parts, tt.want)
		}
	}
}
