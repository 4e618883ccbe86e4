package metadata

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/ipfstest"
	"github.com/prometheus/client_golang/prometheus"
)

// memQueue is a Queue in memory with its own clock, behaving as the stores'
// queues must: due jobs oldest first, updates ignored once the entity names
// another CID.
type memQueue struct {
	mu          sync.Mutex
	now         time.Time
	items       []*item
	resolveErr  error
	fails       int
	resolutions int
}

type item struct {
	job     Job
	status  string // pending, resolved or failed
	retryAt time.Time
	data    []byte
	reason  string
}

func newQueue() *memQueue {
	return &memQueue{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (q *memQueue) add(kind string, id int64, cid string, attempts int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, &item{job: Job{Kind: kind, ID: id, CID: cid, Attempts: attempts}, status: "pending"})
}

func (q *memQueue) clock() time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.now
}

func (q *memQueue) setClock(t time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.now = t
}

func (q *memQueue) get(kind string, id int64) item {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, it := range q.items {
		if it.job.Kind == kind && it.job.ID == id {
			return *it
		}
	}
	return item{}
}

func (q *memQueue) Pending(ctx context.Context, limit int) ([]Job, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var jobs []Job
	for _, it := range q.items {
		if it.status == "pending" && !it.retryAt.After(q.now) && len(jobs) < limit {
			jobs = append(jobs, it.job)
		}
	}
	return jobs, nil
}

func (q *memQueue) find(job Job) *item {
	for _, it := range q.items {
		if it.job.Kind == job.Kind && it.job.ID == job.ID && it.job.CID == job.CID && it.status == "pending" {
			return it
		}
	}
	return nil
}

func (q *memQueue) Resolve(ctx context.Context, job Job, data []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.resolveErr != nil {
		return q.resolveErr
	}
	if it := q.find(job); it != nil {
		it.status, it.data = "resolved", data
		q.resolutions++
	}
	return nil
}

func (q *memQueue) Fail(ctx context.Context, job Job, reason string, permanent bool, retryAt time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.fails++
	if it := q.find(job); it != nil {
		it.reason = reason
		if permanent {
			it.status = "failed"
		} else {
			it.job.Attempts++
			it.retryAt = retryAt
		}
	}
	return nil
}

