package benchtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRPCCounter checks the proxy forwards requests and counts requests,
// calls (a batch's elements each) and bytes both ways.
func TestRPCCounter(t *testing.T) {
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"echo":` + string(b) + `}`))
	}))
	defer node.Close()
	c, err := startRPCCounter(node.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	tests := []struct {
		body  string
		calls int64
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`, 1},
		{` [{"id":1,"method":"a"},{"id":2,"method":"b"},{"id":3,"method":"c"}]`, 3},
		{`[not json`, 1},
	}
	var calls, bytes int64
	for _, tt := range tests {
		resp, err := http.Post(c.url, "application/json", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"echo":` + tt.body + `}`; string(b) != want {
			t.Errorf("answer %q, want %q", b, want)
		}
		calls += tt.calls
		bytes += int64(len(tt.body) + len(b))
	}
	if got := c.requests.Load(); got != int64(len(tests)) {
		t.Errorf("%d requests counted, want %d", got, len(tests))
	}
	if got := c.calls.Load(); got != calls {
		t.Errorf("%d calls counted, want %d", got, calls)
	}
	if got := c.bytes.Load(); got != bytes {
		t.Errorf("%d bytes counted, want %d", got, bytes)
	}
}
