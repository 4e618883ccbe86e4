package synth

import (
	"encoding/binary"

	"github.com/ethereum/go-ethereum/common"
)

// state is the generator's model of the index: just enough of it to make
// every action it means to be valid pass the protocol's rules at its log.
// Ids are dense from 1 (the --id-offsets=none numbering), so entities live
// in slices indexed by id; index 0 is unused.
type state struct {
	salt uint64

	users     []userState
	tracks    []trackState
	playlists []playlistState
	tracksOf  map[int32][]int32 // creator → tracks, in creation order
	creators  []int32

	follows, subs        edgeSet // follower<<32 | followee
	reposts, saves       edgeSet // user<<33 | isPlaylist<<32 | item
	followTargets        []int32 // a followee per follow: preferential attachment
	trackHeat            []int32 // a track per create, repost and save: what gets attention gets more
	creatorHeat          []int32 // an owner per track: prolific creators create more
	liveTracks           int
	deletedTracks        int
	bareCIDs             int
	renames, userRenames int
}

type userState struct {
	handleVer uint8 // bumped by each handle change
	creator   bool
	verified  bool
}

type trackState struct {
	owner    int32
	titleVer uint8 // bumped by each rename
	deleted  bool
	stem     bool
}

type playlistState struct {
	owner   int32
	album   bool
	deleted bool
}

// edgeSet is a set of packed edges with a list to sample existing ones from.
// Removed edges stay in the list and are skipped when drawn.
type edgeSet struct {
	set  map[uint64]struct{}
	list []uint64
}

func newEdgeSet() edgeSet { return edgeSet{set: map[uint64]struct{}{}} }

func (e *edgeSet) has(k uint64) bool { _, ok := e.set[k]; return ok }

func (e *edgeSet) add(k uint64) {
	e.set[k] = struct{}{}
	e.list = append(e.list, k)
}

func (e *edgeSet) remove(k uint64) { delete(e.set, k) }

func followKey(follower, followee int32) uint64 {
	return uint64(follower)<<32 | uint64(uint32(followee))
}

func itemKey(user int32, playlist bool, item int32) uint64 {
	k := uint64(user)<<33 | uint64(uint32(item))
	if playlist {
		k |= 1 << 32
	}
	return k
}

func newState(salt uint64) *state {
	return &state{
		salt:      salt,
		users:     make([]userState, 1, 1024),
		tracks:    make([]trackState, 1, 1024),
		playlists: make([]playlistState, 1, 256),
		tracksOf:  map[int32][]int32{},
		follows:   newEdgeSet(), subs: newEdgeSet(), reposts: newEdgeSet(), saves: newEdgeSet(),
	}
}

func (s *state) userCount() int32     { return int32(len(s.users) - 1) }
func (s *state) trackCount() int32    { return int32(len(s.tracks) - 1) }
func (s *state) playlistCount() int32 { return int32(len(s.playlists) - 1) }

// wallet is user id's signing address, derived rather than stored.
func (s *state) wallet(id int32) common.Address {
	var a common.Address
	x := s.salt ^ uint64(id)*0x9e3779b97f4a7c15
	binary.BigEndian.PutUint32(a[0:], 0x5e1fa11e)
	binary.BigEndian.PutUint64(a[4:], mix64(x))
	binary.BigEndian.PutUint64(a[12:], mix64(x+1))
	return a
}

// mix64 is splitmix64's finalizer: a fast, well-spread hash of x.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
