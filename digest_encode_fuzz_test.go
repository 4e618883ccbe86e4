package discovery

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// fuzzSource hands the fuzzer's inputs to the filler: the strings (and
// their concatenation, and "" so inline metadata comes up) and numbers
// rotate through the fields, shifted by the flags so each field sees each.
type fuzzSource struct {
	s1, s2 string
	n      int64
	u      uint64
	flags  uint8
	calls  int
}

func (f *fuzzSource) next() int { f.calls++; return f.calls + int(f.flags) }

func (f *fuzzSource) String() string {
	return [...]string{f.s1, f.s2, "", f.s1 + f.s2}[f.next()%4]
}

func (f *fuzzSource) Int() int64 { return [...]int64{f.n, -f.n, f.n >> 32, 0}[f.next()%4] }

func (f *fuzzSource) Uint() uint64 { return [...]uint64{f.u, ^f.u, uint64(f.n), 0}[f.next()%4] }

func (f *fuzzSource) Bool() bool { return f.flags>>(f.next()%8)&1 == 1 }

func (f *fuzzSource) Byte() byte { return byte(f.u >> (f.next() % 8 * 8)) }

func (f *fuzzSource) Len() int { return int(f.flags>>4)%4 - 1 }

// FuzzRowJSON checks, on any strings and numbers, that every row type
// encodes as json.Marshal(chainImage(row)) does. Seeds are in
// testdata/fuzz/FuzzRowJSON.
func FuzzRowJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, u uint64, flags uint8) {
		for _, typ := range rowTypes(t) {
			v := reflect.New(typ).Elem()
			fill(t, v, &fuzzSource{s1: s1, s2: s2, n: n, u: u, flags: flags})
			row := v.Interface()
			got, ok := appendRowJSON(nil, row)
			want, err := json.Marshal(chainImage(row))
			if !ok || err != nil || !bytes.Equal(got, want) {
				t.Fatalf("row %#v\nencoded %s (ok %v)\nwant    %s (%v)", row, got, ok, want, err)
			}
		}
	})
}
