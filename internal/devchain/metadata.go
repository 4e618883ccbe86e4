package devchain

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
)

// CID returns the CIDv1 (raw codec, sha2-256, base32) of b: a well-formed
// content id that really addresses b, so metadata the demo writes can be
// checked the way IPFS content is, though nothing is pinned anywhere.
func CID(b []byte) string {
	sum := sha256.Sum256(b)
	raw := append([]byte{0x01, 0x55, 0x12, 0x20}, sum[:]...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
}

// Metadata returns the inline `_metadata` form the indexer parses:
// {"cid": CID(data as JSON), "data": data}.
func Metadata(data any) (string, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return "", fmt.Errorf("encoding metadata: %w", err)
	}
	out, err := json.Marshal(struct {
		CID  string          `json:"cid"`
		Data json.RawMessage `json:"data"`
	}{CID(raw), raw})
	if err != nil {
		return "", fmt.Errorf("encoding metadata envelope: %w", err)
	}
	return string(out), nil
}
