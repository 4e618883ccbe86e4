package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/devchain"
)

// lineWriter collects a command's output and reports the address from its
// "listening on" line.
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

func newLineWriter() *lineWriter { return &lineWriter{addr: make(chan string, 1)} }

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		if m := listeningRE.FindSubmatch(w.buf.Bytes()); m != nil {
			w.addr <- string(m[1])
			w.sent = true
		}
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// proc is the real program running in-process.
type proc struct {
	base   string
	stdout *lineWriter
	stderr *lineWriter
	cancel context.CancelFunc
	done   chan error
}

// start runs `discovery args...` in-process and waits for its API address.
func start(t *testing.T, env map[string]string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &proc{stdout: newLineWriter(), stderr: newLineWriter(), cancel: cancel, done: make(chan error, 1)}
	getenv := func(k string) string { return env[k] }
	go func() { p.done <- run(ctx, args, getenv, p.stdout, p.stderr) }()
	t.Cleanup(func() {
		if err := p.stop(); err != nil {
			t.Errorf("discovery %v exited with %v", args, err)
		}
		if t.Failed() {
			t.Logf("discovery stderr:\n%s", p.stderr.String())
		}
	})
	select {
	case p.base = <-p.stdout.addr:
		return p
	case err := <-p.done:
		p.done <- err
		t.Fatalf("discovery %v exited before serving: %v\nstderr:\n%s", args, err, p.stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("discovery %v did not start serving\nstderr:\n%s", args, p.stderr.String())
	}
	return nil
}

// stop cancels the program, as SIGINT does, and returns its error.
func (p *proc) stop() error {
	p.cancel()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(30 * time.Second):
		return fmt.Errorf("did not shut down within 30s")
	}
}

// get fetches path and decodes the JSON answer; it returns the status code.
func (p *proc) get(t *testing.T, path string, into any) int {
	t.Helper()
	code, body := fetch(t, p.base+path)
	if into != nil {
		if err := json.Unmarshal([]byte(body), into); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return code
}

// fetch GETs url and returns the status code and the body.
func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// eventually polls cond until it holds, failing the test after a generous
// bound: this waits for indexing to catch up; it asserts nothing about speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// demoFlags are the `discovery run` flags that index the demo res seeded:
// its contracts, its verifier, and its small ids.
func demoFlags(res devchain.SeedResult) []string {
	return []string{"--contract", res.Contract.Hex(), "--plays-contract", res.Plays.Hex(),
		"--verifier", res.Verifier.Hex(), "--id-offsets", "none"}
}
