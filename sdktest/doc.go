// Package sdktest checks Discovery against a real client: the published
// @audius/sdk npm package that listener apps use. Its test builds and starts
// `discovery dev` (embedded chain, demo content, SQLite, API), runs calls.mjs
// under node to make the SDK's calls against it in one process, and compares
// what the SDK decoded with what the demo seeded and what our own API
// answers. Unit tests of internal/api check our JSON against our reading of
// the spec; only the real client shows what an app actually gets.
//
// The package is installed by script/sdktest-install into
// $DISCOVERY_CACHE/sdk (default $HOME/.cache/discovery/sdk), pinned by
// package.json and package-lock.json here.
package sdktest
