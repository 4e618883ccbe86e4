package gethtest

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// The tests' Start ties geth to a testing.TB; programs that are not tests,
// such as the benchmark suite, start it with Run and stop it themselves.

// Config chooses how Run starts geth --dev.
type Config struct {
	// Binary is the geth to run; "" finds it as FindBinary does.
	Binary string
	// DataDir holds the chain and geth.log; "" makes a temporary one,
	// removed by Stop.
	DataDir string
	// Period is the block period; 0 mines on demand.
	Period time.Duration
	// GasLimit is the block gas limit; 0 keeps geth's dev default.
	GasLimit uint64
	// Args are more flags for geth (transaction pool limits, caches).
	Args []string
}

// Process is a geth --dev started by Run.
type Process struct {
	Node
	// Version is what `geth version` reports, e.g. "1.17.10-stable".
	Version string
	// LogPath is geth's output.
	LogPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	tmpDir  string
}

// ErrNoBinary is why FindBinary failed: geth is built by script/bootstrap.
var ErrNoBinary = errors.New("geth not found: run script/bootstrap, which builds the pinned geth into ~/.cache/discovery/bin (or set DISCOVERY_GETH)")

// FindBinary finds geth where Binary looks: $DISCOVERY_GETH, the bootstrap
// cache, PATH.
func FindBinary() (string, error) {
	var candidates []string
	if p := os.Getenv("DISCOVERY_GETH"); p != "" {
		candidates = append(candidates, p)
	}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".cache", "discovery", "bin", "geth"))
	}
	if p, err := exec.LookPath("geth"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w (looked at %s)", ErrNoBinary, strings.Join(candidates, ", "))
}

// Run starts geth --dev as cfg says and waits until it answers JSON-RPC
// over HTTP on a free local port. The caller must Stop it.
func Run(ctx context.Context, cfg Config) (*Process, error) {
	bin := cfg.Binary
	if bin == "" {
		var err error
		if bin, err = FindBinary(); err != nil {
			return nil, err
		}
	}
	out, err := exec.CommandContext(ctx, bin, "version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s version: %w", bin, err)
	}
	p := &Process{Version: versionOf(string(out)), exited: make(chan struct{})}
	dir := cfg.DataDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "geth-dev-"); err != nil {
			return nil, fmt.Errorf("making geth's data directory: %w", err)
		}
		p.tmpDir = dir
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("making geth's data directory: %w", err)
	}
	ports, err := freePorts(2)
	if err != nil {
		p.removeTmp()
		return nil, err
	}
	args := []string{
		"--dev", "--dev.period", strconv.Itoa(int(cfg.Period / time.Second)),
		"--datadir", filepath.Join(dir, "chain"), "--ipcdisable", "--nodiscover", "--maxpeers", "0",
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(ports[0]),
		"--http.api", "eth,net,web3,debug,txpool",
		"--authrpc.port", strconv.Itoa(ports[1]),
		"--verbosity", "2",
	}
	if cfg.GasLimit > 0 {
		// The miner's limit is the target the block limit drifts to.
		gl := strconv.FormatUint(cfg.GasLimit, 10)
		args = append(args, "--dev.gaslimit", gl, "--miner.gaslimit", gl)
	}
	args = append(args, cfg.Args...)
	p.LogPath = filepath.Join(dir, "geth.log")
	logf, err := os.Create(p.LogPath)
	if err != nil {
		p.removeTmp()
		return nil, fmt.Errorf("creating geth's log: %w", err)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		p.removeTmp()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	p.URL = fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	if err := p.awaitRPC(ctx); err != nil {
		return nil, errors.Join(err, p.Stop())
	}
	return p, nil
}

// awaitRPC waits up to a minute for geth to answer eth_blockNumber.
func (p *Process) awaitRPC(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		rc, err := rpc.DialContext(ctx, p.URL)
		if err == nil {
			var num hexutil.Uint64
			if err = rc.CallContext(ctx, &num, "eth_blockNumber"); err == nil {
				p.RPC = rc
				return nil
			}
			rc.Close()
		}
		select {
		case <-p.exited:
			return fmt.Errorf("geth exited before answering (%v): %s", p.waitErr, p.LogTail(2000))
		case <-ctx.Done():
			return fmt.Errorf("geth did not answer on %s: %w (last error: %v)", p.URL, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop interrupts geth, kills it if it has not exited within 10 s, and
// removes a data directory Run made.
func (p *Process) Stop() error {
	if p.RPC != nil {
		p.RPC.Close()
	}
	var err error
	select {
	case <-p.exited:
	default:
		if err = p.cmd.Process.Signal(os.Interrupt); err != nil {
			err = fmt.Errorf("interrupting geth: %w", err)
		}
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	}
	p.removeTmp()
	return err
}

func (p *Process) removeTmp() {
	if p.tmpDir != "" {
		_ = os.RemoveAll(p.tmpDir)
	}
}

// LogTail returns the last n bytes of geth's output, for errors.
func (p *Process) LogTail(n int) string {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return "(no geth log: " + err.Error() + ")"
	}
	return strings.TrimSpace(string(tail(b, n)))
}

// CPU is the user and system time geth has used so far, from
// /proc/PID/stat (Linux only), so a benchmark can say what serving cost
// the node.
func (p *Process) CPU() (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "stat"))
	if err != nil {
		return 0, fmt.Errorf("reading geth's CPU time: %w", err)
	}
	// Fields count from the end of the command name, which may hold
	// spaces; utime and stime are the 14th and 15th, in USER_HZ (100).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("reading geth's CPU time: %d fields in /proc/%d/stat", len(f), p.cmd.Process.Pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("reading geth's CPU time: %w", err)
	}
	return time.Duration(utime+stime) * time.Second / 100, nil
}

// Fund sends value wei to each address from the dev account and waits
// until every transfer is mined.
func (n *Node) Fund(ctx context.Context, value *big.Int, to ...common.Address) error {
	var accounts []common.Address
	if err := n.RPC.CallContext(ctx, &accounts, "eth_accounts"); err != nil {
		return fmt.Errorf("reading geth's dev account: %w", err)
	}
	if len(accounts) == 0 {
		return errors.New("reading geth's dev account: geth has none (is it running with --dev?)")
	}
	hashes := make([]common.Hash, len(to))
	for i, addr := range to {
		tx := map[string]any{"from": accounts[0], "to": addr, "value": (*hexutil.Big)(value)}
		if err := n.RPC.CallContext(ctx, &hashes[i], "eth_sendTransaction", tx); err != nil {
			return fmt.Errorf("funding %s from the dev account: %w", addr, err)
		}
	}
	for i, h := range hashes {
		for {
			var receipt *struct {
				Status hexutil.Uint64 `json:"status"`
			}
			if err := n.RPC.CallContext(ctx, &receipt, "eth_getTransactionReceipt", h); err == nil && receipt != nil {
				if receipt.Status != 1 {
					return fmt.Errorf("funding %s: transaction %s failed", to[i], h)
				}
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("funding %s: transaction %s not mined: %w", to[i], h, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

func versionOf(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "Version: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func freePorts(n int) ([]int, error) {
	// All are held open together so no two are the same.
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	ports := make([]int, n)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port for geth: %w", err)
		}
		lns = append(lns, ln)
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}
