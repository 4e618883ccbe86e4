package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/discovery-node/discovery/internal/benchtest"
)

// The targets for the engine.
const (
	targetEventsPerSec = 50_000
	targetRSS          = 300 << 20
	targetLagP50       = 50 * time.Millisecond
)

// report renders BENCHMARKS.md from a suite's results. Every figure in it
// comes from res; the prose only explains what was measured and how.
func report(res *results, workDir string) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	mode := "full"
	if res.Quick {
		mode = "quick (small sizes: a smoke run, not figures to quote)"
	}
	p("# Benchmarks\n\n")
	p("Written by `script/bench` from the run of %s (%s mode, %s). Rerun it to refresh; do not edit by hand. The API under load is measured by `script/bench --api` into [BENCHMARKS-API.md](BENCHMARKS-API.md).\n\n",
		res.Started.UTC().Format("2006-01-02 15:04 MST"), mode, res.Took.Round(time.Second))
	commit := res.Machine.Commit
	if commit == "" {
		commit = "unknown"
	}
	if res.Machine.Dirty {
		commit += " with uncommitted changes"
	}
	p("Commit %s. Every chain is synthetic (`internal/synth`, seed %d): served by our own JSON-RPC server so the figures measure Discovery, not a node.", commit, res.Seed)
	if res.Geth != nil {
		p(" One more backfill reads a chain from a real `geth --dev` instead: [Backfill from a real geth --dev](#backfill-from-a-real-geth---dev).")
	}
	p("\n\n")
	if len(res.Failures) > 0 {
		p("**Parts of this run failed:**\n\n")
		for _, f := range res.Failures {
			p("- %s\n", f)
		}
		p("\n")
	}
	targets(&b, res)
	machineSection(&b, res)
	backfillSection(&b, res)
	scalingSection(&b, res)
	gethSection(&b, res)
	lagSection(&b, res)
	revertSection(&b, res)
	timeSection(&b, res)
	goBenchSection(&b, res)
	commandsSection(&b, res, workDir)
	return b.String()
}

func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }

// anonMB formats a peak RssAnon; results from before it was sampled have
// none.
func anonMB(n int64) string {
	if n <= 0 {
		return "–"
	}
	return mb(n)
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.0f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// count formats a figure: thousands separated, and fewer decimals the
// larger it is (none for whole numbers).
func count(n float64) string {
	switch {
	case n >= 100 || n == float64(int64(n)):
		s := fmt.Sprintf("%.0f", n)
		var out []byte
		for i := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				out = append(out, ',')
			}
			out = append(out, s[i])
		}
		return string(out)
	case n >= 10:
		return fmt.Sprintf("%.1f", n)
	}
	return fmt.Sprintf("%.2f", n)
}

func yesNo(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**missed**"
}

// largest returns the backfill of the most events into store.
func largest(res *results, store string) *benchtest.BackfillResult {
	var best *benchtest.BackfillResult
	for _, r := range res.Backfills {
		if r.Store == store && len(r.Args) == 0 && (best == nil || r.Events > best.Events) {
			best = r
		}
	}
	return best
}

func smallest(res *results, store string) *benchtest.BackfillResult {
	var best *benchtest.BackfillResult
	for _, r := range res.Backfills {
		if r.Store == store && len(r.Args) == 0 && (best == nil || r.Events < best.Events) {
			best = r
		}
	}
	return best
}

