package main

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/metadata"
	"github.com/ethereum/go-ethereum/common"
)

// kuboAPIPath is the path that marks an --ipfs URL as a kubo RPC API rather
// than a gateway.
const kuboAPIPath = "/api/v0"

// parseAddress reads an optional contract or account address flag: empty is
// the zero address (the feature is off), anything else must be a non-zero
// 0x address. what says what the address is, for the error.
func parseAddress(flag, value, what string) (common.Address, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return common.Address{}, nil
	}
	if !common.IsHexAddress(value) {
		return common.Address{}, fmt.Errorf("--%s %q: want the 0x-prefixed 20-byte address of %s, or leave it unset", flag, value, what)
	}
	addr := common.HexToAddress(value)
	if addr == (common.Address{}) {
		return common.Address{}, fmt.Errorf("--%s is the zero address: want the address of %s, or leave it unset", flag, what)
	}
	return addr, nil
}

// parseIDOffsets reads --id-offsets.
func parseIDOffsets(value string) (content.IDOffsets, error) {
	switch strings.TrimSpace(value) {
	case "protocol":
		return content.ProtocolIDOffsets, nil
	case "none":
		return content.IDOffsets{}, nil
	}
	o := content.ProtocolIDOffsets
	return content.IDOffsets{}, fmt.Errorf("--id-offsets %q: want protocol (new users, tracks and playlists at or above ids %d, %d and %d, as on the shared protocol) or none (any id, for a chain of its own)",
		value, o.User, o.Track, o.Playlist)
}

// parseIPFS turns --ipfs URLs into metadata sources: a URL whose path is
// /api/v0 is a kubo RPC API, anything else an HTTP gateway's root.
func parseIPFS(urls []string) ([]metadata.Source, error) {
	var sources []metadata.Source
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--ipfs %q: want an http(s) URL: a gateway such as https://ipfs.io, or a kubo RPC API such as http://127.0.0.1:5001%s", redact(raw), kuboAPIPath)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("--ipfs %q: want a base URL without a query or fragment", redact(raw))
		}
		path := strings.TrimRight(u.Path, "/")
		switch {
		case path == kuboAPIPath:
			u.Path = ""
			sources = append(sources, metadata.KuboRPC(u.String()))
		case path == "/ipfs" || strings.HasSuffix(path, "/ipfs"):
			return nil, fmt.Errorf("--ipfs %q: give the gateway's root, without /ipfs (it is added per CID)", redact(raw))
		case strings.Contains(path, "/api/v0"):
			return nil, fmt.Errorf("--ipfs %q: a kubo RPC API is named by its root followed by exactly %s", redact(raw), kuboAPIPath)
		default:
			u.Path = path
			sources = append(sources, metadata.Gateway(u.String()))
		}
	}
	return sources, nil
}

// protocolFlags are the raw values of the content protocol's flags, checked
// by apply once the command line is parsed.
type protocolFlags struct {
	idOffsets       string
	ipfs            listFlag
	plays, verifier string
	contracts       bool // plays and verifier are flags (run), not the dev chain's
}

// add declares the flags; idOffsets is the command's default. withContracts
// adds --plays-contract and --verifier, which `dev` takes from its chain.
func (p *protocolFlags) add(f *flags, cfg *nodeConfig, idOffsets string, withContracts bool) {
	f.string(&p.idOffsets, "id-offsets", "DISCOVERY_ID_OFFSETS", idOffsets, "lowest ids of new entities: protocol (users 3000000, tracks 2000000, playlists 400000) or none")
	f.list(&p.ipfs, "ipfs", "DISCOVERY_IPFS", "IPFS source of metadata named by CID: a gateway root, or a kubo RPC API ending in /api/v0; repeat or comma-separate, first preferred; unset: such metadata stays pending")
	f.duration(&cfg.ipfsTimeout, "ipfs-timeout", "DISCOVERY_IPFS_TIMEOUT", 10*time.Second, "timeout of one request to one --ipfs source before the next is tried")
	if withContracts {
		p.contracts = true
		f.string(&p.plays, "plays-contract", "DISCOVERY_PLAYS_CONTRACT", "", "address of the Plays contract whose Play events count; unset: no plays")
		f.string(&p.verifier, "verifier", "DISCOVERY_VERIFIER", "", "address whose User Verify actions are accepted; unset: none are")
	}
}

// apply checks the flags and sets them in cfg.
func (p *protocolFlags) apply(cfg *nodeConfig) error {
	var err error
	if cfg.idOffsets, err = parseIDOffsets(p.idOffsets); err != nil {
		return err
	}
	if cfg.ipfs, err = parseIPFS(p.ipfs.vals); err != nil {
		return err
	}
	if cfg.ipfsTimeout <= 0 {
		return fmt.Errorf("--ipfs-timeout %s: want a positive duration", cfg.ipfsTimeout)
	}
	if !p.contracts {
		return nil
	}
	if cfg.plays, err = parseAddress("plays-contract", p.plays, "the Plays contract"); err != nil {
		return err
	}
	if cfg.verifier, err = parseAddress("verifier", p.verifier, "the account that signs User Verify actions"); err != nil {
		return err
	}
	return nil
}
