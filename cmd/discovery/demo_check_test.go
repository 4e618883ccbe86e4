package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/devchain"
)

type apiUser struct {
	ID            string `json:"id"`
	Handle        string `json:"handle"`
	Name          string `json:"name"`
	Wallet        string `json:"wallet"`
	FollowerCount int64  `json:"follower_count"`
	FolloweeCount int64  `json:"followee_count"`
	TrackCount    int64  `json:"track_count"`
	PlaylistCount int64  `json:"playlist_count"`
	AlbumCount    int64  `json:"album_count"`
	IsVerified    bool   `json:"is_verified"`
	ArtistPickID  string `json:"artist_pick_track_id"`
}

type apiTrack struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	RepostCount   int64    `json:"repost_count"`
	FavoriteCount int64    `json:"favorite_count"`
	PlayCount     int64    `json:"play_count"`
	Permalink     string   `json:"permalink"`
	RemixOf       apiRemix `json:"remix_of"`
	User          apiUser  `json:"user"`
}

type apiRemix struct {
	Tracks []struct {
		ParentTrackID string `json:"parent_track_id"`
	} `json:"tracks"`
}

type apiPlaylist struct {
	ID            string `json:"id"`
	Name          string `json:"playlist_name"`
	IsAlbum       bool   `json:"is_album"`
	Permalink     string `json:"permalink"`
	RepostCount   int64  `json:"repost_count"`
	FavoriteCount int64  `json:"favorite_count"`
	Contents      []struct {
		TrackID string `json:"track_id"`
	} `json:"playlist_contents"`
	User apiUser `json:"user"`
}

type health struct {
	Data struct {
		BlockDifference int64 `json:"block_difference"`
		DB              struct {
			Number    uint64 `json:"number"`
			BlockHash string `json:"blockhash"`
		} `json:"db"`
		Web struct {
			BlockNumber uint64 `json:"blocknumber"`
		} `json:"web"`
	} `json:"data"`
}

// waitIndexed waits until the node reports it has indexed block n.
func waitIndexed(t *testing.T, p *proc, n uint64) {
	t.Helper()
	eventually(t, fmt.Sprintf("block %d indexed", n), func() bool {
		var h health
		return p.get(t, "/health_check", &h) == 200 && h.Data.DB.Number >= n
	})
}

