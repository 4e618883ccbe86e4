package api

import (
	"net/http"
)

// allowedMethods are the methods the API serves; everything is a read.
const allowedMethods = "GET, HEAD, OPTIONS"

// The CORS fields of every answer, shared rather than made per request;
// header values are never changed in place, only replaced.
var (
	anyOrigin      = []string{"*"}
	exposedHeaders = []string{"ETag, Retry-After"}
)

// allowCORS lets web apps on any origin read every answer, as the Audius
// API does: the API is public and takes no cookies, so there are no
// credentials to protect and Access-Control-Allow-Origin is "*". ETag and
// Retry-After are exposed so apps can revalidate and back off.
//
// Any OPTIONS request is answered here with 204: a CORS preflight gets the
// allowed methods and, echoed back, the headers it asked for (the SDK sends
// its own, such as Encoded-Data-Message), valid for two hours (the most
// Chromium honours); a plain OPTIONS gets Allow.
func allowCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Access-Control-Allow-Origin"] = anyOrigin
		if r.Method != http.MethodOptions {
			h["Access-Control-Expose-Headers"] = exposedHeaders
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Allow", allowedMethods)
		if r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", allowedMethods)
			if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" && isHeaderList(asked) {
				h.Set("Access-Control-Allow-Headers", asked)
			}
			h.Set("Access-Control-Max-Age", "7200")
			h.Add("Vary", "Access-Control-Request-Headers")
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// isHeaderList reports whether s is a comma-separated list of header names
// (tokens), as a browser sends in Access-Control-Request-Headers; anything
// else is not echoed back.
func isHeaderList(s string) bool {
	if len(s) > 1024 {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-' || c == '_' || c == ',' || c == ' ':
		default:
			return false
		}
	}
	return true
}
