package benchtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// anonHeld is what the child maps while the test watches it.
const anonHeld = 96 << 20

// TestAnonWatchKeepsThePeak starts a child that maps and touches anonHeld
// bytes, then unmaps them: the watch must report the peak, not what the
// child holds at the end.
func TestAnonWatchKeepsThePeak(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "BENCHTEST_ANON_CHILD=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := watchAnon(cmd.Process.Pid)
	defer func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("child: %v", err)
		}
	}()
	out := bufio.NewReader(stdout)
	expectLine(t, out, "held")
	// The bound only stops a broken watch from hanging the test run.
	for deadline := time.Now().Add(30 * time.Second); w.peak.Load() < anonHeld; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the watch saw at most %d bytes of the child's %d", w.peak.Load(), anonHeld)
		}
	}
	fmt.Fprintln(stdin, "free")
	expectLine(t, out, "freed")

	pid := cmd.Process.Pid
	now, err := procStatus(pid, "RssAnon")
	if err != nil {
		t.Fatal(err)
	}
	peak := w.finish()
	if peak < anonHeld || peak-now < anonHeld/2 {
		t.Errorf("peak RssAnon %d, now %d: want the peak to hold the %d bytes freed since", peak, now, anonHeld)
	}
}

func expectLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != want {
		t.Fatalf("child said %q (%v), want %q", line, err, want)
	}
}

// anonChild is the child of TestAnonWatchKeepsThePeak, run by TestMain
// when BENCHTEST_ANON_CHILD is set: it maps anonHeld bytes, and unmaps
// them when told.
func anonChild() error {
	mem, err := syscall.Mmap(-1, 0, anonHeld, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return err
	}
	for i := 0; i < len(mem); i += os.Getpagesize() {
		mem[i] = 1
	}
	in := bufio.NewReader(os.Stdin)
	fmt.Println("held")
	if _, err := in.ReadString('\n'); err != nil {
		return err
	}
	if err := syscall.Munmap(mem); err != nil {
		return err
	}
	fmt.Println("freed")
	in.ReadString('\n') //nolint:errcheck // EOF when the parent is done
	return nil
}
