package hashid

import "testing"

// Every id in an answer is encoded, and every id in a request decoded.
func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	for i := int64(0); b.Loop(); i++ {
		Encode(i%1_000_000 + 1)
	}
}

func BenchmarkDecode(b *testing.B) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = Encode(int64(i * 997))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Decode(ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
	}
}
