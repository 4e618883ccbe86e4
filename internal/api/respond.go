package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/discovery-node/discovery"
)

// envelope is the wrapper of every successful answer of the Audius API.
type envelope[T any] struct {
	Data T `json:"data"`
}

// errorBody is the answer to a request that failed.
type errorBody struct {
	Error string `json:"error"`
}

// jsonContentType is the Content-Type of JSON answers, set as one shared
// value rather than a new one per answer; header values are never changed
// in place.
var jsonContentType = []string{"application/json"}

// encode writes v as the JSON body of an answer with the given status.
func encode[T any](w http.ResponseWriter, status int, v T) error {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		return fmt.Errorf("encode json answer: %w", err)
	}
	return nil
}

// statusOf maps an error code to an HTTP status. It is the only place that
// does so.
func statusOf(err error) int {
	switch discovery.ErrorCode(err) {
	case discovery.EINVALID:
		return http.StatusBadRequest
	case discovery.ENOTFOUND:
		return http.StatusNotFound
	default:
		return http.StatusInternalServerError
	}
}

// respondError answers a failed request. Messages of errors a client can act
// on are passed on; anything else is logged and answered with a generic
// message so internal details never leak.
func respondError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status := statusOf(err)
	msg := discovery.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	writeJSON(w, r, logger, status, errorBody{Error: msg})
}

// writeJSON encodes an answer and logs, rather than returns, a failure to
// write it: by then the status is sent and the client has gone or will see a
// truncated body.
func writeJSON[T any](w http.ResponseWriter, r *http.Request, logger *slog.Logger, status int, v T) {
	if err := encode(w, status, v); err != nil {
		logger.WarnContext(r.Context(), "write answer", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// dataHandler adapts a function that answers one request with the value for
// the "data" envelope, or an error to be mapped by respondError. The value
// is filled as the request asks (answerFill: the viewer fields) before it
// is encoded.
func dataHandler[T any](logger *slog.Logger, answer func(r *http.Request) (T, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := answer(r)
		if f := answerFillOf(r); f != nil && err == nil {
			// A copy, so that data itself need not be on the heap for
			// the answers that are not filled.
			filled := data
			err = f.fill(r.Context(), &filled)
			data = filled
		}
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if writeAppended(w, r, logger, data) {
			return
		}
		writeJSON(w, r, logger, http.StatusOK, envelope[T]{Data: data})
	})
}

// jsonBuffers hold the bodies writeAppended makes.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// writeAppended answers 200 with data in the "data" envelope when data
// has a hand-written encoding (json_append.go), and reports whether it
// did.
func writeAppended(w http.ResponseWriter, r *http.Request, logger *slog.Logger, data any) bool {
	bp := jsonBuffers.Get().(*[]byte)
	b, ok := appendData(append((*bp)[:0], `{"data":`...), data)
	if ok {
		b = append(b, "}\n"...)
		w.Header()["Content-Type"] = jsonContentType
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write(b); err != nil {
			logger.WarnContext(r.Context(), "write answer", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	if cap(b) <= 1<<16 {
		*bp = b[:0]
		jsonBuffers.Put(bp)
	}
	return ok
}

// byPathValue chooses a handler by the value of one path wildcard.
func byPathValue(name string, handlers map[string]http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, ok := handlers[r.PathValue(name)]
		if !ok {
			handleNoRoute(logger).ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// handleNoRoute answers paths the API does not serve in the same JSON shape
// as every other error.
func handleNoRoute(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, logger, discovery.Errorf(discovery.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})
}
