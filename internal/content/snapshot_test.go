package content_test

import (
	"github.com/discovery-node/discovery"
)

// snapshot fingerprints all chain-derived state except the rejected actions:
// the kept state digest less every rejected action's share. A refused action
// adds its rejected row and must change nothing else, in any table.
func snapshot(h *harness) string {
	h.t.Helper()
	d, err := h.store.StateDigest(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	rs, err := h.store.RejectedActions(h.ctx, discovery.Page{Limit: 1000})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range rs {
		rd, err := discovery.HashRow(discovery.TableRejected, r)
		if err != nil {
			h.t.Fatal(err)
		}
		d = d.Sub(rd)
	}
	return d.String()
}