func targets(b *strings.Builder, res *results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Targets\n\n")
	p("| target (issue 6) | measured | |\n| --- | --- | --- |\n")
	if r := largest(res, "postgres"); r != nil {
		done := "all of"
		if !r.Complete {
			done = fmt.Sprintf("stopped at the %s cap after %s of", ms(r.Wall), count(float64(r.EventsIndexed)))
		}
		p("| backfill ≥ %s events/s into PostgreSQL | %s events/s (%s %s events) | %s |\n",
			count(targetEventsPerSec), count(r.EventsPerSec), done, count(float64(r.Events)), yesNo(r.Complete && r.EventsPerSec >= targetEventsPerSec))
		var peak, anon int64
		partial := false
		for _, x := range res.Backfills {
			if x.Events == r.Events && len(x.Args) == 0 {
				peak, anon = max(peak, x.PeakRSS), max(anon, x.PeakAnon)
				partial = partial || !x.Complete
			}
		}
		note := ""
		if anon > 0 {
			note = fmt.Sprintf("; their own memory, RssAnon, peaked at %s", mb(anon))
		}
		if partial {
			note += ", over the part indexed before the cap"
		}
		p("| peak RSS < 300 MB | %s at %s events (VmHWM, both stores%s) | %s |\n", mb(peak), count(float64(r.Events)), note, yesNo(peak < targetRSS && r.Complete))
	}
	for _, store := range []string{"postgres", "sqlite"} {
		lo, hi := smallest(res, store), largest(res, store)
		if lo == nil || hi == nil || lo == hi || lo.EventsPerSec == 0 {
			continue
		}
		ratio := hi.EventsPerSec / lo.EventsPerSec
		p("| cost per event flat from %s to %s events (%s) | %s → %s events/s (×%.2f) | %s |\n",
			count(float64(lo.Events)), count(float64(hi.Events)), store, count(lo.EventsPerSec), count(hi.EventsPerSec), ratio, yesNo(ratio >= 0.8))
	}
	if l := res.Lag; l != nil {
		p("| live lag p50 < 50 ms | p50 %s, p99 %s over %d blocks | %s |\n", ms(l.P50), ms(l.P99), l.Blocks-l.Missed, yesNo(l.P50 < targetLagP50 && l.Missed == 0))
	}
	p("\n\"Cost per event flat\" is judged met when the largest run's rate is within 20%% of the smallest's. What limits each missed target is under [Where the time goes](#where-the-time-goes).\n\n")
}

func machineSection(b *strings.Builder, res *results) {
	m := res.Machine
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Machine\n\n")
	p("- %d × %s, %.1f GB memory, Linux %s\n", m.CPUs, m.CPUModel, m.MemoryGB, m.Kernel)
	p("- %s; PostgreSQL %s on the same machine; SQLite is modernc.org/sqlite (pure Go)\n", m.GoVersion, m.Postgres)
	p("- load average %s before the run, %s after\n", m.LoadBefore, m.LoadAfter)
	other := 0.0
	for _, r := range res.Backfills {
		other = max(other, r.OtherCores)
	}
	if res.Lag != nil {
		other = max(other, res.Lag.OtherCores)
	}
	if other > 0.25 {
		p("- **other work used up to %.2f cores during the runs** (\"other CPU\" below): on this %d-core machine that work competed with the runs, so those figures are lower than an idle machine would give\n", other, m.CPUs)
	}
	p("\n")
}

func backfillSection(b *strings.Builder, res *results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Backfill: the discovery binary from block 0 to the head\n\n")
	p("The synth server serves the chain over HTTP on a local port; `discovery run` indexes it from block 0 with every validation on (`--id-offsets none`: the chain's ids start at 1) until `/health_check` reports the head indexed. Wall time runs from exec, so it includes start-up and migrations. A run not done by its cap is reported as far as it got. Peak RSS is the process's VmHWM, the most memory it ever had resident: its own, and the file pages it maps, which are its executable's code and, on SQLite, the pages of the database file its reader connections map (`mmap_size`), file cache that every connection mapping a page counts again. \"Peak anon\" is the highest RssAnon, sampled every %s over the process's life: its own memory alone (Go's heap and stacks, SQLite's page caches), the part that grows with what it holds. CPU is its user+system time, and that of its PostgreSQL backends; \"harness CPU\" is the benchmark process's own (the synth server answering, and polling), which shares the machine; \"other CPU\" is how many cores were busy with anything else during the run (PostgreSQL's background processes, other programs): from /proc/stat, less the three before it.\n\n", fmt.Sprintf("%d ms", benchtest.AnonEvery.Milliseconds()))
	p("| chain | blocks | Play logs | refused | JSON served | generated in |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range res.Chains {
		kind := fmt.Sprintf("%s events", count(float64(c.Events)))
		if c.Live {
			kind += " (live lag)"
		}
		p("| %s | %s | %s | %s | %s | %s |\n", kind, count(float64(c.Blocks)), count(float64(c.Plays)), count(float64(c.Rejected)), mb(c.Bytes), ms(c.BuildTime))
	}
	p("\n| store | flags | events | done | wall | events/s | blocks/s | peak RSS | peak anon | discovery CPU | PostgreSQL CPU | harness CPU | other CPU | CPU ms / 1k events | RPC requests / 1k events | RPC KB / 1k events | refused (expected) |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range res.Backfills {
		done := "yes"
		if !r.Complete {
			done = fmt.Sprintf("%.0f%% (cap)", 100*float64(r.EventsIndexed)/float64(max(r.Events, 1)))
		}
		pg := "–"
		if r.Store == "postgres" {
			pg = ms(r.PostgresCPU)
		}
		cpuPerK := r.PerThousand(int64((r.CPU + r.PostgresCPU) / time.Millisecond))
		flags := "defaults"
		if len(r.Args) > 0 {
			flags = "`" + strings.Join(r.Args, " ") + "`"
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f cores | %s | %.2f | %s | %s (%s) |\n",
			r.Store, flags, count(float64(r.Events)), done, ms(r.Wall), count(r.EventsPerSec), count(r.BlocksPerSec), mb(r.PeakRSS), anonMB(r.PeakAnon),
			ms(r.CPU), pg, ms(r.HarnessCPU), r.OtherCores, count(cpuPerK), r.PerThousand(r.RPCRequests), count(r.PerThousand(r.RPCBytes)/1000),
			count(r.Rejected), count(float64(r.WantRejected)))
	}
	p("\nCPU ms / 1k events counts discovery's and its PostgreSQL backends' CPU. \"Refused\" is discovery's `discovery_content_actions_total{outcome=\"rejected\"}`; the generator knows how many actions it made to be refused, and the two must agree on a complete run.\n\n")
}

