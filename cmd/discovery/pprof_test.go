package main

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery/internal/sqlite"
)

// TestPprofListen serves the profiles on --pprof-listen and only there:
// the API's own address does not answer them.
func TestPprofListen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	tinyIndex(t, s)
	addr := freeAddr(t)

	p := start(t, nil, "serve", "--db", "sqlite:"+path, "--listen", "127.0.0.1:0", "--pprof-listen", addr)
	if code, body := fetch(t, "http://"+addr+"/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("GET /debug/pprof/goroutine on --pprof-listen: %d %.80q, want 200 and a goroutine profile", code, body)
	}
	if code, _ := fetch(t, p.base+"/debug/pprof/goroutine?debug=1"); code != http.StatusNotFound {
		t.Errorf("GET /debug/pprof/goroutine on the API's address: %d, want 404", code)
	}

	without := start(t, nil, "serve", "--db", "sqlite:"+path, "--listen", "127.0.0.1:0")
	if code, _ := fetch(t, without.base+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("GET /debug/pprof/ without --pprof-listen: %d, want 404", code)
	}
}

// TestPprofListenRefused checks that a malformed address stops the
// program before it serves anything.
func TestPprofListenRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	err = run(context.Background(), []string{"serve", "--db", "sqlite:" + path, "--pprof-listen", "6060"},
		func(string) string { return "" }, &strings.Builder{}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "--pprof-listen") {
		t.Errorf("--pprof-listen 6060: %v, want an error naming --pprof-listen", err)
	}
}

// freeAddr finds a local address no one listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
