package discovery

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// The hand-written row encoders must write exactly what
// json.Marshal(chainImage(row)) writes: the digest is defined by the
// latter, and a single differing byte splits nodes. These tests build rows
// by reflection, setting every exported field of every row type, so a field
// added to a row type later is filled (non-zero in almost every iteration:
// Marshal has no omitempty here, so it always writes the field) and an
// encoder that forgot it fails the comparison. A field of a kind the filler
// cannot make fails the test outright, and so does a table of RowSet with
// no table name or no encoder.

// source gives the values the filler puts in fields.
type source interface {
	String() string
	Int() int64
	Uint() uint64
	Bool() bool
	Byte() byte
	Len() int // of a slice; -1 for nil
}

// fill sets every field reachable from v from src.
func fill(t *testing.T, v reflect.Value, src source) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(src.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(src.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(src.Uint())
	case reflect.Bool:
		v.SetBool(src.Bool())
	case reflect.Array:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			t.Fatalf("fill: no values for array type %s", v.Type())
		}
		for i := range v.Len() {
			v.Index(i).SetUint(uint64(src.Byte()))
		}
	case reflect.Slice:
		n := src.Len()
		if n < 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			fill(t, v.Index(i), src)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				t.Fatalf("fill: %s.%s is unexported: check how json treats it", v.Type(), v.Type().Field(i).Name)
			}
			fill(t, v.Field(i), src)
		}
	default:
		t.Fatalf("fill: no values for %s of kind %s: teach the filler and the encoder", v.Type(), v.Kind())
	}
}

// randomSource gives values chosen to catch encoding differences: strings
// with HTML and control characters, invalid UTF-8 and U+2028/U+2029,
// extreme numbers, nil and empty slices. An empty string is frequent so
// rows often count as inline metadata (chainImage's other branch).
type randomSource struct{ rng *rand.Rand }

var stringParts = []string{
	"", "a", "Hello, World", "<script>", ">", "&amp;", "\"", "\\", "/", "'",
	"\x00", "\x01", "\x1f", "\x7f", "\b", "\f", "\n", "\r", "\t", "\v",
	"\u2028", "\u2029", "\u2027", "\u202a", "é", "日本", "🎵", "\ufffd", "\ufeff",
	"\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "Qm" + "abcdefXYZ0123",
}

func (s randomSource) String() string {
	if s.rng.IntN(4) == 0 {
		return ""
	}
	var b []byte
	for range 1 + s.rng.IntN(6) {
		b = append(b, stringParts[s.rng.IntN(len(stringParts))]...)
	}
	if s.rng.IntN(8) == 0 { // arbitrary bytes
		for range s.rng.IntN(12) {
			b = append(b, byte(s.rng.Uint32()))
		}
	}
	return string(b)
}

func (s randomSource) Int() int64 {
	switch s.rng.IntN(8) {
	case 0:
		return 0
	case 1:
		return math.MinInt64
	case 2:
		return math.MaxInt64
	case 3:
		return -s.rng.Int64N(1000)
	case 4:
		return int64(s.rng.Uint64())
	}
	return s.rng.Int64N(1 << 20)
}

func (s randomSource) Uint() uint64 {
	switch s.rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return math.MaxUint64
	case 2:
		return s.rng.Uint64()
	}
	return s.rng.Uint64N(1 << 24)
}

func (s randomSource) Bool() bool { return s.rng.IntN(2) == 0 }

func (s randomSource) Byte() byte {
	if s.rng.IntN(3) == 0 {
		return 0
	}
	return byte(s.rng.Uint32())
}

func (s randomSource) Len() int { return s.rng.IntN(6) - 1 }

// rowTables names the table of each RowSet field, as DigestDelta hashes it.
var rowTables = map[string]string{
	"Users": TableUsers, "Tracks": TableTracks, "Playlists": TablePlaylists,
	"Follows": TableFollows, "Reposts": TableReposts, "Saves": TableSaves,
	"Subscriptions": TableSubscriptions, "Routes": TableRoutes,
	"DeveloperApps": TableDeveloperApps, "Grants": TableGrants, "PlayDays": TablePlayDays,
}

// rowTypes returns every row type HashRow is given: the values of RowSet's
// maps, and RejectedAction.
func rowTypes(t *testing.T) []reflect.Type {
	t.Helper()
	types := []reflect.Type{reflect.TypeFor[RejectedAction]()}
	seen := map[reflect.Type]bool{types[0]: true}
	rs := reflect.TypeFor[RowSet]()
	for i := range rs.NumField() {
		f := rs.Field(i)
		if _, ok := rowTables[f.Name]; !ok {
			t.Fatalf("RowSet.%s has no table name in rowTables", f.Name)
		}
		if f.Type.Kind() != reflect.Map || f.Type.Elem().Kind() != reflect.Pointer {
			t.Fatalf("RowSet.%s is %s, not a map of row pointers", f.Name, f.Type)
		}
		if row := f.Type.Elem().Elem(); !seen[row] {
			seen[row] = true
			types = append(types, row)
		}
	}
	return types
}

