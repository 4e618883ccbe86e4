package synth

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/rpc"
)

// ServerOptions tune a Server; the zero value serves like a full node.
type ServerOptions struct {
	// FinalityDepth is how far below the head the "finalized" and "safe"
	// tags point (default 64).
	FinalityDepth uint64
	// MaxLogRange, when set, refuses eth_getLogs over more blocks, as
	// providers do, with the error they use.
	MaxLogRange uint64
}

// Server answers JSON-RPC from a Chain: over HTTP (single calls and
// batches) and WebSocket (also eth_subscribe "newHeads") on one handler. It
// uses go-ethereum's rpc package, so batching and subscriptions behave as
// on a geth node; the answers themselves are pre-rendered bytes.
type Server struct {
	chain *Chain
	opts  ServerOptions
	rpc   *rpc.Server
	ws    http.Handler
	stats counters
}

// counters are what the server has done, updated atomically.
type counters struct {
	httpRequests, wsConnections        atomic.Int64
	requestBytes, responseBytes        atomic.Int64
	calls                              [numMethods]atomic.Int64
	logsServed, logBytes, blocksServed atomic.Int64
}

// The methods counted one by one.
const (
	mChainID = iota
	mBlockNumber
	mGetBlockByNumber
	mGetBlockByHash
	mGetLogs
	mSyncing
	mSubscribe
	mOther
	numMethods
)

var methodNames = [numMethods]string{"eth_chainId", "eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getLogs", "eth_syncing", "eth_subscribe", "other"}

// NewServer returns a Server for c.
func NewServer(c *Chain, opts ServerOptions) (*Server, error) {
	if opts.FinalityDepth == 0 {
		opts.FinalityDepth = 64
	}
	s := &Server{chain: c, opts: opts, rpc: rpc.NewServer()}
	// Whole ranges of blocks travel in one batch; a node would cap the
	// batch, but a cap here would measure the cap.
	s.rpc.SetBatchLimits(100_000, 1<<40)
	for _, svc := range []struct {
		name string
		impl any
	}{{"eth", &ethAPI{s}}, {"net", &netAPI{s}}, {"web3", web3API{}}} {
		if err := s.rpc.RegisterName(svc.name, svc.impl); err != nil {
			return nil, fmt.Errorf("registering the %s JSON-RPC service: %w", svc.name, err)
		}
	}
	s.ws = s.rpc.WebsocketHandler([]string{"*"})
	return s, nil
}

// Close stops the server's JSON-RPC handling, ending subscriptions.
func (s *Server) Close() { s.rpc.Stop() }

// ServeHTTP serves JSON-RPC over HTTP, or over WebSocket when the request
// asks to upgrade. HTTP requests and bytes are counted.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.stats.wsConnections.Add(1)
		s.ws.ServeHTTP(w, r)
		return
	}
	s.stats.httpRequests.Add(1)
	r.Body = &countingReader{r.Body, &s.stats.requestBytes}
	s.rpc.ServeHTTP(&countingWriter{w, &s.stats.responseBytes}, r)
}

type countingReader struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServerStats is what a Server has served. Bytes count HTTP bodies only.
type ServerStats struct {
	HTTPRequests  int64            `json:"http_requests"`
	WSConnections int64            `json:"ws_connections"`
	RequestBytes  int64            `json:"request_bytes"`
	ResponseBytes int64            `json:"response_bytes"`
	Calls         map[string]int64 `json:"calls"`
	LogsServed    int64            `json:"logs_served"`
	LogBytes      int64            `json:"log_bytes"`
	BlocksServed  int64            `json:"blocks_served"`
}

// Stats returns the counts so far.
func (s *Server) Stats() ServerStats {
	out := ServerStats{
		HTTPRequests:  s.stats.httpRequests.Load(),
		WSConnections: s.stats.wsConnections.Load(),
		RequestBytes:  s.stats.requestBytes.Load(),
		ResponseBytes: s.stats.responseBytes.Load(),
		Calls:         map[string]int64{},
		LogsServed:    s.stats.logsServed.Load(),
		LogBytes:      s.stats.logBytes.Load(),
		BlocksServed:  s.stats.blocksServed.Load(),
	}
	for i := range s.stats.calls {
		if n := s.stats.calls[i].Load(); n > 0 {
			out.Calls[methodNames[i]] = n
		}
	}
	return out
}

// TotalCalls is the number of JSON-RPC calls, batch elements counted one by
// one.
func (st ServerStats) TotalCalls() int64 {
	var n int64
	for _, c := range st.Calls {
		n += c
	}
	return n
}

func (s *Server) count(m int) { s.stats.calls[m].Add(1) }
