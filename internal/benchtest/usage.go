package benchtest

import (
	"os"
	"runtime"
	"time"
)

// Usage is what a run cost the machine over a span of it. The harness
// shares the machine with what it measures, and other work may too; the
// figures say how much of each there was.
type Usage struct {
	// PeakRSS is discovery's VmHWM over its whole life: its own memory
	// and the file pages it mapped (its code; with SQLite, pages of the
	// database file the readers map, which are the file cache's).
	PeakRSS int64 `json:"peak_rss_bytes"`
	// PeakAnon is the highest RssAnon sampled (every AnonEvery) from its
	// start: its own memory alone, Go's heap, stacks and SQLite's page
	// caches. 0 when it could not be sampled.
	PeakAnon    int64         `json:"peak_anon_bytes"`
	CPU         time.Duration `json:"cpu_ns"`          // discovery's user+system time in the span
	PostgresCPU time.Duration `json:"postgres_cpu_ns"` // its PostgreSQL backends'
	// HarnessCPU is this process's: the synth server answering, the
	// polling, the API load of a lag run.
	HarnessCPU  time.Duration `json:"harness_cpu_ns"`
	MachineBusy float64       `json:"machine_busy"` // share of all CPUs busy in the span
	// OtherCores is how many cores were busy with anything else:
	// PostgreSQL's background processes, and whatever else runs.
	OtherCores float64       `json:"other_cores"`
	Span       time.Duration `json:"span_ns"`
}

// usageMark is the counters at the start of a span.
type usageMark struct {
	at                time.Time
	machine           cpuSample
	self, proc, pgCPU time.Duration
}

// mark starts a span.
func (r *run) mark() usageMark {
	m := usageMark{at: time.Now(), machine: sampleCPU()}
	m.self, _ = procCPU(os.Getpid())
	if r.proc != nil {
		m.proc, _ = procCPU(r.proc.cmd.Process.Pid)
	}
	if r.dbName != "" {
		m.pgCPU, _ = postgresCPU(r.dbName)
	}
	return m
}

// usage ends the span begun at r.base; discovery must still run.
func (r *run) usage() (Usage, error) {
	pid := r.proc.cmd.Process.Pid
	var u Usage
	var err error
	if u.PeakRSS, err = procStatus(pid, "VmHWM"); err != nil {
		return u, err
	}
	u.PeakAnon = r.proc.anon.finish()
	cpu, err := procCPU(pid)
	if err != nil {
		return u, err
	}
	u.CPU = cpu - r.base.proc
	if r.dbName != "" {
		pg, _ := postgresCPU(r.dbName)
		u.PostgresCPU = pg - r.base.pgCPU
	}
	if self, err := procCPU(os.Getpid()); err == nil {
		u.HarnessCPU = self - r.base.self
	}
	u.MachineBusy = busySince(r.base.machine)
	u.Span = time.Since(r.base.at)
	ours := (u.CPU + u.PostgresCPU + u.HarnessCPU).Seconds() / u.Span.Seconds()
	u.OtherCores = max(0, u.MachineBusy*float64(runtime.NumCPU())-ours)
	return u, nil
}
