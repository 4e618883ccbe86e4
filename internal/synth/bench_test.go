package synth

import (
	"context"
	"testing"
)

// BenchmarkGenerate measures the generator alone: state model, metadata and
// ABI encoding. It must stay far above any indexer's speed (≫ 50k events/s)
// so it never limits a benchmark.
func BenchmarkGenerate(b *testing.B) {
	g, err := NewGenerator(Config{Seed: 1, Events: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	events, bytes := 0, int64(0)
	b.ResetTimer()
	for events < b.N {
		blk, _ := g.Next()
		for _, l := range blk.Logs {
			bytes += int64(len(l.Data))
			if l.Kind == KindManageEntity {
				events++
			}
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(bytes)/float64(events), "databytes/event")
}

// BenchmarkBuild measures making a servable chain: generating, rendering
// every block and log as JSON, and writing it to the chain's file. One op
// is one ManageEntity event.
func BenchmarkBuild(b *testing.B) {
	c, err := Build(context.Background(), Config{Seed: 1, Events: max(b.N, 1)}, "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(c.Bytes())/float64(max(b.N, 1)), "jsonbytes/event")
}
