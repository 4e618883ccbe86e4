// Package ipfstest starts a real kubo (go-ipfs) node for tests, so the code
// that fetches and verifies metadata by CID is exercised against the blocks,
// CIDs, RPC API and trustless gateway an operator actually runs, not against
// bytes we encoded ourselves. The binary comes from script/bootstrap (a cached
// build of the pinned version) or $DISCOVERY_IPFS.
package ipfstest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Node is a running `ipfs daemon --offline` with its own repository. It
// listens on loopback only and has no peers, so tests never touch a network.
type Node struct {
	API     string // kubo RPC API base URL, e.g. http://127.0.0.1:40123
	Gateway string // HTTP gateway base URL, e.g. http://127.0.0.1:40124

	bin  string
	repo string
}

// Binary finds the ipfs binary: $DISCOVERY_IPFS, else the bootstrap cache,
// else PATH. When none exists the test fails in CI and is skipped elsewhere,
// saying how to get it.
func Binary(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("DISCOVERY_IPFS")}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".cache", "discovery", "bin", "ipfs"))
	}
	if p, err := exec.LookPath("ipfs"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c
		}
	}
	msg := "ipfs (kubo) not found: run script/bootstrap (or set DISCOVERY_IPFS to a kubo binary)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start initialises a fresh repository with kubo's test profile (loopback,
// random ports, no bootstrap peers, no MDNS, no AutoConf), runs the daemon
// offline, waits until it is ready and stops it when the test ends.
func Start(t testing.TB) *Node {
	t.Helper()
	n := &Node{bin: Binary(t), repo: t.TempDir()}
	n.run(t, nil, "init", "--profile", "test")

	logPath := filepath.Join(n.repo, "daemon.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	cmd := exec.Command(n.bin, "daemon", "--offline")
	cmd.Env = n.env()
	cmd.Stdout, cmd.Stderr = pw, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ipfs daemon: %v", err)
	}
	exited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		pw.CloseWithError(io.EOF)
		exited <- err
	}()
	scanned := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		<-scanned
		logf.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("ipfs daemon log:\n%s", tail(b, 4000))
			}
		}
	})

	ready := make(chan struct{})
	go func() {
		defer close(scanned)
		// Copy every line to the log and pick the listen addresses out of
		// the daemon's start-up banner.
		sc := bufio.NewScanner(pr)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if port, ok := listenPort(line, "RPC API server listening on "); ok {
				n.API = "http://127.0.0.1:" + port
			}
			if port, ok := listenPort(line, "Gateway server listening on "); ok {
				n.Gateway = "http://127.0.0.1:" + port
			}
			if strings.HasPrefix(line, "Daemon is ready") && !signalled {
				signalled = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	select {
	case <-ready:
	case err := <-exited:
		exited <- err // let the cleanup see it too
		t.Fatalf("ipfs daemon exited before it was ready: %v", err)
	case <-ctx.Done():
		t.Fatalf("ipfs daemon not ready after 60s")
	}
	if n.API == "" || n.Gateway == "" {
		t.Fatalf("ipfs daemon did not report its addresses (api %q, gateway %q)", n.API, n.Gateway)
	}
	n.waitAPI(ctx, t)
	return n
}

// Add stores data in the node with `ipfs add` and returns its CID. cidVersion
// 0 gives a dag-pb Qm… CID; 1 gives a bafk… raw-leaf CID unless extra flags
// such as "--raw-leaves=false" ask for dag-pb.
func (n *Node) Add(t testing.TB, data []byte, cidVersion int, extra ...string) string {
	t.Helper()
	args := append([]string{"add", "-Q", "--pin=false", "--cid-version=" + strconv.Itoa(cidVersion)}, extra...)
	out := n.run(t, data, args...)
	cid := strings.TrimSpace(string(out))
	if cid == "" {
		t.Fatalf("ipfs add printed no CID")
	}
	return cid
}

// Block returns the raw block stored under cid, as `ipfs block get` gives it.
func (n *Node) Block(t testing.TB, cid string) []byte {
	t.Helper()
	return n.run(t, nil, "block", "get", cid)
}

func (n *Node) env() []string {
	return append(os.Environ(), "IPFS_PATH="+n.repo, "IPFS_TELEMETRY=off")
}

// run runs one ipfs command against the node's repository and returns its
// standard output.
func (n *Node) run(t testing.TB, stdin []byte, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.bin, args...)
	cmd.Env = n.env()
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ipfs %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// waitAPI polls the RPC API until it answers, as "Daemon is ready" is printed
// slightly before every listener serves.
func (n *Node) waitAPI(ctx context.Context, t testing.TB) {
	t.Helper()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.API+"/api/v0/version", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("ipfs RPC API at %s did not answer: %v", n.API, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// listenPort extracts the TCP port from a banner line such as
// "Gateway server listening on /ip4/127.0.0.1/tcp/40124".
func listenPort(line, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(line, prefix)
	if !ok {
		return "", false
	}
	i := strings.LastIndex(rest, "/tcp/")
	if i < 0 {
		return "", false
	}
	port := strings.Fields(rest[i+len("/tcp/"):])
	if len(port) == 0 {
		return "", false
	}
	if _, err := strconv.Atoi(port[0]); err != nil {
		return "", false
	}
	return port[0], true
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
