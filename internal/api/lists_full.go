package api

import (
	"context"
	"encoding/json"
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

// fullEnvelope is the Audius full_response after its data, which comes
// first: the heads the data was read at and who answered. Discovery reads
// plays from the same chain as everything else, so the "slot" of plays is
// the block, and it has no node key yet, so the signature is empty.
type fullEnvelope struct {
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

// handleFull serves /v1/full/{rest} with the /v1/{rest} handler of mux,
// which fills the answer as a full one (answerFill), and puts its data
// in the full envelope. Errors and other answers that are not a JSON
// "data" envelope pass unchanged; redirects (resolve) point at the full
// variant.
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
		fill := &answerFill{store: store, viewer: viewer, hasViewer: hasViewer, full: true}
		inner, err := innerRequest(r, "/v1"+rest, fill)
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
		env, err := newFullEnvelope(r.Context(), cfg, store, chain)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		held.copyHeader(w)
		writeFull(w, r, logger, data, env)
	})
}

// innerRequest is r asked of path (escaped) instead, to be filled as fill
// says.
func innerRequest(r *http.Request, escapedPath string, fill *answerFill) (*http.Request, error) {
	path, err := url.PathUnescape(escapedPath)
	if err != nil {
		return nil, discovery.Errorf(discovery.EINVALID, "path %q is not validly escaped", r.URL.EscapedPath())
	}
	inner := r.Clone(context.WithValue(r.Context(), answerFillKey{}, fill))
	inner.URL.Path, inner.URL.RawPath = path, escapedPath
	inner.RequestURI = inner.URL.RequestURI()
	return inner, nil
}

func newFullEnvelope(ctx context.Context, cfg Config, store Store, chain ChainHead) (fullEnvelope, error) {
	head, _, err := store.Head(ctx)
	if err != nil {
		return fullEnvelope{}, fmt.Errorf("indexed head: %w", err)
	}
	chainHead := chain.ChainHead()
	return fullEnvelope{
		LatestChainBlock:       chainHead,
		LatestIndexedBlock:     head.Number,
		LatestChainSlotPlays:   chainHead,
		LatestIndexedSlotPlays: head.Number,
		Timestamp:              time.Now().UTC().Format(time.RFC3339),
		Version:                versionJSON{Service: cfg.Service, Version: cfg.Version},
	}, nil
}

// writeFull answers 200 with data, already JSON, in the full envelope:
// the bytes encoding/json would write for the envelope with a "data"
// field first, without decoding the data or scanning it again.
func writeFull(w http.ResponseWriter, r *http.Request, logger *slog.Logger, data []byte, env fullEnvelope) {
	rest, err := json.Marshal(env)
	if err != nil {
		respondError(w, r, logger, fmt.Errorf("encode full envelope: %w", err))
		return
	}
	rest[0] = ','
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	for _, b := range [][]byte{[]byte(dataPrefix), data, rest, []byte("\n")} {
		if _, err := w.Write(b); err != nil {
			logger.WarnContext(r.Context(), "write answer", "method", r.Method, "path", r.URL.Path, "err", err)
			return
		}
	}
}

// fullClassNames gives the activity classes of the answer data points to
// their full names.
func fullClassNames(data any) {
	if acts, ok := data.(*[]activityJSON); ok {
		for i := range *acts {
			if c := fullClasses[(*acts)[i].Class]; c != "" {
				(*acts)[i].Class = c
			}
		}
	}
}
