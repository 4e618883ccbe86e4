package metadata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Source is one place raw blocks are fetched from. Neither kind is trusted:
// whatever a source serves is checked against the CID.
type Source struct {
	// URL is the base URL: a gateway's root (https://ipfs.io) or a kubo RPC
	// API's root (http://127.0.0.1:5001), without /ipfs or /api/v0.
	URL string
	// RPC marks a kubo RPC API, asked with POST /api/v0/block/get. Otherwise
	// the source is a trustless gateway, asked with
	// GET /ipfs/{cid}?format=raw and Accept: application/vnd.ipld.raw.
	RPC bool
}

// Gateway names a trustless HTTP gateway as a source.
func Gateway(baseURL string) Source { return Source{URL: baseURL} }

// KuboRPC names a kubo node's RPC API as a source.
func KuboRPC(apiURL string) Source { return Source{URL: apiURL, RPC: true} }

// FetcherOptions tune a Fetcher; the zero value is usable.
type FetcherOptions struct {
	// RequestTimeout bounds one request to one source, body included, so a
	// slow or hanging source costs at most this before the next is tried.
	// Default 10s.
	RequestTimeout time.Duration
	// Client makes the requests; default a plain http.Client. Its own
	// Timeout, if any, applies on top of RequestTimeout.
	Client *http.Client
	// Registerer receives the fetch metrics when set.
	Registerer prometheus.Registerer
	// Logger gets a line per failed source request; default slog.Default().
	Logger *slog.Logger
}

// Fetcher gets metadata by CID from its sources in order, returning the
// first content that verifies. It is safe for concurrent use.
type Fetcher struct {
	sources []source
	timeout time.Duration
	client  *http.Client
	log     *slog.Logger
	metrics *fetchMetrics
}

// source is a Source checked and named for logs and metric labels. The name
// carries the host only, so credentials in a URL never reach either.
type source struct {
	base string
	rpc  bool
	name string
}

// NewFetcher checks the sources and returns a Fetcher over them.
func NewFetcher(sources []Source, opts FetcherOptions) (*Fetcher, error) {
	if len(sources) == 0 {
		return nil, errors.New("metadata fetcher: no sources")
	}
	f := &Fetcher{timeout: opts.RequestTimeout, client: opts.Client, log: opts.Logger}
	if f.timeout <= 0 {
		f.timeout = 10 * time.Second
	}
	if f.client == nil {
		f.client = &http.Client{}
	}
	if f.log == nil {
		f.log = slog.Default()
	}
	for _, s := range sources {
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("metadata source %q: want an http(s) base URL", s.URL)
		}
		kind := "gateway"
		if s.RPC {
			kind = "kubo"
		}
		f.sources = append(f.sources, source{base: strings.TrimRight(s.URL, "/"), rpc: s.RPC, name: kind + ":" + u.Host})
	}
	m, err := newFetchMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("metadata fetcher metrics: %w", err)
	}
	f.metrics = m
	return f, nil
}

// Fetch returns the JSON named by cidString, verified against the CID. It
// tries each source once, in order: a source that fails, times out, lacks
// the block or serves bytes that do not match (ErrMismatch) is passed over
// for the next. The error wraps every source's reason; Permanent tells
// whether another attempt could succeed.
func (f *Fetcher) Fetch(ctx context.Context, cidString string) ([]byte, error) {
	start := time.Now()
	data, err := f.fetch(ctx, cidString)
	o := outcome(err)
	f.metrics.fetches.WithLabelValues(o).Inc()
	f.metrics.seconds.WithLabelValues(o).Observe(time.Since(start).Seconds())
	return data, err
}

func (f *Fetcher) fetch(ctx context.Context, cidString string) ([]byte, error) {
	r, err := parseCID(cidString)
	if err != nil {
		return nil, fmt.Errorf("fetching metadata: %w", err)
	}
	var errs sourceErrors
	for _, src := range f.sources {
		if err := ctx.Err(); err != nil {
			if len(errs) == 0 || !errors.Is(errs[len(errs)-1], err) {
				errs = append(errs, err)
			}
			break
		}
		block, err := f.get(ctx, src, r)
		if err == nil {
			err = r.verify(block)
		}
		f.metrics.requests.WithLabelValues(src.name, outcome(err)).Inc()
		if err != nil {
			level := slog.LevelDebug
			if errors.Is(err, ErrMismatch) || errors.Is(err, ErrTooLarge) {
				level = slog.LevelWarn // a source serving wrong bytes is worth an operator's look
			}
			f.log.Log(ctx, level, "metadata source failed", "source", src.name, "cid", cidString, "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", src.name, err))
			continue
		}
		// The block is verified, so what it holds is the truth about this
		// CID: no other source can do better if it is not usable metadata.
		data, err := content(r.codec, block)
		if err != nil {
			return nil, fmt.Errorf("metadata %s: %w", cidString, err)
		}
		return data, nil
	}
	return nil, fmt.Errorf("fetching metadata %s: %w", cidString, errs)
}

// get asks one source for the raw block, reading at most maxBlock bytes.
func (f *Fetcher) get(ctx context.Context, src source, r ref) ([]byte, error) {
	rctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	var req *http.Request
	var err error
	if src.rpc {
		req, err = http.NewRequestWithContext(rctx, http.MethodPost, src.base+"/api/v0/block/get?arg="+url.QueryEscape(r.cid.String()), nil)
	} else {
		req, err = http.NewRequestWithContext(rctx, http.MethodGet, src.base+"/ipfs/"+r.cid.String()+"?format=raw", nil)
		if req != nil {
			req.Header.Set("Accept", "application/vnd.ipld.raw")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.unavailable(ctx, err)
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("%w: status %d", ErrNotFound, resp.StatusCode)
	case src.rpc && resp.StatusCode == http.StatusInternalServerError:
		// kubo answers a missing block with 500 and a JSON message.
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		if strings.Contains(string(msg), "not found") {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, strings.TrimSpace(string(msg)))
		}
		return nil, fmt.Errorf("%w: status 500: %s", ErrUnavailable, strings.TrimSpace(string(msg)))
	default:
		return nil, fmt.Errorf("%w: status %d", ErrUnavailable, resp.StatusCode)
	}
	if resp.ContentLength > maxBlock {
		return nil, fmt.Errorf("%w: source announces %d bytes, limit %d", ErrTooLarge, resp.ContentLength, maxBlock)
	}
	block, err := io.ReadAll(io.LimitReader(resp.Body, maxBlock+1))
	if err != nil {
		return nil, f.unavailable(ctx, err)
	}
	if len(block) > maxBlock {
		return nil, fmt.Errorf("%w: block over %d bytes", ErrTooLarge, maxBlock)
	}
	return block, nil
}

// unavailable classifies a transport error: the caller's own cancellation
// stays what it is; anything else, this request's timeout included, means
// the source could not answer now.
func (f *Fetcher) unavailable(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// sourceErrors is why each source failed, in the order they were asked.
// errors.Is matches any of them.
type sourceErrors []error

func (e sourceErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e sourceErrors) Unwrap() []error { return e }
