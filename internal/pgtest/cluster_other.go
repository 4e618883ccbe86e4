//go:build !unix

package pgtest

import (
	"context"
	"errors"
)

type tempCluster struct{ dsn string }

func startCluster(context.Context) (*tempCluster, error) {
	return nil, errors.New("throwaway clusters need a unix system")
}

func (c *tempCluster) stop() {}
