package apibench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// server is a running `discovery serve`.
type server struct {
	cmd     *exec.Cmd
	base    string // http://host:port
	logPath string
	exited  chan struct{}
	waitErr error
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// serveArgs are the flags the benchmark serves with: no rate limit (the
// clients are one address), and warnings only in the log.
func serveArgs(db string, extra []string) []string {
	return append([]string{"serve", "--db", db, "--listen", "127.0.0.1:0", "--rate-limit", "0", "--log-level", "warn"}, extra...)
}

// startServer runs bin with args, its stderr to logPath, and waits for
// the address it prints once it listens.
func startServer(ctx context.Context, bin string, args []string, logPath string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create the server's log: %w", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("pipe the server's output: %w", err)
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		s.waitErr = cmd.Wait()
		logf.Close()
		close(s.exited)
	}()
	select {
	case s.base = <-addr:
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("discovery serve exited before listening (%v): %s", s.waitErr, s.logTail())
	case <-time.After(2 * time.Minute):
		s.stop()
		return nil, fmt.Errorf("discovery serve did not listen within 2 minutes: %s", s.logTail())
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// stop interrupts the server as a terminal would, and kills it if it has
// not exited within 20 s.
func (s *server) stop() error {
	select {
	case <-s.exited:
		return s.exitErr()
	default:
	}
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		return fmt.Errorf("interrupt discovery serve: %w", err)
	}
	select {
	case <-s.exited:
		return s.exitErr()
	case <-time.After(20 * time.Second):
		if err := s.cmd.Process.Kill(); err != nil {
			return fmt.Errorf("kill discovery serve: %w", err)
		}
		<-s.exited
		return errors.New("discovery serve did not stop within 20 s of an interrupt; killed")
	}
}

// exitErr is the server's exit, which after an interrupt should be clean.
func (s *server) exitErr() error {
	if s.waitErr != nil {
		return fmt.Errorf("discovery serve exited with %v: %s", s.waitErr, s.logTail())
	}
	return nil
}

// logTail is the end of the server's log, for errors.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}
