package apibench

import (
	"math/bits"
	"time"
)

// histogram counts latencies in log-linear buckets: 64 per power of two of
// microseconds, so a quantile is within about 1.6% of the exact value,
// from 1 µs to past a minute, in a few kilobytes. Every request is
// recorded; nothing is sampled.
type histogram struct {
	counts [27 * subBuckets]int64
	n      int64
	max    time.Duration
}

const subBits = 6
const subBuckets = 1 << subBits

// bucket returns the bucket of a latency in microseconds.
func bucket(us uint64) int {
	if us < subBuckets {
		return int(us)
	}
	exp := bits.Len64(us) - subBits - 1 // us >> exp is in [subBuckets, 2*subBuckets)
	i := (exp+1)*subBuckets + int(us>>exp) - subBuckets
	return min(i, len(histogram{}.counts)-1)
}

// upper returns the largest latency in microseconds bucket i holds.
func upper(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	exp := i/subBuckets - 1
	return (uint64(i%subBuckets+subBuckets)+1)<<exp - 1
}

func (h *histogram) record(d time.Duration) {
	us := uint64(max(0, d.Microseconds()))
	h.counts[bucket(us)]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the latency below which a share q of the recorded ones
// are (the upper end of that bucket, at most the largest recorded).
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.5)
	rank = max(1, min(rank, h.n))
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(h.max, time.Duration(upper(i))*time.Microsecond)
		}
	}
	return h.max
}
