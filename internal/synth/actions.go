package synth

import (
	"math"

	"github.com/ethereum/go-ethereum/common"
)

// actionKind numbers the valid actions the generator makes, for the mix and
// for Stats.ByAction.
type actionKind int

const (
	actUserCreate actionKind = iota
	actUserUpdate
	actTrackCreate
	actTrackUpdate
	actTrackDelete
	actPlaylistCreate
	actPlaylistUpdate
	actPlaylistDelete
	actFollow
	actUnfollow
	actSubscribe
	actUnsubscribe
	actRepost
	actUnrepost
	actSave
	actUnsave
	numActions
)

// mix is each action's share of the valid ManageEntity actions, in
// thousandths: social actions dominate, as on the real protocol.
var mix = [numActions]struct {
	name   string
	weight int
}{
	actUserCreate:     {"User Create", 60},
	actUserUpdate:     {"User Update", 15},
	actTrackCreate:    {"Track Create", 80},
	actTrackUpdate:    {"Track Update", 20},
	actTrackDelete:    {"Track Delete", 5},
	actPlaylistCreate: {"Playlist Create", 15},
	actPlaylistUpdate: {"Playlist Update", 5},
	actPlaylistDelete: {"Playlist Delete", 2},
	actFollow:         {"User Follow", 300},
	actUnfollow:       {"User Unfollow", 20},
	actSubscribe:      {"User Subscribe", 20},
	actUnsubscribe:    {"User Unsubscribe", 3},
	actRepost:         {"Repost", 150},
	actUnrepost:       {"Unrepost", 10},
	actSave:           {"Save", 280},
	actUnsave:         {"Unsave", 15},
}

var mixTotal = func() int {
	n := 0
	for _, m := range mix {
		n += m.weight
	}
	return n
}()

// action emits one ManageEntity log: an action meant to be refused at the
// configured rate, else one drawn from mix. An action that is not possible
// yet (no tracks to repost in the first block) falls back to a User Create,
// which always is.
func (g *Generator) action(b *Block) {
	if g.cfg.RejectRate > 0 && g.st.userCount() >= 2 && g.rnd.Float64() < g.cfg.RejectRate {
		g.reject()
		return
	}
	if g.st.userCount() < 8 {
		g.createUser(b)
		return
	}
	r := g.rnd.IntN(mixTotal)
	k := actionKind(0)
	for ; r >= mix[k].weight; k++ {
		r -= mix[k].weight
	}
	ok := false
	switch k {
	case actUserCreate:
		g.createUser(b)
		return
	case actUserUpdate:
		ok = g.updateUser()
	case actTrackCreate:
		ok = g.createTrack()
	case actTrackUpdate:
		ok = g.updateTrack()
	case actTrackDelete:
		ok = g.deleteTrack()
	case actPlaylistCreate:
		ok = g.createPlaylist(b)
	case actPlaylistUpdate:
		ok = g.updatePlaylist(b)
	case actPlaylistDelete:
		ok = g.deletePlaylist()
	case actFollow:
		ok = g.follow(&g.st.follows, actFollow, "Follow")
	case actUnfollow:
		ok = g.unfollow(&g.st.follows, actUnfollow, "Unfollow")
	case actSubscribe:
		ok = g.follow(&g.st.subs, actSubscribe, "Subscribe")
	case actUnsubscribe:
		ok = g.unfollow(&g.st.subs, actUnsubscribe, "Unsubscribe")
	case actRepost:
		ok = g.addItem(&g.st.reposts, actRepost, "Repost", `{"is_repost_of_repost":true}`)
	case actUnrepost:
		ok = g.removeItem(&g.st.reposts, actUnrepost, "Unrepost")
	case actSave:
		ok = g.addItem(&g.st.saves, actSave, "Save", `{"is_save_of_repost":true}`)
	case actUnsave:
		ok = g.removeItem(&g.st.saves, actUnsave, "Unsave")
	}
	if !ok {
		g.createUser(b)
	}
}

// emit appends one ManageEntity log.
func (g *Generator) emit(userID int32, signer common.Address, entityType string, entityID int32, meta []byte, action string) {
	g.buf = appendManageEntity(g.buf, int64(userID), signer, entityType, int64(entityID), meta, action)
	g.stats.MetadataBytes += int64(len(meta))
}

