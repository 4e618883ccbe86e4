package hashid

import (
	"fmt"
	"math"
	"slices"
)

// Encode returns the hashid of nums, or "" when nums is empty.
func (c *Codec) Encode(nums ...uint64) string {
	if len(nums) == 0 {
		return ""
	}
	return string(c.encode(nums))
}

func (c *Codec) encode(nums []uint64) []rune {
	var idInt uint64
	for i, n := range nums {
		idInt += n % uint64(i+moduloPart)
	}

	lottery := c.alphabet[idInt%uint64(len(c.alphabet))]
	ret := make([]rune, 1, 2*c.minLength+8)
	ret[0] = lottery
	var alphabet []rune
	for i, n := range nums {
		if i == 0 {
			alphabet = c.first[lottery]
		} else {
			alphabet = shuffle(alphabet, saltFor(lottery, c.salt, alphabet))
		}
		start := len(ret)
		ret = appendDigits(ret, n, alphabet)
		if i+1 < len(nums) {
			n %= uint64(ret[start]) + uint64(i)
			ret = append(ret, c.seps[n%uint64(len(c.seps))])
		}
	}

	if len(ret) < c.minLength {
		g := (idInt + uint64(ret[0])) % uint64(len(c.guards))
		ret = slices.Insert(ret, 0, c.guards[g])
		if len(ret) < c.minLength {
			g := (idInt + uint64(ret[2])) % uint64(len(c.guards))
			ret = append(ret, c.guards[g])
		}
	}

	half := len(alphabet) / 2
	for round := 0; len(ret) < c.minLength; round++ {
		if round == 0 && len(nums) == 1 {
			alphabet = c.pad[lottery]
		} else {
			alphabet = shuffle(alphabet, alphabet)
		}
		padded := make([]rune, 0, len(alphabet)+len(ret))
		padded = append(padded, alphabet[half:]...)
		padded = append(padded, ret...)
		padded = append(padded, alphabet[:half]...)
		ret = padded
		if excess := len(ret) - c.minLength; excess > 0 {
			start := excess / 2
			ret = ret[start : start+c.minLength]
		}
	}
	return ret
}

// saltFor is the salt of the shuffle before each number: the lottery, the
// codec's salt and the alphabet so far.
func saltFor(lottery rune, salt, alphabet []rune) []rune {
	buffer := make([]rune, 0, 1+len(salt)+len(alphabet))
	buffer = append(buffer, lottery)
	buffer = append(buffer, salt...)
	return append(buffer, alphabet...)
}

// Decode returns the numbers s encodes. Like the reference implementation it
// accepts only strings that encode back to themselves, so a mistyped or
// invented id is an error rather than some other entity's id.
func (c *Codec) Decode(s string) ([]uint64, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty id", ErrInvalid)
	}
	id := []rune(s)
	for _, r := range id {
		if !slices.Contains(c.alphabet, r) && !slices.Contains(c.guards, r) && !slices.Contains(c.seps, r) {
			return nil, fmt.Errorf("%w: %q contains %q, which is not in the alphabet", ErrInvalid, s, r)
		}
	}

	parts := splitAny(id, c.guards)
	breakdown := parts[0]
	if len(parts) == 2 || len(parts) == 3 {
		breakdown = parts[1]
	}
	if len(breakdown) == 0 {
		return nil, fmt.Errorf("%w: %q holds no number", ErrInvalid, s)
	}

	lottery := breakdown[0]
	alphabet := c.alphabet
	var nums []uint64
	for i, sub := range splitAny(breakdown[1:], c.seps) {
		if first, ok := c.first[lottery]; ok && i == 0 {
			alphabet = first
		} else {
			alphabet = shuffle(alphabet, saltFor(lottery, c.salt, alphabet)[:len(alphabet)])
		}
		n, err := fromAlphabet(sub, alphabet)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrInvalid, s, err)
		}
		nums = append(nums, n)
	}
	if !slices.Equal(c.encode(nums), id) {
		return nil, fmt.Errorf("%w: %q is not a canonical hashid", ErrInvalid, s)
	}
	return nums, nil
}

// shuffle is the reference's salted, deterministic permutation. It always
// returns a new slice.
func shuffle(alphabet, salt []rune) []rune {
	out := slices.Clone(alphabet)
	if len(salt) == 0 {
		return out
	}
	p := 0
	for i, v := len(out)-1, 0; i > 0; i, v = i-1, v+1 {
		v %= len(salt)
		n := int(salt[v])
		p += n
		j := (n + v + p) % i
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// appendDigits appends n written in alphabet, most significant digit
// first.
func appendDigits(out []rune, n uint64, alphabet []rune) []rune {
	base := uint64(len(alphabet))
	start := len(out)
	for {
		out = append(out, alphabet[n%base])
		n /= base
		if n == 0 {
			break
		}
	}
	slices.Reverse(out[start:])
	return out
}

func fromAlphabet(in, alphabet []rune) (uint64, error) {
	base := uint64(len(alphabet))
	var n uint64
	for _, r := range in {
		i := slices.Index(alphabet, r)
		if i < 0 {
			return 0, fmt.Errorf("%q is not a digit here", r)
		}
		if n > (math.MaxUint64-uint64(i))/base {
			return 0, fmt.Errorf("number does not fit in 64 bits")
		}
		n = n*base + uint64(i)
	}
	return n, nil
}

// splitAny splits s at every rune found in seps, keeping empty parts, like
// JavaScript's String.prototype.split with a character-class pattern.
func splitAny(s, seps []rune) [][]rune {
	var parts [][]rune
	start := 0
	for i, r := range s {
		if slices.Contains(seps, r) {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func keepUnique(rs []rune) []rune {
	var out []rune
	for _, r := range rs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func without(rs, exclude []rune) []rune {
	var out []rune
	for _, r := range rs {
		if !slices.Contains(exclude, r) {
			out = append(out, r)
		}
	}
	return out
}

func only(rs, keep []rune) []rune {
	var out []rune
	for _, r := range rs {
		if slices.Contains(keep, r) {
			out = append(out, r)
		}
	}
	return out
}
