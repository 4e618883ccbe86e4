package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/discovery-node/discovery"
)

// /v1/full/...: every /v1 endpoint again, as Audius's "full" API serves it.
// One handler answers the whole prefix: it asks the /v1 endpoint of the
// same path and rewrites a successful answer into the full envelope, so an
// endpoint added to /v1 has its full variant at once.

// fullPrefix is the path prefix of the full variants.
const fullPrefix = "/v1/full"

// fullEnvelope is the Audius full_response: the data with the heads it was
// read at and who answered. Discovery reads plays from the same chain as
// everything else, so the "slot" of plays is the block, and it has no
// node key yet, so the signature is empty.
type fullEnvelope struct {
	Data                   any         `json:"data"`
	LatestChainBlock       uint64      `json:"latest_chain_block"`
	LatestIndexedBlock     uint64      `json:"latest_indexed_block"`
	LatestChainSlotPlays   uint64      `json:"latest_chain_slot_plays"`
	LatestIndexedSlotPlays uint64      `json:"latest_indexed_slot_plays"`
	Signature              string      `json:"signature"`
	Timestamp              string      `json:"timestamp"`
	Version                versionJSON `json:"version"`
}

type versionJSON struct {
	Service string `json:"service"`
	Version string `json:"version"`
}

// fullClasses renames activity classes in full answers, as Audius does.
var fullClasses = map[string]string{
	"track_activity":      "track_activity_full",
	"collection_activity": "collection_activity_full",
}

// handleFull serves /v1/full/{rest} with the /v1/{rest} handler of mux.
// Errors and other answers that are not a JSON "data" envelope pass
// unchanged; redirects (resolve) point at the full variant.
func handleFull(mux http.Handler, cfg Config, store Store, chain ChainHead, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.EscapedPath(), fullPrefix)
		if rest == "/" || strings.HasPrefix(rest, fullPrefix[len("/v1"):]+"/") {
			handleNoRoute(logger).ServeHTTP(w, r)
			return
		}
		viewer, hasViewer, err := viewerOf(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		inner, err := innerRequest(r, "/v1"+rest)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		held := newHeldAnswer()
		mux.ServeHTTP(held, inner)
		if loc := held.header.Get("Location"); strings.HasPrefix(loc, "/v1/") {
			held.header.Set("Location", fullPrefix+loc[len("/v1"):])
		}
		data, ok := held.data()
		if !ok {
			held.sendTo(w)
			return
		}
		if err := fillViewer(r.Context(), store, data, viewer, hasViewer); err != nil {
			respondError(w, r, logger, err)
			return
		}
		renameClasses(data)
		env, err := newFullEnvelope(r.Context(), cfg, store, chain, data)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		held.copyHeader(w)
		writeJSON(w, r, logger, http.StatusOK, env)
	})
}

// innerRequest is r asked of path (escaped) instead, marked so the viewer
// fields are left to handleFull.
func innerRequest(r *http.Request, escapedPath string) (*http.Request, error) {
	path, err := url.PathUnescape(escapedPath)
	if err != nil {
		return nil, discovery.Errorf(discovery.EINVALID, "path %q is not validly escaped", r.URL.EscapedPath())
	}
	inner := r.Clone(context.WithValue(r.Context(), viewerDone{}, true))
	inner.URL.Path, inner.URL.RawPath = path, escapedPath
	inner.RequestURI = inner.URL.RequestURI()
	return inner, nil
}

func newFullEnvelope(ctx context.Context, cfg Config, store Store, chain ChainHead, data any) (fullEnvelope, error) {
	head, _, err := store.Head(ctx)
	if err != nil {
		return fullEnvelope{}, fmt.Errorf("indexed head: %w", err)
	}
	chainHead := chain.ChainHead()
	return fullEnvelope{
		Data:                   data,
		LatestChainBlock:       chainHead,
		LatestIndexedBlock:     head.Number,
		LatestChainSlotPlays:   chainHead,
		LatestIndexedSlotPlays: head.Number,
		Timestamp:              time.Now().UTC().Format(time.RFC3339),
		Version:                versionJSON{Service: cfg.Service, Version: cfg.Version},
	}, nil
}

// renameClasses gives activity classes their full names, wherever they are.
func renameClasses(x any) {
	switch x := x.(type) {
	case []any:
		for _, e := range x {
			renameClasses(e)
		}
	case map[string]any:
		if c, ok := x["class"].(string); ok && fullClasses[c] != "" {
			x["class"] = fullClasses[c]
		}
		for _, e := range x {
			renameClasses(e)
		}
	}
}
