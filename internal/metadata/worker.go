package metadata

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Job is one entity whose metadata is pending: the indexer recorded it with
// a bare metadata CID and left the fields to be filled in.
type Job struct {
	Kind     string // entity type, e.g. discovery.EntityTrack; opaque here
	ID       int64  // entity id
	CID      string // the metadata CID the entity named when it was queued
	Attempts int    // failed attempts so far
}

// Queue is the durable list of pending metadata; the stores implement it.
// Only one Worker should drain a Queue at a time: a job is not leased, it
// stays pending until Resolve or Fail is called for it.
type Queue interface {
	// Pending returns up to limit jobs that are due now (never attempted,
	// or whose retry time has passed), oldest first.
	Pending(ctx context.Context, limit int) ([]Job, error)
	// Resolve stores data, JSON verified against job.CID, as the entity's
	// metadata and marks it resolved. It must change nothing if the entity
	// no longer names job.CID (a later update or a revert replaced it). Data
	// the entity type cannot use should be recorded as failed by Resolve
	// itself: an error returned here leaves the job pending.
	Resolve(ctx context.Context, job Job, data []byte) error
	// Fail records a failed attempt with a human reason. A permanent
	// failure is never offered again; otherwise the job's Attempts grows by
	// one and Pending skips it until retryAt. Like Resolve, it must change
	// nothing if the entity no longer names job.CID.
	Fail(ctx context.Context, job Job, reason string, permanent bool, retryAt time.Time) error
}

// WorkerOptions tune a Worker; the zero value is usable.
type WorkerOptions struct {
	Concurrency  int           // fetches at once; default 4
	Batch        int           // jobs taken per step; default 4 × Concurrency
	FetchTimeout time.Duration // one job's fetch over all sources; default 30s
	MaxAttempts  int           // attempts before a transient failure becomes permanent; default 10
	MinBackoff   time.Duration // wait after the first transient failure; default 10s
	MaxBackoff   time.Duration // longest wait between attempts; default 1h
	Idle         time.Duration // Run's pause when nothing is due; default 2s
	Registerer   prometheus.Registerer
	Logger       *slog.Logger // default slog.Default()
}

// Worker drains a Queue through a Fetcher. Step does one batch; Run loops.
type Worker struct {
	fetcher *Fetcher
	queue   Queue
	opts    WorkerOptions
	log     *slog.Logger
	metrics *workerMetrics
	now     func() time.Time // the clock retry times are set from
}

// NewWorker returns a Worker taking jobs from q and fetching with f.
func NewWorker(f *Fetcher, q Queue, opts WorkerOptions) (*Worker, error) {
	if f == nil || q == nil {
		return nil, errors.New("metadata worker: fetcher and queue are required")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Batch <= 0 {
		opts.Batch = 4 * opts.Concurrency
	}
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = 30 * time.Second
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 10 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.Idle <= 0 {
		opts.Idle = 2 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	m, err := newWorkerMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("metadata worker metrics: %w", err)
	}
	return &Worker{fetcher: f, queue: q, opts: opts, log: log, metrics: m, now: time.Now}, nil
}

// Run calls Step until ctx is cancelled, pausing when nothing is due or a
// step failed. It returns nil once ctx is done.
func (w *Worker) Run(ctx context.Context) error {
	for {
		n, err := w.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.log.WarnContext(ctx, "metadata worker step failed", "err", err)
		}
		if err == nil && n == w.opts.Batch {
			continue // there may be more due right away
		}
		t := time.NewTimer(w.opts.Idle)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Step takes one batch of due jobs and works them, at most Concurrency at
// once, each fetch bounded by FetchTimeout. It returns how many jobs it took
// and the queue errors it met. When ctx ends mid-step, jobs not finished stay
// pending, untouched.
func (w *Worker) Step(ctx context.Context) (int, error) {
	jobs, err := w.queue.Pending(ctx, w.opts.Batch)
	if err != nil {
		return 0, fmt.Errorf("listing pending metadata: %w", err)
	}
	sem := make(chan struct{}, w.opts.Concurrency)
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
start:
	for i, job := range jobs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			break start
		}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = w.work(ctx, job)
		})
	}
	wg.Wait()
	return len(jobs), errors.Join(errs...)
}

// work fetches one job's metadata and records the result in the queue.
func (w *Worker) work(ctx context.Context, job Job) error {
	fctx, cancel := context.WithTimeout(ctx, w.opts.FetchTimeout)
	data, ferr := w.fetcher.Fetch(fctx, job.CID)
	cancel()
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: not the job's failure
	}
	log := w.log.With("kind", job.Kind, "id", job.ID, "cid", job.CID)
	if ferr == nil {
		if err := w.queue.Resolve(ctx, job, data); err != nil {
			return fmt.Errorf("resolving metadata of %s %d: %w", job.Kind, job.ID, err)
		}
		w.metrics.jobs.WithLabelValues("resolved").Inc()
		log.DebugContext(ctx, "metadata resolved", "bytes", len(data))
		return nil
	}

	attempts := job.Attempts + 1
	permanent := Permanent(ferr)
	reason := ferr.Error()
	var retryAt time.Time
	switch {
	case permanent:
	case attempts >= w.opts.MaxAttempts:
		permanent = true
		reason = fmt.Sprintf("gave up after %d attempts: %s", attempts, reason)
	default:
		retryAt = w.retryAt(attempts)
	}
	if err := w.queue.Fail(ctx, job, truncate(reason, 500), permanent, retryAt); err != nil {
		return fmt.Errorf("recording failed metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	if permanent {
		w.metrics.jobs.WithLabelValues("failed").Inc()
		log.WarnContext(ctx, "metadata failed for good", "attempts", attempts, "err", reason)
	} else {
		w.metrics.jobs.WithLabelValues("retry").Inc()
		log.DebugContext(ctx, "metadata will be retried", "attempts", attempts, "retry_at", retryAt, "err", ferr)
	}
	return nil
}

// retryAt is when to try again after the given number of failed attempts:
// MinBackoff doubled per attempt up to MaxBackoff, with the upper half
// randomised so jobs that failed together do not return together.
func (w *Worker) retryAt(attempts int) time.Time {
	return w.now().Add(jitter(backoff(w.opts.MinBackoff, w.opts.MaxBackoff, attempts)))
}

// backoff is min·2^(attempts-1), capped at max.
func backoff(lo, hi time.Duration, attempts int) time.Duration {
	d := lo
	for i := 1; i < attempts; i++ {
		if d >= hi/2 {
			return hi
		}
		d *= 2
	}
	return min(d, hi)
}

// jitter returns a duration in [d/2, d].
func jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half+1)
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
