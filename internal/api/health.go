package api

import (
	"context"

	"github.com/discovery-node/discovery"
	"log/slog"
	"net/http"
)

type healthJSON struct {
	Service         string      `json:"service"`
	Version         string      `json:"version"`
	Healthy         bool        `json:"healthy"`
	BlockDifference uint64      `json:"block_difference"`
	DB              dbHeadJSON  `json:"db"`
	Web             webHeadJSON `json:"web"`
	Network         networkJSON `json:"network"`
	// StateDigest fingerprints all chain-derived state at DB.Number; two
	// honest nodes at the same block agree on it.
	StateDigest string `json:"state_digest"`
}

// dbHeadJSON is the newest indexed block.
type dbHeadJSON struct {
	Number    uint64 `json:"number"`
	BlockHash string `json:"blockhash"`
}

// webHeadJSON is the newest block of the chain node.
type webHeadJSON struct {
	BlockNumber uint64 `json:"blocknumber"`
	BlockHash   string `json:"blockhash"`
}

type networkJSON struct {
	ContentNodes []string `json:"content_nodes"`
}

// handleHealthCheck tells load balancers and operators whether the index is
// current. Like Audius it answers 500 with the same body when it is not, so a
// plain status check takes a lagging node out of rotation.
func handleHealthCheck(cfg Config, store Store, chain ChainHead, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		head, ok, digest, err := consistentHead(r.Context(), store)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		chainHead := chain.ChainHead()
		h := healthJSON{
			Service: cfg.Service,
			Version: cfg.Version,
			Web:     webHeadJSON{BlockNumber: chainHead},
			Network: networkJSON{ContentNodes: []string{}},
		}
		if ok {
			h.DB = dbHeadJSON{Number: head.Number, BlockHash: head.Hash.Hex()}
			h.StateDigest = digest.String()
		}
		if chainHead > h.DB.Number {
			h.BlockDifference = chainHead - h.DB.Number
		}
		h.Healthy = ok && h.BlockDifference <= cfg.HealthyBlockDiff
		status := http.StatusOK
		if !h.Healthy {
			status = http.StatusInternalServerError
		}
		writeJSON(w, r, logger, status, envelope[healthJSON]{Data: h})
	})
}

// consistentHead reads the head and its state digest. They are two reads, so
// a block applied in between would pair a digest with the wrong head: read
// the head again and retry until it held still.
func consistentHead(ctx context.Context, store Store) (discovery.BlockRef, bool, discovery.Digest, error) {
	for {
		head, ok, err := store.Head(ctx)
		if err != nil {
			return head, false, discovery.Digest{}, err
		}
		digest, err := store.StateDigest(ctx)
		if err != nil {
			return head, false, discovery.Digest{}, err
		}
		again, _, err := store.Head(ctx)
		if err != nil {
			return head, false, discovery.Digest{}, err
		}
		if again == head {
			return head, ok, digest, nil
		}
		if err := ctx.Err(); err != nil {
			return head, false, discovery.Digest{}, err
		}
	}
}
