package benchtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/discovery-node/discovery/internal/synth"
)

// Target is a synthetic chain served over JSON-RPC on a local port.
type Target struct {
	Chain  *synth.Chain
	Server *synth.Server
	// HTTP and WS are the server's URLs; one port serves both.
	HTTP, WS string
	// BuildTime is how long generating the chain took.
	BuildTime time.Duration
	srv       *http.Server
}

// NewTarget generates cfg's chain (into dir, "" for synth.DefaultDir) and
// serves it on 127.0.0.1.
func NewTarget(ctx context.Context, cfg synth.Config, dir string, opts synth.ServerOptions) (*Target, error) {
	start := time.Now()
	c, err := synth.Build(ctx, cfg, dir)
	if err != nil {
		return nil, err
	}
	built := time.Since(start)
	s, err := synth.NewServer(c, opts)
	if err != nil {
		c.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		c.Close()
		return nil, fmt.Errorf("listening for the synth server: %w", err)
	}
	t := &Target{Chain: c, Server: s, BuildTime: built, srv: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		HTTP: "http://" + ln.Addr().String(), WS: "ws://" + ln.Addr().String()}
	// Serve fails only with the listener, and then every request the
	// run makes fails too and is reported there.
	go func() { _ = t.srv.Serve(ln) }()
	return t, nil
}

// Close stops serving and releases the chain.
func (t *Target) Close() {
	t.Server.Close()
	t.srv.Close()
	t.Chain.Close()
}
