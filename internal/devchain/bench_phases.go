package devchain

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
)

// usersPhase creates the users; a fifth of them (at least two) are the
// creators who upload most tracks.
func (g *benchGen) usersPhase() {
	g.users = int64(g.counts["User Create"])
	g.creators = max(2, g.users/5)
	for id := int64(1); id <= g.users; id++ {
		h := fmt.Sprintf("%s_%s%d", g.word(benchWords), g.word(benchNouns), id)
		g.handles = append(g.handles, h)
		g.valid("User Create", id, discovery.EntityUser, id, discovery.ActionCreate,
			userData(h, strings.ReplaceAll(h, "_", " "), "Making "+strings.ToLower(g.title())+" music.", g.word(benchNouns)+" city"))
	}
	g.endPhase()
}

// contentPhase uploads tracks and edits profiles, verifies a few users,
// and sends the refusals that need only users.
func (g *benchGen) contentPhase() {
	c := g.counts
	deck := g.deck(map[string]int{
		"Track Create": c["Track Create"], "User Update": c["User Update"], "verify": max(1, int(g.users/50)),
		"taken handle": g.refusals["taken handle"], "bad metadata": g.refusals["bad metadata"], "self follow": g.refusals["self follow"],
	})
	// The last tracks made are the ones the social phase deletes.
	doomedFrom := c["Track Create"] - c["Track Delete"]
	squatters, verified := int64(0), int64(0)
	for _, kind := range deck {
		switch kind {
		case "Track Create":
			owner := 1 + g.rnd.Int64N(g.creators)
			if g.rnd.IntN(4) == 0 {
				owner = g.actor()
			}
			id := int64(len(g.tracks) + 1)
			g.tracks = append(g.tracks, benchItem{owner: owner, doomed: len(g.tracks) >= doomedFrom})
			g.valid(kind, owner, discovery.EntityTrack, id, discovery.ActionCreate, g.trackData(id, owner, g.title()))
		case "User Update":
			g.updateUser()
		case "verify":
			verified++
			g.verify(verified)
		case "taken handle":
			// A user never created: the create fails on the handle alone.
			squatters++
			id, holder := g.users+squatters, g.actor()
			g.refuse(kind, g.userKey(id), id, discovery.EntityUser, id, discovery.ActionCreate,
				userData(g.handles[holder-1], fmt.Sprintf("Not user %d", holder), "Squatting.", "Nowhere"))
		case "bad metadata":
			g.badMetadata()
		case "self follow":
			u := g.actor()
			g.refuse(kind, g.userKey(u), u, discovery.EntityUser, u, discovery.ActionFollow, nil)
		}
	}
	g.endPhase()
}

func (g *benchGen) updateUser() {
	u := g.actor()
	g.valid("User Update", u, discovery.EntityUser, u, discovery.ActionUpdate,
		map[string]any{"bio": "Now " + strings.ToLower(g.title()) + ".", "location": g.word(benchNouns) + " town"})
}

// badMetadata refuses a profile update cut off half way, as a broken
// client sends; it is always possible, so other refusals fall back to it.
func (g *benchGen) badMetadata() {
	u := g.actor()
	g.refuse("bad metadata", g.userKey(u), u, discovery.EntityUser, u, discovery.ActionUpdate,
		rawMetadata(`{"cid":"`+CID([]byte(fmt.Sprint(g.rnd.Uint64())))+`","data":{"name":"Half a name`))
}