func (g *Generator) count(k actionKind) { g.counts[k]++ }

// actor draws the user who acts: half the time anyone, half the time with
// a power law favouring early, active users.
func (g *Generator) actor() int32 {
	n := g.st.userCount()
	if g.rnd.IntN(2) == 0 {
		return 1 + g.rnd.Int32N(n)
	}
	return g.powerLaw(n)
}

// powerLaw draws from 1..n with P(x) roughly proportional to 1/x.
func (g *Generator) powerLaw(n int32) int32 {
	x := int32(math.Pow(float64(n)+1, g.rnd.Float64()))
	return min(max(x, 1), n)
}

// hotTrack draws a live track, favouring tracks that drew attention
// before; 0 when there is none.
func (g *Generator) hotTrack() int32 {
	st := g.st
	if st.liveTracks == 0 {
		return 0
	}
	for range 8 {
		var t int32
		if len(st.trackHeat) > 0 && g.rnd.IntN(10) < 7 {
			t = st.trackHeat[g.rnd.IntN(len(st.trackHeat))]
		} else {
			t = 1 + g.rnd.Int32N(st.trackCount())
		}
		if !st.tracks[t].deleted {
			return t
		}
	}
	return 0
}

// liveTrack draws any live track uniformly; 0 when none is found.
func (g *Generator) liveTrack() int32 {
	st := g.st
	for range 8 {
		if st.trackCount() == 0 {
			return 0
		}
		if t := 1 + g.rnd.Int32N(st.trackCount()); !st.tracks[t].deleted {
			return t
		}
	}
	return 0
}

func (g *Generator) livePlaylist() int32 {
	st := g.st
	for range 8 {
		if st.playlistCount() == 0 {
			return 0
		}
		if p := 1 + g.rnd.Int32N(st.playlistCount()); !st.playlists[p].deleted {
			return p
		}
	}
	return 0
}

// createUser registers the next user and returns its id. A fifth of users
// are creators.
func (g *Generator) createUser(b *Block) int32 {
	st := g.st
	id := st.userCount() + 1
	creator := g.rnd.IntN(5) == 0
	st.users = append(st.users, userState{creator: creator})
	if creator {
		st.creators = append(st.creators, id)
	}
	g.meta = st.userMetadata(g.meta[:0], id, false, false, 0)
	g.emit(id, st.wallet(id), "User", id, g.meta, "Create")
	g.count(actUserCreate)
	g.stats.Users++
	return id
}

func (g *Generator) updateUser() bool {
	st := g.st
	id := g.actor()
	rename := g.rnd.IntN(5) == 0 && st.users[id].handleVer < 250
	if rename {
		st.users[id].handleVer++
		st.userRenames++
	}
	g.meta = st.userMetadata(g.meta[:0], id, true, rename, g.rnd.Uint64())
	g.emit(id, st.wallet(id), "User", id, g.meta, "Update")
	g.count(actUserUpdate)
	return true
}

// creator draws a creator, favouring prolific ones; 0 when there is none.
func (g *Generator) creator() int32 {
	st := g.st
	if len(st.creatorHeat) > 0 && g.rnd.IntN(10) < 7 {
		return st.creatorHeat[g.rnd.IntN(len(st.creatorHeat))]
	}
	if len(st.creators) == 0 {
		return 0
	}
	return st.creators[g.rnd.IntN(len(st.creators))]
}

