// Package rpcproxy puts a misbehaving network between a JSON-RPC client and
// a real node, so tests can show that the client survives what providers
// actually do: hang, rate-limit, fail, cut answers short, lose logs, lag
// behind the head, and refuse large eth_getLogs ranges. Faults come from
// explicit rules or from a seeded, hence repeatable, random schedule, and
// are counted so a test can tell a fault was really met.
package rpcproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Fault is a kind of misbehaviour.
type Fault string

// Faults of a whole HTTP request (a single call or a whole batch).
const (
	Hang        Fault = "hang"         // no answer until the client gives up
	RateLimit   Fault = "rate_limit"   // HTTP 429, with Retry-After when set
	ServerError Fault = "server_error" // HTTP 500
	Truncate    Fault = "truncate"     // the node's answer cut in half
)

// Faults of single calls inside a request.
const (
	// DropLogs removes the logs of block Rule.Block from eth_getLogs
	// answers, as a node that has not indexed it yet does, although the
	// block's bloom says they exist.
	DropLogs Fault = "drop_logs"
	// Behind pretends the node's head is Rule.Block: eth_blockNumber says
	// so, later blocks are null and their logs are left out.
	Behind Fault = "behind"
	// RefuseRange answers eth_getLogs over more than Rule.MaxRange blocks
	// with the error Rule.Refusal makes.
	RefuseRange Fault = "refuse_range"
)

// Rule injects one fault. A request-level rule fires on the requests that
// hold a call of Method; a call-level one on the calls it concerns.
type Rule struct {
	Fault      Fault
	Method     string  // request-level: only requests with a call of this method; "" any
	Times      int     // how often it fires; 0 without end
	RetryAfter string  // RateLimit: the Retry-After header; "" sends none
	Block      uint64  // DropLogs: the block; Behind: the head to pretend
	MaxRange   uint64  // RefuseRange: the largest range answered
	Refusal    Refusal // RefuseRange: the error; nil is Infura's
}

// Schedule injects request-level faults at random, from a seed so a run is
// repeatable: each request gets a fault with probability Rate, drawn
// uniformly from Faults.
type Schedule struct {
	Seed       uint64
	Rate       float64
	Faults     []Fault
	RetryAfter string // for RateLimit
}

// Proxy forwards JSON-RPC over HTTP to a node, injecting faults.
type Proxy struct {
	URL string // set by Start

	upstream string
	client   *http.Client
	done     chan struct{}
	closing  sync.Once

	mu       sync.Mutex
	rules    []*rule
	schedule *Schedule
	rng      *rand.Rand
	injected map[Fault]int
	requests int
}

type rule struct {
	Rule
	fired int
}

func (r *rule) spent() bool { return r.Times > 0 && r.fired >= r.Times }

// New returns a Proxy forwarding to the HTTP JSON-RPC endpoint upstream.
// Serve it yourself, or use Start.
func New(upstream string) *Proxy {
	return &Proxy{upstream: upstream, client: &http.Client{}, done: make(chan struct{}), injected: map[Fault]int{}}
}

// Start serves a new Proxy on a loopback port until the test ends.
func Start(t testing.TB, upstream string) *Proxy {
	t.Helper()
	p := New(upstream)
	srv := httptest.NewServer(p)
	p.URL = srv.URL
	t.Cleanup(func() {
		p.Close() // first release hanging requests, or srv.Close waits for them
		srv.Close()
	})
	return p
}

// Close releases requests held by Hang.
func (p *Proxy) Close() {
	p.closing.Do(func() { close(p.done) })
}

// Add appends rules; they apply from the next request on.
func (p *Proxy) Add(rules ...Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range rules {
		if r.Fault == RefuseRange && r.Refusal == nil {
			r.Refusal = Infura(r.MaxRange)
		}
		p.rules = append(p.rules, &rule{Rule: r})
	}
}

// SetSchedule sets (or, with nil, removes) the random schedule.
func (p *Proxy) SetSchedule(s *Schedule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.schedule = s
	if s != nil {
		p.rng = rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	}
}

// Clear removes every rule and the schedule; the counters stay.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules, p.schedule = nil, nil
}

// Injected returns how many times f was injected: requests for
// request-level faults, calls for call-level ones.
func (p *Proxy) Injected(f Fault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.injected[f]
}

// Requests returns the number of HTTP requests received.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// ServeHTTP answers one JSON-RPC request (single or batch).
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading request", http.StatusBadRequest)
		return
	}
	calls, _ := parseMessages(body)
	p.mu.Lock()
	p.requests++
	fault, retryAfter := p.requestFault(calls)
	p.mu.Unlock()

	switch fault {
	case Hang:
		select {
		case <-r.Context().Done():
		case <-p.done:
		}
		return
	case RateLimit:
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":null,"error":{"code":429,"message":"Too Many Requests"}}`)
		return
	case ServerError:
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}

	answer, status, err := p.forward(r.Context(), body)
	if err != nil {
		http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	if fault == Truncate {
		answer = answer[:len(answer)/2]
	} else if status == http.StatusOK {
		answer = p.rewrite(calls, answer)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(answer)
}

// requestFault picks the request-level fault of this request, if any: the
// first live rule that matches, else the schedule's draw. p.mu is held.
func (p *Proxy) requestFault(calls []*message) (Fault, string) {
	for _, r := range p.rules {
		switch r.Fault {
		case Hang, RateLimit, ServerError, Truncate:
		default:
			continue
		}
		if r.spent() || (r.Method != "" && !hasMethod(calls, r.Method)) {
			continue
		}
		r.fired++
		p.injected[r.Fault]++
		return r.Fault, r.RetryAfter
	}
	if s := p.schedule; s != nil && len(s.Faults) > 0 && p.rng.Float64() < s.Rate {
		f := s.Faults[p.rng.IntN(len(s.Faults))]
		p.injected[f]++
		return f, s.RetryAfter
	}
	return "", ""
}

func hasMethod(calls []*message, method string) bool {
	for _, c := range calls {
		if c.Method == method {
			return true
		}
	}
	return false
}

// forward sends body to the node and returns its answer.
func (p *Proxy) forward(ctx context.Context, body []byte) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.upstream, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, 0, err
	}
	return answer, resp.StatusCode, nil
}

// message is a JSON-RPC request or response object.
type message struct {
	Version string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   json.RawMessage `json:"error,omitempty"`
}

// parseMessages reads a single message or a batch; batch says which.
func parseMessages(raw []byte) (msgs []*message, batch bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &msgs); err != nil {
			return nil, true
		}
		return msgs, true
	}
	var m message
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false
	}
	return []*message{&m}, false
}
