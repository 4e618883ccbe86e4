package main

import (
	"context"
	"strings"
	"testing"
)

// TestAnswerCacheFlag checks that every command serving the API refuses
// an answer cache size that is negative, too small to hold an answer, or
// not a number, before it starts anything.
func TestAnswerCacheFlag(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"serve", "--db", "sqlite:" + dir + "/none.db", "--answer-cache-bytes", "-1"}, nil, "--answer-cache-bytes -1: want 0"},
		{[]string{"serve", "--db", "sqlite:" + dir + "/none.db", "--answer-cache-bytes", "4096"}, nil, "at least 1048576"},
		{[]string{"serve", "--db", "sqlite:" + dir + "/none.db"}, map[string]string{"DISCOVERY_ANSWER_CACHE_BYTES": "lots"}, "DISCOVERY_ANSWER_CACHE_BYTES=\"lots\" is not a valid --answer-cache-bytes"},
		{[]string{"run", "--answer-cache-bytes", "-1"}, nil, "--answer-cache-bytes -1"},
		{[]string{"dev", "--data-dir", dir, "--answer-cache-bytes", "1"}, nil, "--answer-cache-bytes 1: want 0"},
		// Zero turns the cache off and is accepted: serve goes on to
		// refuse the missing index instead.
		{[]string{"serve", "--db", "sqlite:" + dir + "/none.db", "--answer-cache-bytes", "0"}, nil, "no index there"},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		err := run(context.Background(), tt.args, getenv, &strings.Builder{}, &strings.Builder{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: %v, want an error saying %q", tt.args, tt.env, err, tt.want)
		}
	}
}
