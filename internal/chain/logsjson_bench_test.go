package chain

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/synth"
)

// synthNode serves a synthetic chain of one block of events ManageEntity
// logs and returns a client of it and the block's number.
func synthNode(tb testing.TB, events int) (*rpc.Client, uint64) {
	tb.Helper()
	ctx := context.Background()
	c, err := synth.Build(ctx, synth.Config{Seed: 7, Events: events, MinPerBlock: events, MaxPerBlock: events, PlaysPerEvent: -1}, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	s, err := synth.NewServer(c, synth.ServerOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	rc, err := rpc.DialContext(ctx, srv.URL)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(rc.Close)
	return rc, c.Head()
}

// synthLogs returns the eth_getLogs answer of a synthetic block of events
// ManageEntity logs, exactly as a node sends it.
func synthLogs(tb testing.TB, events int) []byte {
	tb.Helper()
	rc, head := synthNode(tb, events)
	var raw json.RawMessage
	filter := map[string]any{"fromBlock": hexutil.Uint64(0), "toBlock": hexutil.Uint64(head)}
	if err := rc.CallContext(context.Background(), &raw, "eth_getLogs", filter); err != nil {
		tb.Fatal(err)
	}
	return raw
}

func TestLogListSynthChain(t *testing.T) {
	in := synthLogs(t, 200)
	got, want, gotErr, wantErr := decodeBoth(t, in)
	if gotErr != nil || wantErr != nil {
		t.Fatalf("logList error %v, go-ethereum error %v", gotErr, wantErr)
	}
	if len(want) < 200 {
		t.Fatalf("the synthetic answer holds %d logs, want at least 200", len(want))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("logList decodes the synthetic answer differently from go-ethereum")
	}
}

// BenchmarkDecodeLogs decodes an eth_getLogs answer of 500 ManageEntity
// logs the way the rpc client does (json.Unmarshal of the result into the
// BatchElem's Result): into []types.Log, go-ethereum's own decoding, and
// into a logList. "direct" is logList's own pass, without the two scans
// json.Unmarshal makes before calling it.
func BenchmarkDecodeLogs(b *testing.B) {
	in := synthLogs(b, 500)
	for _, bc := range []struct {
		name   string
		decode func() error
	}{
		{"go-ethereum", func() error {
			var logs []types.Log
			return json.Unmarshal(in, &logs)
		}},
		{"logList", func() error {
			var logs logList
			return json.Unmarshal(in, &logs)
		}},
		{"logList-direct", func() error {
			var logs logList
			return logs.UnmarshalJSON(in)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.decode(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/500, "ns/log")
		})
	}
}
