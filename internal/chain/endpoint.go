package chain

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

// endpoint is one node a Client may ask. Its name is what logs and errors
// show: provider URLs carry API keys in their user info, path or query, so
// the name keeps only the scheme, the user and the host, and scrub removes
// the secret parts from any error text that quotes the URL.
type endpoint struct {
	name    string
	rawURL  string   // dial target; never printed
	secrets []string // fragments of rawURL that must not appear in errors
	subs    bool     // may serve eth_subscribe (ws, wss, IPC or a caller's client)
	owned   bool     // Close closes the connection

	mu        sync.Mutex
	rc        *rpc.Client
	coolUntil time.Time
}

// newURLEndpoint prepares an endpoint for rawURL without connecting.
func newURLEndpoint(rawURL string) (*endpoint, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse quotes the input in its error; say only where it failed.
		return nil, errors.New("parsing node URL: malformed URL")
	}
	ep := &endpoint{rawURL: rawURL, owned: true}
	switch u.Scheme {
	case "http", "https":
	case "ws", "wss":
		ep.subs = true
	case "":
		ep.subs = true // an IPC socket path
		ep.name = rawURL
		return ep, nil
	default:
		return nil, fmt.Errorf("parsing node URL: scheme %q: want http, https, ws, wss or an IPC path", u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("parsing node URL %s: no host", (&url.URL{Scheme: u.Scheme}).String())
	}
	short := &url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host}
	ep.name = short.Redacted()
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		ep.name += "/..."
	}
	if p, ok := u.User.Password(); ok && p != "" {
		ep.secrets = append(ep.secrets, p, url.QueryEscape(p), url.PathEscape(p))
	}
	for _, s := range []string{u.EscapedPath(), u.Path, u.RawQuery, u.Fragment} {
		if len(s) > 1 {
			ep.secrets = append(ep.secrets, s)
		}
	}
	return ep, nil
}

// client returns the endpoint's connection, dialling it first when an
// earlier dial failed.
func (ep *endpoint) client(ctx context.Context) (*rpc.Client, error) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.rc != nil {
		return ep.rc, nil
	}
	rc, err := rpc.DialOptions(ctx, ep.rawURL, rpc.WithHTTPClient(&http.Client{Transport: retryAfterTransport{http.DefaultTransport}}),
		// A batch of a dense chain's blocks outgrows the default 32 MB.
		rpc.WithWebsocketMessageSizeLimit(512<<20))
	if err != nil {
		return nil, ep.scrub(fmt.Errorf("dialling: %w", err))
	}
	ep.rc = rc
	return rc, nil
}

func (ep *endpoint) close() {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.owned && ep.rc != nil {
		ep.rc.Close()
		ep.rc = nil
	}
}

// scrub returns err with every secret fragment of the URL masked in its
// message; errors.Is and errors.As still see the original.
func (ep *endpoint) scrub(err error) error {
	if err == nil || len(ep.secrets) == 0 {
		return err
	}
	msg := err.Error()
	clean := msg
	for _, s := range ep.secrets {
		clean = strings.ReplaceAll(clean, s, "xxxxx")
	}
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// retryAfterKey marks the context value through which retryAfterTransport
// hands the Retry-After of a 429 or 503 answer back to the attempt that
// caused it. The go-ethereum client drops response headers, so this is the
// only way to honour them.
type retryAfterKey struct{}

type retryAfterBox struct {
	mu sync.Mutex
	d  time.Duration
}

func (b *retryAfterBox) get() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.d
}

type retryAfterTransport struct{ base http.RoundTripper }

func (t retryAfterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return resp, err
	}
	box, _ := r.Context().Value(retryAfterKey{}).(*retryAfterBox)
	if box == nil {
		return resp, nil
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		box.mu.Lock()
		box.d = d
		box.mu.Unlock()
	}
	return resp, nil
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
