package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// referenceSpec is the Audius API specification the answers must match,
// beside the repository as the issue names it.
const referenceSpec = "../../../shared/reference/audius-api-swagger-v1.yaml"

// conformanceCase is one request of the conformance tests: a path as a
// client sends it, query included, the status it must be answered with,
// and the data set it is asked of. A 200 must not be an empty list: that
// would check no schema.
type conformanceCase struct {
	path   string
	status int
	data   dataSet
}

// dataSet names the demo data sets of the package's tests.
type dataSet int

const (
	fixtureData  dataSet = iota // fixture_test.go
	listData                    // lists_fixture_test.go: subscriptions, remixes, stems, more reposts
	trendingData                // trending_fixture_test.go, refreshed
)

// conformanceCases are the requests whose answers are checked against the
// reference and against openapi.yaml: every implemented endpoint at least
// once with demo ids, plus the errors a client can cause. Add rows as
// endpoints land, and take their paths out of notServedYet.
func conformanceCases() []conformanceCase {
	ok, bad, missing := http.StatusOK, http.StatusBadRequest, http.StatusNotFound
	fx, lists, trending := fixtureData, listData, trendingData
	viewer := "?user_id=" + bob
	return []conformanceCase{
		{"/health_check", ok, fx},
		{"/v1/openapi.yaml", ok, fx},
		{"/v1/resolve?url=/Alice/first-song", http.StatusFound, fx},
		{"/v1/resolve?url=https://audius.co/Alice/album/debut", http.StatusFound, fx},
		{"/v1/resolve?url=/nobody", missing, fx},
		{"/v1/resolve", bad, fx},

		{"/v1/users/" + alice, ok, fx},
		{"/v1/users/" + alice + viewer, ok, fx},
		{"/v1/users/" + carol, ok, fx},
		{"/v1/users/1", ok, fx},
		{"/v1/users/" + hashid404(), missing, fx},
		{"/v1/users/not-an-id!", bad, fx},
		{"/v1/users?id=" + alice + "&id=" + bob, ok, fx},
		{"/v1/users?id=" + alice + "&id=" + hashid404(), ok, fx},
		{"/v1/users", bad, fx},
		{"/v1/users/handle/alice", ok, fx},
		{"/v1/users/handle/nobody", missing, fx},
		{"/v1/users/handle/alice/tracks?sort_method=title", ok, fx},
		{"/v1/users/search?query=alice", ok, fx},
		{"/v1/users/search?query=dave&limit=1&offset=0&sort_method=popular", ok, fx},
		{"/v1/users/search?is_verified=true", ok, fx},
		{"/v1/users/search", bad, fx},
		{"/v1/users/" + alice + "/tracks", ok, fx},
		{"/v1/users/" + alice + "/tracks?limit=1&offset=1&sort=plays&sort_direction=asc&filter_tracks=public", ok, fx},
		{"/v1/users/" + alice + "/tracks?limit=500", bad, fx},
		{"/v1/users/" + alice + "/tracks?sort_method=most_listens_by_user", bad, fx},
		{"/v1/users/" + alice + "/followers" + viewer, ok, fx},
		{"/v1/users/" + alice + "/followers?offset=-1", bad, fx},
		{"/v1/users/" + alice + "/followers?user_id=not-an-id!", bad, fx},
		{"/v1/users/" + bob + "/following", ok, fx},
		{"/v1/users/" + hashid404() + "/following", missing, fx},
		{"/v1/users/" + alice + "/subscribers", ok, lists},
		{"/v1/users/" + alice + "/mutuals" + viewer, ok, lists},
		{"/v1/users/" + erin + "/related", ok, lists},
		{"/v1/users/" + bob + "/reposts" + viewer, ok, lists},
		{"/v1/users/" + bob + "/favorites", ok, fx},
		{"/v1/users/" + alice + "/playlists?sort_method=popular", ok, fx},
		{"/v1/users/" + alice + "/albums", ok, fx},
		{"/v1/users/" + bob + "/feed", ok, fx},
		{"/v1/users/" + bob + "/feed?filter=original&limit=1", ok, fx},

		{"/v1/tracks/" + track10, ok, fx},
		{"/v1/tracks/" + track10 + viewer, ok, fx},
		{"/v1/tracks/" + track11, ok, fx},
		{"/v1/tracks/" + track13, missing, fx},
		{"/v1/tracks?id=" + track10 + "&id=" + track12, ok, fx},
		{"/v1/tracks/search?query=song", ok, fx},
		{"/v1/tracks/search?query=firs&genre=Electronic&mood=Upbeat&sort_method=recent", ok, fx},
		{"/v1/tracks/search?sort_method=loudest&query=a", bad, fx},
		{"/v1/tracks/trending", ok, trending},
		{"/v1/tracks/trending?time=allTime&genre=Electronic&limit=5&user_id=" + bob, ok, trending},
		{"/v1/tracks/trending?time=decade", bad, trending},
		{"/v1/tracks/trending/ids", ok, trending},
		{"/v1/tracks/" + track10 + "/reposts", ok, fx},
		{"/v1/tracks/" + track10 + "/favorites" + viewer, ok, fx},
		{"/v1/tracks/" + track10 + "/remixes", ok, lists},
		{"/v1/tracks/" + track10 + "/stems", ok, lists},
		{"/v1/tracks/" + track13 + "/reposts", missing, fx},

		{"/v1/playlists/" + playlist20, ok, fx},
		{"/v1/playlists/" + album21 + viewer, ok, fx},
		{"/v1/playlists/" + playlist22, missing, fx},
		{"/v1/playlists?id=" + playlist20 + "&id=" + album21, ok, fx},
		{"/v1/playlists/by_permalink/alice/road-trip", ok, fx},
		{"/v1/playlists/by_permalink/alice/nothing", missing, fx},
		{"/v1/playlists/search?query=road", ok, fx},
		{"/v1/playlists/trending", ok, trending},
		{"/v1/playlists/trending?type=album&time=year&omit_tracks=true", ok, trending},
		{"/v1/playlists/" + album21 + "/reposts", ok, lists},
		{"/v1/playlists/" + playlist20 + "/favorites", ok, lists},
		{"/v1/playlists/" + playlist20 + "/tracks", ok, fx},

		{"/v1/full/users/" + alice, ok, fx},
		{"/v1/full/users/handle/alice" + viewer, ok, fx},
		{"/v1/full/users/" + bob + "/reposts", ok, fx},
		{"/v1/full/users/" + bob + "/feed" + viewer, ok, fx},
		{"/v1/full/tracks/" + track10, ok, fx},
		{"/v1/full/tracks/trending", ok, trending},
		{"/v1/full/playlists/" + playlist20 + viewer, ok, fx},
		{"/v1/full/resolve?url=/Alice", http.StatusFound, fx},
		{"/v1/full/users/" + hashid404(), missing, fx},
	}
}

