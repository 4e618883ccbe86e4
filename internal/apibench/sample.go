package apibench

import (
	"math"
	"math/rand/v2"
	"sort"
)

// zipf draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s:
// a few ranks get most draws, as a few users get most follows.
type zipf struct {
	cum []float64 // cum[i] is the weight of ranks 0..i
}

func newZipf(n int, s float64) *zipf {
	z := &zipf{cum: make([]float64, n)}
	total := 0.0
	for i := range z.cum {
		total += math.Pow(float64(i+1), -s)
		z.cum[i] = total
	}
	return z
}

func (z *zipf) draw(r *rand.Rand) int {
	u := r.Float64() * z.cum[len(z.cum)-1]
	return sort.SearchFloat64s(z.cum, u)
}

// spread splits total into n counts drawn from a log-normal with the given
// sigma (most small, a few large), each at most limit, summing to exactly
// total when n*limit allows it.
func spread(r *rand.Rand, n, total, limit int, sigma float64) []int {
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = math.Exp(sigma * r.NormFloat64())
		sum += w[i]
	}
	out := make([]int, n)
	given := 0
	for i := range out {
		out[i] = min(limit, int(float64(total)*w[i]/sum))
		given += out[i]
	}
	// The remainder, one at a time to random entries with room.
	for tries := 0; given < total && tries < 100*total+1000; tries++ {
		if i := r.IntN(n); out[i] < limit {
			out[i]++
			given++
		}
	}
	return out
}

// marks is a set of small integers that is emptied in O(1): an entry is
// in the set while it holds the current stamp.
type marks struct {
	stamp []int32
	cur   int32
}

func newMarks(n int) *marks { return &marks{stamp: make([]int32, n), cur: 1} }

// reset empties the set.
func (m *marks) reset() { m.cur++ }

// add puts i in the set and reports whether it was absent.
func (m *marks) add(i int32) bool {
	if m.stamp[i] == m.cur {
		return false
	}
	m.stamp[i] = m.cur
	return true
}
