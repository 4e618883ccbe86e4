package chain_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/chain/chaintest"
	"github.com/discovery-node/discovery/internal/gethtest"
)

// nextHead reads one head number, failing the test if none comes.
func nextHead(t *testing.T, heads <-chan uint64) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	select {
	case n, ok := <-heads:
		if !ok {
			t.Fatal("heads channel closed")
		}
		return n
	case <-ctx.Done():
		t.Fatal("no new head arrived")
		return 0
	}
}

func TestSubscribeHeadsFromSimulatedNode(t *testing.T) {
	sim := chaintest.NewSimWith(t, chaintest.SimOptions{HTTP: true})
	tests := []struct {
		name   string
		client func(t *testing.T) *chain.Client
	}{
		{"websocket URL", func(t *testing.T) *chain.Client { return newFastOptions(t).client(t, []string{sim.WSURL}, nil, nil) }},
		{"IPC client", func(t *testing.T) *chain.Client {
			return chain.NewEndpoints([]*rpc.Client{sim.RPC}, nil, nil, chain.Options{})
		}},
		{"after an http URL", func(t *testing.T) *chain.Client {
			return newFastOptions(t).client(t, []string{sim.URL, sim.WSURL}, nil, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.client(t)
			ctx, cancel := context.WithCancel(t.Context())
			heads, err := c.SubscribeHeads(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				sim.Commit()
				want, err := sim.Eth.BlockNumber(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if got := nextHead(t, heads); got != want {
					t.Errorf("head %d, want %d", got, want)
				}
			}
			cancel()
			for range heads { // closed once ctx ends
			}
		})
	}
}

func TestSubscribeHeadsNeedsAPushingEndpoint(t *testing.T) {
	sim := chaintest.NewSimWith(t, chaintest.SimOptions{HTTP: true})
	httpRC, err := rpc.DialContext(t.Context(), sim.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(httpRC.Close)
	for name, c := range map[string]*chain.Client{
		"http URL":    newFastOptions(t).client(t, []string{sim.URL}, nil, nil),
		"http client": chain.NewEndpoints([]*rpc.Client{httpRC}, nil, nil, chain.Options{}),
	} {
		if _, err := c.SubscribeHeads(t.Context()); !errors.Is(err, chain.ErrNoSubscriptions) {
			t.Errorf("%s: SubscribeHeads = %v, want ErrNoSubscriptions", name, err)
		}
	}
}

func TestSubscribeHeadsFromGeth(t *testing.T) {
	node := gethtest.StartWith(t, gethtest.Options{Period: time.Second, WS: true})
	c := newFastOptions(t).client(t, []string{node.WSURL}, nil, nil)
	heads, err := c.SubscribeHeads(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	prev := nextHead(t, heads)
	for range 2 {
		n := nextHead(t, heads)
		if n <= prev {
			t.Errorf("head %d after %d", n, prev)
		}
		prev = n
	}
	if _, err := newFastOptions(t).client(t, []string{node.URL}, nil, nil).SubscribeHeads(t.Context()); !errors.Is(err, chain.ErrNoSubscriptions) {
		t.Errorf("SubscribeHeads over http = %v, want ErrNoSubscriptions", err)
	}
}

// headsService is an "eth" namespace with only newHeads, fed by the test,
// served over WebSocket connections the test can break.
type headsService struct {
	subscribed chan chan uint64 // each subscription's feed
}

func (s *headsService) NewHeads(ctx context.Context) (*rpc.Subscription, error) {
	notifier, ok := rpc.NotifierFromContext(ctx)
	if !ok {
		return nil, rpc.ErrNotificationsUnsupported
	}
	sub := notifier.CreateSubscription()
	heads := make(chan uint64)
	go func() {
		for {
			select {
			case n := <-heads:
				_ = notifier.Notify(sub.ID, map[string]any{"number": hexutil.Uint64(n)})
			case <-sub.Err():
				return
			}
		}
	}()
	s.subscribed <- heads
	return sub, nil
}

// breakableListener remembers its connections so a test can cut them.
type breakableListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *breakableListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *breakableListener) cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
	l.conns = nil
}

func TestSubscribeHeadsRenewsABrokenSubscription(t *testing.T) {
	svc := &headsService{subscribed: make(chan chan uint64, 4)}
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", svc); err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &breakableListener{Listener: inner}
	hs := &http.Server{Handler: srv.WebsocketHandler([]string{"*"})}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() {
		ln.cut()
		_ = hs.Close()
		srv.Stop()
	})

	opts := newFastOptions(t)
	c := opts.client(t, []string{"ws://" + inner.Addr().String()}, nil, nil)
	heads, err := c.SubscribeHeads(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var feed chan uint64
	waitSubscribed := func() {
		t.Helper()
		select {
		case feed = <-svc.subscribed:
		case <-time.After(30 * time.Second):
			t.Fatal("no subscription arrived")
		}
	}
	send := func(n uint64) {
		t.Helper()
		select {
		case feed <- n:
		case <-time.After(30 * time.Second):
			t.Fatal("the subscription did not take the head")
		}
	}
	waitSubscribed()
	send(7)
	if got := nextHead(t, heads); got != 7 {
		t.Fatalf("head %d, want 7", got)
	}
	ln.cut()
	waitSubscribed() // renewed over a new connection
	send(8)
	if got := nextHead(t, heads); got != 8 {
		t.Errorf("head %d after renewal, want 8", got)
	}
	if len(opts.recordedWaits()) == 0 {
		t.Error("renewed without backing off")
	}
}
