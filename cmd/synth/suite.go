package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/discovery-node/discovery/internal/benchtest"
	"github.com/discovery-node/discovery/internal/synth"
)

// plan is what a suite measures. Caps bound each whole-process run so the
// suite ends in time on a slow engine; the report says when one stopped.
type plan struct {
	GenBenchtime  string           `json:"gen_benchtime"`
	Revert        bool             `json:"revert"`
	Sizes         []int            `json:"sizes"`
	Caps          map[int]Duration `json:"caps"`
	Stores        []string         `json:"stores"`
	LagHistory    int              `json:"lag_history"`
	LagBlocks     int              `json:"lag_blocks"`
	LagInterval   Duration         `json:"lag_interval"`
	LagLoad       int              `json:"lag_load"`
	LagCap        Duration         `json:"lag_cap"`
	LagTailEvents [2]int           `json:"lag_tail_events"`
	// Extra are backfills with other flags, to attribute a cost (peak RSS
	// to the batch size).
	Extra []extraRun `json:"extra"`
	// GethEvents are the actions loaded onto a real geth --dev for one
	// more backfill, capped at GethCap.
	GethEvents int      `json:"geth_events"`
	GethCap    Duration `json:"geth_cap"`
}

// extraRun is one more backfill of the chain of Events events.
type extraRun struct {
	Events int      `json:"events"`
	Store  string   `json:"store"`
	Args   []string `json:"args"`
	Cap    Duration `json:"cap"`
}

// Duration prints as Go durations in the results file.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

var (
	fullPlan = plan{
		GenBenchtime: "200000x", Revert: true,
		Sizes:      []int{10_000, 100_000, 1_000_000},
		Caps:       map[int]Duration{10_000: Duration(2 * time.Minute), 100_000: Duration(2 * time.Minute), 1_000_000: Duration(210 * time.Second)},
		Stores:     []string{"postgres", "sqlite"},
		LagHistory: 10_000, LagBlocks: 1000, LagInterval: Duration(200 * time.Millisecond), LagLoad: 100,
		LagCap: Duration(3 * time.Minute), LagTailEvents: [2]int{10, 50},
		Extra:      []extraRun{{Events: 100_000, Store: "postgres", Args: []string{"--max-run-logs", "2000"}, Cap: Duration(2 * time.Minute)}},
		GethEvents: 10_000, GethCap: Duration(time.Minute),
	}
	quickPlan = plan{
		GenBenchtime: "20000x",
		Sizes:        []int{2_000, 10_000},
		Caps:         map[int]Duration{2_000: Duration(time.Minute), 10_000: Duration(time.Minute)},
		Stores:       []string{"postgres", "sqlite"},
		LagHistory:   2_000, LagBlocks: 30, LagInterval: Duration(200 * time.Millisecond), LagLoad: 50,
		LagCap: Duration(time.Minute), LagTailEvents: [2]int{10, 50},
		Extra:      []extraRun{{Events: 10_000, Store: "sqlite", Args: []string{"--max-run-logs", "2000"}, Cap: Duration(time.Minute)}},
		GethEvents: 2_000, GethCap: Duration(time.Minute),
	}
)

// results is everything a suite measured; the report is made from it.
type results struct {
	Command   string                      `json:"command"`
	Quick     bool                        `json:"quick"`
	Plan      plan                        `json:"plan"`
	Seed      uint64                      `json:"seed"`
	Machine   machine                     `json:"machine"`
	Started   time.Time                   `json:"started"`
	Took      time.Duration               `json:"took_ns"`
	GoBench   []goBench                   `json:"go_bench"`
	Profile   *profile                    `json:"profile,omitempty"`
	Chains    []chainInfo                 `json:"chains"`
	Backfills []*benchtest.BackfillResult `json:"backfills"`
	Lag       *benchtest.LagResult        `json:"lag,omitempty"`
	Geth      *gethRun                    `json:"geth,omitempty"`
	Failures  []string                    `json:"failures"`
}

// chainInfo describes a chain a whole-process run used.
type chainInfo struct {
	Events        int           `json:"events"`
	Blocks        int           `json:"blocks"`
	Plays         int           `json:"plays"`
	Rejected      int           `json:"rejected"`
	Bytes         int64         `json:"bytes"`
	BuildTime     time.Duration `json:"build_ns"`
	MetadataBytes int64         `json:"metadata_bytes"`
	Live          bool          `json:"live"`
}

type suite struct {
	discovery, out, workDir, pg, repo string
	geth                              string
	goBench                           bool
	log                               io.Writer
	res                               results
}

