// Package synth makes a synthetic content-protocol chain and serves it over
// JSON-RPC, so benchmarks measure Discovery and not the node behind it.
//
// A Generator turns a seed and a size (a number of ManageEntity events) into
// blocks of logs, deterministically: users with a power-law follower graph,
// creators with many tracks, bursts of reposts and saves, plays from a Plays
// contract, renames, deletes, playlists and albums, and a few actions the
// protocol refuses. It keeps a model of the state so that the actions it
// means to be valid are valid, and counts the ones it means to be refused;
// the indexer must agree with both.
//
// A Chain holds the generated blocks already rendered as the JSON a node
// would send (spilled to a file, so a million events need little memory),
// and a Server answers eth_getBlockByNumber, eth_getLogs and friends from it,
// in batches, over HTTP or WebSocket, with eth_subscribe("newHeads"). The
// chain can be revealed block by block to measure how soon an indexer
// follows the head.
package synth
