package benchtest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LagOptions shape a live-lag run.
type LagOptions struct {
	RunOptions
	// Interval is the time between two blocks appearing at the node.
	Interval time.Duration
	// LoadRate is the API requests per second sent while blocks appear
	// (0: none).
	LoadRate int
	// PollEvery is how often a probe asks the API for a block's entity.
	PollEvery time.Duration
	// HTTPOnly follows over HTTP (polling) instead of WebSocket (newHeads).
	HTTPOnly bool
}

// LagResult is one live-lag run: for each block revealed at the node, the
// time until the user its last log creates is served by the API.
type LagResult struct {
	Store     string          `json:"store"`
	Transport string          `json:"transport"`
	Blocks    int             `json:"blocks"`
	Interval  time.Duration   `json:"interval_ns"`
	EventsMin int             `json:"events_min"` // ManageEntity logs per live block
	EventsMax int             `json:"events_max"`
	History   int             `json:"history_events"`
	Lags      []time.Duration `json:"-"`
	Missed    int             `json:"missed"` // probes not seen within 30 s
	P50       time.Duration   `json:"p50_ns"`
	P90       time.Duration   `json:"p90_ns"`
	P99       time.Duration   `json:"p99_ns"`
	Max       time.Duration   `json:"max_ns"`
	Load      LoadStats       `json:"load"`
	// Usage covers the live part only, from the first block revealed.
	Usage
	Command string `json:"command"`
	LogPath string `json:"log_path"`
}

// Lag indexes t's revealed history with the discovery binary, then reveals
// t's unrevealed blocks one per o.Interval while loading the API at
// o.LoadRate, and measures, per block, the time from its reveal to the API
// serving the user its last log creates. t's chain must be built with
// ProbeEveryBlock and TailBlocks.
func Lag(ctx context.Context, t *Target, o LagOptions) (*LagResult, error) {
	cfg := t.Chain.Config()
	history := t.Chain.Head()
	last := uint64(t.Chain.Len() - 1)
	if !cfg.ProbeEveryBlock || last <= history {
		return nil, fmt.Errorf("live lag: the chain needs probes and unrevealed tail blocks")
	}
	if o.PollEvery <= 0 {
		o.PollEvery = 2 * time.Millisecond
	}
	r := &LagResult{Store: o.Store, Transport: "ws (newHeads)", Blocks: int(last - history), Interval: o.Interval,
		EventsMin: cfg.TailMinPerBlock, EventsMax: cfg.TailMaxPerBlock, History: t.Chain.EventsThrough(history)}
	url := t.WS
	if o.HTTPOnly {
		url, r.Transport = t.HTTP, "http (polling)"
	}
	run, err := startRun(ctx, t, url, o.RunOptions, fmt.Sprintf("lag-%s", o.Store))
	if err != nil {
		return nil, err
	}
	defer run.close()
	r.Command, r.LogPath = run.command, run.proc.logPath

	// Catch up with the history first.
	deadline := time.Now().Add(o.Cap)
	for {
		n, err := run.api.indexedHead(ctx)
		if err == nil && n >= history {
			break
		}
		if err := run.proc.dead(); err != nil {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("live lag: history of %d blocks not indexed within %s (at block %d)", history, o.Cap, n)
		}
		time.Sleep(50 * time.Millisecond)
	}

	lctx, stopLoad := context.WithCancel(ctx)
	load := startLoad(lctx, run.api, o.LoadRate, int64(t.Chain.Probe(history)))
	run.base = run.mark()
	lags := make([]time.Duration, r.Blocks)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range r.Blocks {
		n := history + 1 + uint64(i)
		if d := time.Until(start.Add(time.Duration(i) * o.Interval)); d > 0 {
			time.Sleep(d)
		}
		if err := t.Chain.Reveal(n); err != nil {
			stopLoad()
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lags[i] = probe(ctx, run.api, t.Chain.Probe(n), t.Chain.RevealedAt(n), o.PollEvery)
		}()
	}
	wg.Wait()
	stopLoad()
	r.Load = load.wait()
	if r.Usage, err = run.usage(); err != nil {
		return nil, err
	}
	for _, l := range lags {
		if l < 0 {
			r.Missed++
			continue
		}
		r.Lags = append(r.Lags, l)
	}
	r.P50, r.P90, r.P99, r.Max = percentiles(r.Lags)
	return r, nil
}

