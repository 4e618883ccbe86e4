package synth

// The social actions — follows, subscriptions, reposts, saves — and the
// other two events, plays and verifications.

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