// runSuite runs the benchmark suite and writes the report.
func runSuite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth suite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	s := &suite{log: stdout}
	quick := fs.Bool("quick", false, "small sizes: a smoke run of the harness in a couple of minutes")
	fs.StringVar(&s.discovery, "discovery", "", "the discovery binary to measure (required)")
	fs.StringVar(&s.out, "out", "BENCHMARKS.md", "report to write")
	fs.StringVar(&s.workDir, "workdir", "", "directory for logs, profiles, SQLite files and results.json (default: a new temporary one)")
	fs.StringVar(&s.pg, "pg", defaultPG, "PostgreSQL server to make the runs' databases on")
	fs.BoolVar(&s.goBench, "go-bench", true, "run the Go benchmarks (go test -bench) too; needs the source tree in the current directory")
	fs.StringVar(&s.geth, "geth", "", "the geth binary for the backfill from a real node (default: $DISCOVERY_GETH, else the one script/bootstrap builds, else PATH)")
	only := fs.String("only", "", "run only these parts, comma-separated: "+strings.Join(suiteParts, ", ")+" (default: all)")
	seed := fs.Uint64("seed", 1, "seed of every generated chain")
	if err := fs.Parse(args); err != nil {
		return err
	}
	parts, err := chooseParts(*only)
	if err != nil {
		return err
	}
	if s.discovery == "" {
		return fmt.Errorf("-discovery is required: the path of a built discovery binary")
	}
	if s.workDir == "" {
		d, err := os.MkdirTemp("", "synth-suite-")
		if err != nil {
			return fmt.Errorf("making a work directory: %w", err)
		}
		s.workDir = d
	}
	if s.repo, err = os.Getwd(); err != nil {
		return fmt.Errorf("finding the source tree: %w", err)
	}
	p := fullPlan
	if *quick {
		p = quickPlan
	}
	s.res = results{Command: "synth suite " + strings.Join(args, " "), Quick: *quick, Plan: p, Seed: *seed, Started: time.Now()}
	s.logf("suite: work directory %s", s.workDir)
	s.res.Machine = describeMachine(ctx, s.pg)
	if s.goBench && parts["go-bench"] {
		s.runGoBenches(ctx, p)
	}
	for _, size := range p.Sizes {
		if !parts["backfill"] {
			break
		}
		if err := s.backfills(ctx, p, size); err != nil {
			s.fail("backfill of %d events: %v", size, err)
		}
	}
	if parts["lag"] {
		if err := s.lag(ctx, p); err != nil {
			s.fail("live lag: %v", err)
		}
	}
	if parts["geth"] {
		if err := s.gethBackfill(ctx, p); err != nil {
			s.fail("backfill from geth --dev: %v", err)
		}
	}
	s.res.Machine.LoadAfter = loadavg()
	s.res.Took = time.Since(s.res.Started)
	if err := s.write(); err != nil {
		return err
	}
	s.logf("suite: done in %s; report %s, results %s", s.res.Took.Round(time.Second), s.out, filepath.Join(s.workDir, "results.json"))
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if len(s.res.Failures) > 0 {
		return fmt.Errorf("%d parts of the suite failed (see the report): %s", len(s.res.Failures), strings.Join(s.res.Failures, "; "))
	}
	return nil
}

// suiteParts are the parts of a suite, in the order they run.
var suiteParts = []string{"go-bench", "backfill", "lag", "geth"}

// chooseParts reads -only: every part when it is empty.
func chooseParts(only string) (map[string]bool, error) {
	parts := map[string]bool{}
	for _, p := range suiteParts {
		parts[p] = only == ""
	}
	for _, p := range strings.FieldsFunc(only, func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, ok := parts[p]; !ok {
			return nil, fmt.Errorf("-only %s: no part %q; the parts are %s", only, p, strings.Join(suiteParts, ", "))
		}
		parts[p] = true
	}
	return parts, nil
}

