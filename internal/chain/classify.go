package chain

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// kind says what the retry loop does after a failed attempt.
type kind int

const (
	// transient: the endpoint failed (timeout, rate limit, 5xx, garbled
	// answer, broken connection); another endpoint now, or the same one
	// after a backoff.
	transient kind = iota
	// untrusted: the endpoint answered, but wrongly or from behind the
	// head; another endpoint now, else give up so the caller retries later.
	untrusted
	// tooLarge: eth_getLogs refused the range; the caller splits it.
	tooLarge
	// fatal: retrying cannot help (cancelled, or a request we got wrong).
	fatal
)

// classify names the kind of a failed attempt and the outcome label its
// request metric gets. parent is the caller's context: an attempt that
// failed because the caller gave up is fatal, one that hit only its own
// timeout is transient.
func classify(parent context.Context, err error) (kind, string) {
	var (
		httpErr rpc.HTTPError
		rpcErr  rpc.Error
		synErr  *json.SyntaxError
		typErr  *json.UnmarshalTypeError
		ansErr  *answerError
		netErr  net.Error
	)
	switch {
	case parent.Err() != nil:
		return fatal, "canceled"
	case errors.Is(err, ErrMissingBlock):
		return untrusted, "missing_block"
	case errors.Is(err, ErrInconsistent):
		return untrusted, "inconsistent"
	case errors.Is(err, context.DeadlineExceeded):
		return transient, "timeout"
	case errors.As(err, &httpErr):
		switch {
		case httpErr.StatusCode == http.StatusTooManyRequests:
			return transient, "rate_limited"
		case httpErr.StatusCode >= 500:
			return transient, "server_error"
		case isTooLarge(string(httpErr.Body), 0):
			return tooLarge, "too_large"
		}
		return transient, "http_error"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &synErr), errors.As(err, &typErr), errors.As(err, &ansErr),
		errors.Is(err, rpc.ErrMissingBatchResponse):
		return transient, "invalid_json"
	case errors.As(err, &rpcErr):
		msg := strings.ToLower(rpcErr.Error())
		switch {
		case isRateLimit(msg, rpcErr.ErrorCode()):
			return transient, "rate_limited"
		case isTooLarge(msg, rpcErr.ErrorCode()):
			return tooLarge, "too_large"
		case strings.Contains(msg, "beyond current head") || strings.Contains(msg, "header not found"):
			return untrusted, "missing_block"
		case rpcErr.ErrorCode() == -32601:
			return fatal, "rpc_error" // method not found: no use asking again
		}
		return transient, "rpc_error"
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), errors.Is(err, rpc.ErrClientQuit):
		return transient, "transport"
	}
	return transient, "error"
}

// rateLimitPhrases are how providers say "slow down" inside a JSON-RPC
// error rather than with HTTP 429 (Infura -32005, Alchemy code 429, ...).
var rateLimitPhrases = []string{
	"rate limit", "request rate", "too many requests", "compute units per second",
	"exceeded its compute units", "daily request count", "requests per second",
}

func isRateLimit(msg string, code int) bool {
	if code == 429 {
		return true
	}
	for _, p := range rateLimitPhrases {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// tooLargePhrases are the usual eth_getLogs refusals: geth ("exceed maximum
// block range"), Infura ("query returned more than 10000 results"), Alchemy
// ("Log response size exceeded"), QuickNode ("eth_getLogs is limited to a
// 10,000 range"), Erigon and Nethermind ("too many logs", "limit exceeded"),
// Ankr ("block range is too wide"), OP stack and dRPC ("block range greater
// than", "requested too many blocks").
var tooLargePhrases = []string{
	"query returned more than", "too many results", "more than 10000 results",
	"response size exceeded", "response size should not greater", "response too large", "response is too big",
	"block range too large", "block range is too large", "block range is too wide", "range is too large",
	"exceed maximum block range", "exceeds maximum block range", "exceeds max block range", "max block range",
	"block range limit", "range limit exceeded", "block range greater than", "requested too many blocks",
	"is limited to a", "limited to a 10", "up to a", "query exceeds max results", "exceeds max results",
	"too many logs", "log limit exceeded", "logs limit exceeded", "query timeout exceeded",
}

// isTooLarge reports whether an eth_getLogs error asks for a smaller range.
// -32005 is "limit exceeded" in EIP-1474; rate limits share it, so those are
// told apart by message first.
func isTooLarge(msg string, code int) bool {
	msg = strings.ToLower(msg)
	for _, p := range tooLargePhrases {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return code == -32005 && !isRateLimit(msg, code)
}

// hintPattern finds a block range a provider suggests, as in Infura's "Try
// with this block range [0x1, 0x2]." or Alchemy's "this block range should
// work: [0x1, 0x2]".
var hintPattern = regexp.MustCompile(`\[\s*(0x[0-9a-fA-F]+)\s*,\s*(0x[0-9a-fA-F]+)\s*\]`)

// rangeHint returns the end of the range a provider suggests in msg when
// it starts at from and ends before to: inside the range asked for and
// making progress. Any other suggestion is ignored.
func rangeHint(msg string, from, to uint64) (uint64, bool) {
	m := hintPattern.FindStringSubmatch(msg)
	if m == nil {
		return 0, false
	}
	a, errA := hexutil.DecodeUint64(m[1])
	b, errB := hexutil.DecodeUint64(m[2])
	if errA != nil || errB != nil || a != from || b < a || b >= to {
		return 0, false
	}
	return b, true
}

// errorText is the text a too-large check and a range hint are read from.
func errorText(err error) string {
	var httpErr rpc.HTTPError
	if errors.As(err, &httpErr) {
		return string(httpErr.Body)
	}
	return err.Error()
}