// createTrack uploads a track: now and then a remix of hot tracks, a stem
// of the creator's own track, or metadata named by a bare CID.
func (g *Generator) createTrack() bool {
	st := g.st
	owner := g.creator()
	if owner == 0 {
		return false
	}
	id := st.trackCount() + 1
	var parents [2]int32
	np := 0
	var stemOf int32
	switch r := g.rnd.IntN(100); {
	case r < 10:
		for range 1 + g.rnd.IntN(2) {
			if p := g.hotTrack(); p != 0 && (np == 0 || parents[0] != p) {
				parents[np] = p
				np++
			}
		}
	case r < 13:
		own := st.tracksOf[owner]
		if len(own) > 0 {
			if p := own[g.rnd.IntN(len(own))]; !st.tracks[p].deleted && !st.tracks[p].stem {
				stemOf = p
			}
		}
	}
	t := trackState{owner: owner, stem: stemOf != 0}
	st.tracks = append(st.tracks, t)
	st.tracksOf[owner] = append(st.tracksOf[owner], id)
	st.creatorHeat = append(st.creatorHeat, owner)
	st.trackHeat = append(st.trackHeat, id)
	st.liveTracks++
	g.stats.Tracks++
	if g.rnd.IntN(100) == 0 {
		// Metadata by CID: indexed at once as pending, fetched later.
		g.meta = append(g.meta[:0], realCID(st.trackMetadata(nil, id, t, nil, 0, 0))...)
		st.bareCIDs++
	} else {
		g.meta = st.trackMetadata(g.meta[:0], id, t, parents[:np], stemOf, 0)
	}
	g.emit(owner, st.wallet(owner), "Track", id, g.meta, "Create")
	g.count(actTrackCreate)
	return true
}

// updateTrack edits a live track; half the edits rename it.
func (g *Generator) updateTrack() bool {
	st := g.st
	id := g.liveTrack()
	if id == 0 {
		return false
	}
	t := &st.tracks[id]
	if g.rnd.IntN(2) == 0 && t.titleVer < 250 {
		t.titleVer++
		st.renames++
	}
	g.meta = st.trackMetadata(g.meta[:0], id, *t, nil, 0, g.rnd.Uint64())
	g.emit(t.owner, st.wallet(t.owner), "Track", id, g.meta, "Update")
	g.count(actTrackUpdate)
	return true
}

func (g *Generator) deleteTrack() bool {
	st := g.st
	id := g.liveTrack()
	if id == 0 {
		return false
	}
	t := &st.tracks[id]
	t.deleted = true
	st.liveTracks--
	st.deletedTracks++
	g.emit(t.owner, st.wallet(t.owner), "Track", id, nil, "Delete")
	g.count(actTrackDelete)
	return true
}

// playlistTracks picks a playlist's tracks: an album's are the owner's
// own, a playlist's whatever is hot.
func (g *Generator) playlistTracks(owner int32, album bool) []int32 {
	st := g.st
	var out []int32
	if album {
		for _, t := range st.tracksOf[owner] {
			if !st.tracks[t].deleted && len(out) < 20 {
				out = append(out, t)
			}
		}
		return out
	}
	for range 3 + g.rnd.IntN(23) {
		if t := g.hotTrack(); t != 0 {
			out = append(out, t)
		}
	}
	return out
}

// createPlaylist makes a playlist, or an album of a creator's own tracks.
func (g *Generator) createPlaylist(b *Block) bool {
	st := g.st
	owner, album := g.actor(), false
	if g.rnd.IntN(10) < 3 {
		if c := g.creator(); c != 0 && len(st.tracksOf[c]) >= 2 {
			owner, album = c, true
		}
	}
	id := st.playlistCount() + 1
	st.playlists = append(st.playlists, playlistState{owner: owner, album: album})
	g.stats.Playlists++
	g.meta = st.playlistMetadata(g.meta[:0], id, album, g.playlistTracks(owner, album), b.Time, 0)
	g.emit(owner, st.wallet(owner), "Playlist", id, g.meta, "Create")
	g.count(actPlaylistCreate)
	return true
}

func (g *Generator) updatePlaylist(b *Block) bool {
	st := g.st
	id := g.livePlaylist()
	if id == 0 {
		return false
	}
	p := st.playlists[id]
	g.meta = st.playlistMetadata(g.meta[:0], id, p.album, g.playlistTracks(p.owner, p.album), b.Time, g.rnd.Uint64())
	g.emit(p.owner, st.wallet(p.owner), "Playlist", id, g.meta, "Update")
	g.count(actPlaylistUpdate)
	return true
}

func (g *Generator) deletePlaylist() bool {
	st := g.st
	id := g.livePlaylist()
	if id == 0 {
		return false
	}
	p := &st.playlists[id]
	p.deleted = true
	g.emit(p.owner, st.wallet(p.owner), "Playlist", id, nil, "Delete")
	g.count(actPlaylistDelete)
	return true
}

