package main

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/devchain"
)

// resolve asks /v1/resolve for u without following the redirect and returns
// the status and where it points.
func (p *proc) resolve(t *testing.T, u string) (int, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(p.base + "/v1/resolve?url=" + url.QueryEscape(u))
	if err != nil {
		t.Fatalf("resolve %s: %v", u, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// checkPermalinks checks every permalink of the demo resolves to its
// entity, old slugs of renamed tracks included, and a deleted track's to
// nothing.
func checkPermalinks(t *testing.T, p *proc, res devchain.SeedResult) {
	t.Helper()
	handles := map[int64]string{}
	for _, u := range res.Users {
		handles[u.ID] = u.Handle
		if code, loc := p.resolve(t, "/"+u.Handle); code != http.StatusFound || loc != "/v1/users/"+hashid.Encode(u.ID) {
			t.Errorf("resolve /%s: %d to %q, want 302 to user %d", u.Handle, code, loc, u.ID)
		}
	}
	type link struct {
		url, want string
	}
	var links []link
	renamed := false
	for _, tr := range res.Tracks {
		want := "/v1/tracks/" + hashid.Encode(tr.ID)
		for i, slug := range tr.Slugs {
			path := "/" + handles[tr.OwnerID] + "/" + slug
			if i > 0 {
				renamed = true
			}
			if tr.Deleted {
				if code, loc := p.resolve(t, path); code != http.StatusNotFound {
					t.Errorf("resolve %s of deleted track %d: %d to %q, want 404", path, tr.ID, code, loc)
				}
				continue
			}
			links = append(links, link{path, want}, link{"https://audius.co" + path, want})
		}
	}
	if !renamed {
		t.Error("the demo renames no track, so no old slug is checked")
	}
	for _, pl := range res.Playlists {
		kind := "playlist"
		if pl.IsAlbum {
			kind = "album"
		}
		if !pl.Deleted {
			links = append(links, link{"/" + handles[pl.OwnerID] + "/" + kind + "/" + pl.Slug, "/v1/playlists/" + hashid.Encode(pl.ID)})
		}
	}
	for _, l := range links {
		if code, loc := p.resolve(t, l.url); code != http.StatusFound || loc != l.want {
			t.Errorf("resolve %s: %d to %q, want 302 to %s", l.url, code, loc, l.want)
		}
	}
	if code, _ := p.resolve(t, "/"+res.Users[0].Handle+"/no-such-track"); code != http.StatusNotFound {
		t.Errorf("resolve of an unknown slug: %d, want 404", code)
	}
}

// checkLineage checks each parent track lists its remixes and stems.
func checkLineage(t *testing.T, p *proc, res devchain.SeedResult) {
	t.Helper()
	remixes, stems := map[int64][]string{}, map[int64][]string{}
	for _, tr := range res.Tracks {
		for _, parent := range tr.RemixOf {
			remixes[parent] = append(remixes[parent], hashid.Encode(tr.ID))
		}
		if tr.StemOf != 0 {
			stems[tr.StemOf] = append(stems[tr.StemOf], hashid.Encode(tr.ID))
		}
	}
	if len(remixes) == 0 || len(stems) == 0 {
		t.Fatalf("the demo has %d remixed and %d stemmed tracks, want some of each", len(remixes), len(stems))
	}
	for _, tr := range res.Tracks {
		if tr.Deleted {
			continue
		}
		var gotRemixes struct{ Data []apiTrack }
		var gotStems struct {
			Data []struct {
				ID       string `json:"id"`
				ParentID string `json:"parent_id"`
			}
		}
		id := hashid.Encode(tr.ID)
		if code := p.get(t, "/v1/tracks/"+id+"/remixes", &gotRemixes); code != 200 {
			t.Errorf("remixes of track %d: status %d", tr.ID, code)
		}
		if code := p.get(t, "/v1/tracks/"+id+"/stems", &gotStems); code != 200 {
			t.Errorf("stems of track %d: status %d", tr.ID, code)
		}
		var r, st []string
		for _, x := range gotRemixes.Data {
			r = append(r, x.ID)
		}
		for _, x := range gotStems.Data {
			st = append(st, x.ID)
			if x.ParentID != id {
				t.Errorf("stem %s of track %d names parent %s", x.ID, tr.ID, x.ParentID)
			}
		}
		slices.Sort(r)
		slices.Sort(st)
		slices.Sort(remixes[tr.ID])
		slices.Sort(stems[tr.ID])
		if !slices.Equal(r, remixes[tr.ID]) || !slices.Equal(st, stems[tr.ID]) {
			t.Errorf("track %d: remixes %v and stems %v, want %v and %v", tr.ID, r, st, remixes[tr.ID], stems[tr.ID])
		}
	}
}

// checkStore checks, through the store's reads, the demo content the API
// does not serve: routes, lineage, verification, subscriptions, reposts of
// reposts, developer apps, grants and plays by day.
func checkStore(t *testing.T, s discovery.Store, res devchain.SeedResult) {
	t.Helper()
	ctx := context.Background()
	must := func(ok bool, err error, what string) bool {
		t.Helper()
		if err != nil {
			t.Fatalf("reading %s: %v", what, err)
		}
		return ok
	}
	for _, u := range res.Users {
		got, ok, err := s.User(ctx, u.ID)
		if !must(ok, err, "user") || got.IsVerified != u.Verified || got.ArtistPickID != u.ArtistPickID || got.MetadataStatus != discovery.MetadataInline {
			t.Errorf("user %d = %+v (found %v), want verified %v, artist pick %d, inline metadata", u.ID, got, ok, u.Verified, u.ArtistPickID)
		}
	}
	for _, tr := range res.Tracks {
		got, ok, err := s.Track(ctx, tr.ID)
		if !must(ok, err, "track") || got.PlayCount != tr.PlayCount || !slices.Equal(got.RemixOf, tr.RemixOf) || got.StemOf != tr.StemOf ||
			got.IsDelete != tr.Deleted || got.Slug != tr.Slugs[0] || got.Description != tr.Description {
			t.Errorf("track %d = %+v (found %v), want %+v", tr.ID, got, ok, tr)
		}
		for i, slug := range tr.Slugs {
			k := discovery.RouteKey{OwnerID: tr.OwnerID, Kind: discovery.ItemTrack, Slug: slug}
			r, ok, err := s.Route(ctx, k)
			if !must(ok, err, "route") || r.EntityID != tr.ID || r.IsCurrent != (i == 0) {
				t.Errorf("route %+v = %+v (found %v), want track %d, current %v", k, r, ok, tr.ID, i == 0)
			}
		}
	}
	for _, pl := range res.Playlists {
		k := discovery.RouteKey{OwnerID: pl.OwnerID, Kind: discovery.ItemPlaylist, Slug: pl.Slug}
		r, ok, err := s.Route(ctx, k)
		if !must(ok, err, "route") || r.EntityID != pl.ID || !r.IsCurrent {
			t.Errorf("route %+v = %+v (found %v), want playlist %d", k, r, ok, pl.ID)
		}
	}
	checkEdges(t, s, res)
	for _, a := range res.Apps {
		got, ok, err := s.DeveloperApp(ctx, a.Address)
		if !must(ok, err, "developer app") || got.UserID != a.UserID || got.Name != a.Name || got.IsDelete != a.Deleted {
			t.Errorf("developer app %s = %+v (found %v), want %+v", a.Address, got, ok, a)
		}
	}
	for _, g := range res.Grants {
		got, ok, err := s.Grant(ctx, discovery.GrantKey{UserID: g.UserID, Grantee: g.Grantee})
		if !must(ok, err, "grant") || got.IsRevoked != g.Revoked || (got.IsApproved && !got.IsRevoked) != g.Live {
			t.Errorf("grant of user %d to %s = %+v (found %v), want %+v", g.UserID, g.Grantee, got, ok, g)
		}
	}
	if len(res.PlayDays) == 0 {
		t.Error("the demo records no plays")
	}
	for _, d := range res.PlayDays {
		got, ok, err := s.PlayDay(ctx, d.PlayDayKey)
		if !must(ok, err, "play day") || got.Count != d.Count {
			t.Errorf("plays of track %d on day %d = %+v (found %v), want %d", d.TrackID, d.Day, got, ok, d.Count)
		}
	}
}

// checkEdges checks subscriptions between every pair of demo users, and
// which reposts and saves were of a repost.
func checkEdges(t *testing.T, s discovery.Store, res devchain.SeedResult) {
	t.Helper()
	ctx := context.Background()
	for _, a := range res.Users {
		for _, b := range res.Users {
			k := discovery.FollowKey{FollowerID: a.ID, FolloweeID: b.ID}
			_, ok, err := s.Subscription(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Contains(res.Subscriptions, k); ok != want {
				t.Errorf("subscription %+v exists %v, want %v", k, ok, want)
			}
		}
	}
	for _, e := range []struct {
		what     string
		read     func(context.Context, discovery.ItemKey) (*discovery.ItemAction, bool, error)
		all, ofs []discovery.ItemKey
	}{
		{"repost", s.Repost, res.Reposts, res.RepostsOfReposts},
		{"save", s.Save, res.Saves, res.SavesOfReposts},
	} {
		if len(e.ofs) == 0 {
			t.Errorf("the demo has no %s of a repost", e.what)
		}
		for _, k := range e.all {
			got, ok, err := e.read(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Contains(e.ofs, k); !ok || got.OfRepost != want {
				t.Errorf("%s %+v = %+v (found %v), want of a repost %v", e.what, k, got, ok, want)
			}
		}
	}
}