// socialPhase is most of the load: playlists, follows, subscriptions,
// reposts and saves of tracks and their undoing, track edits and deletes,
// plays, and the refusals that need tracks or edges.
func (g *benchGen) socialPhase(plays int) {
	c := g.counts
	deck := g.deck(map[string]int{
		"Playlist Create": c["Playlist Create"], "User Follow": c["User Follow"], "User Unfollow": c["User Unfollow"],
		"User Subscribe": c["User Subscribe"], "User Unsubscribe": c["User Unsubscribe"],
		"Repost": c["Repost"] - g.listShare("Repost"), "Unrepost": c["Unrepost"],
		"Save": c["Save"] - g.listShare("Save"), "Unsave": c["Unsave"],
		"Track Update": c["Track Update"], "Track Delete": c["Track Delete"],
		"plays":        (plays + benchPlaysPerBatch - 1) / benchPlaysPerBatch,
		"wrong signer": g.refusals["wrong signer"], "duplicate follow or save": g.refusals["duplicate follow or save"],
		"unfollow of nobody followed": g.refusals["unfollow of nobody followed"],
		"repost of a missing track":   g.refusals["repost of a missing track"],
	})
	doomedLists := c["Playlist Create"] - c["Playlist Delete"]
	nextDoomed := len(g.tracks) - c["Track Delete"]
	for _, kind := range deck {
		switch kind {
		case "Playlist Create":
			g.createPlaylist(len(g.lists) >= doomedLists)
		case "User Follow", "User Subscribe":
			g.follow(kind)
		case "User Unfollow", "User Unsubscribe":
			edges, action := &g.follows, discovery.ActionUnfollow
			if kind == "User Unsubscribe" {
				edges, action = &g.subs, discovery.ActionUnsubscribe
			}
			if k, ok := edges.take(g.rnd); ok {
				g.valid(kind, k[0], discovery.EntityUser, k[1], action, nil)
			} else {
				g.updateUser()
			}
		case "Repost", "Save":
			g.addItem(kind, discovery.ItemTrack, g.tracks)
		case "Unrepost", "Unsave":
			edges, action := &g.reposts, discovery.ActionUnrepost
			if kind == "Unsave" {
				edges, action = &g.saves, discovery.ActionUnsave
			}
			if k, ok := edges.take(g.rnd); ok {
				g.valid(kind, k.UserID, discovery.EntityTrack, k.ItemID, action, nil)
			} else {
				g.updateUser()
			}
		case "Track Update":
			id := g.live(g.tracks)
			owner := g.tracks[id-1].owner
			g.valid(kind, owner, discovery.EntityTrack, id, discovery.ActionUpdate, g.trackData(id, owner, g.title()))
		case "Track Delete":
			nextDoomed++
			g.valid(kind, g.tracks[nextDoomed-1].owner, discovery.EntityTrack, int64(nextDoomed), discovery.ActionDelete, nil)
		case "plays":
			n := min(benchPlaysPerBatch, plays-g.plan.load.Plays)
			g.playBatch(n)
		default:
			g.socialRefusal(kind)
		}
	}
	g.endPhase()
}

// listShare is the part of Repost or Save actions that go to playlists,
// once they exist.
func (g *benchGen) listShare(kind string) int { return g.counts[kind] * 15 / 100 }

func (g *benchGen) follow(kind string) {
	edges, action := &g.follows, discovery.ActionFollow
	if kind == "User Subscribe" {
		edges, action = &g.subs, discovery.ActionSubscribe
	}
	for range 32 {
		u, v := g.actor(), g.actor()
		if g.rnd.IntN(2) == 0 {
			v = 1 + g.rnd.Int64N(g.users)
		}
		if k := [2]int64{u, v}; u != v && !edges.has[k] {
			edges.add(k)
			g.valid(kind, u, discovery.EntityUser, v, action, nil)
			return
		}
	}
	g.updateUser()
}

// addItem reposts or saves a live track or playlist not yet reposted
// (saved) by the actor.
func (g *benchGen) addItem(kind, itemType string, items []benchItem) {
	edges, action, flag := &g.reposts, discovery.ActionRepost, "is_repost_of_repost"
	if kind == "Save" {
		edges, action, flag = &g.saves, discovery.ActionSave, "is_save_of_repost"
	}
	entity := discovery.EntityTrack
	if itemType == discovery.ItemPlaylist {
		entity = discovery.EntityPlaylist
	}
	for range 32 {
		k := discovery.ItemKey{UserID: g.actor(), ItemType: itemType, ItemID: g.live(items)}
		if edges.has[k] {
			continue
		}
		edges.add(k)
		var data any
		if g.rnd.IntN(10) == 0 {
			data = rawMetadata(`{"` + flag + `": true}`)
		}
		g.valid(kind, k.UserID, entity, k.ItemID, action, data)
		return
	}
	g.updateUser()
}

