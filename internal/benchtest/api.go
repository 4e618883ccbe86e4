package benchtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiClient talks to a discovery process's API.
type apiClient struct {
	base string
	http *http.Client
}

func newAPIClient(base string) *apiClient {
	return &apiClient{base: base, http: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
	}}
}

// indexedHead returns the block /health_check says is indexed; it answers
// 500 while the node lags, with the same body.
func (a *apiClient) indexedHead(ctx context.Context) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/health_check", nil)
	if err != nil {
		return 0, err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("asking discovery for its health: %w", err)
	}
	defer resp.Body.Close()
	var h struct {
		Data struct {
			DB struct {
				Number uint64 `json:"number"`
			} `json:"db"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return 0, fmt.Errorf("decoding discovery's health (HTTP %d): %w", resp.StatusCode, err)
	}
	return h.Data.DB.Number, nil
}

// status GETs path and returns the HTTP status.
func (a *apiClient) status(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// Read the body so the connection is reused.
	buf := make([]byte, 32<<10)
	for {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	return resp.StatusCode, nil
}

// actions sums discovery_content_actions_total by outcome from /metrics.
func (a *apiClient) actions(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading discovery's metrics: %w", err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "discovery_content_actions_total{") {
			continue
		}
		labels, value, ok := strings.Cut(line[len("discovery_content_actions_total{"):], "} ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(labels, ",") {
			if o, ok := strings.CutPrefix(l, `outcome="`); ok {
				out[strings.TrimSuffix(o, `"`)] += v
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading discovery's metrics: %w", err)
	}
	return out, nil
}

// gauge reads one unlabelled metric from /metrics; ok is false when the
// node does not export it.
func (a *apiClient) gauge(ctx context.Context, name string) (v float64, ok bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/metrics", nil)
	if err != nil {
		return 0, false, err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, false, fmt.Errorf("reading discovery's metrics: %w", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		value, found := strings.CutPrefix(sc.Text(), name+" ")
		if !found {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return 0, false, fmt.Errorf("reading %s: %w", name, err)
		}
		return v, true, nil
	}
	return 0, false, sc.Err()
}
