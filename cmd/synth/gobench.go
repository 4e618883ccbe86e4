package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// goBench is one `go test -bench` run.
type goBench struct {
	Title   string        `json:"title"`
	Command string        `json:"command"`
	Lines   []string      `json:"lines"` // the Benchmark result lines, benchstat's input
	Results []benchResult `json:"results"`
	Took    time.Duration `json:"took_ns"`
	Err     string        `json:"error,omitempty"`
}

// benchResult is one parsed result line.
type benchResult struct {
	Name    string             `json:"name"`
	N       int                `json:"n"`
	Metrics map[string]float64 `json:"metrics"` // unit → value, ns/op included
}

// runGoBench runs go test with args (after "test") in dir, logging its
// output to logPath, and parses the results.
func runGoBench(ctx context.Context, title, dir, logPath string, args ...string) goBench {
	full := append([]string{"test"}, args...)
	gb := goBench{Title: title, Command: "go " + strings.Join(full, " ")}
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", full...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	gb.Took = time.Since(start)
	_ = os.WriteFile(logPath, out, 0o644)
	if err != nil {
		gb.Err = fmt.Sprintf("%v (output in %s)", err, logPath)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		if r, ok := parseBenchLine(line); ok {
			gb.Lines = append(gb.Lines, line)
			gb.Results = append(gb.Results, r)
		}
	}
	return gb
}

// parseBenchLine reads "BenchmarkX-2  N  v unit  v unit ...".
func parseBenchLine(line string) (benchResult, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return benchResult{}, false
	}
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return benchResult{}, false
	}
	r := benchResult{Name: f[0], N: n, Metrics: map[string]float64{}}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return benchResult{}, false
		}
		r.Metrics[f[i+1]] = v
	}
	return r, true
}

// profile is a CPU profile of the in-process backfill, summarized.
type profile struct {
	Commands []string `json:"commands"`
	// Pipeline is the CPU time in samples of the pipeline (under
	// Pipeline.CatchUp), Total all the profile's CPU time, Duration the
	// profiled run's.
	Pipeline    string         `json:"pipeline"`
	Total       string         `json:"total"`
	PipelinePct float64        `json:"pipeline_pct"`
	Duration    string         `json:"duration"`
	TopFlat     string         `json:"top_flat"` // pprof -top, pipeline only
	TopCum      string         `json:"top_cum"`
	Packages    []packageShare `json:"packages"`
	Err         string         `json:"error,omitempty"`
}

type packageShare struct {
	Package string  `json:"package"`
	Percent float64 `json:"percent"` // of the whole profile, flat, pipeline samples only
}

// pipelineFocus keeps the samples of the indexing pipeline, leaving out the
// in-process synth server's (and the runtime's background work).
const pipelineFocus = `benchtest\.\(\*Pipeline\)\.CatchUp`

func summarizeProfile(ctx context.Context, dir, bin, prof string) *profile {
	p := &profile{}
	pprof := func(args ...string) string {
		full := append([]string{"tool", "pprof"}, args...)
		full = append(full, bin, prof)
		p.Commands = append(p.Commands, "go "+strings.Join(full, " "))
		cmd := exec.CommandContext(ctx, "go", full...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil && p.Err == "" {
			p.Err = err.Error()
		}
		return string(out)
	}
	p.TopFlat = trimPprof(pprof("-top", "-nodecount=25", "-focus="+pipelineFocus))
	p.TopCum = trimPprof(pprof("-top", "-cum", "-nodecount=30", "-focus="+pipelineFocus))
	every := pprof("-top", "-nodecount=100000", "-focus="+pipelineFocus)
	if m := showingRE.FindStringSubmatch(every); m != nil {
		p.Pipeline, p.Total = m[1], m[3]
		p.PipelinePct, _ = strconv.ParseFloat(m[2], 64)
	}
	if m := durationRE.FindStringSubmatch(every); m != nil {
		p.Duration = m[1]
	}
	p.Packages = byPackage(every)
	return p
}

// showingRE reads pprof's "Showing nodes accounting for 1.65s, 84.62% of
// 1.95s total" and durationRE its "Duration: 13.21s, Total samples = ...".
var (
	showingRE  = regexp.MustCompile(`Showing nodes accounting for (\S+), ([0-9.]+)% of (\S+) total`)
	durationRE = regexp.MustCompile(`Duration: (\S+),`)
)

// trimPprof drops pprof's preamble (file, build id, time) up to the
// "Showing" lines.
func trimPprof(out string) string {
	if i := strings.Index(out, "Showing nodes"); i >= 0 {
		return strings.TrimRight(out[i:], "\n")
	}
	return strings.TrimRight(out, "\n")
}

// byPackage sums pprof -top's flat percentages by the package of each
// function.
func byPackage(out string) []packageShare {
	sums := map[string]float64{}
	inTable := false
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && f[0] == "flat" {
			inTable = true
			continue
		}
		if !inTable || len(f) < 6 {
			continue
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(f[1], "%"), 64)
		if err != nil {
			continue
		}
		sums[packageOf(strings.Join(f[5:], " "))] += pct
	}
	var out2 []packageShare
	for p, v := range sums {
		out2 = append(out2, packageShare{p, v})
	}
	sort.Slice(out2, func(i, j int) bool { return out2[i].Percent > out2[j].Percent })
	if len(out2) > 15 {
		out2 = out2[:15]
	}
	return out2
}

// packageOf returns the import path of a pprof function name such as
// "github.com/jackc/pgx/v5/pgconn.(*PgConn).ExecStatement".
func packageOf(fn string) string {
	fn = strings.TrimSuffix(fn, " (inline)")
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}
