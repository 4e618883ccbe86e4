package chain_test

import (
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
)

func TestEndpointNamesHideCredentials(t *testing.T) {
	tests := []struct {
		url, name string
		secrets   []string
	}{
		{"http://127.0.0.1:8545", "http://127.0.0.1:8545", nil},
		{"https://mainnet.infura.io/v3/0123abcd", "https://mainnet.infura.io/...", []string{"0123abcd"}},
		{"wss://eth-mainnet.g.alchemy.com/v2/KEYKEY", "wss://eth-mainnet.g.alchemy.com/...", []string{"KEYKEY"}},
		{"https://user:hunter2@node.example:8545/", "https://user:xxxxx@node.example:8545", []string{"hunter2"}},
		{"https://node.example/?apikey=SEKRIT", "https://node.example/...", []string{"SEKRIT"}},
		{"/var/run/geth.ipc", "/var/run/geth.ipc", nil},
	}
	for _, tt := range tests {
		name, scrubbed, err := chain.EndpointName(tt.url, `Post "`+tt.url+`": connection refused`)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if name != tt.name {
			t.Errorf("name of %s = %q, want %q", tt.url, name, tt.name)
		}
		for _, s := range tt.secrets {
			if strings.Contains(name, s) || strings.Contains(scrubbed, s) {
				t.Errorf("%s: secret %q shows in %q or %q", tt.url, s, name, scrubbed)
			}
		}
		if !strings.Contains(scrubbed, "connection refused") {
			t.Errorf("%s: scrubbing lost the message: %q", tt.url, scrubbed)
		}
	}
}

func TestDialEndpointsRejectsBadURLs(t *testing.T) {
	for _, urls := range [][]string{
		nil,
		{"ftp://node.example"},
		{"http://127.0.0.1:8545", "https://"},
		{"http://a b.example/%zz"},
	} {
		_, err := chain.DialEndpoints(t.Context(), urls, nil, nil, chain.Options{})
		if discovery.ErrorCode(err) != discovery.EINVALID {
			t.Errorf("DialEndpoints(%q) = %v, want an EINVALID error", urls, err)
		}
		if err != nil && strings.Contains(err.Error(), "%zz") {
			t.Errorf("error quotes the URL: %v", err)
		}
	}
}
