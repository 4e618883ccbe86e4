// Package devchain runs the development chain behind `discovery dev`, so the
// whole pipeline (follower, block log, indexers, API) can be tried and tested
// with nothing to install: a go-ethereum simulated chain that persists on
// disk, mines on a timer like a real node, serves JSON-RPC over a unix
// socket, and comes with the EntityManager contract deployed and demo
// content seeded through real signed actions.
//
// Deploy and Seed take any go-ethereum backend, so `discovery seed` can put
// the same demo content on a real node.
package devchain
