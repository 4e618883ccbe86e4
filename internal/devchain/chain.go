package devchain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/rpc"
)

// maxSocketPath keeps the IPC path under the smallest unix socket limit of
// the platforms we run on (104 bytes on macOS and the BSDs, 108 on Linux).
const maxSocketPath = 103

// DefaultBlockTime is used when Config.BlockTime is not positive.
const DefaultBlockTime = time.Second

// Config configures Start.
type Config struct {
	// DataDir holds the chain database and the files that let a restart
	// resume the same chain. It is created if missing.
	DataDir string
	// BlockTime is how often a block is mined, transactions or not.
	BlockTime time.Duration
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// Chain is a running development chain. Blocks are mined until Close is
// called or the context given to Start ends.
type Chain struct {
	backend     *simulated.Backend
	dataDir     string
	ipcPath     string
	socketDir   string // a temporary directory holding the socket, removed on Close
	chainID     *big.Int
	contract    common.Address
	deployBlock uint64
	seed        SeedResult
	heads       []common.Hash // newest first; owned by the mining goroutine once it runs
	logger      *slog.Logger

	stopMining context.CancelFunc
	mined      chan struct{}
	closeOnce  sync.Once
	closeErr   error
}

// Start opens (or creates) the chain in cfg.DataDir, resumes it at the head
// it had when it last ran, starts mining every cfg.BlockTime, and on first
// start deploys EntityManager and Plays and seeds the demo content. Blocks are mined
// until ctx ends or Close is called.
func Start(ctx context.Context, cfg Config) (*Chain, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	blockTime := cfg.BlockTime
	if blockTime <= 0 {
		blockTime = DefaultBlockTime
	}
	if cfg.DataDir == "" {
		return nil, errors.New("starting dev chain: no data directory")
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("starting dev chain: resolving %s: %w", cfg.DataDir, err)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("starting dev chain: %w", err)
	}
	c := &Chain{dataDir: dataDir, logger: logger}
	if err := c.open(ctx); err != nil {
		c.cleanup()
		return nil, err
	}
	c.startMining(ctx, blockTime)
	if err := c.prepare(ctx); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	logger.Info("dev chain ready", "chain_id", c.chainID, "contract", c.contract, "deploy_block", c.deployBlock, "ipc", c.ipcPath)
	return c, nil
}

// open starts the node, and resumes the saved head if there is one.
func (c *Chain) open(ctx context.Context) error {
	ipcPath, socketDir, err := socketPath(c.dataDir)
	if err != nil {
		return err
	}
	c.ipcPath, c.socketDir = ipcPath, socketDir
	chainDir := filepath.Join(c.dataDir, "chain")
	c.backend, err = newBackend(func(nc *node.Config, ec *ethconfig.Config) {
		nc.Name = "discovery-dev" // fixes the database path, whatever the binary is called
		nc.DataDir = chainDir
		nc.IPCPath = ipcPath
		// An archive of hash-keyed state writes every block's state with
		// the block, so a crash costs at most the last moments. The default
		// path scheme keeps recent state in memory only, and after a crash
		// the node rewinds, deleting every block since the last flush.
		ec.StateScheme = rawdb.HashScheme
		ec.NoPruning = true
		// A dev chain is tiny: keep the node's caches small, and skip the
		// snapshot, which an archive does not need.
		ec.SnapshotCache = 0
		ec.TrieCleanCache = 16
		ec.DatabaseCache = 32
	})
	if err != nil {
		return err
	}
	c.heads, err = loadHeads(c.dataDir)
	if err != nil {
		return err
	}
	client := c.backend.Client()
	c.chainID, err = client.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("reading dev chain id: %w", err)
	}
	if len(c.heads) > 0 {
		if err := c.resume(ctx); err != nil {
			return err
		}
	}
	h, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("reading dev chain head: %w", err)
	}
	if len(c.heads) > 0 && h.Hash() != c.heads[0] {
		return fmt.Errorf("resuming dev chain: head is %s, want %s", h.Hash(), c.heads[0])
	}
	c.logger.Info("dev chain opened", "dir", c.dataDir, "head", h.Number, "resumed", len(c.heads) > 0)
	return nil
}

