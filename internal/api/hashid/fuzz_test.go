package hashid

import (
	"errors"
	"testing"
)

// FuzzRoundTrip checks that every id survives encoding and decoding. Its seed
// corpus is in testdata/fuzz/FuzzRoundTrip.
func FuzzRoundTrip(f *testing.F) {
	f.Add(int64(0))
	f.Add(int64(1))
	f.Fuzz(func(t *testing.T, id int64) {
		h := Encode(id)
		if id < 0 {
			if h != "" {
				t.Fatalf("Encode(%d) = %q, want \"\"", id, h)
			}
			return
		}
		if len(h) < MinLength {
			t.Fatalf("Encode(%d) = %q, shorter than %d", id, h, MinLength)
		}
		got, err := Decode(h)
		if err != nil || got != id {
			t.Fatalf("Decode(Encode(%d) = %q) = %d, %v", id, h, got, err)
		}
	})
}

// FuzzDecode checks that decoding any string neither panics nor accepts a
// string that is not the canonical encoding of what it returns. Its seed
// corpus is in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add("7eP5n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Decode(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode(%q) error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		if h := Encode(id); h != s {
			t.Fatalf("Decode(%q) = %d, which encodes to %q", s, id, h)
		}
		nums, err := audius.Decode(s)
		if err != nil || len(nums) != 1 || nums[0] != uint64(id) {
			t.Fatalf("Codec.Decode(%q) = %v, %v, want [%d]", s, nums, err, id)
		}
	})
}
