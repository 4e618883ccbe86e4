package benchtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// rpcCounter forwards JSON-RPC over HTTP to a node and counts what passes,
// as the synth server counts what it serves, so runs against a real node
// report the same traffic figures.
type rpcCounter struct {
	url, target            string
	client                 *http.Client
	srv                    *http.Server
	requests, calls, bytes atomic.Int64
}

// startRPCCounter serves a counting proxy to target on a local port.
func startRPCCounter(target string) (*rpcCounter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the JSON-RPC proxy: %w", err)
	}
	c := &rpcCounter{url: "http://" + ln.Addr().String(), target: target,
		client: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	c.srv = &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	// Serve fails only with the listener; every request then fails too,
	// and the run reports it.
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (c *rpcCounter) close() {
	c.srv.Close()
	c.client.CloseIdleConnections()
}

func (c *rpcCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	c.requests.Add(1)
	c.calls.Add(callsIn(body))
	c.bytes.Add(int64(len(body)))
	req, err := http.NewRequestWithContext(r.Context(), r.Method, c.target, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		http.Error(w, "forwarding to the node: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	n, _ := io.Copy(w, resp.Body)
	c.bytes.Add(n)
}

// callsIn is the JSON-RPC calls in a request body: one, or a batch's
// length.
func callsIn(body []byte) int64 {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '[' {
		return 1
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(body, &batch); err != nil {
		return 1
	}
	return int64(len(batch))
}
