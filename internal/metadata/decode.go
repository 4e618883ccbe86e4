package metadata

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
	"google.golang.org/protobuf/encoding/protowire"
)

// Codecs of the CIDs metadata comes under: raw for `ipfs add --cid-version=1`
// (raw leaves), dag-pb for CIDv0 and for adds without raw leaves.
const (
	codecRaw   = 0x55
	codecDagPB = 0x70
)

// maxCIDLen bounds the string parsed as a CID; real ones are under 100
// characters.
const maxCIDLen = 256

// ref is a parsed CID reduced to what fetching and verifying need.
type ref struct {
	cid    cid.Cid
	codec  uint64
	digest []byte // sha2-256, 32 bytes
}

// parseCID accepts CIDv0 (Qm…) and CIDv1 in the alphanumeric multibases
// (base32, base36, base58), and only the hash and codecs this package can
// verify and read. Other characters are refused outright: some decoders skip
// whitespace, and a CID that is not exactly what was written on chain should
// not quietly match.
func parseCID(s string) (ref, error) {
	if len(s) > maxCIDLen {
		return ref{}, fmt.Errorf("%w: %d characters", ErrInvalidCID, len(s))
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return ref{}, fmt.Errorf("%w %q: unexpected character %q", ErrInvalidCID, s, c)
		}
	}
	c, err := cid.Decode(s)
	if err != nil {
		return ref{}, fmt.Errorf("%w %q: %v", ErrInvalidCID, s, err)
	}
	mh, err := multihash.Decode(c.Hash())
	if err != nil {
		return ref{}, fmt.Errorf("%w %q: multihash: %v", ErrInvalidCID, s, err)
	}
	if mh.Code != multihash.SHA2_256 || len(mh.Digest) != sha256.Size {
		return ref{}, fmt.Errorf("%w: cid %s uses hash 0x%x %s, only sha2-256 is verified", ErrUnsupported, s, mh.Code, multihash.Codes[mh.Code])
	}
	if codec := c.Type(); codec != codecRaw && codec != codecDagPB {
		return ref{}, fmt.Errorf("%w: cid %s has codec 0x%x, want raw or dag-pb", ErrUnsupported, s, codec)
	}
	return ref{cid: c, codec: c.Type(), digest: mh.Digest}, nil
}

// verify checks that block is exactly the content the CID names.
func (r ref) verify(block []byte) error {
	sum := sha256.Sum256(block)
	if !bytes.Equal(sum[:], r.digest) {
		return fmt.Errorf("%w: sha2-256 %x, cid %s wants %x", ErrMismatch, sum, r.cid, r.digest)
	}
	return nil
}

// content returns the metadata a verified block holds: the file bytes,
// which must be JSON within MaxSize.
func content(codec uint64, block []byte) ([]byte, error) {
	data := block
	if codec == codecDagPB {
		var err error
		if data, err = fileData(block); err != nil {
			return nil, err
		}
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxSize)
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("%w (%d bytes)", ErrNotJSON, len(data))
	}
	return data, nil
}

// UnixFS node types (unixfs.proto, Data.DataType) that carry file bytes.
const (
	unixfsTypeRaw  = 0
	unixfsTypeFile = 2
)

// fileData extracts the bytes of a single-block UnixFS file from a dag-pb
// node: PBNode{Data = 1, Links = 2}, whose Data is a UnixFS Data message
// {Type = 1, Data = 2, filesize = 3, blocksizes = 4, ...}. Decoded by hand so
// the package needs no UnixFS library for the one shape it accepts.
func fileData(block []byte) ([]byte, error) {
	var (
		pbData  []byte
		hasData bool
		links   int
	)
	err := fields(block, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			if hasData {
				return fmt.Errorf("%w: dag-pb node repeats Data", ErrMalformed)
			}
			pbData, hasData = v, true
		case num == 2 && typ == protowire.BytesType:
			links++
		default:
			return fmt.Errorf("%w: dag-pb node has field %d of wire type %d", ErrMalformed, num, typ)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if links > 0 {
		return nil, fmt.Errorf("%w: file split over %d blocks; metadata must fit one block of %d bytes", ErrUnsupported, links, MaxSize)
	}
	if !hasData {
		return nil, fmt.Errorf("%w: dag-pb node without UnixFS data", ErrUnsupported)
	}

	var (
		kind     uint64
		hasKind  bool
		data     []byte
		size     uint64
		hasSize  bool
		segments int
	)
	err = fields(pbData, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch num {
		case 1:
			n, err := varint(typ, v)
			if err != nil {
				return err
			}
			kind, hasKind = n, true
		case 2:
			if typ != protowire.BytesType {
				return fmt.Errorf("%w: UnixFS Data field has wire type %d", ErrMalformed, typ)
			}
			data = v
		case 3:
			n, err := varint(typ, v)
			if err != nil {
				return err
			}
			size, hasSize = n, true
		case 4:
			segments++
		}
		return nil // mode, mtime and the like do not matter here
	})
	if err != nil {
		return nil, err
	}
	if !hasKind {
		return nil, fmt.Errorf("%w: UnixFS data without a type", ErrMalformed)
	}
	if kind != unixfsTypeFile && kind != unixfsTypeRaw {
		return nil, fmt.Errorf("%w: UnixFS node of type %d is not a file", ErrUnsupported, kind)
	}
	if segments > 0 || (hasSize && size != uint64(len(data))) {
		return nil, fmt.Errorf("%w: UnixFS file of %d bytes is not in this block alone", ErrUnsupported, size)
	}
	return data, nil
}

// fields calls fn for each top-level field of a protobuf message, with the
// value's bytes: the payload for length-delimited fields, the encoded varint
// for varints, the raw bytes for fixed-size fields.
func fields(msg []byte, fn func(num protowire.Number, typ protowire.Type, v []byte) error) error {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(n))
		}
		msg = msg[n:]
		var v []byte
		if typ == protowire.BytesType {
			b, m := protowire.ConsumeBytes(msg)
			if m < 0 {
				return fmt.Errorf("%w: field %d: %v", ErrMalformed, num, protowire.ParseError(m))
			}
			v, n = b, m
		} else {
			n = protowire.ConsumeFieldValue(num, typ, msg)
			if n < 0 {
				return fmt.Errorf("%w: field %d: %v", ErrMalformed, num, protowire.ParseError(n))
			}
			v = msg[:n]
		}
		msg = msg[n:]
		if err := fn(num, typ, v); err != nil {
			return err
		}
	}
	return nil
}

// varint decodes v, the bytes of a field that must be a varint.
func varint(typ protowire.Type, v []byte) (uint64, error) {
	if typ != protowire.VarintType {
		return 0, fmt.Errorf("%w: want a varint, got wire type %d", ErrMalformed, typ)
	}
	n, m := protowire.ConsumeVarint(v)
	if m < 0 {
		return 0, fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(m))
	}
	return n, nil
}

// CheckCID reports whether s is a CID this package can fetch and verify, so
// the indexer can refuse, at once and with the reason, an action naming
// metadata that could never be checked.
func CheckCID(s string) error {
	_, err := parseCID(s)
	return err
}