func scalingSection(b *strings.Builder, res *results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Scaling: rate as the index grows\n\n")
	p("Events per second between successive samples of each run's progress (every second), in quarters of the run's indexing time. A flat cost per event gives equal quarters.\n\n")
	p("| store | events | 1st quarter | 2nd | 3rd | 4th |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range res.Backfills {
		q := quarters(r.Progress)
		if q == nil || len(r.Args) > 0 {
			continue
		}
		p("| %s | %s | %s | %s | %s | %s |\n", r.Store, count(float64(r.Events)), count(q[0]), count(q[1]), count(q[2]), count(q[3]))
	}
	p("\n")
}

// quarters returns the indexing rate in each quarter of the time from the
// first progress sample (the API up) to the last.
func quarters(ps []benchtest.Progress) []float64 {
	if len(ps) < 3 {
		return nil
	}
	t0, t1 := ps[0].Elapsed, ps[len(ps)-1].Elapsed
	span := t1 - t0
	if span <= 0 {
		return nil
	}
	// events indexed at time t, interpolated between samples
	at := func(t time.Duration) float64 {
		for i := 1; i < len(ps); i++ {
			if ps[i].Elapsed >= t {
				a, b := ps[i-1], ps[i]
				f := float64(t-a.Elapsed) / float64(max(b.Elapsed-a.Elapsed, 1))
				return float64(a.Events) + f*float64(b.Events-a.Events)
			}
		}
		return float64(ps[len(ps)-1].Events)
	}
	out := make([]float64, 4)
	for i := range out {
		a, b := t0+span*time.Duration(i)/4, t0+span*time.Duration(i+1)/4
		out[i] = (at(b) - at(a)) / (b - a).Seconds()
	}
	return out
}