// follow adds a follow or subscription edge; followees are drawn by
// preferential attachment, which grows a power-law follower graph.
func (g *Generator) follow(edges *edgeSet, k actionKind, action string) bool {
	st := g.st
	for range 4 {
		from := g.actor()
		to := 1 + g.rnd.Int32N(st.userCount())
		if len(st.followTargets) > 0 && g.rnd.IntN(10) < 7 {
			to = st.followTargets[g.rnd.IntN(len(st.followTargets))]
		}
		key := followKey(from, to)
		if from == to || edges.has(key) {
			continue
		}
		edges.add(key)
		if k == actFollow {
			st.followTargets = append(st.followTargets, to)
		}
		g.emit(from, st.wallet(from), "User", to, nil, action)
		g.count(k)
		return true
	}
	return false
}

// unfollow removes an existing follow or subscription edge.
func (g *Generator) unfollow(edges *edgeSet, k actionKind, action string) bool {
	for range 4 {
		if len(edges.list) == 0 {
			return false
		}
		key := edges.list[g.rnd.IntN(len(edges.list))]
		if !edges.has(key) {
			continue
		}
		edges.remove(key)
		from, to := int32(key>>32), int32(uint32(key))
		g.emit(from, g.st.wallet(from), "User", to, nil, action)
		g.count(k)
		return true
	}
	return false
}

// addItem reposts or saves a live track (nine times in ten; during a burst
// often the burst's track) or playlist.
func (g *Generator) addItem(edges *edgeSet, k actionKind, action, flagMeta string) bool {
	st := g.st
	for range 4 {
		user := g.actor()
		playlist := g.rnd.IntN(10) == 0
		var item int32
		switch {
		case playlist:
			item = g.livePlaylist()
		case g.burst != 0 && !st.tracks[g.burst].deleted && g.rnd.IntN(100) < 35:
			item = g.burst
		default:
			item = g.hotTrack()
		}
		key := itemKey(user, playlist, item)
		if item == 0 || edges.has(key) {
			continue
		}
		edges.add(key)
		if !playlist {
			st.trackHeat = append(st.trackHeat, item)
		}
		var meta []byte
		if g.rnd.IntN(8) == 0 {
			meta = append(g.meta[:0], flagMeta...)
		}
		g.emit(user, st.wallet(user), itemEntity(playlist), item, meta, action)
		g.count(k)
		return true
	}
	return false
}

// removeItem undoes an existing repost or save.
func (g *Generator) removeItem(edges *edgeSet, k actionKind, action string) bool {
	for range 4 {
		if len(edges.list) == 0 {
			return false
		}
		key := edges.list[g.rnd.IntN(len(edges.list))]
		if !edges.has(key) {
			continue
		}
		edges.remove(key)
		user, playlist, item := int32(key>>33), key>>32&1 == 1, int32(uint32(key))
		g.emit(user, g.st.wallet(user), itemEntity(playlist), item, nil, action)
		g.count(k)
		return true
	}
	return false
}

func itemEntity(playlist bool) string {
	if playlist {
		return "Playlist"
	}
	return "Track"
}

// play emits a Play of a hot live track by a listener, or anonymously.
func (g *Generator) play(b *Block) {
	st := g.st
	g.stats.Plays++
	t := g.hotTrack()
	if t == 0 {
		// Nothing to play yet: a play of a missing track, refused.
		g.stats.Rejected++
		g.buf = appendPlay(g.buf, int64(st.trackCount())+1_000_000, 0, b.Time)
		return
	}
	var listener int32
	if g.rnd.IntN(10) >= 3 && st.userCount() > 0 {
		listener = g.actor()
	}
	g.buf = appendPlay(g.buf, int64(t), int64(listener), b.Time)
}

// verify emits a ManageIsVerified that flips a user's badge.
func (g *Generator) verify() {
	st := g.st
	g.stats.Verifications++
	if st.userCount() == 0 {
		g.stats.Rejected++ // nobody to verify yet
		g.buf = appendManageIsVerified(g.buf, 1_000_000, true)
		return
	}
	id := g.powerLaw(st.userCount())
	u := &st.users[id]
	u.verified = !u.verified
	g.buf = appendManageIsVerified(g.buf, int64(id), u.verified)
}
