package metadata

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/ipfstest"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestFetchFromKubo fetches content that a real kubo node added, through
// its RPC API and its trustless gateway, for every CID shape `ipfs add`
// produces.
func TestFetchFromKubo(t *testing.T) {
	node := ipfstest.Start(t)
	data := []byte(`{"handle":"kubo","name":"Kubo Fetch","bio":"añadido"}`)
	adds := []struct {
		name    string
		version int
		extra   []string
		prefix  string
	}{
		{"cidv0 dag-pb", 0, nil, "Qm"},
		{"cidv1 raw", 1, nil, "bafk"},
		{"cidv1 dag-pb", 1, []string{"--raw-leaves=false"}, "bafy"},
	}
	sources := []struct {
		name string
		src  Source
	}{
		{"kubo rpc", KuboRPC(node.API)},
		{"kubo gateway", Gateway(node.Gateway)},
	}
	for _, add := range adds {
		cid := node.Add(t, data, add.version, add.extra...)
		if !strings.HasPrefix(cid, add.prefix) {
			t.Fatalf("%s: ipfs add gave %s, want prefix %s", add.name, cid, add.prefix)
		}
		for _, s := range sources {
			t.Run(add.name+" via "+s.name, func(t *testing.T) {
				f := newFetcher(t, FetcherOptions{}, s.src)
				got, err := f.Fetch(context.Background(), cid)
				if err != nil {
					t.Fatalf("Fetch(%s): %v", cid, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("Fetch(%s) = %q, want %q", cid, got, data)
				}
			})
		}
	}
}

// TestFetchRefusesContent checks that content which verifies but is not
// usable metadata is refused for good, whichever source serves it.
func TestFetchRefusesContent(t *testing.T) {
	node := ipfstest.Start(t)
	bigJSON := func(n int) []byte { return []byte(`"` + strings.Repeat("a", n-2) + `"`) }
	tests := []struct {
		name    string
		data    []byte
		version int
		extra   []string
		want    error
	}{
		{"not json raw", []byte("hello, not json"), 1, nil, ErrNotJSON},
		{"not json dag-pb", []byte("{broken"), 0, nil, ErrNotJSON},
		{"empty file", []byte{}, 0, nil, ErrNotJSON},
		{"block over the limit raw", bigJSON(MaxSize + 4096), 1, nil, ErrTooLarge},
		{"block over the limit dag-pb", bigJSON(MaxSize + 4096), 0, nil, ErrTooLarge},
		{"file over the limit in a small enough block", bigJSON(MaxSize + 100), 0, nil, ErrTooLarge},
		{"file over several blocks", bigJSON(3000), 0, []string{"--chunker=size-1024"}, ErrUnsupported},
	}
	for _, tt := range tests {
		cid := node.Add(t, tt.data, tt.version, tt.extra...)
		for _, src := range []Source{KuboRPC(node.API), Gateway(node.Gateway)} {
			t.Run(tt.name+" "+src.URL, func(t *testing.T) {
				f := newFetcher(t, FetcherOptions{}, src)
				got, err := f.Fetch(context.Background(), cid)
				if !errors.Is(err, tt.want) {
					t.Fatalf("Fetch(%s) = %d bytes, %v; want %v", cid, len(got), err, tt.want)
				}
				if !Permanent(err) {
					t.Fatalf("Permanent(%v) = false", err)
				}
			})
		}
	}
}

// TestFetchFailover puts a faulty gateway before a good kubo source: the
// fault must be recognised, recorded and passed over for the next source,
// and on its own it must yield the right error.
func TestFetchFailover(t *testing.T) {
	node := ipfstest.Start(t)
	data := []byte(`{"title":"failover"}`)
	cid := node.Add(t, data, 1)
	forged := []byte(`{"title":"forged"}`)
	chunk := bytes.Repeat([]byte(" "), 4096)

	tests := []struct {
		name      string
		handler   http.HandlerFunc
		want      []error // what the faulty source alone yields
		permanent bool
		outcome   string
	}{
		{
			name:      "wrong bytes",
			handler:   func(w http.ResponseWriter, r *http.Request) { w.Write(forged) },
			want:      []error{ErrMismatch},
			permanent: true,
			outcome:   "mismatch",
		},
		{
			name:    "hangs",
			handler: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			want:    []error{ErrUnavailable, context.DeadlineExceeded},
			outcome: "unavailable",
		},
		{
			name: "stalls mid-body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`{"title":`))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			},
			want:    []error{ErrUnavailable, context.DeadlineExceeded},
			outcome: "unavailable",
		},
		{
			name:    "404",
			handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			want:    []error{ErrNotFound},
			outcome: "not_found",
		},
		{
			name:    "410",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) },
			want:    []error{ErrNotFound},
			outcome: "not_found",
		},
		{
			name:    "429",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTooManyRequests) },
			want:    []error{ErrUnavailable},
			outcome: "unavailable",
		},
		{
			name:    "502",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) },
			want:    []error{ErrUnavailable},
			outcome: "unavailable",
		},
		{
			name: "announces a huge block",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100000000")
				w.Write(chunk)
			},
			want:      []error{ErrTooLarge},
			permanent: true,
			outcome:   "too_large",
		},
		{
			name: "streams without end",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			want:      []error{ErrTooLarge},
			permanent: true,
			outcome:   "too_large",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bad := newGateway(t, tt.handler)
			// Generous enough for the good source on a loaded machine; the
			// subtests run in parallel so the hanging ones cost it once.
			opts := FetcherOptions{RequestTimeout: time.Second, Registerer: prometheus.NewRegistry()}

			f := newFetcher(t, opts, Gateway(bad.URL), Gateway(node.Gateway))
			got, err := f.Fetch(context.Background(), cid)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("with a good source after it: Fetch = %q, %v; want %q", got, err, data)
			}
			if n := bad.hits.Load(); n != 1 {
				t.Fatalf("faulty gateway asked %d times, want 1", n)
			}
			if n := counter(t, f.metrics.requests.WithLabelValues(f.sources[0].name, tt.outcome)); n != 1 {
				t.Fatalf("requests{source=%s,outcome=%s} = %v, want 1", f.sources[0].name, tt.outcome, n)
			}
			if n := counter(t, f.metrics.fetches.WithLabelValues("ok")); n != 1 {
				t.Fatalf("fetches{outcome=ok} = %v, want 1", n)
			}

			opts.Registerer = nil
			alone := newFetcher(t, opts, Gateway(bad.URL))
			_, err = alone.Fetch(context.Background(), cid)
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("alone: Fetch error %v, want %v", err, want)
				}
			}
			if Permanent(err) != tt.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, !tt.permanent, tt.permanent)
			}
		})
	}
}