func lagSection(b *strings.Builder, res *results) {
	l := res.Lag
	if l == nil {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Live lag\n\n")
	p("`discovery run` on PostgreSQL follows the synth server over %s after indexing %s events of history. The server then reveals one block every %s, each with %d–%d ManageEntity events (plus plays) whose last creates a user, and announces it. For each block a probe polls `GET /v1/users/{id}` every 2 ms; the lag is from the block's reveal to the first 200. Meanwhile a loader sends %d requests/s round user, track, playlist, follower and search endpoints.\n\n",
		l.Transport, count(float64(l.History)), ms(l.Interval), l.EventsMin, l.EventsMax, l.Load.Rate)
	p("| blocks | p50 | p90 | p99 | max | missed (> 30 s) | API load sent | API errors | API latency p50 / p99 | peak RSS | peak anon | discovery CPU | PostgreSQL CPU | harness CPU | other CPU |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	achieved := float64(l.Load.Requests) / max(l.Load.Duration.Seconds(), 1e-9)
	p("| %d | %s | %s | %s | %s | %d | %.0f req/s | %d | %s / %s | %s | %s | %s | %s | %s | %.2f cores |\n\n",
		l.Blocks-l.Missed, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max), l.Missed, achieved, l.Load.Errors,
		ms(l.Load.P50), ms(l.Load.P99), mb(l.PeakRSS), anonMB(l.PeakAnon), ms(l.CPU), ms(l.PostgresCPU), ms(l.HarnessCPU), l.OtherCores)
	p("Peak RSS and peak anon cover the process's whole life, as in the backfills; CPU figures cover the live part, from the first block revealed; the harness's includes the probes and the API load.\n\n")
}

func findBench(res *results, prefix string) []benchResult {
	var out []benchResult
	for _, gb := range res.GoBench {
		for _, r := range gb.Results {
			if strings.HasPrefix(r.Name, prefix) {
				out = append(out, r)
			}
		}
	}
	return out
}

func revertSection(b *strings.Builder, res *results) {
	rs := findBench(res, "BenchmarkRevert/")
	if len(rs) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Reverts\n\n")
	p("`BenchmarkRevert` (`internal/benchtest`): 80 blocks of exactly 500 ManageEntity events each are indexed through the real pipeline, then the newest 1, 16 or 64 are reverted with the store's undo images (timed) and applied again (untimed).\n\n")
	p("| store | blocks reverted | time | per block | rows changed per block |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rs {
		name := strings.TrimPrefix(r.Name, "BenchmarkRevert/")
		name = name[:strings.LastIndexByte(name, '-')]
		store, blocks, _ := strings.Cut(name, "/")
		p("| %s | %s | %s | %s | %s |\n", strings.TrimPrefix(store, "store="), strings.TrimPrefix(blocks, "blocks="),
			ms(time.Duration(r.Metrics["ns/op"])), ms(time.Duration(r.Metrics["ms/block"]*float64(time.Millisecond))), count(r.Metrics["rows/block"]))
	}
	p("\n")
}

func timeSection(b *strings.Builder, res *results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Where the time goes\n\n")
	rs := findBench(res, "BenchmarkBackfill/")
	if len(rs) > 0 {
		p("### Wall time of a backfill, by part\n\n")
		p("`BenchmarkBackfill` runs the same pipeline in process (chain client, follower, content indexer, store, wired as `cmd/discovery` wires them) and times each part: *fetch* is JSON-RPC round trips with decoding and checks; *rules* is decoding events and applying the protocol's rules; *store reads* are the rows the rules read: one bulk `ReadRows` per run for the rows its actions name, then one query per row a rule asks for beyond those; *block writes* are the stores' `ApplyBlocks` (rows, undo images of blocks not yet final, digests, checkpoint: one transaction per run of blocks).\n\n")
		p("| store | events | events/s | fetch | rules | store reads | block writes | reads per event | RPC requests / 1k events | RPC KB / 1k events |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, r := range rs {
			name := strings.TrimPrefix(r.Name, "BenchmarkBackfill/")
			name = name[:strings.LastIndexByte(name, '-')]
			store, events, _ := strings.Cut(name, "/")
			m := r.Metrics
			p("| %s | %s | %s | %.0f%% | %.0f%% | %.0f%% | %.0f%% | %.2f | %.2f | %s |\n", strings.TrimPrefix(store, "store="),
				strings.TrimPrefix(events, "events="), count(m["events/s"]), m["%fetch"], m["%rules"], m["%reads"], m["%write"],
				m["reads/event"], m["rpcreqs/1kevents"], count(m["rpcbytes/1kevents"]/1000))
		}
		p("\n")
	}
	if pr := res.Profile; pr != nil && pr.Err == "" {
		p("### CPU profile of the PostgreSQL backfill\n\n")
		p("The profile of the in-process PostgreSQL backfill above holds %s of CPU time over a %s run; %s of it (%.0f%%) is the pipeline's own (below Pipeline.CatchUp), the rest the in-process synth server and the runtime's background work. The tables below keep the pipeline's samples; percentages are of the whole profile. A CPU profile does not see time spent waiting — on PostgreSQL, or on the node — which the table above does.\n\n",
			pr.Total, pr.Duration, pr.Pipeline, pr.PipelinePct)
		p("| package | share of the profile (flat, pipeline only) |\n| --- | --- |\n")
		for _, ps := range pr.Packages {
			p("| `%s` | %.1f%% |\n", ps.Package, ps.Percent)
		}
		p("\nTop functions by own time:\n\n```\n%s\n```\n\nTop functions by cumulative time:\n\n```\n%s\n```\n\n", pr.TopFlat, pr.TopCum)
	}
	notes(b, res, rs)
}

// notes states, from the figures, what limits the engine.
func notes(b *strings.Builder, res *results, rs []benchResult) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### What the figures say\n\n")
	for _, r := range res.Backfills {
		if r.Store != "postgres" || r.Events != largestEvents(res, "postgres") || len(r.Args) > 0 || r.Span <= 0 {
			continue
		}
		busy := r.CPU.Seconds() / r.Span.Seconds()
		pg := r.PostgresCPU.Seconds() / r.Span.Seconds()
		p("- In the largest PostgreSQL backfill discovery kept %.0f%% of a core busy and its PostgreSQL backends %.0f%%: %.2f cores together, of %d. ",
			100*busy, 100*pg, busy+pg, res.Machine.CPUs)
		if busy+pg < 1.3 {
			p("Within a run the steps take turns: the run's rows are read, its rules run, then PostgreSQL writes it; only the fetch of the next run overlaps them.\n")
		} else {
			p("\n")
		}
	}
	for _, store := range []string{"postgres", "sqlite"} {
		var parts []string
		for _, r := range res.Backfills {
			if r.Store == store && len(r.Args) == 0 {
				at := fmt.Sprintf("%s events", count(float64(r.Events)))
				if !r.Complete {
					at = fmt.Sprintf("the first %s of %s events", count(float64(r.EventsIndexed)), count(float64(r.Events)))
				}
				s := fmt.Sprintf("%s ms over %s", count(r.PerThousand(int64(r.CPU/time.Millisecond))), at)
				if store == "postgres" {
					s = fmt.Sprintf("%s + %s ms (discovery + PostgreSQL) over %s", count(r.PerThousand(int64(r.CPU/time.Millisecond))),
						count(r.PerThousand(int64(r.PostgresCPU/time.Millisecond))), at)
				}
				parts = append(parts, s)
			}
		}
		if len(parts) > 1 {
			p("- CPU per 1,000 events into %s: %s.\n", store, strings.Join(parts, ", "))
		}
	}
	for _, r := range rs {
		m := r.Metrics
		name := strings.TrimPrefix(r.Name, "BenchmarkBackfill/")
		p("- `%s`: %.0f%% of the wall time is store reads (%.2f queries per event) and %.0f%% block writes; fetching and checking blocks is %.0f%%, the protocol's rules %.0f%%.\n",
			name, m["%reads"], m["reads/event"], m["%write"], m["%fetch"], m["%rules"])
	}
	for _, store := range []string{"postgres", "sqlite"} {
		var parts []string
		for _, r := range res.Backfills {
			if r.Store == store && len(r.Args) == 0 {
				s := fmt.Sprintf("%s at %s events", mb(r.PeakRSS), count(float64(r.EventsIndexed)))
				if r.PeakAnon > 0 {
					s = fmt.Sprintf("%s (anon %s) at %s events", mb(r.PeakRSS), mb(r.PeakAnon), count(float64(r.EventsIndexed)))
				}
				parts = append(parts, s)
			}
		}
		if len(parts) > 1 {
			p("- Peak RSS with %s, by events indexed: %s.\n", store, strings.Join(parts, ", "))
		}
	}
	for _, x := range res.Backfills {
		if len(x.Args) == 0 {
			continue
		}
		for _, r := range res.Backfills {
			if r.Store == x.Store && r.Events == x.Events && len(r.Args) == 0 {
				cost := fmt.Sprintf("the %s between the two is what the defaults' larger runs cost in memory", mb(r.PeakRSS-x.PeakRSS))
				if r.PeakRSS <= x.PeakRSS {
					cost = "the defaults' larger runs cost no memory the peak shows: it is set by something else"
				}
				p("- The %s-event chain into %s with `%s`: peak RSS %s and %s events/s, against %s and %s events/s with the defaults (`--max-run-logs 8000`, `--batch-size 100`); only the flag differs, so %s.\n",
					count(float64(x.Events)), x.Store, strings.Join(x.Args, " "), mb(x.PeakRSS), count(x.EventsPerSec), mb(r.PeakRSS), count(r.EventsPerSec), cost)
			}
		}
	}
	p("\n")
	doneSection(b)
}

