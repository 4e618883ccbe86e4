package hashid

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
)

// vectors is testdata/vectors.json, made by testdata/gen-vectors.js from the
// npm hashids package.
type vectors struct {
	Encode []vectorCase `json:"encode"`
	Decode []vectorCase `json:"decode"`
}

type vectorCase struct {
	Numbers []string `json:"numbers"`
	Hash    string   `json:"hash"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("parse vectors: %v", err)
	}
	if len(v.Encode) < 300 || len(v.Decode) < 300 {
		t.Fatalf("vectors file holds too few cases: %d encode, %d decode", len(v.Encode), len(v.Decode))
	}
	return v
}

func parseNumbers(t *testing.T, ss []string) []uint64 {
	t.Helper()
	nums := make([]uint64, len(ss))
	for i, s := range ss {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("parse vector number %q: %v", s, err)
		}
		nums[i] = n
	}
	return nums
}

func TestKnownIDs(t *testing.T) {
	tests := []struct {
		id   int64
		hash string
	}{
		{1, "7eP5n"},
		{2, "ML51L"},
		{44, "eYorL"},
	}
	for _, tt := range tests {
		if got := Encode(tt.id); got != tt.hash {
			t.Errorf("Encode(%d) = %q, want %q", tt.id, got, tt.hash)
		}
		got, err := Decode(tt.hash)
		if err != nil || got != tt.id {
			t.Errorf("Decode(%q) = %d, %v, want %d", tt.hash, got, err, tt.id)
		}
	}
}

func TestEncodeVectors(t *testing.T) {
	c, err := New(Salt, MinLength, DefaultAlphabet)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range loadVectors(t).Encode {
		nums := parseNumbers(t, v.Numbers)
		if got := c.Encode(nums...); got != v.Hash {
			t.Errorf("Encode(%v) = %q, want %q", nums, got, v.Hash)
		}
		got, err := c.Decode(v.Hash)
		if err != nil || !slices.Equal(got, nums) {
			t.Errorf("Decode(%q) = %v, %v, want %v", v.Hash, got, err, nums)
		}
	}
}

// TestDecodeVectors checks arbitrary strings, mostly real hashes with one
// character changed: the reference answers [] for the malformed ones.
func TestDecodeVectors(t *testing.T) {
	var rejected, accepted int
	for _, v := range loadVectors(t).Decode {
		want := parseNumbers(t, v.Numbers)
		got, err := audius.Decode(v.Hash)
		switch {
		case len(want) == 0:
			rejected++
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Errorf("Decode(%q) = %v, %v, want an ErrInvalid error", v.Hash, got, err)
			}
		default:
			accepted++
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("Decode(%q) = %v, %v, want %v", v.Hash, got, err, want)
			}
		}
	}
	if rejected == 0 || accepted == 0 {
		t.Fatalf("decode vectors need both kinds: %d rejected, %d accepted", rejected, accepted)
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"not in alphabet", "7eP5-"},
		{"space", "7eP 5n"},
		{"unicode", "7eP5é"},
		{"too short", "7eP5"},
		{"extra character", "7eP5nn"},
		{"decimal", "12"},
		{"two numbers", Encode(1) + "x"},
		{"multi-number hash", audius.Encode(1, 2)},
		{"above int64", audius.Encode(math.MaxUint64)},
		{"overflow", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode(%q) = %d, %v, want an ErrInvalid error", tt.in, got, err)
			}
		})
	}
}

func TestEncodeNegative(t *testing.T) {
	if got := Encode(-1); got != "" {
		t.Fatalf("Encode(-1) = %q, want \"\"", got)
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name      string
		minLength int
		alphabet  string
	}{
		{"short alphabet", 0, "abcdefghijklmno"},
		{"repeated characters", 0, "aabbccddeeffgghhiijjkkllmmnnoo"},
		{"space", 0, "abcdefghijklmnop "},
		{"negative length", -1, DefaultAlphabet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New("salt", tt.minLength, tt.alphabet); err == nil {
				t.Fatalf("New(%d, %q) succeeded, want an error", tt.minLength, tt.alphabet)
			}
		})
	}
}

func TestMinLength(t *testing.T) {
	for _, minLength := range []int{0, 1, 5, 10, 30} {
		c, err := New(Salt, minLength, DefaultAlphabet)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []uint64{0, 1, 99, 123456789} {
			h := c.Encode(n)
			if len(h) < minLength {
				t.Errorf("min length %d: Encode(%d) = %q is too short", minLength, n, h)
			}
			got, err := c.Decode(h)
			if err != nil || !slices.Equal(got, []uint64{n}) {
				t.Errorf("min length %d: Decode(%q) = %v, %v, want [%d]", minLength, h, got, err, n)
			}
		}
	}
}