// probe polls for user id until the API serves it and returns the time
// since revealed, or -1 after 30 s.
func probe(ctx context.Context, api *apiClient, id int64, revealed time.Time, every time.Duration) time.Duration {
	path := "/v1/users/" + strconv.FormatInt(id, 10)
	for time.Since(revealed) < 30*time.Second {
		if code, err := api.status(ctx, path); err == nil && code == http.StatusOK {
			return time.Since(revealed)
		}
		select {
		case <-ctx.Done():
			return -1
		case <-time.After(every):
		}
	}
	return -1
}

// percentiles returns the 50th, 90th and 99th percentiles and the maximum
// (nearest rank).
func percentiles(d []time.Duration) (p50, p90, p99, maxd time.Duration) {
	if len(d) == 0 {
		return
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return at(0.50), at(0.90), at(0.99), s[len(s)-1]
}

// LoadStats describe the API load sent during a lag run.
type LoadStats struct {
	Rate     int           `json:"rate"` // asked for, per second
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"` // transport errors and 5xx
	Duration time.Duration `json:"duration_ns"`
	P50      time.Duration `json:"p50_ns"`
	P99      time.Duration `json:"p99_ns"`
}

type loader struct {
	mu    sync.Mutex
	lat   []time.Duration
	errs  int
	start time.Time
	rate  int
	wg    sync.WaitGroup
	done  chan struct{}
}

// loadPaths are the reads a client app makes, with ids filled in.
var loadPaths = []string{
	"/v1/users/%d", "/v1/users/%d/tracks", "/v1/users/%d/followers", "/v1/users/%d/following",
	"/v1/tracks/%d", "/v1/playlists/%d", "/v1/users/search?query=%s",
}

var loadQueries = []string{"neon", "polar", "aurora", "mira", "harbor", "night", "kai", "golden"}

// startLoad sends rate requests a second, round the endpoints, to users,
// tracks and playlists with ids up to maxID, until ctx ends. At most 32
// requests are in flight; beyond that ticks are skipped (and the achieved
// rate shows it).
func startLoad(ctx context.Context, api *apiClient, rate int, maxID int64) *loader {
	l := &loader{start: time.Now(), rate: rate, done: make(chan struct{})}
	if rate <= 0 || maxID <= 0 {
		close(l.done)
		return l
	}
	sem := make(chan struct{}, 32)
	go func() {
		defer close(l.done)
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			select {
			case sem <- struct{}{}:
			default:
				continue
			}
			id := 1 + (int64(i)*7919)%maxID
			p := loadPaths[i%len(loadPaths)]
			var path string
			if strings.Contains(p, "%s") {
				path = fmt.Sprintf(p, loadQueries[i%len(loadQueries)])
			} else {
				path = fmt.Sprintf(p, id)
			}
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				defer func() { <-sem }()
				t0 := time.Now()
				code, err := api.status(ctx, path)
				d := time.Since(t0)
				l.mu.Lock()
				defer l.mu.Unlock()
				if ctx.Err() != nil {
					return
				}
				if err != nil || code >= 500 {
					l.errs++
				}
				l.lat = append(l.lat, d)
			}()
		}
	}()
	return l
}

// wait waits for requests in flight and sums up.
func (l *loader) wait() LoadStats {
	<-l.done
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := LoadStats{Rate: l.rate, Requests: len(l.lat), Errors: l.errs, Duration: time.Since(l.start)}
	s.P50, _, s.P99, _ = percentiles(l.lat)
	return s
}
