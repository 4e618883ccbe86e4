package apibench

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Markdown renders the run as a section of BENCHMARKS.md: how it was run,
// then one table per store. command is the command line that ran it.
func (r *Result) Markdown(command string) string {
	var b strings.Builder
	p := r.Plan
	fmt.Fprintf(&b, "## The API under load\n\n")
	fmt.Fprintf(&b, "`%s`, %s UTC, %s in all. %d concurrent clients with keep-alive connections ask one endpoint at a time "+
		"from a real `discovery serve --rate-limit 0` process, each for %s after a %s warm-up; "+
		"every request's latency, from sending it to the last byte of its (gzip) answer, goes into a histogram. "+
		"Then one client alone asks it for %s: its latency without a queue, what one request costs (\"one client\"). "+
		"Any answer but 200 fails the run; after the warm-up, each endpoint's first requests are checked to answer data where the data set has some. "+
		"Clients, server and database share the machine (%d CPUs; load average %s before, %s after), so the server gets less than all of it.\n\n",
		command, r.Started.UTC().Format("2006-01-02 15:04"), r.Took.Round(time.Second), p.Clients,
		p.Duration, p.Warmup, p.Serial, runtime.NumCPU(), r.LoadBefore, r.LoadAfter)
	fmt.Fprintf(&b, "Data sets are generated (seeded, power-law popularity, names and titles from a vocabulary with diacritics) "+
		"and loaded through the store's own write path: `Store.ApplyBlock`, one block per day of a %d-day history cut at %s rows, "+
		"then `RefreshTrending`. Followers pages hold %d users, so page %d starts at offset %s; "+
		"they and the feed are asked of the most followed and the most following users. "+
		"Searches cycle through a whole word, a 3–4 letter prefix, a 2-letter prefix, a word with two letters swapped, and a word with a prefix of another.\n\n",
		timelineDays, commas(int64(r.BlockRows)), p.listLimit(), deepPage, commas(int64((deepPage-1)*p.listLimit())))
	for _, s := range r.Stores {
		writeStore(&b, s)
	}
	return b.String()
}

func writeStore(b *strings.Builder, s StoreResult) {
	fmt.Fprintf(b, "### %s: %s\n\n", storeTitle(s.Store), s.Dataset.Sizes)
	switch {
	case s.Load != nil:
		l := s.Load
		fmt.Fprintf(b, "Loaded in this run: %s rows in %d blocks in %s, **%s rows/s**; ",
			commas(int64(l.Rows)), l.Blocks, l.Apply.Round(time.Second), commas(int64(l.RowsPerSec())))
		if l.Settle > 0 {
			fmt.Fprintf(b, "`VACUUM (ANALYZE)` after it (what autovacuum does in time) %s; ", l.Settle.Round(time.Second))
		}
		fmt.Fprintf(b, "trending refreshed in %s. ", l.Trending.Round(time.Millisecond))
	default:
		fmt.Fprintf(b, "Data set kept from an earlier run (`%s`). ", s.DB)
	}
	fmt.Fprintf(b, "Generating it took %s, making sure it is there %s, measuring %s.\n\n",
		s.Generate.Round(100*time.Millisecond), s.Prepare.Round(100*time.Millisecond), s.Measure.Round(time.Second))
	if s.Err != "" {
		fmt.Fprintf(b, "**Failed:** %s\n\n", s.Err)
	}
	if len(s.Endpoints) == 0 {
		return
	}
	b.WriteString("| endpoint | req/s | p50 | p99 | max | errors | one client: p50 / p99 | target | |\n" +
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n")
	for _, e := range s.Endpoints {
		verdict := "met"
		if !e.Met() {
			verdict = "**missed**"
		}
		alone := "–"
		if e.Alone != nil {
			alone = ms(e.Alone.P50) + " / " + ms(e.Alone.P99)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", e.Name, commas(int64(e.PerSec()+0.5)),
			ms(e.P50), ms(e.P99), ms(e.Max), e.Errors, alone, e.Target, verdict)
	}
	fmt.Fprintf(b, "\nServed by `%s`.", s.Serve)
	if answerCacheOff(s.Serve) {
		b.WriteString(" The answer cache was off, so \"trending week\" was computed for every request.\n\n")
		return
	}
	b.WriteString(" \"trending week\" asks one URL, which `serve` answers from its per-head answer cache (`--answer-cache-bytes`) " +
		"after the first request: nothing indexes blocks while the benchmark serves its data set, so the head does not move, and the row measures cache hits. " +
		"\"trending week, signed-in\" asks the same ranking for thousands of different viewers (`user_id`), whose answers the cache never serves: " +
		"it measures the computation (ranking, owners, viewer fields, JSON, gzip).\n\n")
}

// answerCacheOff says whether a serve command line turned the answer
// cache off.
func answerCacheOff(serve string) bool {
	f := strings.Fields(serve)
	for i, a := range f {
		if a == "--answer-cache-bytes=0" || a == "-answer-cache-bytes=0" ||
			((a == "--answer-cache-bytes" || a == "-answer-cache-bytes") && i+1 < len(f) && f[i+1] == "0") {
			return true
		}
	}
	return false
}

func storeTitle(s string) string {
	switch s {
	case "postgres":
		return "PostgreSQL"
	case "sqlite":
		return "SQLite"
	}
	return s
}

// ms formats a latency in milliseconds with sensible precision.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64) + " ms"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	}
	return commas(int64(v+0.5)) + " ms"
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// commas writes n with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
