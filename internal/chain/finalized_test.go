package chain_test

import (
	"testing"

	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/chain/chaintest"
)

// TestFinalized reads the node's finalized block: the simulated node's
// beacon finalizes as it mines, so the answer must be a real block at or
// below the head, and it must move forward as the chain grows.
func TestFinalized(t *testing.T) {
	sim := chaintest.NewSim(t)
	client := chain.New(sim.RPC, nil, nil, chain.Options{})
	first, _, err := client.Finalized(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for range 80 {
		sim.Commit()
	}
	head, err := client.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n, ok, err := client.Finalized(t.Context())
	if err != nil || !ok {
		t.Fatalf("finalized: ok=%v err=%v", ok, err)
	}
	if n > head || n <= first {
		t.Fatalf("finalized block %d: want above %d and at most the head %d", n, first, head)
	}
}

// TestFinalizedUnknown: a node without the "finalized" tag is not an error,
// only "don't know".
func TestFinalizedUnknown(t *testing.T) {
	node := chaintest.NewNode(t)
	client, err := chain.Dial(t.Context(), node.URL, nil, nil, chain.Options{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok, err := client.Finalized(t.Context()); err != nil || ok {
		t.Fatalf("finalized on a node without the tag = %d, %v, %v; want not ok and no error", n, ok, err)
	}
}
