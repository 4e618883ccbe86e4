package discovery

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestDigestArithmetic checks Add and Sub against big.Int arithmetic mod
// 2^256, carries and borrows across every word included.
func TestDigestArithmetic(t *testing.T) {
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	toInt := func(d Digest) *big.Int { return new(big.Int).SetBytes(d[:]) }
	fromInt := func(n *big.Int) Digest {
		var d Digest
		new(big.Int).Mod(n, mod).FillBytes(d[:])
		return d
	}
	var ones Digest
	for i := range ones {
		ones[i] = 0xff
	}
	one := Digest{31: 1}
	cases := [][2]Digest{{ones, one}, {one, ones}, {{}, one}, {ones, ones}, {{}, {}}, {{7: 0xff}, {7: 0x01}}}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var a, b Digest
		for i := range a {
			a[i], b[i] = byte(rng.Uint32()), byte(rng.Uint32())
		}
		cases = append(cases, [2]Digest{a, b})
	}
	for _, c := range cases {
		a, b := c[0], c[1]
		if got, want := a.Add(b), fromInt(new(big.Int).Add(toInt(a), toInt(b))); got != want {
			t.Fatalf("%v + %v = %v, want %v", a, b, got, want)
		}
		if got, want := a.Sub(b), fromInt(new(big.Int).Sub(toInt(a), toInt(b))); got != want {
			t.Fatalf("%v - %v = %v, want %v", a, b, got, want)
		}
		if a.Add(b).Sub(b) != a {
			t.Fatalf("%v + %v - %v != %v", a, b, b, a)
		}
	}
}