func (s *suite) logf(format string, args ...any) {
	fmt.Fprintf(s.log, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (s *suite) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.logf("FAILED: %s", msg)
	s.res.Failures = append(s.res.Failures, msg)
}

// runGoBenches runs the Go benchmarks and profiles the in-process backfill.
func (s *suite) runGoBenches(ctx context.Context, p plan) {
	w := func(name string) string { return filepath.Join(s.workDir, name) }
	run := func(title, log string, args ...string) {
		s.logf("go bench: %s", title)
		gb := runGoBench(ctx, title, s.repo, w(log), args...)
		if gb.Err != "" {
			s.fail("%s: %s", title, gb.Err)
		}
		s.res.GoBench = append(s.res.GoBench, gb)
	}
	run("Generating the chain", "bench-synth.txt",
		"-run", "^$", "-bench", "^Benchmark(Generate|Build)$", "-benchtime", p.GenBenchtime, "./internal/synth")
	run("In-process backfill into SQLite", "bench-backfill-sqlite.txt",
		"-run", "^$", "-bench", "^BenchmarkBackfill$/^store=sqlite/events=10000$", "-benchtime", "1x", "./internal/benchtest")
	run("In-process backfill into PostgreSQL (profiled)", "bench-backfill-postgres.txt",
		"-run", "^$", "-bench", "^BenchmarkBackfill$/^store=postgres/events=10000$", "-benchtime", "1x",
		"-cpuprofile", w("backfill-postgres.cpu"), "-o", w("benchtest.test"), "./internal/benchtest")
	if p.Revert {
		run("Reverts of blocks of 500 events", "bench-revert.txt",
			"-run", "^$", "-bench", "^BenchmarkRevert$", "-benchtime", "1x", "./internal/benchtest")
	}
	s.logf("go bench: summarizing the CPU profile")
	s.res.Profile = summarizeProfile(ctx, s.repo, w("benchtest.test"), w("backfill-postgres.cpu"))
}

// backfills runs the whole-process backfill of a chain of size events
// into each store.
func (s *suite) backfills(ctx context.Context, p plan, size int) error {
	s.logf("backfill: generating %d events", size)
	t, err := benchtest.NewTarget(ctx, synth.Config{Seed: s.res.Seed, Events: size}, "", synth.ServerOptions{})
	if err != nil {
		return err
	}
	defer t.Close()
	s.res.Chains = append(s.res.Chains, describeChain(t, false))
	runs := make([]extraRun, 0, len(p.Stores)+len(p.Extra))
	for _, store := range p.Stores {
		runs = append(runs, extraRun{Events: size, Store: store, Cap: p.Caps[size]})
	}
	for _, x := range p.Extra {
		if x.Events == size {
			runs = append(runs, x)
		}
	}
	for _, x := range runs {
		s.logf("backfill: %d events into %s %s(cap %s)", size, x.Store, strings.Join(append(x.Args, ""), " "), time.Duration(x.Cap))
		r, err := benchtest.Backfill(ctx, t, benchtest.RunOptions{Discovery: s.discovery, Store: x.Store, PGAdmin: s.pg,
			WorkDir: s.workDir, Cap: time.Duration(x.Cap), Args: x.Args})
		if err != nil {
			s.fail("backfill of %d events into %s: %v", size, x.Store, err)
			continue
		}
		s.logf("backfill: %d of %d events in %s: %.0f events/s, peak RSS %.0f MB",
			r.EventsIndexed, r.Events, r.Wall.Round(time.Millisecond), r.EventsPerSec, float64(r.PeakRSS)/1e6)
		if r.Rejected != float64(r.WantRejected) && r.Complete {
			s.fail("backfill of %d events into %s: discovery rejected %.0f actions, the generator made %d to be rejected",
				size, x.Store, r.Rejected, r.WantRejected)
		}
		s.res.Backfills = append(s.res.Backfills, r)
	}
	return nil
}

func describeChain(t *benchtest.Target, live bool) chainInfo {
	st := t.Chain.Stats()
	return chainInfo{Events: st.Events, Blocks: t.Chain.Len(), Plays: st.Plays, Rejected: st.Rejected,
		Bytes: t.Chain.Bytes(), BuildTime: t.BuildTime, MetadataBytes: st.MetadataBytes, Live: live}
}

// lag measures live lag on PostgreSQL.
func (s *suite) lag(ctx context.Context, p plan) error {
	s.logf("lag: generating %d events of history and %d live blocks", p.LagHistory, p.LagBlocks)
	cfg := synth.Config{Seed: s.res.Seed + 1, Events: p.LagHistory, ProbeEveryBlock: true, TailBlocks: p.LagBlocks,
		TailMinPerBlock: p.LagTailEvents[0], TailMaxPerBlock: p.LagTailEvents[1]}
	t, err := benchtest.NewTarget(ctx, cfg, "", synth.ServerOptions{})
	if err != nil {
		return err
	}
	defer t.Close()
	s.res.Chains = append(s.res.Chains, describeChain(t, true))
	s.logf("lag: %d blocks, one per %s, API load %d req/s", p.LagBlocks, time.Duration(p.LagInterval), p.LagLoad)
	r, err := benchtest.Lag(ctx, t, benchtest.LagOptions{
		RunOptions: benchtest.RunOptions{Discovery: s.discovery, Store: "postgres", PGAdmin: s.pg, WorkDir: s.workDir, Cap: time.Duration(p.LagCap)},
		Interval:   time.Duration(p.LagInterval), LoadRate: p.LagLoad,
	})
	if err != nil {
		return err
	}
	s.logf("lag: p50 %s p99 %s max %s, %d missed", r.P50, r.P99, r.Max, r.Missed)
	s.res.Lag = r
	return nil
}

// write saves results.json and the report.
func (s *suite) write() error {
	b, err := json.MarshalIndent(s.res, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.workDir, "results.json"), b, 0o644); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if err := os.WriteFile(s.out, []byte(report(&s.res, s.workDir)), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
