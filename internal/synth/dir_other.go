//go:build !unix

package synth

import "os"

// DefaultDir is where a Chain keeps its file when not told: the system's
// temporary directory (on Unix, /dev/shm when it has room).
func DefaultDir() string { return os.TempDir() }
