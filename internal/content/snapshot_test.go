package content_test

import (
	"fmt"
)

// snapshot renders the entities the rejected-action tests touch, so a test
// can assert a refused action changed nothing.
func snapshot(h *harness) string {
	h.t.Helper()
	out := ""
	for _, id := range []int64{1, 2, 3, 4, 99} {
		u, ok, err := h.store.User(h.ctx, id)
		if err != nil {
			h.t.Fatal(err)
		}
		if ok {
			out += fmt.Sprintf("%+v\n", *u)
		}
	}
	for _, id := range []int64{10, 11, 50, 999} {
		t, ok, err := h.store.Track(h.ctx, id)
		if err != nil {
			h.t.Fatal(err)
		}
		if ok {
			out += fmt.Sprintf("%+v\n", *t)
		}
	}
	for _, id := range []int64{200} {
		if _, ok, err := h.store.Playlist(h.ctx, id); err != nil || ok {
			h.t.Fatalf("playlist %d: ok=%v err=%v", id, ok, err)
		}
	}
	return out
}
