// Package reorgtest proves that Discovery's indexed state stays exactly right
// while the chain reorganises and the process is killed: it drives the real
// pipeline (chain client, follower, content indexer, store) against real
// chains that fork, and compares the state digest with that of a fresh index
// of the final canonical chain. The helpers here are shared by the property
// tests in this package and the kill tests of cmd/discovery; nothing outside
// tests imports it.
package reorgtest
