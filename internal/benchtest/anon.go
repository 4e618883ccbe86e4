package benchtest

import (
	"sync/atomic"
	"time"
)

// VmHWM, the kernel's peak RSS, counts file pages a process maps as well as
// its own memory: the binary's code, and with SQLite the pages of the
// database file its readers map, which are the operating system's file
// cache (and are counted once per mapping). The kernel keeps no peak of the
// private part alone, so anonWatch samples RssAnon.

// AnonEvery is how often RssAnon is sampled: often enough to catch a
// burst of allocation that the garbage collector frees a second later.
const AnonEvery = 100 * time.Millisecond

// anonWatch samples the RssAnon of one process and keeps the highest
// value.
type anonWatch struct {
	pid  int
	peak atomic.Int64 // bytes
	stop chan struct{}
	done chan struct{}
}

// watchAnon samples pid's RssAnon until it exits or finish is called. pid
// must have exec'd already (exec.Cmd.Start returns once it has): before
// exec a child still shares this process's memory.
func watchAnon(pid int) *anonWatch {
	w := &anonWatch{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *anonWatch) loop() {
	defer close(w.done)
	t := time.NewTicker(AnonEvery)
	defer t.Stop()
	for w.sample() {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}

// sample reads the RssAnon; false once the process is gone (a zombie has
// no memory lines).
func (w *anonWatch) sample() bool {
	n, err := procStatus(w.pid, "RssAnon")
	if err != nil {
		return false
	}
	if n > w.peak.Load() {
		w.peak.Store(n)
	}
	return true
}

// finish takes a last sample, stops the watch and returns the peak
// RssAnon seen; it may be called more than once.
func (w *anonWatch) finish() int64 {
	select {
	case <-w.done:
	default:
		close(w.stop)
		<-w.done
	}
	w.sample()
	return w.peak.Load()
}
