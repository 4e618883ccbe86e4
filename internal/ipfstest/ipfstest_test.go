package ipfstest

import (
	"bytes"
	"strings"
	"testing"
)

func TestStartAndAdd(t *testing.T) {
	n := Start(t)
	data := []byte(`{"name":"ipfstest"}`)
	tests := []struct {
		name    string
		version int
		extra   []string
		prefix  string
	}{
		{"v0 dag-pb", 0, nil, "Qm"},
		{"v1 raw leaves", 1, nil, "bafk"},
		{"v1 dag-pb", 1, []string{"--raw-leaves=false"}, "bafy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cid := n.Add(t, data, tt.version, tt.extra...)
			if !strings.HasPrefix(cid, tt.prefix) {
				t.Fatalf("cid %s, want prefix %s", cid, tt.prefix)
			}
			block := n.Block(t, cid)
			if !bytes.Contains(block, data) {
				t.Fatalf("block %x does not contain the added data", block)
			}
		})
	}
}

func TestListenPort(t *testing.T) {
	tests := []struct {
		line, prefix, want string
		ok                 bool
	}{
		{"Gateway server listening on /ip4/127.0.0.1/tcp/40124", "Gateway server listening on ", "40124", true},
		{"RPC API server listening on /ip4/127.0.0.1/tcp/1", "RPC API server listening on ", "1", true},
		{"RPC API server listening on /ip4/127.0.0.1/udp/1", "RPC API server listening on ", "", false},
		{"WebUI: http://127.0.0.1:1/webui", "Gateway server listening on ", "", false},
		{"Gateway server listening on /ip4/127.0.0.1/tcp/x", "Gateway server listening on ", "", false},
	}
	for _, tt := range tests {
		got, ok := listenPort(tt.line, tt.prefix)
		if got != tt.want || ok != tt.ok {
			t.Errorf("listenPort(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}
