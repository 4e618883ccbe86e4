// Package hashid encodes entity ids the way the Audius discovery API does, so
// that existing clients (and links they already hold) keep working against
// Discovery. Audius uses the hashids algorithm (version 1, as in the npm and
// Python "hashids" packages) with a fixed salt; no Go module of it is
// available to us, so the algorithm is implemented here and checked against
// vectors produced by the reference implementation (testdata/vectors.json).
package hashid

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Parameters of the Audius API's ids.
const (
	Salt            = "azowernasdfoia"
	MinLength       = 5
	DefaultAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"
)

// ErrInvalid is wrapped by every decode error, so callers can tell a malformed
// id from other failures.
var ErrInvalid = errors.New("invalid hashid")

// Constants of the hashids algorithm, as the reference implementation has them.
const (
	minAlphabetLength = 16
	sepDiv            = 3.5
	guardDiv          = 12
	defaultSeps       = "cfhistuCFHISTU"
	moduloPart        = 100
)

// Codec encodes and decodes lists of non-negative integers. It is immutable
// and safe for concurrent use.
type Codec struct {
	salt      []rune
	alphabet  []rune
	seps      []rune
	guards    []rune
	minLength int
	// The shuffles every id of one number goes through, made once per
	// lottery character (the first character of a hashid, one of the
	// alphabet's) rather than on every call: first is the alphabet the
	// number is written in, pad the one padding a short id. Never
	// changed once made.
	first, pad map[rune][]rune
}

// New returns a Codec for the given salt, minimum length and alphabet, which
// must hold at least 16 distinct characters and no spaces.
func New(salt string, minLength int, alphabet string) (*Codec, error) {
	unique := keepUnique([]rune(alphabet))
	if len(unique) < minAlphabetLength {
		return nil, fmt.Errorf("hashid alphabet must contain at least %d unique characters, got %d", minAlphabetLength, len(unique))
	}
	if strings.ContainsRune(alphabet, ' ') {
		return nil, errors.New("hashid alphabet must not contain spaces")
	}
	if minLength < 0 {
		return nil, fmt.Errorf("hashid minimum length must not be negative, got %d", minLength)
	}
	return newCodec(salt, minLength, unique), nil
}

// newCodec builds the separators, guards and shuffled alphabet exactly as the
// reference constructor does. unique must already be deduplicated and valid.
func newCodec(salt string, minLength int, unique []rune) *Codec {
	c := &Codec{salt: []rune(salt), minLength: minLength}
	sepChars := []rune(defaultSeps)
	c.alphabet = without(unique, sepChars)
	c.seps = shuffle(only(sepChars, unique), c.salt)

	if len(c.seps) == 0 || float64(len(c.alphabet))/float64(len(c.seps)) > sepDiv {
		sepsLength := int(math.Ceil(float64(len(c.alphabet)) / sepDiv))
		if sepsLength > len(c.seps) {
			diff := sepsLength - len(c.seps)
			c.seps = append(c.seps, c.alphabet[:diff]...)
			c.alphabet = c.alphabet[diff:]
		}
	}
	c.alphabet = shuffle(c.alphabet, c.salt)

	guardCount := int(math.Ceil(float64(len(c.alphabet)) / guardDiv))
	if len(c.alphabet) < 3 {
		c.guards = c.seps[:guardCount:guardCount]
		c.seps = c.seps[guardCount:]
	} else {
		c.guards = c.alphabet[:guardCount:guardCount]
		c.alphabet = c.alphabet[guardCount:]
	}
	c.first, c.pad = make(map[rune][]rune, len(c.alphabet)), make(map[rune][]rune, len(c.alphabet))
	for _, lottery := range c.alphabet {
		first := shuffle(c.alphabet, saltFor(lottery, c.salt, c.alphabet))
		c.first[lottery], c.pad[lottery] = first, shuffle(first, first)
	}
	return c
}

// audius is the codec of the Audius API. Its parameters are constants known to
// be valid, so it is built without the checks of New.
var audius = newCodec(Salt, MinLength, keepUnique([]rune(DefaultAlphabet)))

// Encode returns the Audius hashid of id. Like the reference implementation it
// returns "" for a negative number, which has no hashid.
func Encode(id int64) string {
	if id < 0 {
		return ""
	}
	return audius.Encode(uint64(id))
}

// Decode returns the id an Audius hashid stands for. It fails, wrapping
// ErrInvalid, for anything that is not exactly the encoding of one id.
func Decode(s string) (int64, error) {
	nums, err := audius.Decode(s)
	if err != nil {
		return 0, err
	}
	if len(nums) != 1 {
		return 0, fmt.Errorf("%w: %q holds %d numbers, want one id", ErrInvalid, s, len(nums))
	}
	if nums[0] > math.MaxInt64 {
		return 0, fmt.Errorf("%w: %q is out of the id range", ErrInvalid, s)
	}
	return int64(nums[0]), nil
}