// notServedYet are the paths openapi.yaml describes that no handler
// answers yet. Take a path out when its handler lands and add its rows to
// conformanceCases; the tests fail if a described path is in neither.
var notServedYet = []string{}

// referenceException is a requirement of the reference that Discovery
// knowingly does not meet, matched as narrowly as the validator allows:
// one reference path, one location in the answer (a JSON pointer, "*" for
// any array index) and one schema keyword. Each is also documented in
// openapi.yaml (x-discovery-unfilled or a description).
type referenceException struct {
	path    string // reference path, as in its "paths"
	pointer string // e.g. "/data/*/class"
	keyword string // the schema keyword that failed: "required", "type", ...
	reason  string
}

// referenceExceptions is empty: every implemented answer meets the
// reference. Fields the reference requires but Discovery cannot fill are
// sent with zero values and marked x-discovery-unfilled in openapi.yaml.
var referenceExceptions = []referenceException{}

// TestConformsToReference validates the answer of every conformance case
// against the response schemas of the Audius API reference.
func TestConformsToReference(t *testing.T) {
	data, err := os.ReadFile(referenceSpec)
	if err != nil {
		t.Fatalf("read the reference specification (issue 5 names it ../shared/reference beside the repository): %v", err)
	}
	router := specRouter(t, data)
	servers := conformanceServers(t)
	var checked int
	for _, tt := range conformanceCases() {
		t.Run(tt.path, func(t *testing.T) {
			req, rec := serveCase(t, servers, tt)
			// The reference has no /v1/full servers: its answers are the
			// same with a larger envelope, which its schemas allow.
			refReq := req.Clone(context.Background())
			refReq.URL.Path = strings.Replace(refReq.URL.Path, "/v1/full/", "/v1/", 1)
			route, params, err := router.FindRoute(refReq)
			if errors.Is(err, routers.ErrPathNotFound) {
				t.Logf("%s is not in the reference; checked against openapi.yaml only", tt.path)
				return
			}
			if err != nil {
				t.Fatalf("find %s in the reference: %v", tt.path, err)
			}
			checked++
			err = validateAnswer(refReq, rec, route, params, &openapi3filter.Options{MultiError: true})
			for _, e := range unexcused(t, route.Path, err) {
				t.Errorf("answer does not match the reference: %s", e)
			}
		})
	}
	if checked == 0 {
		t.Fatal("no conformance case is in the reference: the router or the table is broken")
	}
}

