// Package apibench measures the v1 API under load: it generates a data set
// of users, tracks, playlists, follows, reposts, saves and plays with
// power-law popularity, loads it into a store through the store's own write
// path (ApplyBlock, block after block, so triggers, derived tables, the
// digest and undo images are made as in production, then RefreshTrending),
// serves it with a real `discovery serve` process, and drives that process
// with concurrent keep-alive HTTP clients, one endpoint at a time, recording
// every latency. cmd/synth's apiload command runs it and writes the report.
//
// A loaded data set is kept between runs, under a name made from the seed,
// the sizes, the generator's version and the store's schema version, so
// iterating on queries costs a run, not a reload.
package apibench
