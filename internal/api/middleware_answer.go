package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/gzip"
)

// minGzipSize is the smallest body worth compressing. A smaller answer
// and its header fields (about 250 bytes) fit in one TCP segment (1,460
// bytes on Ethernet), so compressing it saves no packet and no round trip,
// only CPU: gzip was an eighth of the server's CPU on single-user
// lookups, whose answers are about 1 KiB.
const minGzipSize = 1200

// noStoreRoutes are never cached: /health_check tells a load balancer
// about this moment.
var noStoreRoutes = map[string]bool{"GET /health_check": true}

// answerOptions configure finishAnswers.
type answerOptions struct {
	timeout     time.Duration // zero: none
	cacheMaxAge time.Duration // zero: "no-cache", always revalidate
	cache       *answerCache  // nil: none
	metrics     *metrics
	logger      *slog.Logger
}

// finishAnswers runs next with the request's deadline and holds its answer
// until it is done, then:
//
//   - replaces a failed answer to a request that ran out of time with a
//     JSON 503 (the handlers see the deadline through the context, which both
//     stores honour, so a slow query is cancelled rather than left running);
//   - gives every 200 a strong ETag, the hash of its body, and answers a
//     matching If-None-Match with 304 and no body;
//   - sets Cache-Control when the handler did not: `public, max-age=N` on
//     200s and redirects (the index changes with every block, so N is a few
//     seconds: Config.CacheMaxAge), `no-store` on errors and /health_check;
//   - gzips bodies of at least minGzipSize bytes for clients that accept it;
//   - answers the routes of the answer cache from it, finished as above
//     once per indexed head (answer_cache.go).
//
// It must wrap the ServeMux directly: it reads the route from r.Pattern,
// which the mux sets on the request it is given.
func finishAnswers(opts answerOptions, next http.Handler) http.Handler {
	cacheControl := "no-cache"
	if s := int64(opts.cacheMaxAge / time.Second); s > 0 {
		cacheControl = "public, max-age=" + strconv.FormatInt(s, 10)
	}
	// Header values shared by every answer rather than made for each;
	// header values are never changed in place, only replaced.
	cacheControlValue, noStore := []string{cacheControl}, []string{"no-store"}
	// finish runs next into a and completes its answer, all but the
	// ETag and gzip that sending it adds.
	finish := func(a *answer, r *http.Request) {
		next.ServeHTTP(a, r)

		// A handler that finished in time keeps its answer, even if the
		// deadline passed while it was being sent here.
		if a.status >= 500 && errors.Is(r.Context().Err(), context.DeadlineExceeded) {
			opts.metrics.timeouts.Inc()
			a.reset()
			msg := fmt.Sprintf("the request took longer than %s and was abandoned: try again, or ask for less (a smaller limit, a narrower query)", opts.timeout)
			writeJSON(a, r, opts.logger, http.StatusServiceUnavailable, errorBody{Error: msg})
		}
		if a.header.Get("Cache-Control") == "" {
			switch {
			case a.status >= 400 || noStoreRoutes[r.Pattern]:
				a.header["Cache-Control"] = noStore
			case a.status == http.StatusOK || a.status == http.StatusFound:
				a.header["Cache-Control"] = cacheControlValue
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opts.timeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), opts.timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		if opts.cache != nil && opts.cache.serve(w, r, finish, cacheControl) {
			tellRoute(w, r)
			return
		}
		a := getAnswer()
		defer putAnswer(a)
		finish(a, r)
		tellRoute(w, r)
		a.send(w, r, opts.logger)
	})
}

// tellRoute passes the pattern mux served r with (which mux set on r) to
// observe, so that it need not route r a second time.
func tellRoute(w http.ResponseWriter, r *http.Request) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.route = r.Pattern
	}
}

var varyAcceptEncoding = []string{"Accept-Encoding"}

// answer is an answer held back until its handler is done.
type answer struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
	zipped      bytes.Buffer
}

var answers = sync.Pool{New: func() any { return &answer{header: http.Header{}} }}

func getAnswer() *answer { return answers.Get().(*answer) }

// putAnswer recycles a, unless one huge answer would keep its buffers
// alive for good.
func putAnswer(a *answer) {
	if a.body.Cap() > 1<<20 || a.zipped.Cap() > 1<<20 {
		return
	}
	a.reset()
	answers.Put(a)
}

func (a *answer) reset() {
	clear(a.header)
	a.status, a.wroteHeader = 0, false
	a.body.Reset()
	a.zipped.Reset()
}

