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

	alphabet := slices.Clone(c.alphabet)
	lottery := alphabet[idInt%uint64(len(alphabet))]
	ret := []rune{lottery}
	for i, n := range nums {
		buffer := make([]rune, 0, 1+len(c.salt)+len(alphabet))
		buffer = append(buffer, lottery)
		buffer = append(buffer, c.salt...)
		buffer = append(buffer, alphabet...)
		alphabet = shuffle(alphabet, buffer)
		last := toAlphabet(n, alphabet)
		ret = append(ret, last...)
		if i+1 < len(nums) {
			n %= uint64(last[0]) + uint64(i)
			ret = append(ret, c.seps[n%uint64(len(c.seps))])
		}
	}

	if len(ret) < c.minLength {
		g := (idInt + uint64(ret[0])) % uint64(len(c.guards))
		ret = append([]rune{c.guards[g]}, ret...)
		if len(ret) < c.minLength {
			g := (idInt + uint64(ret[2])) % uint64(len(c.guards))
			ret = append(ret, c.guards[g])
		}
	}

	half := len(alphabet) / 2
	for len(ret) < c.minLength {
		alphabet = shuffle(alphabet, alphabet)
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
	alphabet := slices.Clone(c.alphabet)
	var nums []uint64
	for _, sub := range splitAny(breakdown[1:], c.seps) {
		buffer := make([]rune, 0, 1+len(c.salt)+len(alphabet))
		buffer = append(buffer, lottery)
		buffer = append(buffer, c.salt...)
		buffer = append(buffer, alphabet...)
		alphabet = shuffle(alphabet, buffer[:len(alphabet)])
		n, err := fromAlphabet(sub, alphabet)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrInvalid, s, err)
		}
		nums = append(nums, n)
	}
	if string(c.encode(nums)) != s {
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

func toAlphabet(n uint64, alphabet []rune) []rune {
	base := uint64(len(alphabet))
	var out []rune
	for {
		out = append(out, alphabet[n%base])
		n /= base
		if n == 0 {
			break
		}
	}
	slices.Reverse(out)
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