// checkDemo checks every seeded entity and count through the HTTP API, the
// way a client would see them.
func checkDemo(t *testing.T, p *proc, res devchain.SeedResult) {
	t.Helper()
	if len(res.Users) < 4 || len(res.Tracks) < 8 || len(res.Playlists) < 1 || len(res.Follows) == 0 || len(res.Reposts) == 0 || len(res.Saves) == 0 {
		t.Fatalf("demo content too small: %+v", res)
	}
	handles := map[int64]string{}
	for _, u := range res.Users {
		handles[u.ID] = u.Handle
	}
	count := func(keys []discovery.ItemKey, itemType string, id int64) (n int64) {
		for _, k := range keys {
			if k.ItemType == itemType && k.ItemID == id {
				n++
			}
		}
		return n
	}

	for _, u := range res.Users {
		var got struct{ Data apiUser }
		if code := p.get(t, "/v1/users/handle/"+url.PathEscape(u.Handle), &got); code != 200 {
			t.Fatalf("user %s: status %d", u.Handle, code)
		}
		var followers, followees, tracks int64
		for _, f := range res.Follows {
			if f.FolloweeID == u.ID {
				followers++
			}
			if f.FollowerID == u.ID {
				followees++
			}
		}
		var playlists, albums int64
		for _, pl := range res.Playlists {
			switch {
			case pl.OwnerID != u.ID, pl.Deleted:
			case pl.IsAlbum:
				albums++
			default:
				playlists++
			}
		}
		var wantTracks []string
		for _, tr := range res.Tracks {
			if tr.OwnerID == u.ID && !tr.Deleted {
				tracks++
				if tr.StemOf == 0 { // stems are listed under their parent, as the reference API does
					wantTracks = append(wantTracks, hashid.Encode(tr.ID))
				}
			}
		}
		want := apiUser{ID: hashid.Encode(u.ID), Handle: u.Handle, Name: u.Name, Wallet: strings.ToLower(u.Wallet.Hex()),
			FollowerCount: followers, FolloweeCount: followees, TrackCount: tracks,
			PlaylistCount: playlists, AlbumCount: albums, IsVerified: u.Verified}
		if u.ArtistPickID != 0 {
			want.ArtistPickID = hashid.Encode(u.ArtistPickID)
		}
		if got.Data != want {
			t.Errorf("user %s:\n got %+v\nwant %+v", u.Handle, got.Data, want)
		}

		var byID struct{ Data apiUser }
		if code := p.get(t, "/v1/users/"+hashid.Encode(u.ID), &byID); code != 200 || byID.Data.Handle != u.Handle {
			t.Errorf("user %d by id: status %d, handle %q", u.ID, code, byID.Data.Handle)
		}

		var list struct{ Data []apiTrack }
		p.get(t, "/v1/users/"+hashid.Encode(u.ID)+"/tracks", &list)
		var gotTracks []string
		for _, tr := range list.Data {
			gotTracks = append(gotTracks, tr.ID)
		}
		slices.Sort(gotTracks)
		slices.Sort(wantTracks)
		if !slices.Equal(gotTracks, wantTracks) {
			t.Errorf("tracks of %s = %v, want %v", u.Handle, gotTracks, wantTracks)
		}

		var fl struct{ Data []apiUser }
		p.get(t, "/v1/users/"+hashid.Encode(u.ID)+"/followers", &fl)
		if int64(len(fl.Data)) != followers {
			t.Errorf("followers of %s: %d listed, want %d", u.Handle, len(fl.Data), followers)
		}
		p.get(t, "/v1/users/"+hashid.Encode(u.ID)+"/following", &fl)
		if int64(len(fl.Data)) != followees {
			t.Errorf("following of %s: %d listed, want %d", u.Handle, len(fl.Data), followees)
		}

		var found struct{ Data []apiUser }
		p.get(t, "/v1/users/search?query="+url.QueryEscape(u.Handle[:3]), &found)
		if !slices.ContainsFunc(found.Data, func(f apiUser) bool { return f.Handle == u.Handle }) {
			t.Errorf("search %q does not find %s", u.Handle[:3], u.Handle)
		}
	}

	for _, tr := range res.Tracks {
		var got struct{ Data apiTrack }
		code := p.get(t, "/v1/tracks/"+hashid.Encode(tr.ID), &got)
		if tr.Deleted {
			if code != 404 {
				t.Errorf("deleted track %d: status %d, want 404", tr.ID, code)
			}
			continue
		}
		var parents []string
		for _, r := range got.Data.RemixOf.Tracks {
			parents = append(parents, r.ParentTrackID)
		}
		var wantParents []string
		for _, id := range tr.RemixOf {
			wantParents = append(wantParents, hashid.Encode(id))
		}
		if code != 200 || got.Data.Title != tr.Title || got.Data.Description != tr.Description || got.Data.User.ID != hashid.Encode(tr.OwnerID) ||
			got.Data.RepostCount != count(res.Reposts, discovery.ItemTrack, tr.ID) ||
			got.Data.FavoriteCount != count(res.Saves, discovery.ItemTrack, tr.ID) ||
			got.Data.PlayCount != tr.PlayCount || !slices.Equal(parents, wantParents) ||
			got.Data.Permalink != "/"+handles[tr.OwnerID]+"/"+tr.Slugs[0] {
			t.Errorf("track %d: status %d, got %+v, want %+v with %d reposts and %d saves", tr.ID, code, got.Data, tr,
				count(res.Reposts, discovery.ItemTrack, tr.ID), count(res.Saves, discovery.ItemTrack, tr.ID))
		}
	}

	for _, pl := range res.Playlists {
		var got struct{ Data []apiPlaylist }
		if pl.Deleted {
			if code := p.get(t, "/v1/playlists/"+hashid.Encode(pl.ID), nil); code != 404 {
				t.Errorf("deleted playlist %d: status %d, want 404", pl.ID, code)
			}
			continue
		}
		if code := p.get(t, "/v1/playlists/"+hashid.Encode(pl.ID), &got); code != 200 || len(got.Data) != 1 {
			t.Fatalf("playlist %d: status %d, %d entries", pl.ID, code, len(got.Data))
		}
		g := got.Data[0]
		var ids []string
		for _, c := range g.Contents {
			ids = append(ids, c.TrackID)
		}
		var want []string
		for _, id := range pl.TrackIDs {
			want = append(want, hashid.Encode(id))
		}
		kind := "playlist"
		if pl.IsAlbum {
			kind = "album"
		}
		if g.Name != pl.Name || g.IsAlbum != pl.IsAlbum || g.User.ID != hashid.Encode(pl.OwnerID) || !slices.Equal(ids, want) ||
			g.Permalink != "/"+handles[pl.OwnerID]+"/"+kind+"/"+pl.Slug ||
			g.RepostCount != count(res.Reposts, discovery.ItemPlaylist, pl.ID) || g.FavoriteCount != count(res.Saves, discovery.ItemPlaylist, pl.ID) {
			t.Errorf("playlist %d = %+v, want %+v", pl.ID, g, pl)
		}
	}

	var missing struct {
		Error string `json:"error"`
	}
	if code := p.get(t, "/v1/users/"+hashid.Encode(999_999), &missing); code != 404 || missing.Error == "" {
		t.Errorf("unknown user: status %d, error %q", code, missing.Error)
	}
	if code := p.get(t, "/v1/users/not-an-id!", &missing); code != 400 {
		t.Errorf("bad id: status %d, want 400", code)
	}
	if code := p.get(t, "/v1/users/search?query=a&limit=101", &missing); code != 400 {
		t.Errorf("limit 101: status %d, want 400", code)
	}
	checkPermalinks(t, p, res)
	checkLineage(t, p, res)
}