// TestConformsToOwnSpec validates every conformance case's request and
// answer against openapi.yaml, strictly: every status must be described,
// and the models allow no undescribed field.
func TestConformsToOwnSpec(t *testing.T) {
	router := specRouter(t, openAPIDocument)
	servers := conformanceServers(t)
	for _, tt := range conformanceCases() {
		t.Run(tt.path, func(t *testing.T) {
			req, rec := serveCase(t, servers, tt)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("openapi.yaml does not describe %s: %v", tt.path, err)
			}
			if tt.status < 300 {
				in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
					Options: &openapi3filter.Options{MultiError: true}}
				if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
					t.Errorf("openapi.yaml does not allow the request: %v", err)
				}
			}
			opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}
			if err := validateAnswer(req, rec, route, params, opts); err != nil {
				t.Errorf("answer does not match openapi.yaml: %v", err)
			}
		})
	}
}

// TestOwnSpecCoversEveryPath: every path openapi.yaml describes is either
// exercised by a conformance case or listed as not served yet, so the
// document cannot drift from the handlers unnoticed.
func TestOwnSpecCoversEveryPath(t *testing.T) {
	router := specRouter(t, openAPIDocument)
	covered := map[string]bool{}
	for _, tt := range conformanceCases() {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		if route, _, err := router.FindRoute(req); err == nil {
			covered[route.Path] = true
		}
	}
	doc := loadSpec(t, openAPIDocument)
	for _, path := range doc.Paths.InMatchingOrder() {
		pending := slices.Contains(notServedYet, path)
		switch {
		case covered[path] && pending:
			t.Errorf("%s has conformance cases: take it out of notServedYet", path)
		case !covered[path] && !pending:
			t.Errorf("openapi.yaml describes %s but no conformance case requests it", path)
		}
	}
	for _, path := range notServedYet {
		if doc.Paths.Value(path) == nil {
			t.Errorf("notServedYet names %s, which openapi.yaml does not describe", path)
		}
	}
}

// TestServedDocumentIsValid: /v1/openapi.yaml answers the embedded document
// and it is a valid OpenAPI 3.0 document.
func TestServedDocumentIsValid(t *testing.T) {
	h, _ := newTestServer(t, newStore(t), 3)
	rec := httptestDo(h, http.MethodGet, "/v1/openapi.yaml")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type %q, want application/yaml", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), openAPIDocument) {
		t.Error("served document differs from the embedded one")
	}
	doc := loadSpec(t, rec.Body.Bytes())
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
}

