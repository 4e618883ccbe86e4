package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// Paging rules of the Audius API.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// parseID reads an entity id the way clients send it: a hashid, as every id
// in our answers is, or a plain decimal number. A string that is both (a
// hashid made only of digits) is read as a hashid, as Audius clients mean it.
func parseID(kind, s string) (int64, error) {
	if id, err := hashid.Decode(s); err == nil {
		return id, nil
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil && id >= 0 {
		return id, nil
	}
	return 0, discovery.Errorf(discovery.EINVALID,
		"%q is not a valid %s id: use the id from an API answer (a hashid such as %q) or a decimal number",
		s, kind, hashid.Encode(1))
}

// pageOf reads the offset and limit query parameters.
func pageOf(r *http.Request) (discovery.Page, error) {
	q := r.URL.Query()
	offset, err := intParam(q.Get("offset"), 0)
	if err != nil || offset < 0 {
		return discovery.Page{}, discovery.Errorf(discovery.EINVALID,
			"offset %q is invalid: it must be a whole number, 0 or more", q.Get("offset"))
	}
	limit, err := intParam(q.Get("limit"), defaultLimit)
	if err != nil || limit < 1 || limit > maxLimit {
		return discovery.Page{}, discovery.Errorf(discovery.EINVALID,
			"limit %q is invalid: it must be a whole number from 1 to %d", q.Get("limit"), maxLimit)
	}
	return discovery.Page{Offset: offset, Limit: limit}, nil
}

// intParam parses a decimal query parameter, or returns def when it is absent.
func intParam(s string, def int) (int, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	return strconv.Atoi(s)
}

// notFoundAs words a "not found" from the store with the id as the client
// sent it, which may be a hashid; other errors pass unchanged.
func notFoundAs(kind, raw string, err error) error {
	if discovery.ErrorCode(err) != discovery.ENOTFOUND {
		return err
	}
	return &discovery.Error{Code: discovery.ENOTFOUND, Message: fmt.Sprintf("no %s has the id %q", kind, raw), Err: err}
}
