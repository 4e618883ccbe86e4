package main

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/metadata"
)

func TestParseIPFS(t *testing.T) {
	tests := []struct {
		urls    []string
		want    []metadata.Source
		wantErr string
	}{
		{urls: nil, want: nil},
		{urls: []string{"http://127.0.0.1:5001/api/v0"}, want: []metadata.Source{metadata.KuboRPC("http://127.0.0.1:5001")}},
		{urls: []string{"http://127.0.0.1:5001/api/v0/"}, want: []metadata.Source{metadata.KuboRPC("http://127.0.0.1:5001")}},
		{urls: []string{"https://ipfs.io", "https://gw.example/ipfs-proxy/"},
			want: []metadata.Source{metadata.Gateway("https://ipfs.io"), metadata.Gateway("https://gw.example/ipfs-proxy")}},
		{urls: []string{"https://user:secret@gw.example/api/v0"}, want: []metadata.Source{metadata.KuboRPC("https://user:secret@gw.example")}},
		{urls: []string{"ftp://ipfs.io"}, wantErr: "want an http(s) URL"},
		{urls: []string{"127.0.0.1:5001"}, wantErr: "want an http(s) URL"},
		{urls: []string{"https://ipfs.io/ipfs/"}, wantErr: "without /ipfs"},
		{urls: []string{"http://127.0.0.1:5001/api/v0/block/get"}, wantErr: "exactly /api/v0"},
		{urls: []string{"https://ipfs.io/?x=1"}, wantErr: "without a query"},
		{urls: []string{"https://user:secret@gw.example/ipfs"}, wantErr: "xxxxx"}, // the password never reaches an error
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.urls, ","), func(t *testing.T) {
			got, err := parseIPFS(tt.urls)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "secret") {
					t.Fatalf("parseIPFS(%v) = %v, %v; want an error containing %q", tt.urls, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("parseIPFS(%v) = %v, %v; want %v", tt.urls, got, err, tt.want)
			}
		})
	}
}

func TestParseIDOffsets(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want content.IDOffsets
		ok   bool
	}{
		{"protocol", content.ProtocolIDOffsets, true},
		{"none", content.IDOffsets{}, true},
		{"", content.IDOffsets{}, false},
		{"3000000", content.IDOffsets{}, false},
	} {
		got, err := parseIDOffsets(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseIDOffsets(%q) = %+v, %v; want %+v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "protocol") {
			t.Errorf("parseIDOffsets(%q): error %q does not name the choices", tt.in, err)
		}
	}
}

// TestRunRefusesBadProtocolFlags checks each protocol flag's bad values are
// refused before anything is dialled, with an error naming the flag.
func TestRunRefusesBadProtocolFlags(t *testing.T) {
	const contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	base := []string{"run", "--rpc", "http://127.0.0.1:1", "--db", "sqlite:" + t.TempDir() + "/x.db", "--contract", contract}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"bad plays address", []string{"--plays-contract", "0x123"}, nil, "--plays-contract"},
		{"zero verifier", []string{"--verifier", "0x0000000000000000000000000000000000000000"}, nil, "--verifier is the zero address"},
		{"plays is the entity manager", []string{"--plays-contract", contract}, nil, "is the --contract address"},
		{"bad id offsets", []string{"--id-offsets", "some"}, nil, "--id-offsets"},
		{"bad id offsets from env", nil, map[string]string{"DISCOVERY_ID_OFFSETS": "some"}, "--id-offsets"},
		{"bad ipfs", []string{"--ipfs", "ipfs.io"}, nil, "--ipfs"},
		{"bad ipfs from env", nil, map[string]string{"DISCOVERY_IPFS": "https://ipfs.io,ipfs://x"}, "--ipfs"},
		{"zero ipfs timeout", []string{"--ipfs-timeout", "0s"}, nil, "--ipfs-timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			err := run(context.Background(), append(slices.Clone(base), tt.args...), getenv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