func (g *benchGen) createPlaylist(doomed bool) {
	owner := g.actor()
	id := int64(len(g.lists) + 1)
	pl := demoPlaylist{id: id, owner: owner, name: g.title(), desc: "Songs for " + strings.ToLower(g.title()) + ".",
		album: g.rnd.IntN(5) == 0}
	for range 2 + g.rnd.IntN(7) {
		pl.tracks = append(pl.tracks, g.live(g.tracks))
	}
	g.lists = append(g.lists, benchItem{owner: owner, doomed: doomed})
	g.valid("Playlist Create", owner, discovery.EntityPlaylist, id, discovery.ActionCreate, playlistData(pl, g.now))
}

// playBatch records n plays of live tracks, a third of them anonymous.
func (g *benchGen) playBatch(n int) {
	var tracks, users, times []*big.Int
	for range n {
		u := int64(0)
		if g.rnd.IntN(3) > 0 {
			u = g.actor()
		}
		tracks = append(tracks, big.NewInt(g.live(g.tracks)))
		users = append(users, big.NewInt(u))
		times = append(times, big.NewInt(g.now))
	}
	g.phase = append(g.phase, benchStep{step: step{data: contracts.NewPlays().PackPlayBatch(tracks, users, times), toPlays: true}})
	g.plan.load.Plays += n
}

// socialRefusal appends a refusal of kind, or of bad metadata when kind is
// not possible yet.
func (g *benchGen) socialRefusal(kind string) {
	switch kind {
	case "wrong signer":
		// Another user's wallet signs an update of a track it does not own.
		id := g.live(g.tracks)
		owner, other := g.tracks[id-1].owner, g.actor()
		if other == owner {
			other = owner%g.users + 1
		}
		g.refuse(kind, g.userKey(other), owner, discovery.EntityTrack, id, discovery.ActionUpdate, g.trackData(id, owner, g.title()))
		return
	case "duplicate follow or save":
		if g.rnd.IntN(2) == 0 {
			if k, ok := g.follows.pick(g.rnd); ok {
				g.refuse(kind, g.userKey(k[0]), k[0], discovery.EntityUser, k[1], discovery.ActionFollow, nil)
				return
			}
		} else if k, ok := g.saves.pick(g.rnd); ok {
			g.refuse(kind, g.userKey(k.UserID), k.UserID, discovery.EntityTrack, k.ItemID, discovery.ActionSave, nil)
			return
		}
	case "unfollow of nobody followed":
		for range 32 {
			if u, v := g.actor(), g.actor(); u != v && !g.follows.has[[2]int64{u, v}] {
				g.refuse(kind, g.userKey(u), u, discovery.EntityUser, v, discovery.ActionUnfollow, nil)
				return
			}
		}
	case "repost of a missing track":
		u := g.actor()
		g.refuse(kind, g.userKey(u), u, discovery.EntityTrack, int64(len(g.tracks))+1_000_000, discovery.ActionRepost, nil)
		return
	}
	g.badMetadata()
}

// latePhase edits and deletes playlists, reposts and saves them, and saves
// tracks deleted in the social phase, which the indexer refuses.
func (g *benchGen) latePhase() {
	c := g.counts
	deck := g.deck(map[string]int{
		"Playlist Update": c["Playlist Update"], "Playlist Delete": c["Playlist Delete"],
		"Repost": g.listShare("Repost"), "Save": g.listShare("Save"),
		"save of a deleted track": g.refusals["save of a deleted track"],
	})
	nextDoomed := len(g.lists) - c["Playlist Delete"]
	for _, kind := range deck {
		switch kind {
		case "Playlist Update":
			id := g.live(g.lists)
			g.valid(kind, g.lists[id-1].owner, discovery.EntityPlaylist, id, discovery.ActionUpdate,
				map[string]any{"playlist_name": g.title(), "description": "Now " + strings.ToLower(g.title()) + "."})
		case "Playlist Delete":
			nextDoomed++
			g.valid(kind, g.lists[nextDoomed-1].owner, discovery.EntityPlaylist, int64(nextDoomed), discovery.ActionDelete, nil)
		case "Repost", "Save":
			g.addItem(kind, discovery.ItemPlaylist, g.lists)
		case "save of a deleted track":
			u := g.actor()
			id := int64(len(g.tracks) - g.rnd.IntN(c["Track Delete"]))
			g.refuse(kind, g.userKey(u), u, discovery.EntityTrack, id, discovery.ActionSave, nil)
		}
	}
	g.endPhase()
}
