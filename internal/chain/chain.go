// Package chain reads the followed chain from JSON-RPC nodes. It exists so
// the follower can trust what it is handed and keep going when providers
// misbehave: a node may lag behind, sit behind a load balancer that mixes
// two views of the chain, answer a batch from two different forks, drop
// logs, hang, rate-limit, fail, or refuse large eth_getLogs ranges. This
// package checks every answer, retries and fails over between endpoints,
// splits log ranges, and turns what cannot be fixed into an error instead
// of a silently wrong block.
package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
)

// ErrMissingBlock marks an answer in which the node did not have a block it
// was asked for, typically a node that lags behind the head it reported or a
// load balancer routing to a node that does. Retrying later usually helps.
var ErrMissingBlock = errors.New("node does not have the block")

// ErrInconsistent marks answers that cannot all be true of one chain: broken
// parent links, logs from another block hash, logs the block's bloom rules
// out. It usually means a reorganisation happened while the batch was served
// or the node's view is mixed; retrying, or asking another node, helps.
var ErrInconsistent = errors.New("inconsistent answer from node")

// ErrNoSubscriptions is returned by SubscribeHeads when no endpoint can push
// new heads (only http or https URLs), so the caller polls Head instead.
var ErrNoSubscriptions = errors.New("no endpoint supports subscriptions")

// Defaults used where Options leaves a field zero.
const (
	DefaultMaxBatch         = 100 // most providers accept at least 100 calls per batch
	DefaultMaxLogRange      = 2000
	DefaultRequestTimeout   = 30 * time.Second
	DefaultMaxAttempts      = 5
	DefaultBackoffBase      = 250 * time.Millisecond
	DefaultBackoffMax       = 10 * time.Second
	DefaultRetryAfterMax    = 30 * time.Second
	DefaultCooldown         = 30 * time.Second
	DefaultSyncPollInterval = 10 * time.Second
)

// Options tune how a Client talks to its nodes. The zero value is usable.
type Options struct {
	// MaxBatch bounds the calls in one JSON-RPC batch request, because
	// providers cap batch sizes; a larger range is split into several
	// requests. Zero means DefaultMaxBatch.
	MaxBatch int
	// SkipBloomCheck turns off the checks of logs against their block's
	// logs bloom (logs it rules out, and blocks it says hold watched logs
	// the node did not return), for chains whose nodes do not fill blooms.
	SkipBloomCheck bool
	// MaxLogRange is the most blocks asked of one eth_getLogs call. After a
	// node refuses a range the Client halves it, and doubles it again up to
	// MaxLogRange after successes. Zero means DefaultMaxLogRange.
	MaxLogRange uint64
	// RequestTimeout bounds one attempt of one request, so a node that
	// hangs costs a retry instead of stalling the follower.
	RequestTimeout time.Duration
	// MaxAttempts bounds the attempts of one request over all endpoints.
	MaxAttempts int
	// BackoffBase and BackoffMax shape the wait before trying again when
	// every endpoint has failed recently: a random duration up to
	// min(BackoffMax, BackoffBase*2^n) for the n-th wait ("full jitter").
	BackoffBase, BackoffMax time.Duration
	// RetryAfterMax caps how long a node's Retry-After may make us wait.
	RetryAfterMax time.Duration
	// Cooldown is how long a failed endpoint is passed over while another
	// one is healthy.
	Cooldown time.Duration
	// SyncPollInterval is the pause between eth_syncing polls in WaitSynced.
	SyncPollInterval time.Duration
	// Logger receives retries, failovers and sync progress; nil means
	// slog.Default().
	Logger *slog.Logger
	// Registerer, when set, receives the Client's Prometheus metrics.
	Registerer prometheus.Registerer
}

