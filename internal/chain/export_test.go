package chain

import (
	"context"
	"time"
)

// SetSleep replaces how c waits between attempts, so tests can see the
// waits chosen without spending them.
func SetSleep(c *Client, f func(ctx context.Context, d time.Duration) error) { c.sleep = f }

var (
	RangeHint  = rangeHint
	IsTooLarge = isTooLarge
)

// EndpointName returns how errors and logs name the node at rawURL, and
// the error's text after scrubbing msg as an error of that endpoint.
func EndpointName(rawURL, msg string) (name, scrubbed string, err error) {
	ep, err := newURLEndpoint(rawURL)
	if err != nil {
		return "", "", err
	}
	return ep.name, ep.scrub(errorString(msg)).Error(), nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