func (a *answer) Header() http.Header { return a.header }

func (a *answer) WriteHeader(status int) {
	if !a.wroteHeader {
		a.status, a.wroteHeader = status, true
	}
}

func (a *answer) Write(p []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(p)
}

// send writes a to w: as a 304 when the client holds the same version, else
// with ETag, Content-Length and, when it pays, gzip.
func (a *answer) send(w http.ResponseWriter, r *http.Request, logger *slog.Logger) {
	if !a.wroteHeader {
		a.WriteHeader(http.StatusOK)
	}
	body := a.body.Bytes()
	var tag string
	if a.status == http.StatusOK && len(body) > 0 && a.header.Get("ETag") == "" {
		tag = bodyTag(body)
	}
	compressible := isCompressible(a.header.Get("Content-Type")) && a.header.Get("Content-Encoding") == ""
	if compressible {
		if len(a.header["Vary"]) == 0 {
			a.header["Vary"] = varyAcceptEncoding
		} else {
			a.header.Add("Vary", "Accept-Encoding")
		}
	}
	zip := compressible && len(body) >= minGzipSize && acceptsGzip(r.Header.Get("Accept-Encoding"))
	if tag != "" && ifNoneMatch(r.Header.Get("If-None-Match"), tag) {
		h := w.Header()
		for _, k := range []string{"Cache-Control", "Vary"} {
			if v := a.header.Values(k); len(v) > 0 {
				h[k] = v
			}
		}
		h.Set("ETag", quoteTag(tag, zip))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if zip {
		if err := gzipTo(&a.zipped, body); err != nil {
			logger.WarnContext(r.Context(), "gzip answer", "path", r.URL.Path, "err", err)
		} else {
			body = a.zipped.Bytes()
			a.header.Set("Content-Encoding", "gzip")
			if tag != "" {
				a.header.Set("ETag", quoteTag(tag, true))
			}
		}
	}
	if tag != "" && a.header.Get("ETag") == "" {
		a.header.Set("ETag", quoteTag(tag, false))
	}
	a.header.Set("Content-Length", strconv.Itoa(len(body)))
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	w.WriteHeader(a.status)
	if _, err := w.Write(body); err != nil {
		logger.DebugContext(r.Context(), "write answer", "path", r.URL.Path, "err", err)
	}
}

// bodyTag is the hash an answer's ETag is made of. It tells versions of
// one URL's answer apart, which a 64-bit hash does with a chance of a
// collision far below anything observable; it is no security boundary (a
// client only learns whether its copy is current). xxhash rather than
// SHA-256: the hash ran over every answer, and on a page of 100 users
// SHA-256 was 7% of the server's CPU.
func bodyTag(body []byte) string {
	return strconv.FormatUint(xxhash.Sum64(body), 16)
}

// quoteTag makes the ETag of a representation. The gzipped one is another
// representation, so it gets another strong tag: the body's hash with a
// "-gzip" suffix.
func quoteTag(hash string, gzipped bool) string {
	if gzipped {
		return `"` + hash + `-gzip"`
	}
	return `"` + hash + `"`
}

// ifNoneMatch reports whether an If-None-Match header names the body with
// the given hash, in either encoding; GET compares entity tags weakly
// (RFC 9110, 13.1.2), so W/ prefixes are ignored.
func ifNoneMatch(header, hash string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		t = strings.TrimSuffix(strings.TrimPrefix(t, `"`), `"`)
		if strings.TrimSuffix(t, "-gzip") == hash {
			return true
		}
	}
	return false
}

// acceptsGzip reads an Accept-Encoding header: gzip (or x-gzip, or *) with
// a quality above zero.
func acceptsGzip(header string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch name {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// isCompressible says whether a content type is text worth gzipping.
func isCompressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	return mt == "application/json" || mt == "application/yaml" || strings.HasPrefix(mt, "text/")
}

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // a valid level: no error
	return zw
}}

// gzipTo compresses body into dst. BestSpeed: answers are small and
// latency matters more than the last few bytes. klauspost/compress (already
// in the binary through go-ethereum) takes half the time of compress/gzip
// on a typical answer.
func gzipTo(dst *bytes.Buffer, body []byte) error {
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(dst)
	if _, err := zw.Write(body); err != nil {
		return fmt.Errorf("compress answer: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish compressed answer: %w", err)
	}
	return nil
}
