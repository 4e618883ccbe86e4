package content

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/discovery-node/discovery"
)

// maxSlugSuffix bounds the search for a free "-N" suffix; past it the
// entity's id makes the slug unique, so a flood of equal titles costs a
// bounded number of reads.
const maxSlugSuffix = 100

// assignSlug makes the permalink of title the entity's current route and
// stores its slug in *current. A slug the owner already uses for another
// entity of the namespace gets the first free "-N" suffix; a slug this
// entity used before is taken back. The previous current route stays,
// resolving still, but no longer current.
func assignSlug(ctx context.Context, v *view, a action, kind string, ownerID, entityID int64, title string, current *string) error {
	base := slug(title, entityID)
	candidates := func(yield func(string) bool) {
		if !yield(base) {
			return
		}
		for n := 1; n <= maxSlugSuffix; n++ {
			if !yield(fmt.Sprintf("%s-%d", base, n)) {
				return
			}
		}
		yield(fmt.Sprintf("%s-%d", base, entityID))
	}
	for s := range candidates {
		k := discovery.RouteKey{OwnerID: ownerID, Kind: kind, Slug: s}
		r, ok, err := v.route(ctx, k)
		if err != nil {
			return fmt.Errorf("read route %s: %w", s, err)
		}
		if ok && r.EntityID != entityID {
			continue
		}
		if s == *current {
			return nil
		}
		if *current != "" {
			old, ok, err := v.route(ctx, discovery.RouteKey{OwnerID: ownerID, Kind: kind, Slug: *current})
			if err != nil {
				return fmt.Errorf("read route %s: %w", *current, err)
			}
			if ok {
				old.IsCurrent = false
				v.changes.Routes[old.RouteKey] = old
			}
		}
		v.changes.Routes[k] = &discovery.Route{RouteKey: k, EntityID: entityID, IsCurrent: true, Block: a.block.Number}
		*current = s
		return nil
	}
	return reject("no free permalink for %q: the owner has too many entities with that title", truncate(title))
}

// slug turns a title into the last part of a permalink: lower case letters
// and digits joined by single dashes. A title with none of those falls back to
// the id so every entity has a usable slug.
func slug(title string, id int64) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
		if b.Len() >= 200 {
			break
		}
	}
	if b.Len() == 0 {
		return fmt.Sprint(id)
	}
	return b.String()
}
