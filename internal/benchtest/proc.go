package benchtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// process is a running discovery binary.
type process struct {
	cmd     *exec.Cmd
	api     string // http://host:port of its API
	started time.Time
	exited  chan struct{}
	waitErr error
	logPath string
	// anon keeps the peak of the process's own memory over its life.
	anon *anonWatch
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startDiscovery runs bin with args, its stderr to logPath, and waits until
// it prints the address its API listens on (after migrations).
func startDiscovery(ctx context.Context, bin string, args []string, logPath string) (*process, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("creating discovery's log: %w", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("piping discovery's output: %w", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{}), logPath: logPath}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	p.anon = watchAnon(cmd.Process.Pid)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
	}()
	go func() {
		p.waitErr = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	select {
	case p.api = <-addr:
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("discovery exited before serving (%v): %s", p.waitErr, p.logTail())
	case <-time.After(2 * time.Minute):
		p.stop()
		return nil, fmt.Errorf("discovery did not start serving within 2 minutes: %s", p.logTail())
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// stop asks the process to shut down (SIGINT, as a terminal would), and
// kills it if it has not within 20 s.
func (p *process) stop() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return fmt.Errorf("interrupting discovery: %w", err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(20 * time.Second):
		if err := p.cmd.Process.Kill(); err != nil {
			return fmt.Errorf("killing discovery: %w", err)
		}
		<-p.exited
		return errors.New("discovery did not stop within 20 s of an interrupt; killed")
	}
}

// dead returns an error when the process has exited.
func (p *process) dead() error {
	select {
	case <-p.exited:
		return fmt.Errorf("discovery exited (%v): %s", p.waitErr, p.logTail())
	default:
		return nil
	}
}

// logTail returns the end of the process's log, for errors.
func (p *process) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// procStatus reads one "Name:  value kB" line of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, fmt.Errorf("reading the status of process %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				break
			}
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parsing %s of process %d: %w", field, pid, err)
			}
			return n * 1024, nil
		}
	}
	return 0, fmt.Errorf("process %d has no %s", pid, field)
}

// clockTick is USER_HZ, the unit of /proc CPU times: 100 on every Linux
// architecture Go supports.
const clockTick = 100

// procCPU returns the user and system CPU time process pid has used.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, fmt.Errorf("reading the CPU time of process %d: %w", pid, err)
	}
	// The command name, field 2, may hold spaces; fields count from its end.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("parsing /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("parsing /proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("parsing /proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * time.Second / clockTick, nil
}

// postgresCPU sums the CPU time of the PostgreSQL backends serving
// database db, found by the process titles PostgreSQL sets
// ("postgres: ... USER DB HOST(PORT) STATE").
func postgresCPU(db string) (time.Duration, int) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, 0
	}
	var total time.Duration
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.HasPrefix(string(cmdline), "postgres:") {
			continue
		}
		if !strings.Contains(string(cmdline), " "+db+" ") {
			continue
		}
		if d, err := procCPU(pid); err == nil {
			total += d
			n++
		}
	}
	return total, n
}

// cpuSample is the machine's CPU time counters (/proc/stat, first line).
type cpuSample struct{ busy, total uint64 }

func sampleCPU() cpuSample {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return cpuSample{}
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return cpuSample{}
	}
	var s cpuSample
	for i, v := range strings.Fields(line)[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		s.total += n
		if i != 3 && i != 4 { // idle, iowait
			s.busy += n
		}
	}
	return s
}

// busySince is the share of the machine's CPU time that was busy since s.
func busySince(s cpuSample) float64 {
	now := sampleCPU()
	if now.total <= s.total {
		return 0
	}
	return float64(now.busy-s.busy) / float64(now.total-s.total)
}