// referenceHash is HashRow by its definition.
func referenceHash(t testing.TB, table string, row any) Digest {
	t.Helper()
	b, err := json.Marshal(chainImage(row))
	if err != nil {
		t.Fatalf("marshal %T: %v", row, err)
	}
	return hashBytes(table, b)
}

func TestRowJSONMatchesEncodingJSON(t *testing.T) {
	src := randomSource{rand.New(rand.NewPCG(6, 1))}
	for _, typ := range rowTypes(t) {
		t.Run(typ.Name(), func(t *testing.T) {
			for range 3000 {
				v := reflect.New(typ).Elem()
				fill(t, v, src)
				row := v.Interface()
				got, ok := appendRowJSON([]byte("prefix"), row)
				if !ok {
					t.Fatalf("appendRowJSON has no encoder for %s", typ)
				}
				want, err := json.Marshal(chainImage(row))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got[len("prefix"):], want) {
					t.Fatalf("row %#v\nencoded %s\nwant    %s", row, got[len("prefix"):], want)
				}
				h, err := HashRow("t", row)
				if err != nil || h != referenceHash(t, "t", row) {
					t.Fatalf("HashRow(%#v) = %s, %v; want %s", row, h, err, referenceHash(t, "t", row))
				}
			}
		})
	}
}

// TestHashRowFallback checks that what HashRow has no encoder for, a
// pointer included, still hashes by json.Marshal.
func TestHashRowFallback(t *testing.T) {
	u := &User{ID: 1, Name: "<n>", MetadataStatus: MetadataPending}
	for _, row := range []any{u, struct{ A string }{"x\u2028"}, []int64{1, 2}, nil} {
		got, err := HashRow(TableUsers, row)
		if err != nil || got != referenceHash(t, TableUsers, row) {
			t.Errorf("HashRow(%#v) = %s, %v; want %s", row, got, err, referenceHash(t, TableUsers, row))
		}
	}
	if _, err := HashRow(TableUsers, make(chan int)); err == nil {
		t.Error("HashRow(chan) did not fail")
	}
}

// referenceDelta is DigestDelta by its definition, over every table of
// RowSet by reflection.
func referenceDelta(t testing.TB, c *Changes) (add, sub Digest) {
	t.Helper()
	sum := func(rs RowSet) (d Digest) {
		v := reflect.ValueOf(rs)
		for i := range v.NumField() {
			it := v.Field(i).MapRange()
			for it.Next() {
				if !it.Value().IsNil() {
					d = d.Add(referenceHash(t, rowTables[v.Type().Field(i).Name], it.Value().Elem().Interface()))
				}
			}
		}
		return d
	}
	add, sub = sum(c.RowSet), sum(c.Prior)
	for _, r := range c.Rejected {
		add = add.Add(referenceHash(t, TableRejected, r))
	}
	return add, sub
}

// randomRowSet fills every table of a RowSet with rows, and some nils.
func randomRowSet(t *testing.T, src randomSource) RowSet {
	t.Helper()
	var rs RowSet
	v := reflect.ValueOf(&rs).Elem()
	for i := range v.NumField() {
		m := reflect.MakeMap(v.Field(i).Type())
		for range src.rng.IntN(5) {
			k := reflect.New(m.Type().Key()).Elem()
			fill(t, k, src)
			row := reflect.New(m.Type().Elem().Elem())
			if src.rng.IntN(4) == 0 {
				row = reflect.Zero(m.Type().Elem())
			} else {
				fill(t, row.Elem(), src)
			}
			m.SetMapIndex(k, row)
		}
		v.Field(i).Set(m)
	}
	return rs
}

func TestDigestDeltaMatchesDefinition(t *testing.T) {
	src := randomSource{rand.New(rand.NewPCG(6, 2))}
	for range 300 {
		c := &Changes{RowSet: randomRowSet(t, src), Prior: randomRowSet(t, src)}
		for range src.rng.IntN(3) {
			var r RejectedAction
			fill(t, reflect.ValueOf(&r).Elem(), src)
			c.Rejected = append(c.Rejected, r)
		}
		add, sub, err := c.DigestDelta()
		if err != nil {
			t.Fatal(err)
		}
		if wantAdd, wantSub := referenceDelta(t, c); add != wantAdd || sub != wantSub {
			t.Fatalf("DigestDelta = %s, %s; want %s, %s", add, sub, wantAdd, wantSub)
		}
	}
}
