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
//     with 304, set Cache-Control and gzip it (middleware_answer.go).
//
// Then the ServeMux and the handlers.

// observe logs every request once it is answered and records it in m. The
// route is the pattern mux serves the request with, found before the
// request is answered so that requests refused on the way are labelled
// with the route they asked for.
func observe(logger *slog.Logger, m *metrics, mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := routeLabel(mux, r)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		m.observe(route, r.Method, rec.status, took)
		logger.InfoContext(r.Context(), "request",
			"method", r.Method,
			"path", r.URL.Path,
			"route", route,
			"status", rec.status,
			"duration", took,
		)
	})
}

// statusRecorder remembers the status an answer was sent with.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
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
