package benchtest

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
)

// NodeChain is a chain a real node serves, loaded before the run: where
// discovery starts, and what it must find.
type NodeChain struct {
	// URL is the node's HTTP JSON-RPC endpoint.
	URL           string
	EntityManager common.Address
	Plays         common.Address
	// FromBlock is the deploy block, where discovery starts; LastBlock the
	// newest block holding a loaded log: the run is done once it is
	// indexed, though the node may mine empty blocks after it.
	FromBlock, LastBlock uint64
	Events               int // ManageEntity logs loaded
	Logs                 int // every log discovery counts
	Rejected             int // ManageEntity logs made to be refused
	// EventsThrough is the ManageEntity logs up to and including a block.
	EventsThrough func(block uint64) int
}

// BackfillNode runs the discovery binary against a real node from
// c.FromBlock until it has indexed c.LastBlock, or o.Cap passes, and
// measures it as Backfill does a synthetic chain. Discovery talks to the
// node through a proxy that counts the JSON-RPC traffic.
func BackfillNode(ctx context.Context, c NodeChain, o RunOptions, name string) (*BackfillResult, error) {
	r := &BackfillResult{Store: o.Store, Events: c.Events, Logs: c.Logs, HeadBlock: c.LastBlock, WantRejected: c.Rejected, Args: o.Args}
	counter, err := startRPCCounter(c.URL)
	if err != nil {
		return nil, err
	}
	defer counter.close()
	run, err := startDiscoveryRun(ctx, counter.url, c.EntityManager, c.Plays, c.FromBlock, o, name)
	if err != nil {
		return nil, err
	}
	defer run.close()
	r.Command, r.LogPath, r.Startup = run.command, run.proc.logPath, run.startup

	if err := run.measure(ctx, c.LastBlock, c.EventsThrough, o.Cap, r); err != nil {
		return nil, err
	}
	if r.Indexed >= c.FromBlock {
		r.BlocksPerSec = float64(r.Indexed-c.FromBlock+1) / r.Wall.Seconds()
	}
	r.RPCRequests, r.RPCCalls, r.RPCBytes = counter.requests.Load(), counter.calls.Load(), counter.bytes.Load()
	return r, nil
}
