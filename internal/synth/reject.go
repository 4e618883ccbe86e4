package synth

import "strconv"

// The actions the generator makes to be refused, as they happen on the real
// protocol: keys used for users they do not belong to, double taps, broken
// clients, squatters.
const (
	rejectWrongSigner = iota
	rejectDuplicateFollow
	rejectDuplicateSave
	rejectBadMetadata
	rejectTakenHandle
	rejectUnfollowNothing
	rejectSelfFollow
	rejectMissingTrack
	numRejects
)

var rejectNames = [numRejects]string{
	"wrong signer", "duplicate follow", "duplicate save", "bad metadata",
	"taken handle", "unfollow of nobody followed", "self follow", "repost of a missing track",
}

// reject emits one ManageEntity action the indexer must refuse. A kind that
// is not possible yet falls back to bad metadata, which always is.
func (g *Generator) reject() {
	kind := g.rnd.IntN(numRejects)
	if !g.tryReject(kind) {
		kind = rejectBadMetadata
		g.tryReject(kind)
	}
	g.stats.Rejected++
	g.rejects[kind]++
}

func (g *Generator) tryReject(kind int) bool {
	st := g.st
	switch kind {
	case rejectWrongSigner:
		t := g.liveTrack()
		if t == 0 {
			return false
		}
		tr := st.tracks[t]
		other := g.actor()
		if other == tr.owner {
			return false
		}
		tr.titleVer++
		g.meta = st.trackMetadata(g.meta[:0], t, tr, nil, 0, g.rnd.Uint64())
		g.emit(tr.owner, st.wallet(other), "Track", t, g.meta, "Update")
	case rejectDuplicateFollow, rejectDuplicateSave:
		edges, entity, action := &st.follows, "User", "Follow"
		if kind == rejectDuplicateSave {
			edges, action = &st.saves, "Save"
		}
		if len(edges.list) == 0 {
			return false
		}
		key := edges.list[g.rnd.IntN(len(edges.list))]
		if !edges.has(key) {
			return false
		}
		from, to := int32(key>>32), int32(uint32(key))
		if kind == rejectDuplicateSave {
			from, to = int32(key>>33), int32(uint32(key))
			entity = itemEntity(key>>32&1 == 1)
		}
		g.emit(from, st.wallet(from), entity, to, nil, action)
	case rejectBadMetadata:
		u := g.actor()
		g.meta = append(g.meta[:0], `{"cid":"`...)
		g.meta = appendFakeCID(g.meta, g.rnd.Uint64())
		g.meta = append(g.meta, `","data":{"name":"Half a name`...)
		g.emit(u, st.wallet(u), "User", u, g.meta, "Update")
	case rejectTakenHandle:
		holder := g.actor()
		id := st.userCount() + 1 // not taken up: the create fails
		g.meta = append(g.meta[:0], `{"cid":"`...)
		g.meta = appendFakeCID(g.meta, g.rnd.Uint64())
		g.meta = append(g.meta, `","data":{"handle":"`...)
		g.meta = st.appendHandle(g.meta, holder, st.users[holder].handleVer)
		g.meta = append(g.meta, `","name":"Not `...)
		g.meta = strconv.AppendInt(g.meta, int64(holder), 10)
		g.meta = append(g.meta, `"}}`...)
		g.emit(id, st.wallet(id), "User", id, g.meta, "Create")
	case rejectUnfollowNothing:
		from, to := g.actor(), g.actor()
		if from == to || st.follows.has(followKey(from, to)) {
			return false
		}
		g.emit(from, st.wallet(from), "User", to, nil, "Unfollow")
	case rejectSelfFollow:
		u := g.actor()
		g.emit(u, st.wallet(u), "User", u, nil, "Follow")
	case rejectMissingTrack:
		u := g.actor()
		g.emit(u, st.wallet(u), "Track", st.trackCount()+1_000_000, nil, "Repost")
	}
	return true
}
