// Package devchain runs the development chain behind `discovery dev`, so the
// whole pipeline (follower, block log, indexers, API) can be tried and tested
// with nothing to install: a go-ethereum simulated chain that persists on
// disk, mines on a timer like a real node, serves JSON-RPC over a unix
// socket, and comes with the EntityManager and Plays contracts deployed and
// demo content seeded through real signed actions: every entity type and
// action of the content protocol, delegation through developer apps and
// managers, plays, and attacks the indexer must refuse.
//
// DeployAll and Seed take any go-ethereum backend, so `discovery seed` can
// put the same demo content on a real node.
package devchain
