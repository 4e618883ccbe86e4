//go:build !race

package reorgtest

// raceEnabled is set when the tests run under the race detector.
const raceEnabled = false
