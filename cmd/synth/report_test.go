package main

import (
	"strings"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/benchtest"
)

func TestParseBenchLine(t *testing.T) {
	for _, tc := range []struct {
		line    string
		ok      bool
		name    string
		n       int
		metrics map[string]float64
	}{
		{"BenchmarkGenerate-2   	  200000	      3098 ns/op	       592.0 databytes/event	    323317 events/s", true,
			"BenchmarkGenerate-2", 200000, map[string]float64{"ns/op": 3098, "databytes/event": 592, "events/s": 323317}},
		{"BenchmarkRevert/store=sqlite/blocks=1-2 	 2	 141327462 ns/op	 141.3 ms/block", true,
			"BenchmarkRevert/store=sqlite/blocks=1-2", 2, map[string]float64{"ns/op": 141327462, "ms/block": 141.3}},
		{"BenchmarkX-2 --- FAIL", false, "", 0, nil},
		{"BenchmarkX-2 1 12 ns/op extra", false, "", 0, nil},
	} {
		r, ok := parseBenchLine(tc.line)
		if ok != tc.ok || r.Name != tc.name || r.N != tc.n || len(r.Metrics) != len(tc.metrics) {
			t.Fatalf("%q: got %+v %v", tc.line, r, ok)
		}
		for k, v := range tc.metrics {
			if r.Metrics[k] != v {
				t.Fatalf("%q: %s = %v, want %v", tc.line, k, r.Metrics[k], v)
			}
		}
	}
}

func TestPackageOf(t *testing.T) {
	for fn, want := range map[string]string{
		"github.com/jackc/pgx/v5/pgconn.(*PgConn).ExecStatement": "github.com/jackc/pgx/v5/pgconn",
		"runtime.mallocgc":                                          "runtime",
		"internal/runtime/syscall/linux.Syscall6":                   "internal/runtime/syscall/linux",
		"encoding/json.(*decodeState).object (inline)":              "encoding/json",
		"github.com/discovery-node/discovery/internal/content.play": "github.com/discovery-node/discovery/internal/content",
	} {
		if got := packageOf(fn); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", fn, got, want)
		}
	}
}