// doneSection says what was done about the costs the profiles showed, so
// the figures can be read against the engine that produced them.
func doneSection(b *strings.Builder) {
	b.WriteString(`### What was done about the top costs

- **Store reads**, once one query per row a rule read (2.6 per event, a third to a half of the wall time): the indexer reads every row a run of blocks names (actor, entity, edge, play day) in one round trip (` + "`ReadRows`" + `), then validates each block against those rows with the run's earlier blocks laid over them. Rows no action names up front (routes, grants, a playlist's tracks) are still read one by one, when asked for.
- **Block writes**, once one transaction per block: a run of up to ` + "`--batch-size`" + ` blocks, about ` + "`--max-run-logs`" + ` logs, commits as one transaction, with one multi-row statement per table holding the rows as the run leaves them; block rows, state digests and undo images stay per block, so every block still reverts on its own.
- **Undo images**, about a kilobyte of JSON per event parsed into jsonb: not written for blocks already final when they are applied. Such blocks are never reverted (a fork below them stops the follower), and pruning dropped their images soon after anyway.
- **Search triggers**: they joined a statement's old and new rows, which PostgreSQL plans as nested loops sized for one row; on a run's thousands of rows that was quadratic. Migration 00008 compares the two images with EXCEPT instead, which is linear at any size.
- **Trending refresh**: recomputed every 30 s during the backfill, it took a large share of PostgreSQL's time; it now waits until the index is within ` + "`--healthy-block-diff`" + ` blocks of the head.
- **TLS on loopback**: pgx negotiated TLS with the local server (` + "`crypto/tls`" + ` in the profile); loopback and Unix-socket connections without an explicit ` + "`sslmode`" + ` are now plain.
- **Fetching** overlaps applying: while a run is applied, the next final run is fetched.
- **Digest arithmetic** works on 64-bit words instead of ` + "`math/big`" + `.
- **Search documents during a backfill from nothing** (both stores): the search triggers were about half of SQLite's writes (` + "`BenchmarkBackfill`" + ` at 100k events: 4,400 events/s with them, 7,250 without) and, on PostgreSQL, every follower-count change rewrote a document and its GIN entries. While the blocks written are final, an empty store now drops or disables them and builds every document in one transaction once caught up (or before the first block that may be reverted); the runs above include that build (they end when ` + "`discovery_derived_ready`" + ` is 1).
- **Word counts on revert**: ` + "`search_drop`" + ` deleted unused words with a statement PostgreSQL planned through the trigram GIN index, reading its pending list each time (40-150 ms a call, the largest cost of a revert: auto_explain); migration 00010 deletes only the words the update took to zero, by primary key.
- **` + "`eth_getLogs`" + ` decoding**: answers are decoded in one pass into ` + "`types.Log`" + ` (equal to go-ethereum's decoding on every input, fuzzed against it): 28.8 ms down to 16.6 ms and 8,517 down to 14 allocations per 500-log answer; the rest is go-ethereum's RPC client reading the batch.
- **Digest rows**: hashed through hand-written encoders that write exactly ` + "`json.Marshal`" + `'s bytes (` + "`DigestDelta`" + ` 10% of CPU down to 5%).
- **The deferred search build** is a bulk load: the search tables emptied, their secondary indexes dropped and made again from the catalog's definitions after one insert per kind and one aggregation of the vocabulary (it called the triggers' functions over every id, paying for incremental GIN inserts and a vocabulary upserted word by word): 6.9 s down to 4.1 s on the state of the 1M-event chain, half the WAL.
- **Memory**: the first run of a backfill, before any block's density is known, is 10 blocks rather than a full ` + "`--batch-size`" + ` (on dense blocks that run held four times ` + "`--max-run-logs`" + ` and set the process's peak); SQLite's reader connections map 64 MiB of the file rather than 1 GiB, since the kernel counts a mapped page in RSS once per connection that touched it (the 1M-event SQLite backfill peaked at 283–336 MB).
- **SQLite's cost per event**: its deferred search build is a bulk load too (triggers and indexes read from ` + "`sqlite_schema`" + `, dropped, one insert per kind, words and vocabulary in one statement each, then made again: 3.0–3.2 s down to 1.7–1.9 s on the 1M-event state); the user triggers' delete of a user's track and playlist documents walked every document for each new user (SQLite, without statistics, chose the primary key's ` + "`kind`" + ` over the owner index; half the CPU of the last 30 s of the 1M run), and SQLite migration 12 makes it go through the owner index; the single-row reads run prepared statements (SQLite parsed and planned each one again: a sixth of the process's CPU). A larger writer page cache was measured and left out: 16 MiB gained nothing clear, 64 MiB took RSS to 439 MB.
- **The write path, one run at a time**: discovery and PostgreSQL take turns within a run (rows read, rules applied, then one transaction written), so together they keep about one of the two cores busy. Overlapping the write of one run with the reads and rules of the next (the next run's reads laid over the previous run's rows, as a run's blocks already are) is the largest lever left; it changes the follower's contract that a run is committed when the sink returns, and is not done. Rows no action names up front (routes by slug, handles, tracks a playlist or remix names) are still read one by one: about 24,000 single-row queries per 100,000 events (` + "`log_min_duration_statement`" + ` over a 100k-event backfill).
- **Still the largest costs**: go-ethereum's RPC client scanning each answer several times before our decoder sees it, the JSON metadata of each event (` + "`encoding/json`" + ` into the metadata structs), and PostgreSQL's per-row cost of upserts through their indexes; as the tables outgrow PostgreSQL's 128 MB of shared buffers the per-event cost climbs (the 1M run's quarters).

`)
}