func (o Options) withDefaults() Options {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.MaxLogRange == 0 {
		o.MaxLogRange = DefaultMaxLogRange
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	def(&o.RequestTimeout, DefaultRequestTimeout)
	def(&o.BackoffBase, DefaultBackoffBase)
	def(&o.BackoffMax, DefaultBackoffMax)
	def(&o.RetryAfterMax, DefaultRetryAfterMax)
	def(&o.Cooldown, DefaultCooldown)
	def(&o.SyncPollInterval, DefaultSyncPollInterval)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Client is a discovery.BlockSource reading one or more JSON-RPC nodes. It
// remembers which endpoints failed recently and how large an eth_getLogs
// range the nodes accept; it is safe for concurrent use.
type Client struct {
	eps       []*endpoint
	addresses []common.Address
	topics    []common.Hash
	opts      Options
	log       *slog.Logger
	m         *metrics
	sleep     func(ctx context.Context, d time.Duration) error // tests record waits

	mu       sync.Mutex
	logRange uint64 // blocks per eth_getLogs call now
	okStreak int    // eth_getLogs calls that succeeded at logRange since it last changed
}

var _ discovery.BlockSource = (*Client)(nil)

// New returns a Client that reads blocks through rc and the logs emitted by
// addresses whose first topic is one of topics. An empty addresses or topics
// list does not filter on that field. The caller keeps ownership of rc.
func New(rc *rpc.Client, addresses []common.Address, topics []common.Hash, opts Options) *Client {
	return NewEndpoints([]*rpc.Client{rc}, addresses, topics, opts)
}

// NewEndpoints is New with several connections, tried in order: the first
// healthy one serves each request, and a failing one is passed over for
// Options.Cooldown. Logs and errors name them "endpoint 1", "endpoint 2"...
// The caller keeps ownership of the connections.
func NewEndpoints(rcs []*rpc.Client, addresses []common.Address, topics []common.Hash, opts Options) *Client {
	eps := make([]*endpoint, len(rcs))
	for i, rc := range rcs {
		eps[i] = &endpoint{name: "endpoint " + strconv.Itoa(i+1), rc: rc, subs: true}
	}
	return newClient(eps, addresses, topics, opts)
}

func newClient(eps []*endpoint, addresses []common.Address, topics []common.Hash, opts Options) *Client {
	opts = opts.withDefaults()
	c := &Client{
		eps:       eps,
		addresses: append([]common.Address(nil), addresses...),
		topics:    append([]common.Hash(nil), topics...),
		opts:      opts,
		log:       opts.Logger,
		m:         newMetrics(opts.Registerer, opts.Logger),
		sleep:     sleepCtx,
		logRange:  opts.MaxLogRange,
	}
	c.m.logRange.Set(float64(c.logRange))
	return c
}

// Dial connects to the node at url (http, https, ws, wss or an IPC path)
// and returns a Client that owns the connection; Close releases it.
func Dial(ctx context.Context, url string, addresses []common.Address, topics []common.Hash, opts Options) (*Client, error) {
	return DialEndpoints(ctx, []string{url}, addresses, topics, opts)
}

// DialEndpoints is Dial with several nodes, tried in the order given (see
// NewEndpoints). An endpoint that cannot be reached now is dialled again
// when its turn comes; Dial fails only when none can be reached, or a URL
// is malformed. Errors and logs never show a URL's password, path or query,
// where providers put API keys.
func DialEndpoints(ctx context.Context, urls []string, addresses []common.Address, topics []common.Hash, opts Options) (*Client, error) {
	if len(urls) == 0 {
		return nil, discovery.Errorf(discovery.EINVALID, "no chain node URL given")
	}
	eps := make([]*endpoint, len(urls))
	for i, u := range urls {
		ep, err := newURLEndpoint(u)
		if err != nil {
			return nil, discovery.Errorf(discovery.EINVALID, "chain node %d: %v", i+1, err)
		}
		eps[i] = ep
	}
	c := newClient(eps, addresses, topics, opts)
	var errs []error
	for _, ep := range eps {
		if _, err := ep.client(ctx); err != nil {
			c.log.Warn("chain node unreachable; will retry", "endpoint", ep.name, "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", ep.name, err))
		}
	}
	if len(errs) == len(eps) {
		c.Close()
		return nil, fmt.Errorf("dialling chain node: %w", errors.Join(errs...))
	}
	return c, nil
}

// Close closes the connections the Client dialled itself.
func (c *Client) Close() {
	for _, ep := range c.eps {
		ep.close()
	}
}

// Head returns the number of the newest block the first healthy node knows.
func (c *Client) Head(ctx context.Context) (uint64, error) {
	var n hexutil.Uint64
	err := c.retry(ctx, "reading chain head", "eth_blockNumber", func(ctx context.Context, rc *rpc.Client) error {
		return rc.CallContext(ctx, &n, "eth_blockNumber")
	})
	if err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// Finalized returns the block the node reports as finalized
// (eth_getBlockByNumber "finalized"). ok is false when the node has none:
// chains without a finality gadget answer null or an error naming the tag,
// and the follower then counts a fixed depth below the head instead.
func (c *Client) Finalized(ctx context.Context) (uint64, bool, error) {
	var h *struct {
		Number hexutil.Uint64 `json:"number"`
	}
	unsupported := false
	err := c.retry(ctx, "reading the finalized block", "eth_getBlockByNumber", func(ctx context.Context, rc *rpc.Client) error {
		err := rc.CallContext(ctx, &h, "eth_getBlockByNumber", "finalized", false)
		var rpcErr rpc.Error
		// -32602: nodes that predate the tag reject it as an invalid argument.
		if errors.As(err, &rpcErr) && (rpcErr.ErrorCode() == -32602 || strings.Contains(strings.ToLower(rpcErr.Error()), "finalized")) {
			unsupported = true
			return nil
		}
		return err
	})
	if err != nil {
		return 0, false, err
	}
	if unsupported || h == nil {
		return 0, false, nil
	}
	return uint64(h.Number), true, nil
}

// LogRange returns how many blocks one eth_getLogs call covers now; it
// shrinks when nodes refuse ranges and grows back after successes.
func (c *Client) LogRange() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logRange
}