func TestQuarters(t *testing.T) {
	s := func(sec float64, events int) benchtest.Progress {
		return benchtest.Progress{Elapsed: time.Duration(sec * float64(time.Second)), Events: events}
	}
	for _, tc := range []struct {
		name string
		in   []benchtest.Progress
		want []float64
	}{
		{"too few samples", []benchtest.Progress{s(1, 0), s(2, 10)}, nil},
		{"steady", []benchtest.Progress{s(1, 0), s(3, 200), s(5, 400)}, []float64{100, 100, 100, 100}},
		{"slowing down", []benchtest.Progress{s(0, 0), s(2, 400), s(4, 600)}, []float64{200, 200, 100, 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := quarters(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if d := got[i] - tc.want[i]; d > 1e-6 || d < -1e-6 {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestCount(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 7: "7", 7.25: "7.25", 42.5: "42.5", 1234567: "1,234,567", 999.6: "1,000", 100: "100"} {
		if got := count(in); got != want {
			t.Errorf("count(%v) = %q, want %q", in, got, want)
		}
	}
}

// TestReportJudgesTargets renders a report from made-up results and checks
// that targets are judged from the figures.
func TestReportJudgesTargets(t *testing.T) {
	res := &results{
		Machine: machine{CPUs: 2, LoadBefore: "0.10 0.10 0.10"},
		Backfills: []*benchtest.BackfillResult{
			{Store: "postgres", Events: 10_000, EventsIndexed: 10_000, Complete: true, EventsPerSec: 60_000, Wall: time.Second, Usage: benchtest.Usage{PeakRSS: 100 << 20}},
			{Store: "postgres", Events: 1_000_000, EventsIndexed: 400_000, Complete: false, EventsPerSec: 40_000, Wall: 10 * time.Second, Usage: benchtest.Usage{PeakRSS: 200 << 20, PeakAnon: 150 << 20}},
			{Store: "postgres", Events: 1_000_000, Args: []string{"--batch-size", "1000"}, EventsIndexed: 1_000_000, Complete: true, EventsPerSec: 90_000, Wall: 10 * time.Second, Usage: benchtest.Usage{PeakRSS: 900 << 20}},
		},
		Lag: &benchtest.LagResult{Blocks: 1, P50: 20 * time.Millisecond, P99: 80 * time.Millisecond},
	}
	out := report(res, "/tmp/x")
	for _, want := range []string{
		"| backfill ≥ 50,000 events/s into PostgreSQL | 40,000 events/s (stopped at the 10 s cap after 400,000 of 1,000,000 events) | **missed** |",
		"| live lag p50 < 50 ms | p50 20.0 ms, p99 80.0 ms over 1 blocks | **met** |",
		"(×0.67) | **missed** |",
		"| peak RSS < 300 MB | 210 MB at 1,000,000 events (VmHWM, both stores; their own memory, RssAnon, peaked at 157 MB, over the part indexed before the cap) | **missed** |",
		"with `--batch-size 1000`: peak RSS 944 MB and 90,000 events/s, against 210 MB and 40,000 events/s with the defaults",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "other work used") || strings.Contains(out, "NaN") {
		t.Errorf("an idle machine reported busy, or a figure is not a number:\n%s", out)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"go test -run ^$ -bench ^Benchmark(Generate|Build)$ ./internal/synth": "go test -run '^$' -bench '^Benchmark(Generate|Build)$' ./internal/synth",
		`go tool pprof -focus=benchtest\.\(\*Pipeline\)\.CatchUp a b`:         `go tool pprof '-focus=benchtest\.\(\*Pipeline\)\.CatchUp' a b`,
		"discovery run --db sqlite:/tmp/x.db":                                 "discovery run --db sqlite:/tmp/x.db",
		"echo it's":                                                           `echo 'it'\''s'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReportPeakAnon checks that the sampled peak of private memory is
// shown beside VmHWM, and that results from before it was sampled say so
// rather than show zero.
func TestReportPeakAnon(t *testing.T) {
	tests := []struct {
		name     string
		anon     int64
		row, lag string // the cells after the rows' peak RSS
		notes    string
	}{
		{"sampled", 120 << 20, "| 262 MB | 126 MB |", "| 262 MB | 126 MB |", "262 MB (anon 126 MB) at 10,000 events"},
		{"not sampled", 0, "| 262 MB | – |", "| 262 MB | – |", "262 MB at 10,000 events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := benchtest.Usage{PeakRSS: 250 << 20, PeakAnon: tt.anon}
			res := &results{
				Machine: machine{CPUs: 2},
				Backfills: []*benchtest.BackfillResult{
					{Store: "sqlite", Events: 1_000, EventsIndexed: 1_000, Complete: true, EventsPerSec: 1_000, Wall: time.Second, Usage: u},
					{Store: "sqlite", Events: 10_000, EventsIndexed: 10_000, Complete: true, EventsPerSec: 1_000, Wall: 10 * time.Second, Usage: u},
				},
				Lag: &benchtest.LagResult{Blocks: 1, Usage: u},
			}
			out := report(res, "/tmp/x")
			backfill := section(out, "## Backfill")
			if !strings.Contains(backfill, "| peak RSS | peak anon |") || !strings.Contains(backfill, tt.row) {
				t.Errorf("backfill table lacks a peak anon column with %q:\n%s", tt.row, backfill)
			}
			if lag := section(out, "## Live lag"); !strings.Contains(lag, tt.lag) {
				t.Errorf("live lag table lacks %q:\n%s", tt.lag, lag)
			}
			if !strings.Contains(out, tt.notes) {
				t.Errorf("notes lack %q:\n%s", tt.notes, out)
			}
		})
	}
}

// section returns the part of a report from the heading to the next.
func section(report, heading string) string {
	i := strings.Index(report, heading)
	if i < 0 {
		return ""
	}
	rest := report[i+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return heading + rest
}
