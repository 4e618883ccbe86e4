package api

import (
	"log/slog"
	"net/http"
	"time"
)

// The API's middleware, outermost first (NewServer assembles it):
//
//  1. observe: logs every request and counts and times it per route, so
//     refused and timed-out requests are measured too;
//  2. allowCORS: lets browser apps read every answer, errors and 429s
//     included, and answers preflight OPTIONS requests itself;
//  3. limitRate: refuses a client over its token bucket with 429 before
//     any work is done (middleware_ratelimit.go);
//  4. finishAnswers: holds each answer until the handler is done, to
//     replace a timed-out one with 503, set ETag, answer If-None-Match
//     with 304, set Cache-Control and gzip it (middleware_answer.go), and
//     answers trending from the per-head answer cache (answer_cache.go).
//
// Then the ServeMux and the handlers.

// observe logs every request once it is answered and records it in m. The
// route is the pattern mux served the request with, as finishAnswers
// reports it; requests refused on the way, or answered from the answer
// cache, never reach mux and are routed here, so they are labelled with
// the route they asked for too.
func observe(logger *slog.Logger, m *metrics, mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := rec.route
		if route == "" || methodLabel(r.Method) == "other" {
			route = routeLabel(mux, r)
		}
		took := time.Since(start)
		m.observe(route, r.Method, rec.status, took)
		// Checked first: building the attributes costs allocations on
		// every request even when the level drops them.
		if !logger.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		logger.InfoContext(r.Context(), "request",
			"method", r.Method,
			"path", r.URL.Path,
			"route", route,
			"status", rec.status,
			"duration", took,
		)
	})
}

// statusRecorder remembers the status an answer was sent with and the
// route it was served by.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	// route is the ServeMux pattern that served the request, as mux set
	// it on the request it was given; "" when mux did not serve it.
	route string
}

func (s *statusRecorder) WriteHeader(status int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = status, true
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	s.wroteHeader = true
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
