package apibench

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestHistogramQuantiles compares the histogram's quantiles with exact
// ones of the same latencies: within its 1/64 bucket width, never below.
func TestHistogramQuantiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		draw func(r *rand.Rand) time.Duration
	}{
		{"sub-millisecond", func(r *rand.Rand) time.Duration { return time.Duration(r.IntN(900)) * time.Microsecond }},
		{"exponential", func(r *rand.Rand) time.Duration { return time.Duration(r.ExpFloat64() * float64(3*time.Millisecond)) }},
		{"long tail", func(r *rand.Rand) time.Duration {
			return time.Duration(r.Float64()*r.Float64()*r.Float64()*float64(20*time.Second)) + time.Microsecond
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var h, a, b histogram
			var all []time.Duration
			for i := range 100_000 {
				d := tc.draw(r)
				all = append(all, d)
				h.record(d)
				if i%2 == 0 { // merging halves gives the same histogram
					a.record(d)
				} else {
					b.record(d)
				}
			}
			a.merge(&b)
			slices.Sort(all)
			for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
				exact := all[max(0, int(q*float64(len(all))+0.5)-1)].Truncate(time.Microsecond)
				got := h.quantile(q)
				if got < exact || float64(got-exact) > float64(exact)/64+float64(time.Microsecond) {
					t.Errorf("q%.3f = %s, exact %s", q, got, exact)
				}
				if m := a.quantile(q); m != got {
					t.Errorf("q%.3f of merged halves = %s, of the whole %s", q, m, got)
				}
			}
			if h.n != int64(len(all)) || h.max != all[len(all)-1] {
				t.Errorf("n %d max %s, want %d %s", h.n, h.max, len(all), all[len(all)-1])
			}
		})
	}
}