// TestFetchAllSourcesFail checks how the reasons of several sources combine:
// one source that may yet have the block keeps the failure transient.
func TestFetchAllSourcesFail(t *testing.T) {
	node := ipfstest.Start(t)
	missing := node.Add(t, []byte(`{"only":"hashed"}`), 1, "--only-hash")
	present := node.Add(t, []byte(`{"real":true}`), 0)
	lying := newGateway(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"lie":1}`)) })
	down := newGateway(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })

	tests := []struct {
		name      string
		cid       string
		sources   []Source
		want      []error
		permanent bool
	}{
		{"missing everywhere", missing, []Source{KuboRPC(node.API), Gateway(node.Gateway)}, []error{ErrNotFound}, false},
		{"lying and missing", missing, []Source{Gateway(lying.URL), KuboRPC(node.API)}, []error{ErrMismatch, ErrNotFound}, false},
		{"lying and down", present, []Source{Gateway(lying.URL), Gateway(down.URL)}, []error{ErrMismatch, ErrUnavailable}, false},
		{"every source lies", present, []Source{Gateway(lying.URL), Gateway(lying.URL)}, []error{ErrMismatch}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, FetcherOptions{}, tt.sources...)
			_, err := f.Fetch(context.Background(), tt.cid)
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("Fetch error %v, want %v", err, want)
				}
			}
			if Permanent(err) != tt.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, !tt.permanent, tt.permanent)
			}
		})
	}
}

// TestFetchRefusesCIDs checks that a CID this package cannot verify or read
// is refused before any source is asked.
func TestFetchRefusesCIDs(t *testing.T) {
	gw := newGateway(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	f := newFetcher(t, FetcherOptions{}, Gateway(gw.URL))
	tests := []struct {
		cid  string
		want error
	}{
		{"", ErrInvalidCID},
		{"not a cid", ErrInvalidCID},
		{"Qm123", ErrInvalidCID},
		{"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52z", ErrInvalidCID}, // one character short
		{"QmdT7mQ23Sq7ANLDtwnQhYn2omVVUbVRwNF1bg1PauPoHF/x", ErrInvalidCID},
		{"ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", ErrInvalidCID},
		{strings.Repeat("b", 300), ErrInvalidCID},
		{"bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", ErrUnsupported}, // dag-cbor
		{cidOf(t, cid.Raw, multihash.SHA2_512), ErrUnsupported},
		{cidOf(t, cid.Raw, multihash.SHA3_256), ErrUnsupported},
		{cidOf(t, cid.Raw, multihash.IDENTITY), ErrUnsupported},
		{cidOf(t, cid.DagJSON, multihash.SHA2_256), ErrUnsupported},
		{cidOf(t, cid.Raw, multihash.SHA2_256)[1:], ErrInvalidCID}, // multibase prefix lost
		{"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy\n", ErrInvalidCID},
		{" QmdT7mQ23Sq7ANLDtwnQhYn2omVVUbVRwNF1bg1PauPoHF", ErrInvalidCID},
		{"mAXASIA", ErrInvalidCID}, // base64
	}
	for _, tt := range tests {
		t.Run(tt.cid, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), tt.cid)
			if !errors.Is(err, tt.want) || !Permanent(err) {
				t.Fatalf("Fetch(%q) error %v (permanent %v), want permanent %v", tt.cid, err, Permanent(err), tt.want)
			}
		})
	}
	if n := gw.hits.Load(); n != 0 {
		t.Fatalf("gateway asked %d times for invalid CIDs", n)
	}
}

func TestNewFetcherRefusesSources(t *testing.T) {
	for _, sources := range [][]Source{
		nil,
		{Gateway("")},
		{Gateway("ipfs.io")},
		{KuboRPC("ftp://127.0.0.1:5001")},
		{Gateway("https://ipfs.io"), Gateway("://")},
	} {
		if _, err := NewFetcher(sources, FetcherOptions{}); err == nil {
			t.Errorf("NewFetcher(%v) accepted", sources)
		}
	}
}

// gateway is an httptest server standing in for a public gateway that
// misbehaves in one particular way, counting the requests it gets.
type gateway struct {
	*httptest.Server
	hits atomic.Int64
}

func newGateway(t *testing.T, h http.HandlerFunc) *gateway {
	t.Helper()
	g := &gateway{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(g.Close)
	return g
}

func newFetcher(t *testing.T, opts FetcherOptions, sources ...Source) *Fetcher {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	f, err := NewFetcher(sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// cidOf returns a CIDv1 of some JSON under the given codec and hash.
func cidOf(t *testing.T, codec, hash uint64) string {
	t.Helper()
	mh, err := multihash.Sum([]byte(`{"x":1}`), hash, -1)
	if err != nil {
		t.Fatal(err)
	}
	return cid.NewCidV1(codec, mh).String()
}

func counter(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
