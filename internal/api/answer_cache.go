package api

import (
	"container/list"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// The answer cache keeps the finished answers (body, gzipped body, ETag,
// header) of the few routes whose answer is the same for every client and
// asked by all of them with the same parameters: trending (see
// sharedAnswerRoutes). It is exact: an answer is served only while the
// indexed head is the block it was computed at, so a client never sees an
// answer older than the head at the moment it asked. What a computation
// reads may be newer than that head (a block applied meanwhile), which
// keeps answers monotonic per URL. Answers to a viewer (user_id), errors
// and anything but a plain 200 are never kept.
//
// Two things are as of the computation rather than of each hit: the
// /v1/full envelope's timestamp and chain head, at most one block old;
// and trending's rankings, which the store recomputes on its own schedule
// (RefreshTrending): a refresh at the same head shows from the next block
// on. Keying on the rankings' own block would need the store to tell it.

// answerKey names one cached answer: the route, the request's parameters
// in canonical order, and the head it was computed at.
type answerKey struct {
	route string
	query string
	head  uint64
	hash  common.Hash
}

// cachedAnswer is a finished answer: a hit sends it as it is, with no
// JSON and no gzip.
type cachedAnswer struct {
	key    answerKey
	header http.Header // the handler's fields, Cache-Control and Vary; never changed once cached
	body   []byte
	zipped []byte // nil when the body is not worth compressing
	tag    string // the body's hash, for If-None-Match
	// The per-representation fields, made once.
	plainTag, zippedTag, plainLen, zippedLen []string
	size                                     int64
}

// entryOverhead is a rough count of the bytes an entry takes beside its
// bodies: the key, the header and the bookkeeping.
const entryOverhead = 512

// answerCache is the per-head cache of finished answers.
type answerCache struct {
	budget  int64
	routes  map[string]string // request path → route label
	heads   *headReader
	metrics *metrics
	logger  *slog.Logger

	mu      sync.Mutex
	head    discovery.BlockRef // the newest head read; only its answers are kept
	entries map[answerKey]*list.Element
	lru     list.List // of *cachedAnswer, most recently used first
	bytes   int64
	flights map[answerKey]*flight
	waiting int // requests waiting on a flight; tests wait for it
}

// flight is one computation of an answer that requests for the same key
// wait for rather than compute it again.
type flight struct {
	done   chan struct{}
	answer *cachedAnswer // nil: the answer was not cacheable
	// retry is set when the computing request was cancelled: its failure
	// says nothing about the answer, so a waiter computes it anew.
	retry bool
}

// newAnswerCache returns a cache of at most budget bytes for the paths
// given, or nil for none when budget is 0.
func newAnswerCache(budget int64, routes map[string]string, store Store, m *metrics, logger *slog.Logger) *answerCache {
	if budget <= 0 || len(routes) == 0 {
		return nil
	}
	c := &answerCache{
		budget:  budget,
		routes:  routes,
		metrics: m,
		logger:  logger,
		entries: map[answerKey]*list.Element{},
		flights: map[answerKey]*flight{},
	}
	c.heads = &headReader{read: store.Head, changed: c.headChanged}
	return c
}

// headChanged drops every answer of another head: none can be served
// again unless the chain went back to that very block.
func (c *answerCache) headChanged(head discovery.BlockRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.head = head
	for e := c.lru.Front(); e != nil; {
		next := e.Next()
		if a := e.Value.(*cachedAnswer); a.key.head != head.Number || a.key.hash != head.Hash {
			c.remove(e, "head")
		}
		e = next
	}
}

// remove drops e; c.mu must be held.
func (c *answerCache) remove(e *list.Element, reason string) {
	a := c.lru.Remove(e).(*cachedAnswer)
	delete(c.entries, a.key)
	c.bytes -= a.size
	c.metrics.cacheEvictions.WithLabelValues(reason).Inc()
	c.metrics.cacheBytes.Set(float64(c.bytes))
}

// add keeps a, unless the head has moved on since it was computed or it
// is larger than the whole budget, evicting the least recently used
// answers to make room.
func (c *answerCache) add(a *cachedAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a.size > c.budget || a.key.head != c.head.Number || a.key.hash != c.head.Hash {
		return
	}
	if old, ok := c.entries[a.key]; ok {
		c.remove(old, "replaced")
	}
	for c.bytes+a.size > c.budget {
		c.remove(c.lru.Back(), "budget")
	}
	c.entries[a.key] = c.lru.PushFront(a)
	c.bytes += a.size
	c.metrics.cacheBytes.Set(float64(c.bytes))
}

// keyOf returns the cache key of r, or false when r is not to be answered
// from the cache: not an opted-in route, a viewer's request, or no head.
func (c *answerCache) keyOf(r *http.Request) (answerKey, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return answerKey{}, false
	}
	route, ok := c.routes[r.URL.Path]
	if !ok {
		return answerKey{}, false
	}
	q := r.URL.Query()
	// user_id personalises the answer (the viewer fields). The API reads
	// no other personal parameter and no header but the ones that pick a
	// representation (Accept-Encoding, If-None-Match), which every hit
	// does anew.
	if _, viewer := q["user_id"]; viewer {
		return answerKey{}, false
	}
	head, ok, err := c.heads.head(r.Context())
	if err != nil || !ok {
		if err != nil && r.Context().Err() == nil {
			c.logger.WarnContext(r.Context(), "answer cache: read the indexed head", "err", err)
		}
		return answerKey{}, false
	}
	return answerKey{route: route, query: q.Encode(), head: head.Number, hash: head.Hash}, true
}

