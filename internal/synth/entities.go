package synth

// The actions that create, change and delete users, tracks and playlists.

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
