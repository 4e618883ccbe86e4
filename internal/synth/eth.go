package synth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// The JSON-RPC methods, answered from the chain's rendered blocks.

// resolve turns a block number or tag into a revealed block number.
func (s *Server) resolve(n rpc.BlockNumber) uint64 {
	head := s.chain.Head()
	switch n {
	case rpc.LatestBlockNumber, rpc.PendingBlockNumber:
		return head
	case rpc.FinalizedBlockNumber, rpc.SafeBlockNumber:
		return head - min(head, s.opts.FinalityDepth)
	case rpc.EarliestBlockNumber:
		return 0
	}
	return uint64(n)
}

var null = json.RawMessage("null")

// errFullTx is the answer to a request for whole transactions, which the
// synthetic chain does not have.
var errFullTx = errors.New("synthetic chain: full transaction bodies are not served")

// ethAPI is the eth namespace.
type ethAPI struct{ s *Server }

// ChainId is eth_chainId.
func (a *ethAPI) ChainId() hexutil.Uint64 {
	a.s.count(mChainID)
	return hexutil.Uint64(a.s.chain.cfg.ChainID)
}

// BlockNumber is eth_blockNumber: the revealed head.
func (a *ethAPI) BlockNumber() hexutil.Uint64 {
	a.s.count(mBlockNumber)
	return hexutil.Uint64(a.s.chain.Head())
}

// Syncing is eth_syncing: never.
func (a *ethAPI) Syncing() bool {
	a.s.count(mSyncing)
	return false
}

// GetBlockByNumber is eth_getBlockByNumber; null beyond the head.
func (a *ethAPI) GetBlockByNumber(n rpc.BlockNumber, fullTx bool) (json.RawMessage, error) {
	a.s.count(mGetBlockByNumber)
	if fullTx {
		return nil, errFullTx
	}
	return a.s.block(a.s.resolve(n))
}

// GetBlockByHash is eth_getBlockByHash; null for an unknown hash.
func (a *ethAPI) GetBlockByHash(h common.Hash, fullTx bool) (json.RawMessage, error) {
	a.s.count(mGetBlockByHash)
	if fullTx {
		return nil, errFullTx
	}
	n, ok := a.s.chain.numberOf(h)
	if !ok {
		return null, nil
	}
	return a.s.block(n)
}

func (s *Server) block(n uint64) (json.RawMessage, error) {
	m, ok := s.chain.revealedBlock(n)
	if !ok {
		return null, nil
	}
	s.stats.blocksServed.Add(1)
	return s.chain.readSpan(nil, m.block)
}

// rangeError is a provider's refusal of a large eth_getLogs range.
type rangeError struct{ max uint64 }

func (e *rangeError) Error() string {
	return fmt.Sprintf("query exceeds max block range %d", e.max)
}
func (e *rangeError) ErrorCode() int { return -32005 }

// GetLogs is eth_getLogs. Ranges past the head end at the head, as on a
// node; a range starting past it is empty.
func (a *ethAPI) GetLogs(f filterArg) (json.RawMessage, error) {
	s := a.s
	s.count(mGetLogs)
	var from, to uint64
	if f.BlockHash != nil {
		n, ok := s.chain.numberOf(*f.BlockHash)
		if !ok {
			return nil, errors.New("unknown block")
		}
		from, to = n, n
	} else {
		from, to = s.chain.Head(), s.chain.Head()
		if f.FromBlock != nil {
			from = s.resolve(*f.FromBlock)
		}
		if f.ToBlock != nil {
			to = s.resolve(*f.ToBlock)
		}
		if from > to {
			return nil, errors.New("invalid block range params")
		}
		if max := s.opts.MaxLogRange; max > 0 && to-from+1 > max {
			return nil, &rangeError{max}
		}
		to = min(to, s.chain.Head())
	}
	match := f.matches(s.chain.cfg.events())
	blocks := make([]blockMeta, 0, to-from+1)
	size := 2
	for n := from; n <= to; n++ {
		m, ok := s.chain.revealedBlock(n)
		if !ok {
			break
		}
		blocks = append(blocks, m)
		size += m.logs.n + 1
	}
	out := append(make([]byte, 0, size), '[')
	logs := 0
	for _, m := range blocks {
		all, any := true, false
		for k, seen := range m.kindSeen {
			if seen {
				all = all && match[k]
				any = any || match[k]
			}
		}
		if !any {
			continue
		}
		var err error
		if all {
			if logs > 0 {
				out = append(out, ',')
			}
			if out, err = s.chain.readSpan(out, m.logs); err != nil {
				return nil, err
			}
			logs += len(m.kinds)
			continue
		}
		for i, k := range m.kinds {
			if !match[k] {
				continue
			}
			if logs > 0 {
				out = append(out, ',')
			}
			sp := span{off: m.logs.off + int64(m.offsets[i]), n: int(m.offsets[i+1] - m.offsets[i])}
			if i+1 < len(m.kinds) {
				sp.n-- // the comma before the next log
			}
			if out, err = s.chain.readSpan(out, sp); err != nil {
				return nil, err
			}
			logs++
		}
	}
	out = append(out, ']')
	s.stats.logsServed.Add(int64(logs))
	s.stats.logBytes.Add(int64(len(out)))
	return out, nil
}

// NewHeads is eth_subscribe("newHeads"): each revealed head's header.
// Blocks revealed together are announced as one, their newest.
func (a *ethAPI) NewHeads(ctx context.Context) (*rpc.Subscription, error) {
	s := a.s
	s.count(mSubscribe)
	notifier, ok := rpc.NotifierFromContext(ctx)
	if !ok {
		return nil, rpc.ErrNotificationsUnsupported
	}
	sub := notifier.CreateSubscription()
	heads, cancel := s.chain.subscribe()
	go func() {
		defer cancel()
		for {
			select {
			case n := <-heads:
				m, ok := s.chain.revealedBlock(n)
				if !ok {
					continue
				}
				hdr, err := s.chain.readSpan(nil, m.header)
				if err != nil {
					return
				}
				if err := notifier.Notify(sub.ID, json.RawMessage(hdr)); err != nil {
					return
				}
			case <-sub.Err():
				return
			}
		}
	}()
	return sub, nil
}

// netAPI is the net namespace.
type netAPI struct{ s *Server }

// Version is net_version: the chain id in decimal.
func (a *netAPI) Version() string {
	a.s.count(mOther)
	return fmt.Sprint(a.s.chain.cfg.ChainID)
}

// web3API is the web3 namespace.
type web3API struct{}

// ClientVersion is web3_clientVersion.
func (web3API) ClientVersion() string { return "discovery-synth/1" }
