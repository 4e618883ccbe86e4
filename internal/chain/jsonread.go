package chain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// jsonReader walks the bytes of a node's answer for the hand-written
// decoders of the answers that dominate a backfill (logsjson.go): reading a
// fixed shape in place is one pass, where encoding/json's reflection and
// go-ethereum's per-field UnmarshalJSON scan the same bytes many times and
// allocate for every field. It is strict JSON: what encoding/json refuses as
// syntax, it refuses too.
type jsonReader struct {
	in  []byte
	pos int
}

// maxDepth is encoding/json's nesting limit, so both refuse the same input.
const maxDepth = 10000

// answerError is an answer one of our decoders refused. classify counts it
// as invalid JSON, as it does encoding/json's own errors.
type answerError struct {
	what string
	err  error
}

func (e *answerError) Error() string { return "decoding " + e.what + ": " + e.err.Error() }
func (e *answerError) Unwrap() error { return e.err }

func (r *jsonReader) space() {
	for r.pos < len(r.in) {
		switch r.in[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// next skips whitespace and returns the byte after it, 0 at the end.
func (r *jsonReader) next() byte {
	r.space()
	if r.pos < len(r.in) {
		return r.in[r.pos]
	}
	return 0
}

// literal consumes lit when the input goes on with it.
func (r *jsonReader) literal(lit string) bool {
	if !bytes.HasPrefix(r.in[r.pos:], []byte(lit)) {
		return false
	}
	r.pos += len(lit)
	return true
}

// end refuses anything but whitespace after the value.
func (r *jsonReader) end() error {
	if r.space(); r.pos < len(r.in) {
		return r.syntaxError("the end of the input")
	}
	return nil
}

// syntaxError says what was expected where something else was found.
func (r *jsonReader) syntaxError(want string) error {
	return fmt.Errorf("invalid JSON at offset %d: want %s, got %s", r.pos, want, r.what())
}

// what names the value or byte at the reader's position, for errors.
func (r *jsonReader) what() string {
	if r.pos >= len(r.in) {
		return "the end of the input"
	}
	switch c := r.in[r.pos]; {
	case c == '"':
		s := r.in[r.pos+1:]
		if i := bytes.IndexByte(s, '"'); i >= 0 {
			s = s[:i]
		}
		if len(s) > 80 {
			return fmt.Sprintf("the string %q...", s[:80])
		}
		return fmt.Sprintf("the string %q", s)
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || '0' <= c && c <= '9':
		return "a number"
	default:
		return strconv.QuoteRune(rune(c))
	}
}

// str reads the string whose opening quote is at the reader's position and
// returns its content with any escapes left as they are.
func (r *jsonReader) str() (raw []byte, escaped bool, err error) {
	start := r.pos + 1
	for i := start; i < len(r.in); {
		switch c := r.in[i]; {
		case c == '"':
			r.pos = i + 1
			return r.in[start:i], escaped, nil
		case c == '\\':
			escaped = true
			n := escapeLen(r.in[i:])
			if n == 0 {
				r.pos = i
				return nil, false, fmt.Errorf("invalid JSON at offset %d: bad escape in a string", i)
			}
			i += n
		case c < 0x20:
			r.pos = i
			return nil, false, fmt.Errorf("invalid JSON at offset %d: control character in a string", i)
		default:
			i++
		}
	}
	r.pos = len(r.in)
	return nil, false, fmt.Errorf("invalid JSON at offset %d: unterminated string", start-1)
}

// escapeLen is the length of the escape sequence s starts with, 0 if it is
// not a valid one.
func escapeLen(s []byte) int {
	if len(s) < 2 {
		return 0
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(s) < 6 {
			return 0
		}
		for _, c := range s[2:6] {
			if unhex[c] > 15 {
				return 0
			}
		}
		return 6
	}
	return 0
}

// skip consumes one value of any kind; depth is how many arrays and objects
// enclose it.
func (r *jsonReader) skip(depth int) error {
	switch c := r.next(); {
	case c == '"':
		_, _, err := r.str()
		return err
	case c == '{' || c == '[':
		return r.skipContainer(depth + 1)
	case c == 't':
		return r.skipLiteral("true")
	case c == 'f':
		return r.skipLiteral("false")
	case c == 'n':
		return r.skipLiteral("null")
	case c == '-' || '0' <= c && c <= '9':
		return r.number()
	}
	return r.syntaxError("a value")
}

func (r *jsonReader) skipLiteral(lit string) error {
	if !r.literal(lit) {
		return r.syntaxError(lit)
	}
	return nil
}

// skipContainer consumes the array or object at the reader's position, the
// depth-th one open.
func (r *jsonReader) skipContainer(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("invalid JSON at offset %d: nested deeper than %d", r.pos, maxDepth)
	}
	object := r.in[r.pos] == '{'
	closing := byte(']')
	if object {
		closing = '}'
	}
	r.pos++
	if r.next() == closing {
		r.pos++
		return nil
	}
	for {
		if object {
			if r.next() != '"' {
				return r.syntaxError("a field name")
			}
			if _, _, err := r.str(); err != nil {
				return err
			}
			if r.next() != ':' {
				return r.syntaxError("':'")
			}
			r.pos++
		}
		if err := r.skip(depth); err != nil {
			return err
		}
		switch r.next() {
		case ',':
			r.pos++
		case closing:
			r.pos++
			return nil
		default:
			return r.syntaxError(fmt.Sprintf("',' or '%c'", closing))
		}
	}
}

// number consumes a number as JSON spells it.
func (r *jsonReader) number() error {
	in, i := r.in, r.pos
	digits := func() bool {
		start := i
		for i < len(in) && '0' <= in[i] && in[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(in) && in[i] == '-' {
		i++
	}
	switch {
	case i < len(in) && in[i] == '0':
		i++
	case !digits():
		r.pos = i
		return r.syntaxError("a digit")
	}
	if i < len(in) && in[i] == '.' {
		i++
		if !digits() {
			r.pos = i
			return r.syntaxError("a digit")
		}
	}
	if i < len(in) && (in[i] == 'e' || in[i] == 'E') {
		i++
		if i < len(in) && (in[i] == '+' || in[i] == '-') {
			i++
		}
		if !digits() {
			r.pos = i
			return r.syntaxError("a digit")
		}
	}
	r.pos = i
	return nil
}

// object reads the object at the reader's position, calling value with the
// reader at each member's value when its name is one of names (at its
// index), which value must consume. Other members are skipped; depth is how
// many arrays and objects enclose their values, this one included.
func (r *jsonReader) object(names [][]byte, depth int, value func(field int) error) error {
	if r.next() != '{' {
		return fmt.Errorf("want an object, got %s", r.what())
	}
	r.pos++
	if r.next() == '}' {
		r.pos++
		return nil
	}
	for {
		if r.next() != '"' {
			return r.syntaxError("a field name")
		}
		start := r.pos
		key, escaped, err := r.str()
		if err != nil {
			return err
		}
		f := fieldIndex(names, key, escaped, r.in[start:r.pos])
		if r.next() != ':' {
			return r.syntaxError("':'")
		}
		r.pos++
		r.space()
		if f < 0 {
			err = r.skip(depth)
		} else if err = value(f); err != nil {
			err = fmt.Errorf("%s: %w", names[f], err)
		}
		if err != nil {
			return err
		}
		switch r.next() {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return nil
		default:
			return r.syntaxError("',' or '}' after a field")
		}
	}
}

// fieldIndex returns the index in names of the field key names, matched as
// encoding/json matches struct fields: after unquoting, exactly, else
// case-insensitively with Unicode folding; -1 for none. quoted is the key
// with its quotes, unquoted only in the rare case it has escapes.
func fieldIndex(names [][]byte, key []byte, escaped bool, quoted []byte) int {
	if escaped {
		var s string
		if json.Unmarshal(quoted, &s) != nil {
			return -1
		}
		key = []byte(s)
	}
	for i, name := range names {
		if bytes.Equal(key, name) {
			return i
		}
	}
	for i, name := range names {
		if bytes.EqualFold(key, name) {
			return i
		}
	}
	return -1
}
