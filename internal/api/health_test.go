package api

import (
	"context"
	"net/http"
	"testing"
)

func TestHealthCheck(t *testing.T) {
	store := newFixtureStore(t) // indexed head: block 2
	digest, err := store.ComputeDigest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dbHead := map[string]any{
		"number":    2.0,
		"blockhash": "0x0000000000000000000000000000000000000000000000000000000000000002",
	}
	tests := []struct {
		name       string
		chainHead  uint64
		wantStatus int
		wantDiff   float64
	}{
		{"current", 2, http.StatusOK, 0},
		{"chain head behind the index", 1, http.StatusOK, 0},
		{"lagging within the limit", 2 + testConfig.HealthyBlockDiff, http.StatusOK, float64(testConfig.HealthyBlockDiff)},
		{"lagging past the limit", 3 + testConfig.HealthyBlockDiff, http.StatusInternalServerError, float64(testConfig.HealthyBlockDiff + 1)},
		{"far behind", 1_000_000, http.StatusInternalServerError, 999_998},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newTestServer(t, store, tt.chainHead)
			rec := get(t, h, "/health_check")
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			data := decodeBody[envelope[map[string]any]](t, rec.Body).Data
			assertFields(t, tt.name, data, map[string]any{
				"service":          testConfig.Service,
				"version":          testConfig.Version,
				"healthy":          tt.wantStatus == http.StatusOK,
				"block_difference": tt.wantDiff,
				"db":               dbHead,
				"web":              map[string]any{"blocknumber": float64(tt.chainHead), "blockhash": ""},
				"network":          map[string]any{"content_nodes": []any{}},
				"state_digest":     digest.String(),
			})
		})
	}
}

// TestHealthCheckEmpty: before the first indexed block the node is not
// healthy, however close the chain head is.
func TestHealthCheckEmpty(t *testing.T) {
	h, _ := newTestServer(t, newStore(t), 0)
	rec := get(t, h, "/health_check")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500; body %s", rec.Code, rec.Body)
	}
	data := decodeBody[envelope[map[string]any]](t, rec.Body).Data
	assertFields(t, "empty", data, map[string]any{
		"healthy":          false,
		"block_difference": 0.0,
		"db":               map[string]any{"number": 0.0, "blockhash": ""},
	})
}
