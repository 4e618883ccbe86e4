//go:build race

package reorgtest

// raceEnabled is set when the tests run under the race detector, which
// slows the pure-Go SQLite driver about tenfold; fewer scenarios run by
// default then, so the suite stays within its minute.
const raceEnabled = true
