package metadata

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multibase"
	"github.com/multiformats/go-multihash"
	"google.golang.org/protobuf/encoding/protowire"
)

// pbNode encodes a dag-pb node with the given links and, when data is not
// nil, a Data field, for shapes `ipfs add` does not produce.
func pbNode(links int, data []byte) []byte {
	var b []byte
	for range links {
		link := protowire.AppendTag(nil, 1, protowire.BytesType)
		link = protowire.AppendBytes(link, []byte("hash"))
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, link)
	}
	if data != nil {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, data)
	}
	return b
}

// unixfs encodes a UnixFS Data message; negative fileSize leaves it out.
func unixfs(kind uint64, data []byte, fileSize int, extra ...[]byte) []byte {
	b := protowire.AppendTag(nil, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, kind)
	if data != nil {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, data)
	}
	if fileSize >= 0 {
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(fileSize))
	}
	for _, e := range extra {
		b = append(b, e...)
	}
	return b
}

func TestFileData(t *testing.T) {
	doc := []byte(`{"a":1}`)
	blocksize := protowire.AppendVarint(protowire.AppendTag(nil, 4, protowire.VarintType), 7)
	mode := protowire.AppendVarint(protowire.AppendTag(nil, 7, protowire.VarintType), 0o644)
	mtime := protowire.AppendBytes(protowire.AppendTag(nil, 8, protowire.BytesType), []byte{0x08, 0x01})
	tests := []struct {
		name  string
		block []byte
		want  []byte
		err   error
	}{
		{"file", pbNode(0, unixfs(2, doc, len(doc))), doc, nil},
		{"file without filesize", pbNode(0, unixfs(2, doc, -1)), doc, nil},
		{"legacy raw node", pbNode(0, unixfs(0, doc, len(doc))), doc, nil},
		{"file with mode and mtime", pbNode(0, unixfs(2, doc, len(doc), mode, mtime)), doc, nil},
		{"empty file", pbNode(0, unixfs(2, nil, 0)), []byte{}, nil},
		{"directory", pbNode(0, unixfs(1, nil, -1)), nil, ErrUnsupported},
		{"symlink", pbNode(0, unixfs(4, []byte("/etc/passwd"), -1)), nil, ErrUnsupported},
		{"links", pbNode(2, unixfs(2, nil, 14, blocksize, blocksize)), nil, ErrUnsupported},
		{"blocksizes without links", pbNode(0, unixfs(2, doc, 14, blocksize)), nil, ErrUnsupported},
		{"filesize larger than data", pbNode(0, unixfs(2, doc, 1000)), nil, ErrUnsupported},
		{"no data", pbNode(0, nil), nil, ErrUnsupported},
		{"no type", pbNode(0, protowire.AppendBytes(protowire.AppendTag(nil, 2, protowire.BytesType), doc)), nil, ErrMalformed},
		{"type not a varint", pbNode(0, protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), doc)), nil, ErrMalformed},
		{"data not bytes", pbNode(0, append(unixfs(2, nil, -1), protowire.AppendVarint(protowire.AppendTag(nil, 2, protowire.VarintType), 1)...)), nil, ErrMalformed},
		{"repeated node data", append(pbNode(0, unixfs(2, doc, -1)), pbNode(0, unixfs(2, doc, -1))...), nil, ErrMalformed},
		{"unknown node field", append(pbNode(0, unixfs(2, doc, -1)), protowire.AppendVarint(protowire.AppendTag(nil, 3, protowire.VarintType), 1)...), nil, ErrMalformed},
		{"truncated", pbNode(0, unixfs(2, doc, -1))[:5], nil, ErrMalformed},
		{"garbage", []byte{0xff, 0xff, 0xff}, nil, ErrMalformed},
		{"raw json is not dag-pb", doc, nil, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fileData(tt.block)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("fileData error %v, want %v", err, tt.err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("fileData = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCIDRoundTrip(t *testing.T) {
	mh, err := multihash.Sum([]byte(`{"x":1}`), multihash.SHA2_256, -1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []cid.Cid{cid.NewCidV0(mh), cid.NewCidV1(cid.Raw, mh), cid.NewCidV1(cid.DagProtobuf, mh)} {
		for _, s := range []string{c.String(), mustEncode(t, c, 'z'), mustEncode(t, c, 'k'), mustEncode(t, c, 'B')} {
			r, err := parseCID(s)
			if err != nil {
				t.Fatalf("parseCID(%s): %v", s, err)
			}
			if !r.cid.Equals(c) || r.codec != c.Type() || !bytes.Equal(r.digest, mh[2:]) {
				t.Fatalf("parseCID(%s) = %v codec %x digest %x, want %v", s, r.cid, r.codec, r.digest, c)
			}
			if err := r.verify([]byte(`{"x":1}`)); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if err := r.verify([]byte(`{"x":2}`)); !errors.Is(err, ErrMismatch) {
				t.Fatalf("verify of other bytes: %v, want ErrMismatch", err)
			}
		}
	}
}

func mustEncode(t *testing.T, c cid.Cid, base rune) string {
	t.Helper()
	if c.Version() == 0 {
		return c.String() // CIDv0 has one encoding only
	}
	s, err := c.StringOfBase(multibase.Encoding(base))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzDecode feeds arbitrary CID strings and blocks through parsing,
// verification and content extraction. Nothing may panic; every refusal must
// carry one of the package's reasons and count as permanent; anything
// accepted must be JSON within the limit. The seeds in testdata/fuzz are
// real kubo blocks with their CIDs plus a few hand-made broken shapes.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, block []byte) {
		if r, err := parseCID(s); err != nil {
			if !Permanent(err) {
				t.Fatalf("parseCID(%q) refusal %v is not permanent", s, err)
			}
		} else {
			again, err := parseCID(r.cid.String())
			if err != nil || !again.cid.Equals(r.cid) {
				t.Fatalf("parseCID(%q) = %v, which does not parse back: %v", s, r.cid, err)
			}
			if err := r.verify(block); err == nil {
				check(t, r.codec, block)
			} else if !errors.Is(err, ErrMismatch) {
				t.Fatalf("verify: %v", err)
			}
		}
		check(t, codecRaw, block)
		check(t, codecDagPB, block)
	})
}

func check(t *testing.T, codec uint64, block []byte) {
	t.Helper()
	data, err := content(codec, block)
	if err != nil {
		if !Permanent(err) {
			t.Fatalf("content(0x%x, %x) refusal %v is not permanent", codec, block, err)
		}
		return
	}
	if len(data) > MaxSize || !json.Valid(data) {
		t.Fatalf("content(0x%x, %x) accepted %d bytes that are not JSON within the limit", codec, block, len(data))
	}
}
