package content

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics let an operator see what the protocol's users are doing and how
// much of it the rules refuse, without reading the rejected_actions table.
type metrics struct {
	actions  *prometheus.CounterVec // by entity type, action and outcome
	reverted prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "discovery_content_actions_total",
			Help: "ManageEntity actions indexed, by entity type, action and outcome (applied or rejected).",
		}, []string{"entity_type", "action", "outcome"}),
		reverted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "discovery_content_blocks_reverted_total",
			Help: "Blocks undone because a chain reorganisation orphaned them.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.actions, m.reverted} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// label keeps metric label values to the protocol's known names, so an
// attacker cannot create unbounded series with made-up entity types.
func label(s string, known ...string) string {
	for _, k := range known {
		if s == k {
			return s
		}
	}
	return "other"
}
