package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"golang.org/x/sync/errgroup"
)

// Profiles of a running node (CPU, heap, goroutines) are what tells an
// operator, or us, where a slow endpoint or a slow backfill spends its
// time on real data. They are served on an address of their own, off by
// default: the profiles show the program's internals and a CPU profile
// costs CPU while it runs, so they must never be reachable through the
// public API's address.

// addPprofFlag declares --pprof-listen, shared by every serving command.
func addPprofFlag(f *flags, p *string) {
	f.string(p, "pprof-listen", "DISCOVERY_PPROF_LISTEN", "", "address to serve Go's profiles on (/debug/pprof/), e.g. 127.0.0.1:6060; empty for none. Keep it private")
}

// validatePprofListen checks --pprof-listen before anything starts.
func validatePprofListen(addr string) error {
	if addr == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("--pprof-listen %q: want host:port, e.g. 127.0.0.1:6060: %w", addr, err)
	}
	return nil
}

// listenPprof listens on addr for the profiles, or returns nil with no
// address. It is called before the program says it is listening, so that
// everything it announced answers.
func listenPprof(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for profiles on %s: %w", addr, err)
	}
	return ln, nil
}

// servePprof serves the profiles on ln in g until ctx ends; with no
// listener it does nothing.
func servePprof(ctx context.Context, g *errgroup.Group, logger *slog.Logger, ln net.Listener) {
	if ln == nil {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	logger.Info("serving profiles", "addr", ln.Addr().String())
	serveHTTP(ctx, g, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, ln)
}