func largestEvents(res *results, store string) int {
	if r := largest(res, store); r != nil {
		return r.Events
	}
	return 0
}

func goBenchSection(b *strings.Builder, res *results) {
	if len(res.GoBench) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Go benchmarks\n\n")
	p("Raw `go test -bench` output, as benchstat reads it (save two runs' blocks to files and `benchstat old.txt new.txt`).\n\n")
	if rs := findBench(res, "BenchmarkGenerate"); len(rs) > 0 {
		p("The generator makes %s events/s alone (`BenchmarkGenerate`), so it never limits a benchmark; rendering them as JSON too, %s events/s (`BenchmarkBuild`). Chains are generated before timing starts.\n\n",
			count(rs[0].Metrics["events/s"]), count(metricOf(res, "BenchmarkBuild", "events/s")))
	}
	for _, gb := range res.GoBench {
		p("%s (`%s`, took %s):\n\n```\n%s\n```\n\n", gb.Title, shellQuote(gb.Command), ms(gb.Took), strings.Join(gb.Lines, "\n"))
	}
}

func metricOf(res *results, prefix, unit string) float64 {
	if rs := findBench(res, prefix); len(rs) > 0 {
		return rs[0].Metrics[unit]
	}
	return 0
}

func commandsSection(b *strings.Builder, res *results, workDir string) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Command lines\n\n")
	p("The suite: `%s` (run by `script/bench`). Chains: `synth.Config{Seed: %d, Events: N}` with the defaults (50–500 ManageEntity logs per block, 0.25 Play logs per event, 3%% refused, 2 s blocks); the live chain adds probes and %d tail blocks of %d–%d events.\n\n",
		res.Command, res.Seed, res.Plan.LagBlocks, res.Plan.LagTailEvents[0], res.Plan.LagTailEvents[1])
	p("One backfill on its own: `go run ./cmd/synth backfill -discovery ./discovery -store postgres -events 100000` (prints the row as JSON). A chain to point any node at: `go run ./cmd/synth serve -events 100000` (add `-tail-blocks 1000 -interval 2s` for a live head).\n\n")
	if pr := res.Profile; pr != nil {
		for _, c := range pr.Commands {
			p("- `%s`\n", shellQuote(c))
		}
	}
	for _, r := range res.Backfills {
		p("- `%s`\n", r.Command)
	}
	if res.Lag != nil {
		p("- `%s`\n", res.Lag.Command)
	}
	p("\nLogs, the CPU profile and results.json were in `%s`.\n", workDir)
}

// shellQuote makes a recorded command line (words joined by spaces, none
// holding a space) safe to paste into a shell: words with characters the
// shell would interpret are single-quoted.
func shellQuote(cmd string) string {
	words := strings.Fields(cmd)
	for i, w := range words {
		if strings.ContainsAny(w, "()|$^*?[]{}&;<>\\'\"`!#~") {
			words[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	return strings.Join(words, " ")
}
