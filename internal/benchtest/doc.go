// Package benchtest measures Discovery on synthetic chains (internal/synth):
// in process, through the same follower, content indexer and store the
// binary wires, for Go benchmarks; and as whole processes — the real
// discovery binary against a synth JSON-RPC server — for backfill speed,
// peak memory and live lag. cmd/synth and script/bench drive it and write
// BENCHMARKS.md.
package benchtest
