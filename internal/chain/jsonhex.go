package chain

import (
	"bytes"
	"errors"
	"fmt"
)

// Hex values as go-ethereum's hexutil and common types decode them from
// JSON: the rules, down to the odd ones, are theirs.

// fixedHex decodes a quoted 0x-prefixed hex string of exactly len(out)
// bytes, as common.Address and common.Hash do.
func (r *jsonReader) fixedHex(out []byte) error {
	in, n := r.in[r.pos:], 2*len(out)
	if len(in) < n+4 || in[0] != '"' || in[1] != '0' || in[2]|0x20 != 'x' || in[n+3] != '"' || !decodeHex(out, in[3:n+3]) {
		return fmt.Errorf("want a 0x-prefixed hex string of %d bytes, got %s", len(out), r.what())
	}
	r.pos += n + 4
	return nil
}

// hexString returns the content of the string at the reader's position
// and moves past it. A hex string cannot hold an escape, so the first quote
// ends it or the content holds a backslash, which the caller refuses as
// not hex.
func (r *jsonReader) hexString() ([]byte, error) {
	if r.pos >= len(r.in) || r.in[r.pos] != '"' {
		return nil, fmt.Errorf("want a hex string, got %s", r.what())
	}
	end := bytes.IndexByte(r.in[r.pos+1:], '"')
	if end < 0 {
		return nil, fmt.Errorf("invalid JSON at offset %d: unterminated string", r.pos)
	}
	s := r.in[r.pos+1 : r.pos+1+end]
	r.pos += end + 2
	return s, nil
}

var errNoPrefix = errors.New("hex string without 0x prefix")

// quantity decodes a quoted 0x-prefixed hex number without leading zeros
// ("" is zero) as hexutil.Uint64 does.
func (r *jsonReader) quantity() (uint64, error) {
	at := r.pos
	s, err := r.hexString()
	switch {
	case err != nil:
		return 0, err
	case len(s) == 0:
		return 0, nil
	case len(s) < 2 || s[0] != '0' || s[1]|0x20 != 'x':
		return 0, errNoPrefix
	}
	s = s[2:]
	switch {
	case len(s) == 0:
		return 0, errors.New("hex number without digits")
	case len(s) > 1 && s[0] == '0':
		return 0, fmt.Errorf("hex number with leading zero digits: %q", s)
	case len(s) > 16:
		return 0, fmt.Errorf("hex number larger than 64 bits: %q", s)
	}
	var v uint64
	for _, c := range s {
		n := unhex[c]
		if n > 15 {
			r.pos = at
			return 0, fmt.Errorf("invalid hex digit in %s", r.what())
		}
		v = v<<4 | uint64(n)
	}
	return v, nil
}

// unhex maps a hex digit to its value and anything else to 0xff.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c - 'a' + 10)
		t[c-'a'+'A'] = byte(c - 'a' + 10)
	}
	return t
}()

// decodeHex decodes the 2*len(dst) digits of src into dst and reports
// whether they all were hex digits (dst holds garbage when not).
func decodeHex(dst, src []byte) bool {
	if len(src) != 2*len(dst) {
		return false
	}
	var bad byte
	for i := range dst {
		hi, lo := unhex[src[2*i]], unhex[src[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo
	}
	return bad <= 15
}