// serve answers r from the cache, or computes its answer with finish,
// once for all the requests asking the same meanwhile, and keeps it. It
// returns false, having written nothing, when r is to be answered
// without the cache.
func (c *answerCache) serve(w http.ResponseWriter, r *http.Request, finish func(*answer, *http.Request), cacheControl string) bool {
	k, ok := c.keyOf(r)
	if !ok {
		return false
	}
	for {
		c.mu.Lock()
		if e, ok := c.entries[k]; ok {
			c.lru.MoveToFront(e)
			c.mu.Unlock()
			c.metrics.cacheHits.WithLabelValues(k.route).Inc()
			e.Value.(*cachedAnswer).send(w, r, c.logger)
			return true
		}
		f, waiting := c.flights[k]
		if waiting {
			c.waiting++
		} else {
			f = &flight{done: make(chan struct{})}
			c.flights[k] = f
		}
		c.mu.Unlock()
		if !waiting {
			c.compute(w, r, k, f, finish, cacheControl)
			return true
		}
		var ended bool
		select {
		case <-f.done:
		case <-r.Context().Done():
			ended = true
		}
		c.mu.Lock()
		c.waiting--
		c.mu.Unlock()
		if ended {
			return false // answered without the cache: the handler sees the context's end
		}
		if f.answer != nil {
			c.metrics.cacheHits.WithLabelValues(k.route).Inc()
			f.answer.send(w, r, c.logger)
			return true
		}
		if !f.retry {
			return false
		}
	}
}

// compute answers r with finish as the flight f for key k, keeping the
// answer when it is cacheable.
func (c *answerCache) compute(w http.ResponseWriter, r *http.Request, k answerKey, f *flight, finish func(*answer, *http.Request), cacheControl string) {
	c.metrics.cacheMisses.WithLabelValues(k.route).Inc()
	a := getAnswer()
	defer putAnswer(a)
	// Deferred so that waiters are let go even if the handler panics.
	defer func() {
		c.mu.Lock()
		delete(c.flights, k)
		c.mu.Unlock()
		close(f.done)
	}()
	finish(a, r)
	if !cacheable(a, cacheControl) {
		f.retry = r.Context().Err() != nil
		a.send(w, r, c.logger)
		return
	}
	f.answer = newCachedAnswer(k, a, c.logger)
	c.add(f.answer)
	f.answer.send(w, r, c.logger)
}

// cacheable says whether a finished answer may be kept for other clients:
// a 200 with a body whose ETag, encoding and caching are finishAnswers'
// own, that sets no cookie.
func cacheable(a *answer, cacheControl string) bool {
	h := a.header
	return a.status == http.StatusOK && a.body.Len() > 0 && h.Get("ETag") == "" && h.Get("Content-Encoding") == "" &&
		len(h["Set-Cookie"]) == 0 && h.Get("Cache-Control") == cacheControl
}

// newCachedAnswer finishes a once and for all: its hash and, when it
// pays, its gzipped body.
func newCachedAnswer(k answerKey, a *answer, logger *slog.Logger) *cachedAnswer {
	body := append([]byte(nil), a.body.Bytes()...)
	c := &cachedAnswer{key: k, header: a.header.Clone(), body: body, tag: bodyTag(body)}
	if isCompressible(c.header.Get("Content-Type")) {
		c.header.Add("Vary", "Accept-Encoding")
		if len(body) >= minGzipSize {
			if err := gzipTo(&a.zipped, body); err != nil {
				logger.Warn("gzip cached answer", "route", k.route, "err", err)
			} else {
				c.zipped = append([]byte(nil), a.zipped.Bytes()...)
			}
		}
	}
	c.header.Del("Content-Length")
	c.header = c.header.Clone() // values with no spare capacity, so no append can reach them
	c.plainTag, c.zippedTag = []string{quoteTag(c.tag, false)}, []string{quoteTag(c.tag, true)}
	c.plainLen, c.zippedLen = []string{strconv.Itoa(len(c.body))}, []string{strconv.Itoa(len(c.zipped))}
	c.size = int64(len(c.body)+len(c.zipped)+len(k.route)+len(k.query)) + entryOverhead
	return c
}

var gzipEncoding = []string{"gzip"}

// send writes c to w as answer.send would: a 304 when the client holds
// it, else the gzipped body to a client that takes gzip.
func (c *cachedAnswer) send(w http.ResponseWriter, r *http.Request, logger *slog.Logger) {
	zip := c.zipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding"))
	tag := c.plainTag
	if zip {
		tag = c.zippedTag
	}
	h := w.Header()
	if inm := r.Header.Get("If-None-Match"); inm != "" && ifNoneMatch(inm, c.tag) {
		for _, k := range []string{"Cache-Control", "Vary"} {
			if v := c.header[k]; len(v) > 0 {
				h[k] = v
			}
		}
		h["Etag"] = tag
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for k, v := range c.header {
		h[k] = v
	}
	body, n := c.body, c.plainLen
	if zip {
		body, n = c.zipped, c.zippedLen
		h["Content-Encoding"] = gzipEncoding
	}
	h["Etag"] = tag
	h["Content-Length"] = n
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(body); err != nil {
		logger.DebugContext(r.Context(), "write cached answer", "path", r.URL.Path, "err", err)
	}
}

// sharedRoutes maps the request paths of routes (fixed paths, no
// wildcards) and of their /v1/full variants to the route labels the cache
// counts them under.
func sharedRoutes(paths []string) map[string]string {
	out := make(map[string]string, 2*len(paths))
	for _, p := range paths {
		out[p] = "GET " + p
		full := fullPrefix + strings.TrimPrefix(p, "/v1")
		out[full] = "GET " + full
	}
	return out
}
