package devchain

import (
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
)

// demoUserKeys is how many user keys genesis funds: the five demo users and
// the impostor that tries to take a handle.
const demoUserKeys = 6

type demoUser struct {
	id                          int64
	handle, name, bio, location string
	creator                     bool
}

var demoUsers = []demoUser{
	{1, "aurora_waves", "Aurora Waves", "Ambient soundscapes recorded by the northern sea.", "Tromsø, Norway", true},
	{2, "neon_harbor", "Neon Harbor", "Synthwave from a port city that never sleeps.", "Rotterdam, Netherlands", true},
	{3, "kiln_house", "Kiln House", "Deep house, fired slowly at low temperature.", "Chicago, IL", true},
	{4, "mira_sol", "Mira Sol", "Acoustic songs about sun and salt.", "Lisbon, Portugal", true},
	{5, "lena_listens", "Lena", "I collect late-night playlists.", "Berlin, Germany", false},
}

type demoTrack struct {
	id, owner               int64
	title, genre, mood      string
	tags, description, date string
	duration                int64
}

var demoTracks = []demoTrack{
	{1, 1, "Polar Night", "Ambient", "Peaceful", "ambient,winter,field recording", "Wind and waves on a January night.", "2024-01-12", 312},
	{2, 1, "Ice Shelf Choir", "Ambient", "Melancholy", "ambient,choir", "Layered voices slowly drifting apart.", "2024-02-03", 268},
	{3, 1, "Midnight Sun", "Electronic", "Upbeat", "electronic,summer", "The sun never sets, so neither do we.", "2024-06-21", 241},
	{4, 2, "Chrome Skyline", "Electronic", "Energizing", "synthwave,retro", "Driving through the harbour at 3am.", "2023-11-10", 225},
	{5, 2, "Harbor Lights", "Electronic", "Romantic", "synthwave,night", "Slow synths for the last ferry home.", "2023-12-01", 198},
	{6, 3, "Low Fire", "Deep House", "Sensual", "deep house,groove", "A warm groove that takes its time.", "2024-03-15", 402},
	{7, 3, "Glaze", "House", "Cool", "house,minimal", "Minimal and glossy.", "2024-04-02", 356},
	{8, 3, "Test Pressing", "House", "Empowering", "house,demo", "An early demo, soon to be removed.", "2024-04-20", 120},
	{9, 4, "Salt and Sun", "Acoustic", "Easygoing", "acoustic,folk", "Recorded on a balcony over the river.", "2024-05-05", 187},
	{10, 4, "Alfama Steps", "Folk", "Sentimental", "folk,lisbon", "Climbing the old town at dusk.", "2024-05-30", 214},
}

// The Track Update renames this track; the Track Delete removes the other.
const (
	renamedTrack   = 5
	renamedTitle   = "Harbor Lights (Extended Mix)"
	renamedLength  = 377
	deletedTrack   = 8
	impostorUserID = 6
	invalidTrackID = 11
)

type demoPlaylist struct {
	id, owner  int64
	name, desc string
	album      bool
	tracks     []int64
}

var demoPlaylists = []demoPlaylist{
	{1, 5, "Late Night Mix", "What I play after midnight.", false, []int64{1, 4, 6, 9}},
	{2, 1, "Northern Lights", "The first album.", true, []int64{1, 2, 3}},
}

// demoFollows are created in order; the last is undone by an Unfollow.
var demoFollows = []discovery.FollowKey{
	{FollowerID: 2, FolloweeID: 1}, {FollowerID: 3, FolloweeID: 1}, {FollowerID: 4, FolloweeID: 1}, {FollowerID: 5, FolloweeID: 1},
	{FollowerID: 1, FolloweeID: 2}, {FollowerID: 2, FolloweeID: 3}, {FollowerID: 3, FolloweeID: 2}, {FollowerID: 4, FolloweeID: 3},
	{FollowerID: 5, FolloweeID: 2}, {FollowerID: 5, FolloweeID: 3}, {FollowerID: 5, FolloweeID: 4},
}

var demoReposts = []discovery.ItemKey{
	{UserID: 5, ItemType: discovery.ItemTrack, ItemID: 1},
	{UserID: 2, ItemType: discovery.ItemTrack, ItemID: 1},
	{UserID: 3, ItemType: discovery.ItemTrack, ItemID: 4},
	{UserID: 4, ItemType: discovery.ItemTrack, ItemID: 6},
	{UserID: 1, ItemType: discovery.ItemPlaylist, ItemID: 1},
	{UserID: 5, ItemType: discovery.ItemPlaylist, ItemID: 2},
}

// demoSaves are created in order; the last is undone by an Unsave.
var demoSaves = []discovery.ItemKey{
	{UserID: 5, ItemType: discovery.ItemTrack, ItemID: 1},
	{UserID: 5, ItemType: discovery.ItemTrack, ItemID: 4},
	{UserID: 5, ItemType: discovery.ItemTrack, ItemID: 6},
	{UserID: 3, ItemType: discovery.ItemTrack, ItemID: 2},
	{UserID: 4, ItemType: discovery.ItemTrack, ItemID: 1},
	{UserID: 2, ItemType: discovery.ItemPlaylist, ItemID: 1},
	{UserID: 3, ItemType: discovery.ItemPlaylist, ItemID: 2},
	{UserID: 5, ItemType: discovery.ItemTrack, ItemID: 9},
}