// checkRejected checks the store recorded every deliberately invalid demo
// action, and nothing else, with a reason that names the rule it breaks.
func checkRejected(t *testing.T, s discovery.Store, res devchain.SeedResult) {
	t.Helper()
	if len(res.Invalid) == 0 {
		t.Fatal("demo has no invalid actions")
	}
	got, err := s.RejectedActions(context.Background(), discovery.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range res.Invalid {
		i := slices.IndexFunc(got, func(r discovery.RejectedAction) bool { return r.TxHash == inv.TxHash })
		if i < 0 {
			t.Errorf("invalid action %+v was not rejected", inv)
			continue
		}
		r := got[i]
		if r.Block != inv.Block || r.Action != inv.Action || r.EntityType != inv.EntityType || r.EntityID != inv.EntityID ||
			r.UserID != inv.UserID || r.Signer != inv.Signer {
			t.Errorf("rejection of %+v recorded as %+v", inv, r)
		}
		want, ok := rejectionReasons[inv.Kind]
		if !ok {
			t.Errorf("invalid action of unknown kind %q: %+v", inv.Kind, inv)
			continue
		}
		if inv.Kind == devchain.InvalidPlay {
			want = fmt.Sprint(inv.EntityID)
		}
		if !strings.Contains(strings.ToLower(r.Reason), want) {
			t.Errorf("%s (%s): rejected with reason %q, want one containing %q", inv.Kind, inv.Reason, r.Reason, want)
		}
	}
	if len(got) != len(res.Invalid) {
		t.Errorf("%d actions rejected, want exactly the %d invalid ones: %+v", len(got), len(res.Invalid), got)
	}
}

// rejectionReasons are words the recorded reason of each kind of invalid
// demo action must contain (lower case). A play is held to naming its
// track instead.
var rejectionReasons = map[string]string{
	devchain.InvalidForeignSigner:     "not the wallet",
	devchain.InvalidTakenHandle:       "taken",
	devchain.InvalidMetadata:          "metadata",
	devchain.InvalidNotOwner:          "belongs to user",
	devchain.InvalidRevokedGrant:      "revoked",
	devchain.InvalidDeletedApp:        "deleted",
	devchain.InvalidGrantToDeletedApp: "deleted",
	devchain.InvalidUnapprovedManager: "not approved",
	devchain.InvalidPlay:              "",
}