func newWorker(t *testing.T, q *memQueue, opts WorkerOptions, sources ...Source) *Worker {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	w, err := NewWorker(newFetcher(t, FetcherOptions{RequestTimeout: 5 * time.Second}, sources...), q, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.now = q.clock
	return w
}

func step(t *testing.T, w *Worker, wantJobs int) {
	t.Helper()
	n, err := w.Step(context.Background())
	if err != nil {
		t.Fatalf("Step: %v", err)
	}
	if n != wantJobs {
		t.Fatalf("Step took %d jobs, want %d", n, wantJobs)
	}
}

func TestWorker(t *testing.T) {
	node := ipfstest.Start(t)
	user := []byte(`{"handle":"worker","name":"Worker"}`)
	track := []byte(`{"title":"Worked"}`)
	late := []byte(`{"title":"arrives late"}`)
	userCID := node.Add(t, user, 1)
	trackCID := node.Add(t, track, 0)
	textCID := node.Add(t, []byte("plain text"), 1)
	lateCID := node.Add(t, late, 1, "--only-hash") // not stored yet
	sources := []Source{KuboRPC(node.API), Gateway(node.Gateway)}

	t.Run("resolves, retries with backoff, fails for good", func(t *testing.T) {
		q := newQueue()
		q.add("User", 1, userCID, 0)
		q.add("Track", 2, trackCID, 0)
		q.add("Track", 3, textCID, 0)
		q.add("Track", 4, lateCID, 0)
		q.add("Playlist", 5, "Qm123", 0)
		reg := prometheus.NewRegistry()
		opts := WorkerOptions{MinBackoff: time.Minute, MaxBackoff: 10 * time.Minute, MaxAttempts: 20, Registerer: reg}
		w := newWorker(t, q, opts, sources...)

		step(t, w, 5)
		wantStatus(t, q, "User", 1, "resolved", string(user))
		wantStatus(t, q, "Track", 2, "resolved", string(track))
		wantStatus(t, q, "Track", 3, "failed", "")
		wantStatus(t, q, "Playlist", 5, "failed", "")
		if r := q.get("Track", 3).reason; !strings.Contains(r, "not json") {
			t.Errorf("reason for plain text: %q", r)
		}
		if r := q.get("Playlist", 5).reason; !strings.Contains(r, "invalid cid") {
			t.Errorf("reason for a bad CID: %q", r)
		}

		// The missing block is retried, later each time, until it arrives.
		for attempt := 1; attempt <= 6; attempt++ {
			it := q.get("Track", 4)
			if it.status != "pending" || it.job.Attempts != attempt {
				t.Fatalf("after attempt %d: status %s, attempts %d", attempt, it.status, it.job.Attempts)
			}
			if !strings.Contains(it.reason, "not found") {
				t.Fatalf("after attempt %d: reason %q", attempt, it.reason)
			}
			d := min(opts.MinBackoff<<(attempt-1), opts.MaxBackoff)
			if wait := it.retryAt.Sub(q.clock()); wait < d/2 || wait > d {
				t.Fatalf("after attempt %d: retry in %v, want within [%v, %v]", attempt, wait, d/2, d)
			}
			q.setClock(it.retryAt.Add(-time.Second))
			step(t, w, 0) // not due yet
			q.setClock(it.retryAt)
			if attempt == 6 {
				break
			}
			step(t, w, 1)
		}
		if got := node.Add(t, late, 1); got != lateCID {
			t.Fatalf("added %s, want %s", got, lateCID)
		}
		step(t, w, 1)
		wantStatus(t, q, "Track", 4, "resolved", string(late))
		step(t, w, 0)

		m := w.metrics.jobs
		for outcome, want := range map[string]float64{"resolved": 3, "failed": 2, "retry": 6} {
			if got := counter(t, m.WithLabelValues(outcome)); got != want {
				t.Errorf("jobs{outcome=%s} = %v, want %v", outcome, got, want)
			}
		}
	})

	t.Run("gives up after MaxAttempts", func(t *testing.T) {
		q := newQueue()
		q.add("Track", 1, lateCID+"x", 0) // invalid: permanent at once
		missing := node.Add(t, []byte(`{"never":"stored"}`), 0, "--only-hash")
		q.add("Track", 2, missing, 2)
		w := newWorker(t, q, WorkerOptions{MaxAttempts: 3}, sources...)
		step(t, w, 2)
		wantStatus(t, q, "Track", 1, "failed", "")
		wantStatus(t, q, "Track", 2, "failed", "")
		if r := q.get("Track", 2).reason; !strings.HasPrefix(r, "gave up after 3 attempts: ") {
			t.Fatalf("reason %q", r)
		}
	})

	t.Run("transient source failures are retried", func(t *testing.T) {
		target, err := url.Parse(node.Gateway)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		var calls atomic.Int64
		flaky := newGateway(t, func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			proxy.ServeHTTP(w, r)
		})
		q := newQueue()
		q.add("User", 1, userCID, 0)
		w := newWorker(t, q, WorkerOptions{}, Gateway(flaky.URL))
		step(t, w, 1)
		it := q.get("User", 1)
		if it.status != "pending" || it.job.Attempts != 1 || !strings.Contains(it.reason, "status 503") {
			t.Fatalf("after a 503: %+v", it)
		}
		q.setClock(it.retryAt)
		step(t, w, 1)
		wantStatus(t, q, "User", 1, "resolved", string(user))
	})

	t.Run("a source lying about every block fails the job for good", func(t *testing.T) {
		lying := newGateway(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"forged":true}`)) })
		q := newQueue()
		q.add("User", 1, userCID, 0)
		w := newWorker(t, q, WorkerOptions{}, Gateway(lying.URL), Gateway(lying.URL))
		step(t, w, 1)
		wantStatus(t, q, "User", 1, "failed", "")
		if r := q.get("User", 1).reason; !strings.Contains(r, "does not match its cid") {
			t.Fatalf("reason %q", r)
		}
	})

	t.Run("at most Concurrency fetches at once", func(t *testing.T) {
		const concurrency, jobs = 2, 7
		var inflight, peak atomic.Int64
		arrived := make(chan struct{}, jobs)
		release := make(chan struct{})
		var releaseOnce sync.Once
		releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
		target, err := url.Parse(node.Gateway)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		gw := newGateway(t, func(w http.ResponseWriter, r *http.Request) {
			n := inflight.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			arrived <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			inflight.Add(-1)
			proxy.ServeHTTP(w, r)
		})
		t.Cleanup(releaseAll) // before the gateway closes, should the test fail
		q := newQueue()
		for i := range jobs {
			q.add("User", int64(i), userCID, 0)
		}
		w := newWorker(t, q, WorkerOptions{Concurrency: concurrency, Batch: jobs}, Gateway(gw.URL))
		done := make(chan error, 1)
		go func() { _, err := w.Step(context.Background()); done <- err }()
		for range concurrency {
			<-arrived // the first Concurrency fetches are all held at once
		}
		// Give any fetch the worker should not have started time to show
		// up. This only bounds how soon a broken limit is noticed: a
		// correct worker passes however long it takes.
		select {
		case <-arrived:
			t.Fatalf("a fetch started while %d were in flight", concurrency)
		case <-time.After(200 * time.Millisecond):
		}
		releaseAll()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if p := peak.Load(); p != concurrency {
			t.Fatalf("%d fetches ran at once, want %d", p, concurrency)
		}
		if q.resolutions != jobs {
			t.Fatalf("%d jobs resolved, want %d", q.resolutions, jobs)
		}
	})

	t.Run("cancelled step leaves jobs untouched", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		hang := newGateway(t, func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			<-r.Context().Done()
		})
		q := newQueue()
		q.add("User", 1, userCID, 0)
		w := newWorker(t, q, WorkerOptions{}, Gateway(hang.URL))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := w.Step(ctx); done <- err }()
		<-arrived
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Step after cancel: %v", err)
		}
		if it := q.get("User", 1); it.status != "pending" || it.job.Attempts != 0 || q.fails != 0 {
			t.Fatalf("job touched by a cancelled step: %+v, %d fails", it, q.fails)
		}
	})

	t.Run("queue errors are reported and leave the job pending", func(t *testing.T) {
		q := newQueue()
		q.add("User", 1, userCID, 0)
		q.resolveErr = errors.New("database is down")
		w := newWorker(t, q, WorkerOptions{}, sources...)
		n, err := w.Step(context.Background())
		if n != 1 || err == nil || !strings.Contains(err.Error(), "database is down") {
			t.Fatalf("Step = %d, %v", n, err)
		}
		wantStatus(t, q, "User", 1, "pending", "")
	})

	t.Run("Run works the queue until cancelled", func(t *testing.T) {
		q := newQueue()
		for i := range 5 {
			q.add("User", int64(i), userCID, 0)
		}
		q.add("Track", 9, trackCID, 0)
		w := newWorker(t, q, WorkerOptions{Batch: 2, Idle: 10 * time.Millisecond}, sources...)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		for {
			if it := q.get("Track", 9); it.status == "resolved" {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("Run returned early: %v", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
		for i := range 5 {
			wantStatus(t, q, "User", int64(i), "resolved", string(user))
		}
	})
}

func wantStatus(t *testing.T, q *memQueue, kind string, id int64, status, data string) {
	t.Helper()
	it := q.get(kind, id)
	if it.status != status || string(it.data) != data {
		t.Fatalf("%s %d: status %q data %q (reason %q); want %q %q", kind, id, it.status, it.data, it.reason, status, data)
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := 10*time.Second, 5*time.Minute
	var got []time.Duration
	for attempts := 1; attempts <= 8; attempts++ {
		got = append(got, backoff(lo, hi, attempts))
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, hi, hi, hi}
	if !slices.Equal(got, want) {
		t.Fatalf("backoff = %v, want %v", got, want)
	}
	if d := backoff(time.Second, time.Duration(1<<62), 200); d != time.Duration(1<<62) {
		t.Fatalf("backoff does not cap without overflowing: %v", d)
	}
	for range 1000 {
		if d := jitter(time.Minute); d < 30*time.Second || d > time.Minute {
			t.Fatalf("jitter(1m) = %v", d)
		}
	}
}

func TestNewWorkerDefaults(t *testing.T) {
	f := newFetcher(t, FetcherOptions{}, Gateway("http://127.0.0.1:1"))
	if _, err := NewWorker(nil, newQueue(), WorkerOptions{}); err == nil {
		t.Fatal("NewWorker accepted a nil fetcher")
	}
	if _, err := NewWorker(f, nil, WorkerOptions{}); err == nil {
		t.Fatal("NewWorker accepted a nil queue")
	}
	w, err := NewWorker(f, newQueue(), WorkerOptions{Concurrency: 3, MinBackoff: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if w.opts.Batch != 12 || w.opts.MaxBackoff != 2*time.Hour || w.opts.MaxAttempts != 10 || w.opts.FetchTimeout != 30*time.Second {
		t.Fatalf("defaults: %+v", w.opts)
	}
}
