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