// resume makes the newest saved head that the database still holds
// canonical again, and drops the newer ones it lost (the node writes
// asynchronously, so a crash can lose its last blocks).
//
// The simulated backend rewinds to genesis when it starts, and the
// transaction pool takes that rewind for a reorg and puts every mined
// transaction back as pending, which Fork refuses. Those transactions are
// already in the blocks being restored, so the pool is emptied first; it
// refills asynchronously, hence the retry after Fork has let it settle.
func (c *Chain) resume(ctx context.Context) error {
	client := c.backend.Client()
	for i, head := range c.heads {
		if _, err := client.HeaderByHash(ctx, head); errors.Is(err, ethereum.NotFound) {
			continue
		} else if err != nil {
			return fmt.Errorf("looking up saved head %s: %w", head, err)
		}
		if i > 0 {
			c.logger.Warn("dev chain lost its newest blocks, resuming from an older head", "lost", i, "head", head)
		}
		var err error
		for range 3 {
			c.backend.Rollback()
			if err = c.backend.Fork(head); err == nil {
				break
			}
		}
		if err != nil {
			// A kill can keep a head's header but lose the bodies of its
			// ancestors; an older saved head may still be whole.
			c.logger.Warn("dev chain cannot resume a saved head, trying an older one", "head", head, "err", err)
			continue
		}
		c.heads = c.heads[i:]
		return c.sealAfter(ctx)
	}
	return fmt.Errorf("dev chain in %s has none of its %d saved heads; remove the directory to start afresh", c.dataDir, len(c.heads))
}

// sealAfter seals one block on the resumed head, timed now or one second
// after the head, whichever is later. The block builder only knows the time
// of the head the node opened with, which after a crash can be older than
// the resumed one; without this, blocks mined faster than one a second
// leave it proposing timestamps the chain rejects.
func (c *Chain) sealAfter(ctx context.Context) error {
	h, err := c.backend.Client().HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("reading resumed head: %w", err)
	}
	step := max(time.Since(time.Unix(int64(h.Time), 0)), time.Second)
	for range 3 {
		// The pool may still be settling from the rewind; AdjustTime
		// refuses to seal over pending transactions.
		c.backend.Rollback()
		if err = c.backend.AdjustTime(step); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("sealing the first block after resuming: %w", err)
	}
	next, err := c.backend.Client().HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("reading resumed head: %w", err)
	}
	if next.ParentHash != h.Hash() {
		return fmt.Errorf("resuming dev chain: could not seal a block on %s", h.Hash())
	}
	c.heads, err = saveHead(c.dataDir, c.heads, next.Hash())
	return err
}

// newBackend starts the simulated backend, turning the panic it raises on a
// node that cannot start (a locked or incompatible data directory) into an
// error.
func newBackend(opt func(*node.Config, *ethconfig.Config)) (b *simulated.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("starting simulated chain: %v", r)
		}
	}()
	return simulated.NewBackend(genesisAlloc(), opt), nil
}

// socketPath picks the IPC socket path: inside the data directory when it is
// short enough, else in a fresh temporary directory.
func socketPath(dataDir string) (path, tmpDir string, err error) {
	path = filepath.Join(dataDir, "chain", "discovery-dev.ipc")
	if len(path) <= maxSocketPath {
		return path, "", nil
	}
	tmpDir, err = os.MkdirTemp("", "discovery-dev-")
	if err != nil {
		return "", "", fmt.Errorf("creating directory for the IPC socket: %w", err)
	}
	path = filepath.Join(tmpDir, "chain.ipc")
	if len(path) > maxSocketPath {
		os.Remove(tmpDir)
		return "", "", fmt.Errorf("IPC socket path %s is longer than %d bytes; set TMPDIR to a shorter directory", path, maxSocketPath)
	}
	return path, tmpDir, nil
}

// startMining commits a block every blockTime and records it as the head to
// resume from.
func (c *Chain) startMining(ctx context.Context, blockTime time.Duration) {
	ctx, c.stopMining = context.WithCancel(ctx)
	c.mined = make(chan struct{})
	go func() {
		defer close(c.mined)
		t := time.NewTicker(blockTime)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				var err error
				if c.heads, err = saveHead(c.dataDir, c.heads, c.backend.Commit()); err != nil {
					c.logger.Error("saving dev chain head", "err", err)
				}
			}
		}
	}()
}

