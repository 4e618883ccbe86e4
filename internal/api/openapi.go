package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the OpenAPI 3.0 description of this API, kept beside
// the handlers it describes and checked against their answers in
// conformance_test.go.
//
//go:embed openapi.yaml
var openAPIDocument []byte

// handleOpenAPI serves the document. It changes only with a new build, so
// clients may keep it for an hour; the ETag lets them revalidate after.
func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(openAPIDocument) // a failed write means the client left
	})
}

// addOpenAPIRoutes serves the document at /v1/openapi.yaml.
func addOpenAPIRoutes(mux *http.ServeMux) {
	mux.Handle("GET /v1/openapi.yaml", handleOpenAPI())
}
