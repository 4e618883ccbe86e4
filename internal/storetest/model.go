package storetest

import (
	"testing"

	"github.com/discovery-node/discovery"
)

// model is, in memory, the state a sequence of Changes should leave, so a
// store's digests can be checked against a sum computed without it.
type model struct {
	rows     discovery.RowSet
	rejected []discovery.RejectedAction
}

func newModel() *model { return &model{rows: discovery.NewRowSet()} }

// apply lays c's new images over the state.
func (m *model) apply(c *discovery.Changes) {
	if c == nil {
		return
	}
	applyTable(m.rows.Users, c.Users)
	applyTable(m.rows.Tracks, c.Tracks)
	applyTable(m.rows.Playlists, c.Playlists)
	applyTable(m.rows.Follows, c.Follows)
	applyTable(m.rows.Reposts, c.Reposts)
	applyTable(m.rows.Saves, c.Saves)
	applyTable(m.rows.Subscriptions, c.Subscriptions)
	applyTable(m.rows.Routes, c.Routes)
	applyTable(m.rows.DeveloperApps, c.DeveloperApps)
	applyTable(m.rows.Grants, c.Grants)
	applyTable(m.rows.PlayDays, c.PlayDays)
	m.rejected = append(m.rejected, c.Rejected...)
}

func applyTable[K comparable, V any](state, changed map[K]*V) {
	for k, r := range changed {
		if r == nil {
			delete(state, k)
			continue
		}
		cp := *r
		state[k] = &cp
	}
}

// fillPrior sets c.Prior to the model's images of the rows c changes.
func (m *model) fillPrior(c *discovery.Changes) {
	c.Prior = discovery.NewRowSet()
	priorTable(c.Prior.Users, c.Users, m.rows.Users)
	priorTable(c.Prior.Tracks, c.Tracks, m.rows.Tracks)
	priorTable(c.Prior.Playlists, c.Playlists, m.rows.Playlists)
	priorTable(c.Prior.Follows, c.Follows, m.rows.Follows)
	priorTable(c.Prior.Reposts, c.Reposts, m.rows.Reposts)
	priorTable(c.Prior.Saves, c.Saves, m.rows.Saves)
	priorTable(c.Prior.Subscriptions, c.Subscriptions, m.rows.Subscriptions)
	priorTable(c.Prior.Routes, c.Routes, m.rows.Routes)
	priorTable(c.Prior.DeveloperApps, c.DeveloperApps, m.rows.DeveloperApps)
	priorTable(c.Prior.Grants, c.Grants, m.rows.Grants)
	priorTable(c.Prior.PlayDays, c.PlayDays, m.rows.PlayDays)
}

func priorTable[K comparable, V any](prior, changed, state map[K]*V) {
	for k := range changed {
		if r, ok := state[k]; ok {
			cp := *r
			prior[k] = &cp
		} else {
			prior[k] = nil
		}
	}
}

// digest sums the hashes of every row of the state, as a store's digest
// must.
func (m *model) digest(t testing.TB) discovery.Digest {
	t.Helper()
	var sum discovery.Digest
	add := func(table string, row any) {
		h, err := discovery.HashRow(table, row)
		if err != nil {
			t.Fatalf("hash %s row: %v", table, err)
		}
		sum = sum.Add(h)
	}
	for _, r := range m.rows.Users {
		add(discovery.TableUsers, *r)
	}
	for _, r := range m.rows.Tracks {
		add(discovery.TableTracks, *r)
	}
	for _, r := range m.rows.Playlists {
		add(discovery.TablePlaylists, *r)
	}
	for _, r := range m.rows.Follows {
		add(discovery.TableFollows, *r)
	}
	for _, r := range m.rows.Reposts {
		add(discovery.TableReposts, *r)
	}
	for _, r := range m.rows.Saves {
		add(discovery.TableSaves, *r)
	}
	for _, r := range m.rows.Subscriptions {
		add(discovery.TableSubscriptions, *r)
	}
	for _, r := range m.rows.Routes {
		add(discovery.TableRoutes, *r)
	}
	for _, r := range m.rows.DeveloperApps {
		add(discovery.TableDeveloperApps, *r)
	}
	for _, r := range m.rows.Grants {
		add(discovery.TableGrants, *r)
	}
	for _, r := range m.rows.PlayDays {
		add(discovery.TablePlayDays, *r)
	}
	for _, r := range m.rejected {
		add(discovery.TableRejected, r)
	}
	return sum
}