// prepare deploys and seeds on first start, or checks that the contract a
// previous start deployed is still there.
func (c *Chain) prepare(ctx context.Context) error {
	st, ok, err := loadState(c.dataDir)
	if err != nil {
		return err
	}
	client := c.backend.Client()
	if ok {
		code, err := client.CodeAt(ctx, st.Contract, nil)
		if err != nil {
			return fmt.Errorf("checking EntityManager at %s: %w", st.Contract, err)
		}
		if len(code) == 0 || st.ChainID != c.chainID.Uint64() {
			return fmt.Errorf("dev chain in %s does not hold the EntityManager it recorded at %s; remove the directory to start afresh", c.dataDir, st.Contract)
		}
		c.contract, c.deployBlock, c.seed = st.Contract, st.DeployBlock, st.Seed
		c.logger.Info("dev chain already seeded", "contract", c.contract, "actions", c.seed.Actions)
		return nil
	}

	// Nothing is recorded until seeding finishes: a start interrupted half
	// way deploys a fresh contract next time and seeds that one.
	relayer := RelayerKey()
	c.logger.Info("deploying EntityManager and Plays", "relayer", crypto.PubkeyToAddress(relayer.PublicKey))
	d, err := DeployAll(ctx, client, relayer, c.chainID)
	if err != nil {
		return err
	}
	c.contract, c.deployBlock = d.EntityManager, d.Block
	c.logger.Info("seeding demo content", "contract", c.contract, "plays", d.Plays, "deploy_block", c.deployBlock)
	c.seed, err = Seed(ctx, client, c.chainID, d, relayer)
	if err != nil {
		return err
	}
	c.logger.Info("demo content seeded", "actions", c.seed.Actions, "first_block", c.seed.FirstBlock, "last_block", c.seed.LastBlock)
	return saveState(c.dataDir, state{ChainID: c.chainID.Uint64(), Contract: c.contract, DeployBlock: c.deployBlock, Seed: c.seed})
}

// Close stops mining and shuts the chain down; the data directory keeps it
// for the next Start. It is safe to call more than once.
func (c *Chain) Close() error {
	c.closeOnce.Do(func() {
		if c.stopMining != nil {
			c.stopMining()
			<-c.mined
		}
		c.closeErr = c.cleanup()
	})
	return c.closeErr
}

func (c *Chain) cleanup() error {
	var err error
	if c.backend != nil {
		if cerr := c.backend.Close(); cerr != nil {
			err = fmt.Errorf("closing dev chain: %w", cerr)
		}
	}
	if c.socketDir != "" {
		err = errors.Join(err, os.RemoveAll(c.socketDir))
	}
	return err
}

// RPC dials the chain's JSON-RPC endpoint over its IPC socket, as a follower
// would dial a real node. The caller closes the client.
func (c *Chain) RPC(ctx context.Context) (*rpc.Client, error) {
	client, err := rpc.DialIPC(ctx, c.ipcPath)
	if err != nil {
		return nil, fmt.Errorf("dialling dev chain at %s: %w", c.ipcPath, err)
	}
	return client, nil
}

// IPCPath is the unix socket the chain serves JSON-RPC on; rpc.Dial and
// ethclient.Dial accept it as a URL.
func (c *Chain) IPCPath() string { return c.ipcPath }

// Client is an in-process client of the chain, usable as a bind backend.
func (c *Chain) Client() simulated.Client { return c.backend.Client() }

// ChainID is the chain's EIP-155 id.
func (c *Chain) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

// Contract is the address of the deployed EntityManager.
func (c *Chain) Contract() common.Address { return c.contract }

// DeployBlock is the block EntityManager was deployed in: where a follower
// starts.
func (c *Chain) DeployBlock() uint64 { return c.deployBlock }

// Plays is the address of the deployed Plays contract; zero for a chain
// seeded before the demo recorded plays.
func (c *Chain) Plays() common.Address { return c.seed.Plays }

// Verifier is the address whose User Verify actions the demo's indexer
// must accept (its --verifier); zero for a chain seeded before the demo
// verified users.
func (c *Chain) Verifier() common.Address { return c.seed.Verifier }

// Seeded reports the demo content seeded on the chain's first start.
func (c *Chain) Seeded() SeedResult { return c.seed }
