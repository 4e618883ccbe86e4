package sdktest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/devchain"
)

// sdkDir returns the npm project holding the pinned @audius/sdk, installing
// it first when the cache is missing or stale. Under CI=true it only checks:
// script/bootstrap installs the package, and a CI run that lacks it must
// fail rather than quietly download it, or skip.
func sdkDir(t *testing.T) string {
	t.Helper()
	ci := os.Getenv("CI") == "true"
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " not found: the SDK test needs Node.js 20 or newer"
			if ci {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	cache := os.Getenv("DISCOVERY_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatalf("finding the cache directory: %v", err)
		}
		cache = filepath.Join(home, ".cache", "discovery")
	}
	dir := filepath.Join(cache, "sdk")
	if sdkInstalled(t, dir) {
		return dir
	}
	if ci {
		t.Fatalf("@audius/sdk is not installed in %s as sdktest/package-lock.json pins it: script/bootstrap runs script/sdktest-install", dir)
	}
	cmd := exec.Command(filepath.Join("..", "script", "sdktest-install"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script/sdktest-install: %v\n%s", err, out)
	}
	if !sdkInstalled(t, dir) {
		t.Fatalf("script/sdktest-install succeeded but %s does not hold the pinned SDK", dir)
	}
	return dir
}

// sdkInstalled tells whether dir holds an install of exactly our
// package.json and package-lock.json: the stamp script/sdktest-install
// writes after `npm ci` succeeds is their hash, computed the same way here.
func sdkInstalled(t *testing.T, dir string) bool {
	t.Helper()
	h := sha256.New()
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("reading sdktest/%s: %v", f, err)
		}
		h.Write(b)
	}
	stamp, err := os.ReadFile(filepath.Join(dir, ".installed"))
	if err != nil || string(bytes.TrimSpace(stamp)) != hex.EncodeToString(h.Sum(nil)) {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, "node_modules", "@audius", "sdk", "package.json"))
	return err == nil
}

// pinnedSDKVersion is the @audius/sdk version package-lock.json pins.
func pinnedSDKVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatalf("reading sdktest/package-lock.json: %v", err)
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatalf("decoding sdktest/package-lock.json: %v", err)
	}
	v := lock.Packages["node_modules/@audius/sdk"].Version
	if v == "" {
		t.Fatal("sdktest/package-lock.json pins no node_modules/@audius/sdk")
	}
	return v
}

// server is a running `discovery dev`.
type server struct {
	base string
	seed devchain.SeedResult
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startDev builds cmd/discovery and runs `discovery dev` on a fresh data
// directory, then waits until the index holds every block the demo seeding
// wrote. The process is stopped when the test ends.
func startDev(t *testing.T) *server {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not found to build cmd/discovery: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "discovery")
	build := exec.Command(goBin, "build", "-o", bin, "./cmd/discovery")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/discovery: %v\n%s", err, out)
	}
	// A short path keeps the dev chain's IPC socket within the length a
	// Unix socket allows.
	dataDir, err := os.MkdirTemp("", "sdk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dataDir) })

	cmd := exec.Command(bin, "dev", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--block-time", "100ms")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start discovery dev: %v", err)
	}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("discovery dev did not stop within 30s of SIGINT")
		}
		if t.Failed() {
			t.Logf("discovery dev stderr:\n%s", stderr.tail(8000))
		}
	})

	s := &server{}
	select {
	case s.base = <-addr:
	case err := <-done:
		done <- err
		t.Fatalf("discovery dev exited before serving: %v\n%s", err, stderr.tail(8000))
	case <-time.After(3 * time.Minute):
		t.Fatalf("discovery dev did not start serving\n%s", stderr.tail(8000))
	}
	seed, ok, err := devchain.LoadSeed(dataDir)
	if err != nil || !ok {
		t.Fatalf("loading the demo seed of %s: ok=%v err=%v", dataDir, ok, err)
	}
	s.seed = seed

	// Seeding finishes before the API serves; the index catches up after.
	// The bound only stops a stuck indexer from hanging the run.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var h struct {
			Data struct {
				DB struct {
					Number uint64 `json:"number"`
				} `json:"db"`
			} `json:"data"`
		}
		// Trending is recomputed on a schedule (--trending-every), so it
		// trails the index by up to one interval: wait for it too.
		var trending struct {
			Data []any `json:"data"`
		}
		if status, err := s.get("/health_check", &h); err == nil && status != 0 && h.Data.DB.Number >= seed.LastBlock {
			if status, err := s.get("/v1/tracks/trending", &trending); err == nil && status == 200 && len(trending.Data) > 0 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index did not reach the last seeded block %d\n%s", seed.LastBlock, stderr.tail(8000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// get fetches path from our API and decodes its JSON into into; it returns
// the HTTP status.
func (s *server) get(path string, into any) (int, error) {
	resp, err := http.Get(s.base + path)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, json.Unmarshal(body, into)
}

// lockedBuffer collects a process's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail is the last n bytes written, enough to show why a run failed.
func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}
