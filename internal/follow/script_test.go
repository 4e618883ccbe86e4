package follow_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
)

// scriptedChain is a chain a test rewrites at will: it serves one canonical
// branch, checks links the way the chain client does, and can fork onto a
// new branch at any height. It stands in for a node only where a real one
// cannot be made to misbehave on cue.
type scriptedChain struct {
	mu        sync.Mutex
	blocks    []discovery.Block // the canonical branch, blocks[n] is block n
	branch    byte              // tags the hashes of the current branch
	finalized *uint64           // what Finalized reports; nil: unknown
	calls     [][2]uint64       // the ranges Blocks was asked for
}

// newScriptedChain returns a chain of blocks 0..head.
func newScriptedChain(head uint64) *scriptedChain {
	c := &scriptedChain{}
	c.extend(int(head) + 1)
	return c
}

func (c *scriptedChain) extend(n int) {
	for range n {
		var parent common.Hash
		num := uint64(len(c.blocks))
		if num > 0 {
			parent = c.blocks[num-1].Hash
		}
		var b [9]byte
		b[0] = c.branch
		binary.BigEndian.PutUint64(b[1:], num)
		c.blocks = append(c.blocks, discovery.Block{BlockRef: discovery.BlockRef{
			Number:     num,
			Hash:       crypto.Keccak256Hash(parent[:], b[:]),
			ParentHash: parent,
			Time:       1_700_000_000 + num,
		}})
	}
}

// mine appends n blocks to the canonical branch.
func (c *scriptedChain) mine(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.extend(n)
}

// fork makes a new branch canonical: it keeps blocks 0..parent and mines n
// new blocks on top, so the new head is parent+n.
func (c *scriptedChain) fork(parent uint64, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blocks = c.blocks[:parent+1]
	c.branch++
	c.extend(n)
}

// setFinalized sets what Finalized reports.
func (c *scriptedChain) setFinalized(n uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finalized = &n
}

func (c *scriptedChain) ref(n uint64) discovery.BlockRef {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blocks[n].BlockRef
}

// refs returns the canonical blocks from..to.
func (c *scriptedChain) refs(from, to uint64) []discovery.BlockRef {
	c.mu.Lock()
	defer c.mu.Unlock()
	var refs []discovery.BlockRef
	for _, b := range c.blocks[from : to+1] {
		refs = append(refs, b.BlockRef)
	}
	return refs
}

func (c *scriptedChain) blockCalls() [][2]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][2]uint64(nil), c.calls...)
}

func (c *scriptedChain) Head(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return uint64(len(c.blocks) - 1), nil
}

func (c *scriptedChain) Blocks(_ context.Context, from, to uint64) ([]discovery.Block, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, [2]uint64{from, to})
	if from > to || to >= uint64(len(c.blocks)) {
		return nil, fmt.Errorf("blocks %d-%d: node has blocks up to %d", from, to, len(c.blocks)-1)
	}
	return append([]discovery.Block(nil), c.blocks[from:to+1]...), nil
}

// finalizingChain is a scriptedChain that also reports its finalized block.
type finalizingChain struct{ *scriptedChain }

func (c finalizingChain) Finalized(context.Context) (uint64, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finalized == nil {
		return 0, false, nil
	}
	return *c.finalized, true, nil
}

// pushingChain is a scriptedChain that pushes heads to subscribers.
type pushingChain struct {
	*scriptedChain
	subErr error
	subs   chan chan uint64 // each subscription's channel, for the test to push on
}

func (c pushingChain) SubscribeHeads(ctx context.Context) (<-chan uint64, error) {
	if c.subErr != nil {
		return nil, c.subErr
	}
	ch := make(chan uint64, 1)
	select {
	case c.subs <- ch:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return ch, nil
}