// addBasics is the content every demo had first: profiles, tracks, a
// playlist and an album, social actions and some changes of mind.
func (p *plan) addBasics(now int64) {
	for _, u := range demoUsers {
		p.self(u.id, discovery.EntityUser, u.id, discovery.ActionCreate, userData(u.handle, u.name, u.bio, u.location))
		p.result.Users = append(p.result.Users, SeedUser{ID: u.id, Handle: u.handle, Name: u.name, Wallet: crypto.PubkeyToAddress(UserKey(u.id).PublicKey), Creator: u.creator})
	}
	for _, t := range demoTracks {
		p.createTrack(t, trackData(t))
	}
	for _, pl := range demoPlaylists {
		p.createPlaylist(pl, now)
	}
	for _, f := range demoFollows {
		p.self(f.FollowerID, discovery.EntityUser, f.FolloweeID, discovery.ActionFollow, nil)
	}
	for _, r := range demoReposts {
		p.self(r.UserID, itemEntity(r.ItemType), r.ItemID, discovery.ActionRepost, nil)
	}
	for _, s := range demoSaves {
		p.self(s.UserID, itemEntity(s.ItemType), s.ItemID, discovery.ActionSave, nil)
	}

	// Changes of mind: a rename, a delete, an unfollow, an unsave.
	renamed := demoTracks[renamedTrack-1]
	renamed.title, renamed.duration = renamedTitle, renamedLength
	p.self(renamed.owner, discovery.EntityTrack, renamed.id, discovery.ActionUpdate, trackData(renamed))
	p.renameTrack(renamed.id, renamedTitle)
	p.self(demoTracks[deletedTrack-1].owner, discovery.EntityTrack, deletedTrack, discovery.ActionDelete, nil)
	p.track(deletedTrack).Deleted = true
	unfollow := demoFollows[len(demoFollows)-1]
	p.self(unfollow.FollowerID, discovery.EntityUser, unfollow.FolloweeID, discovery.ActionUnfollow, nil)
	unsave := demoSaves[len(demoSaves)-1]
	p.self(unsave.UserID, itemEntity(unsave.ItemType), unsave.ItemID, discovery.ActionUnsave, nil)
	p.result.Follows = demoFollows[:len(demoFollows)-1]
	p.result.Reposts = slices.Clone(demoReposts)
	p.result.Saves = slices.Clone(demoSaves[:len(demoSaves)-1])
}

// addInvalid appends the first actions the indexer must refuse, so the demo
// shows what a rejected action looks like.
func (p *plan) addInvalid() {
	hijack := demoTracks[0]
	hijack.title = "Stolen Title"
	p.invalid(UserKey(2), InvalidForeignSigner, hijack.owner, discovery.EntityTrack, hijack.id, discovery.ActionUpdate, trackData(hijack),
		fmt.Sprintf("user 2 signs an update of track %d, which belongs to user %d", hijack.id, hijack.owner))
	p.invalid(UserKey(impostorUserID), InvalidTakenHandle, impostorUserID, discovery.EntityUser, impostorUserID, discovery.ActionCreate,
		userData(demoUsers[0].handle, "Not Aurora", "Trying to take a handle that is taken.", "Nowhere"),
		fmt.Sprintf("user %d tries to take the handle %q of user %d", impostorUserID, demoUsers[0].handle, demoUsers[0].id))
	p.invalid(UserKey(4), InvalidMetadata, 4, discovery.EntityTrack, invalidTrackID, discovery.ActionCreate, rawMetadata("this is not json"),
		"track metadata that is not JSON")
}

func itemEntity(itemType string) string {
	if itemType == discovery.ItemPlaylist {
		return discovery.EntityPlaylist
	}
	return discovery.EntityTrack
}

func userData(handle, name, bio, location string) map[string]any {
	return map[string]any{
		"handle":          handle,
		"name":            name,
		"bio":             bio,
		"location":        location,
		"profile_picture": CID([]byte("profile picture of " + handle)),
		"cover_photo":     CID([]byte("cover photo of " + handle)),
	}
}

func trackData(t demoTrack) map[string]any {
	return map[string]any{
		"title":        t.title,
		"genre":        t.genre,
		"mood":         t.mood,
		"tags":         t.tags,
		"description":  t.description,
		"release_date": t.date,
		"duration":     t.duration,
		"track_cid":    CID([]byte(fmt.Sprintf("audio of track %d: %s", t.id, t.title))),
		"cover_art":    CID([]byte(fmt.Sprintf("cover art of track %d", t.id))),
	}
}

func playlistData(pl demoPlaylist, now int64) map[string]any {
	entries := make([]map[string]any, len(pl.tracks))
	for i, id := range pl.tracks {
		entries[i] = map[string]any{"track": id, "time": now}
	}
	return map[string]any{
		"playlist_name":     pl.name,
		"description":       pl.desc,
		"is_album":          pl.album,
		"is_private":        false,
		"cover_art":         CID([]byte(fmt.Sprintf("cover art of playlist %d", pl.id))),
		"playlist_contents": map[string]any{"track_ids": entries},
	}
}