// TestConformanceCatchesDrift: the validators reject an answer that lost
// a field the reference requires, or gained one openapi.yaml does not
// describe, so the conformance tests can fail.
func TestConformanceCatchesDrift(t *testing.T) {
	ref, err := os.ReadFile(referenceSpec)
	if err != nil {
		t.Fatalf("read the reference specification: %v", err)
	}
	h, _ := newTestServer(t, newFixtureStore(t), 3)
	tests := []struct {
		name    string
		spec    []byte
		path    string
		mutate  func(data map[string]any)
		wantErr string
	}{
		{"reference: a required field missing", ref, "/v1/users/" + alice,
			func(d map[string]any) { delete(d, "handle") }, `property "handle" is missing`},
		{"reference: a field of the wrong type", ref, "/v1/tracks/" + track10,
			func(d map[string]any) { d["play_count"] = "42" }, "play_count"},
		{"openapi.yaml: an undescribed field", openAPIDocument, "/v1/tracks/" + track10,
			func(d map[string]any) { d["surprise"] = true }, `property "surprise" is unsupported`},
		{"openapi.yaml: a required field missing", openAPIDocument, "/v1/users/" + alice,
			func(d map[string]any) { delete(d, "wallet") }, `property "wallet" is missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			router := specRouter(t, tt.spec)
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var body map[string]map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			tt.mutate(body["data"])
			doctored := httptest.NewRecorder()
			for k, v := range rec.Header() {
				doctored.Header()[k] = v
			}
			if err := json.NewEncoder(doctored.Body).Encode(body); err != nil {
				t.Fatal(err)
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			err = validateAnswer(req, doctored, route, params, &openapi3filter.Options{MultiError: true})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("validation error %v, want one saying %s", err, tt.wantErr)
			}
		})
	}
}

// TestUnexcused checks the exception filter itself, so that an exception
// can neither hide other errors nor be ignored.
func TestUnexcused(t *testing.T) {
	saved := referenceExceptions
	t.Cleanup(func() { referenceExceptions = saved })
	referenceExceptions = []referenceException{{path: "/users/{id}/reposts", pointer: "/data/*/class", keyword: "required", reason: "test"}}

	schema := openapi3.NewObjectSchema().WithProperty("data", openapi3.NewArraySchema().WithItems(
		openapi3.NewObjectSchema().WithProperty("class", openapi3.NewStringSchema()).WithProperty("n", openapi3.NewIntegerSchema())))
	schema.Properties["data"].Value.Items.Value.Required = []string{"class"}
	value := map[string]any{"data": []any{map[string]any{"n": "not a number"}}}
	err := schema.VisitJSON(value, openapi3.MultiErrors())
	if err == nil {
		t.Fatal("the test value passes its schema")
	}
	got := unexcused(t, "/users/{id}/reposts", err)
	if len(got) != 1 || !strings.Contains(got[0], "/data/0/n") {
		t.Errorf("unexcused on the excepted path = %q, want only the /data/0/n error", got)
	}
	if got := unexcused(t, "/users/{id}/favorites", err); len(got) != 2 {
		t.Errorf("unexcused on another path = %q, want both errors", got)
	}
}

// conformanceServers serve each data set with the test configuration.
func conformanceServers(t *testing.T) map[dataSet]http.Handler {
	t.Helper()
	out := map[dataSet]http.Handler{}
	for data, store := range map[dataSet]Store{
		fixtureData:  newFixtureStore(t),
		listData:     newListStore(t),
		trendingData: newTrendingStore(t, true),
	} {
		out[data], _ = newTestServer(t, store, 3)
	}
	return out
}

// serveCase answers one case and checks its status, and that a 200 list
// is not empty.
func serveCase(t *testing.T, servers map[dataSet]http.Handler, tt conformanceCase) (*http.Request, *httptest.ResponseRecorder) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, tt.path, nil)
	rec := httptest.NewRecorder()
	servers[tt.data].ServeHTTP(rec, req)
	if rec.Code != tt.status {
		t.Fatalf("GET %s: status %d, want %d; body %s", tt.path, rec.Code, tt.status, rec.Body)
	}
	if rec.Code == http.StatusOK && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		var body struct{ Data any }
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		}
		if list, ok := body.Data.([]any); ok && len(list) == 0 {
			t.Fatalf("GET %s: an empty list checks no schema: ask for something the data set has", tt.path)
		}
	}
	return req, rec
}

// loadSpec parses and validates an OpenAPI document.
func loadSpec(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("load OpenAPI document: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("validate OpenAPI document: %v", err)
	}
	return doc
}

func specRouter(t *testing.T, data []byte) routers.Router {
	t.Helper()
	router, err := gorillamux.NewRouter(loadSpec(t, data))
	if err != nil {
		t.Fatalf("route OpenAPI document: %v", err)
	}
	return router
}

// validateAnswer validates a recorded answer against the operation route
// describes.
func validateAnswer(req *http.Request, rec *httptest.ResponseRecorder, route *routers.Route, params map[string]string, opts *openapi3filter.Options) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                opts,
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

var arrayIndex = regexp.MustCompile(`/[0-9]+(/|$)`)

// unexcused returns the messages of the validation errors in err that no
// referenceException of refPath covers. Errors other than schema errors
// are never excused.
func unexcused(t *testing.T, refPath string, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var out []string
	for _, e := range flatten(err) {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) {
			out = append(out, e.Error())
			continue
		}
		pointer := "/" + strings.Join(se.JSONPointer(), "/")
		pattern := pointer
		for arrayIndex.MatchString(pattern) {
			pattern = arrayIndex.ReplaceAllString(pattern, "/*$1")
		}
		excused := slices.ContainsFunc(referenceExceptions, func(x referenceException) bool {
			return x.path == refPath && x.pointer == pattern && x.keyword == se.SchemaField
		})
		if !excused {
			out = append(out, pointer+": "+se.Error())
		}
	}
	return out
}

// flatten lists the errors inside err: kin-openapi reports schema errors
// as a MultiError, possibly nested, inside a ResponseError.
func flatten(err error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
