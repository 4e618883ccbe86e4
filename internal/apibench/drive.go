package apibench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Plan is how hard and how long each endpoint is driven.
type Plan struct {
	Clients  int           `json:"clients"`  // concurrent clients, each with its own keep-alive connection
	Warmup   time.Duration `json:"warmup"`   // driven unrecorded before each endpoint's measurement
	Duration time.Duration `json:"duration"` // each endpoint's measurement
	// Serial is how long each endpoint is then asked by one client alone:
	// its latency with no queue, what one request costs. 0: not measured.
	Serial time.Duration `json:"serial"`
	// ListLimit is the page size of the followers lists; 0 is the API's
	// largest, 100.
	ListLimit int `json:"list_limit"`
}

func (p Plan) listLimit() int {
	if p.ListLimit <= 0 {
		return maxListLimit
	}
	return p.ListLimit
}

// EndpointResult is one endpoint's measurement.
type EndpointResult struct {
	Name      string        `json:"name"`
	Target    Target        `json:"target"`
	Requests  int64         `json:"requests"`
	Errors    int64         `json:"errors"` // answers other than 200, and failed requests
	Elapsed   time.Duration `json:"elapsed_ns"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
	Max       time.Duration `json:"max_ns"`
	FirstErr  string        `json:"first_error,omitempty"`
	Checked   int           `json:"checked"`    // requests whose answer was decoded before the run
	EmptyOK   int           `json:"empty_ok"`   // of those, empty answers the data set allowed
	Paths     int           `json:"paths"`      // distinct requests the clients cycled through
	BodyBytes int64         `json:"body_bytes"` // answer bytes read, after decompression
	// Alone is the endpoint asked by one client at a time (Plan.Serial).
	Alone *Alone `json:"alone,omitempty"`
}

// Alone is one client's latency: a request's cost without queueing.
type Alone struct {
	Requests int64         `json:"requests"`
	P50      time.Duration `json:"p50_ns"`
	P99      time.Duration `json:"p99_ns"`
}

// PerSec is the rate of answers, errors included.
func (r EndpointResult) PerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Met reports whether the endpoint reached its target without errors.
func (r EndpointResult) Met() bool {
	ms := float64(r.P99) / float64(time.Millisecond)
	return r.Errors == 0 && r.Requests > 0 && ms < r.Target.MaxP99Ms && r.PerSec() >= r.Target.MinPerSec
}

// newClient returns an HTTP client that keeps one connection per
// concurrent client alive and asks for gzip, as browsers do.
func newClient(clients int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        clients * 2,
			MaxIdleConnsPerHost: clients * 2,
			IdleConnTimeout:     time.Minute,
		},
	}
}

// check asks every request of e once, before any load, and fails on an
// answer other than 200 or an empty "data" where the data set guarantees
// there is some.
func check(ctx context.Context, c *http.Client, base string, e Endpoint, res *EndpointResult) error {
	n := min(len(e.reqs), 50)
	for _, rq := range e.reqs[:n] {
		status, body, err := get(ctx, c, base+rq.path)
		if err != nil {
			return fmt.Errorf("%s: GET %s: %w", e.Name, rq.path, err)
		}
		if status != http.StatusOK {
			return fmt.Errorf("%s: GET %s: HTTP %d: %.300s", e.Name, rq.path, status, body)
		}
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return fmt.Errorf("%s: GET %s: decode: %w", e.Name, rq.path, err)
		}
		empty := len(env.Data) == 0 || string(env.Data) == "null" || string(env.Data) == "[]" || string(env.Data) == "{}"
		if empty && rq.nonEmpty {
			return fmt.Errorf("%s: GET %s: empty data, but the data set has answers", e.Name, rq.path)
		}
		if empty {
			res.EmptyOK++
		}
		res.Checked++
	}
	return nil
}

func get(ctx context.Context, c *http.Client, url string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// drive runs p.Clients clients against e for d, each taking the next
// request of e's list, and records every answer's latency when rec is
// set.
func drive(ctx context.Context, c *http.Client, base string, e Endpoint, clients int, d time.Duration, res *EndpointResult, rec bool) {
	var (
		next     atomic.Int64
		mu       sync.Mutex
		total    histogram
		wg       sync.WaitGroup
		errs     atomic.Int64
		bytes    atomic.Int64
		firstErr atomic.Value
	)
	urls := make([]string, len(e.reqs))
	for i, rq := range e.reqs {
		urls[i] = base + rq.path
	}
	// Clients stop asking at the deadline; answers in flight are awaited
	// and recorded, so no connection is cut.
	start := time.Now()
	deadline := start.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h histogram
			buf := make([]byte, 64<<10)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				url := urls[int(next.Add(1)-1)%len(urls)]
				t := time.Now()
				status, n, err := getDiscard(ctx, c, url, buf)
				if ctx.Err() != nil {
					break
				}
				h.record(time.Since(t))
				bytes.Add(n)
				if err != nil || status != http.StatusOK {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("GET %s: HTTP %d %v", url[len(base):], status, err))
				}
			}
			mu.Lock()
			total.merge(&h)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if !rec {
		return
	}
	res.Elapsed = time.Since(start)
	res.Requests, res.Errors, res.BodyBytes = total.n, errs.Load(), bytes.Load()
	res.P50, res.P99, res.Max = total.quantile(0.50), total.quantile(0.99), total.max
	if v, ok := firstErr.Load().(string); ok {
		res.FirstErr = v
	}
}

// getDiscard GETs url and reads the whole answer, so the connection is
// reused, without keeping it. It asks for gzip itself, so the transport
// hands over the compressed bytes instead of inflating them: the clients
// share the machine with the server, and CPU they spend decompressing
// answers nobody reads would be taken from the server being measured.
func getDiscard(ctx context.Context, c *http.Client, url string, buf []byte) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var n int64
	for {
		k, err := resp.Body.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return resp.StatusCode, n, nil
		}
		if err != nil {
			return resp.StatusCode, n, err
		}
	}
}

// measure warms up, checks and measures every endpoint in turn.
func measure(ctx context.Context, base string, eps []Endpoint, p Plan, logf func(string, ...any)) ([]EndpointResult, error) {
	c := newClient(p.Clients)
	defer c.CloseIdleConnections()
	var out []EndpointResult
	for _, e := range eps {
		res := EndpointResult{Name: e.Name, Target: e.Target, Paths: len(e.reqs)}
		if len(e.reqs) == 0 {
			return out, fmt.Errorf("%s: the data set has nothing to ask for", e.Name)
		}
		// Warm up first: the check asks each request alone, and a page
		// cache gone cold since the last run would fail it with timeouts
		// that say nothing about the endpoint.
		if p.Warmup > 0 {
			drive(ctx, c, base, e, p.Clients, p.Warmup, &res, false)
		}
		if err := check(ctx, c, base, e, &res); err != nil {
			return out, err
		}
		drive(ctx, c, base, e, p.Clients, p.Duration, &res, true)
		if p.Serial > 0 {
			var alone EndpointResult
			drive(ctx, c, base, e, 1, p.Serial, &alone, true)
			res.Alone = &Alone{Requests: alone.Requests, P50: alone.P50, P99: alone.P99}
			res.Errors += alone.Errors
			if res.FirstErr == "" {
				res.FirstErr = alone.FirstErr
			}
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		alone := ""
		if res.Alone != nil {
			alone = fmt.Sprintf("  alone: p50 %s p99 %s", ms(res.Alone.P50), ms(res.Alone.P99))
		}
		logf("%-20s %8.0f req/s  p50 %-9s p99 %-9s max %-9s errors %d%s", e.Name, res.PerSec(),
			ms(res.P50), ms(res.P99), ms(res.Max), res.Errors, alone)
		out = append(out, res)
	}
	return out, nil
}
