// Package metadata fetches the JSON metadata that content-protocol actions
// name by bare CID, off the indexing path. Indexing must never wait on IPFS,
// and an IPFS gateway is untrusted: it may be slow, down, or lying. So the
// indexer records entities at once with their metadata pending, and the
// Worker here fills them in later, fetching raw blocks from several sources
// with timeouts and verifying every byte against the CID's hash before
// anything is handed to the store.
package metadata

import (
	"context"
	"errors"
)

// MaxSize bounds the metadata of one entity, the same limit the indexer puts
// on inline metadata. It keeps a hostile CID from costing unbounded memory.
const MaxSize = 64 << 10

// maxBlock is the most read from a source for one block: MaxSize plus room
// for the dag-pb and UnixFS framing around a single-block file.
const maxBlock = MaxSize + 1024

// Why a fetch failed. Fetch's errors wrap one or more of these (errors.Is);
// Permanent says which of them make retrying pointless.
var (
	// ErrInvalidCID: the string is not a CID.
	ErrInvalidCID = errors.New("invalid cid")
	// ErrUnsupported: a valid CID or block this package does not read: a hash
	// other than sha2-256, a codec other than raw or dag-pb, a UnixFS node
	// other than a file, or a file split over several blocks.
	ErrUnsupported = errors.New("unsupported content")
	// ErrMalformed: a block that matches its CID but does not decode as the
	// CID's codec says it should.
	ErrMalformed = errors.New("malformed block")
	// ErrMismatch: a source served bytes whose hash is not the CID's. That
	// source is broken or hostile; it is not asked again for this fetch.
	ErrMismatch = errors.New("block does not match its cid")
	// ErrTooLarge: the block or the file in it exceeds the size limit.
	ErrTooLarge = errors.New("metadata too large")
	// ErrNotJSON: the verified content is not valid JSON.
	ErrNotJSON = errors.New("metadata is not json")
	// ErrNotFound: the source does not have the block (yet).
	ErrNotFound = errors.New("block not found")
	// ErrUnavailable: the source could not answer now: a timeout, a network
	// error, 429 or 5xx.
	ErrUnavailable = errors.New("source unavailable")
)

// Permanent reports whether err means the CID will never yield usable
// metadata, so the work should be marked failed rather than retried. Any
// trace of a source that was unavailable or did not have the block makes the
// failure transient, since another attempt may reach a source that does; so
// does a cancelled or expired context.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	for _, transient := range []error{ErrUnavailable, ErrNotFound, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, transient) {
			return false
		}
	}
	for _, permanent := range []error{ErrInvalidCID, ErrUnsupported, ErrMalformed, ErrMismatch, ErrTooLarge, ErrNotJSON} {
		if errors.Is(err, permanent) {
			return true
		}
	}
	return false
}

// outcome names err for metrics and logs, from a fixed set of values.
func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, ErrInvalidCID):
		return "invalid_cid"
	case errors.Is(err, ErrUnsupported):
		return "unsupported"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	case errors.Is(err, ErrNotJSON):
		return "not_json"
	case errors.Is(err, ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return "unavailable"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrMismatch):
		return "mismatch"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	default:
		return "error"
	}
}
