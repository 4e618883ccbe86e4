package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestRouteMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := newConfiguredServer(t, Config{Registerer: reg}, newFixtureStore(t))
	requests := []struct{ method, path string }{
		{http.MethodGet, "/v1/users/" + alice},
		{http.MethodGet, "/v1/users/" + bob},
		{http.MethodGet, "/v1/users/" + hashid404()},
		{http.MethodGet, "/v1/users/" + alice + "/followers"},
		{http.MethodGet, "/no/such/path/one"},
		{http.MethodGet, "/no/such/path/two"},
		{http.MethodOptions, "/v1/users/" + alice},
		{"BREW", "/v1/users/" + alice},
		{http.MethodGet, "/health_check"},
	}
	for _, r := range requests {
		do(h, r.method, r.path, nil)
	}

	counts := []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"route": "GET /v1/users/{id}", "method": "GET", "code": "2xx"}, 2},
		{map[string]string{"route": "GET /v1/users/{id}", "method": "GET", "code": "4xx"}, 1},
		{map[string]string{"route": "GET /v1/users/{id}/{list}", "method": "GET", "code": "2xx"}, 1},
		{map[string]string{"route": "/", "method": "GET", "code": "4xx"}, 2},
		{map[string]string{"route": "GET /v1/users/{id}", "method": "OPTIONS", "code": "2xx"}, 1},
		{map[string]string{"route": "unmatched", "method": "other", "code": "4xx"}, 1},
		{map[string]string{"route": "GET /health_check", "method": "GET", "code": "2xx"}, 1},
	}
	for _, c := range counts {
		if got := counterValue(t, reg, "discovery_api_requests_total", c.labels); got != c.want {
			t.Errorf("requests %v = %v, want %v", c.labels, got, c.want)
		}
	}
	// Latency is by route only: the three GETs and the preflight.
	if got := histogramCount(t, reg, "discovery_api_request_duration_seconds", map[string]string{"route": "GET /v1/users/{id}"}); got != 4 {
		t.Errorf("latency observations of GET /v1/users/{id} = %d, want 4", got)
	}

	// Label values are patterns only: no raw path or made-up method leaks.
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if v := l.GetValue(); strings.Contains(v, alice) || strings.Contains(v, "such") || v == "BREW" {
					t.Errorf("%s has the label %s=%q, taken from the request", f.GetName(), l.GetName(), v)
				}
			}
		}
	}
}

func TestMetricsOnSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := newFixtureStore(t)
	newConfiguredServer(t, Config{Registerer: reg}, s)
	// A second server on the same registry loses its metrics, not its
	// ability to serve.
	h := newConfiguredServer(t, Config{Registerer: reg}, s)
	if rec := do(h, http.MethodGet, "/v1/users/"+alice, nil); rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", rec.Code)
	}
}

// metricWith finds the metric of family name whose labels include want.
func metricWith(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) *dto.Metric {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if got[k] != v {
					continue next
				}
			}
			return m
		}
	}
	return nil
}

// counterValue is the value of a counter, 0 when it was never counted.
func counterValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	m := metricWith(t, reg, name, labels)
	if m == nil {
		return 0
	}
	return m.GetCounter().GetValue()
}

// histogramCount is how many observations a histogram holds.
func histogramCount(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) uint64 {
	t.Helper()
	m := metricWith(t, reg, name, labels)
	if m == nil {
		return 0
	}
	return m.GetHistogram().GetSampleCount()
}
