package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// fillRandom sets every field of the value v points to at random: strings
// from pieces JSON must escape, numbers of any sign, pointers and slices
// nil, empty or filled.
func fillRandom(r *rand.Rand, v reflect.Value) {
	pieces := []string{"", "a", "Ünïcödé", "<b>&amp;</b>", `"quoted"`, `back\slash`, "\n\r\t\b\f", "\x00\x01\x1f\x7f",
		"\u2028\u2029", "\xff\xfe invalid", "日本語", "🎵", "/content/Qm/150x150.jpg", " "}
	switch v.Kind() {
	case reflect.String:
		var s string
		for range r.IntN(4) {
			s += pieces[r.IntN(len(pieces))]
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int64, reflect.Int:
		v.SetInt(r.Int64() >> r.IntN(64) * int64(1-2*r.IntN(2)))
	case reflect.Uint64:
		v.SetUint(r.Uint64() >> r.IntN(64))
	case reflect.Pointer:
		if r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillRandom(r, v.Elem())
	case reflect.Slice:
		switch r.IntN(3) {
		case 0:
			v.SetZero()
		default:
			n := r.IntN(3)
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				fillRandom(r, v.Index(i))
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fillRandom(r, v.Field(i))
		}
	default:
		panic("fillRandom: no rule for " + v.Kind().String())
	}
}

// TestAppendedJSONIsEncodingJSON checks the hand-written encodings against
// encoding/json on random values of every shape they serve.
func TestAppendedJSONIsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := []struct {
		name string
		make func() any
	}{
		{"user", func() any { var v userJSON; fillRandom(r, reflect.ValueOf(&v).Elem()); return v }},
		{"track", func() any { var v trackJSON; fillRandom(r, reflect.ValueOf(&v).Elem()); return v }},
		{"users", func() any { var v []userJSON; fillRandom(r, reflect.ValueOf(&v).Elem()); return v }},
		{"tracks", func() any { var v []trackJSON; fillRandom(r, reflect.ValueOf(&v).Elem()); return v }},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			for i := range 2000 {
				v := s.make()
				want, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				got, ok := appendData(nil, v)
				if !ok {
					t.Fatalf("%T has no hand-written encoding", v)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("value %d:\n got  %s\n want %s", i, got, want)
				}
			}
		})
	}
	if _, ok := appendData(nil, []playlistJSON{}); ok {
		t.Error("playlists claim a hand-written encoding they do not have")
	}
}
