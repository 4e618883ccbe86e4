package devchain

import (
	"crypto/ecdsa"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
)

// The benchmark workload is the demo's kind of content at a scale: users,
// tracks, playlists and the social actions between them, in the mix the
// synthetic chains use (social actions dominate, as on the real protocol),
// with a share of actions the indexer must refuse. Several accounts relay
// it at once, so the order of two accounts' transactions inside a block is
// the node's choice; the workload is laid out so that no action depends on
// that order. An action depends only on entities made in an earlier phase
// (each phase is mined before the next is sent) and on what its own user
// did before, which the same account relays, in nonce order.

// BenchConfig shapes a benchmark workload.
type BenchConfig struct {
	// Events is how many ManageEntity actions to relay, refused ones
	// included (at least 100).
	Events int
	// Seed makes the workload: the same config gives the same actions, up
	// to their random nonces.
	Seed uint64
	// PlaysPerEvent is the Play logs per ManageEntity action, recorded in
	// batches by the deployer (default 0.25; negative means none).
	PlaysPerEvent float64
}

// benchRejectRate is the share of actions made to be refused, as in the
// synthetic chains.
const benchRejectRate = 0.03

// benchMix is each valid action's weight: the synthetic chains' mix.
var benchMix = map[string]int{
	"User Create": 60, "User Update": 15, "Track Create": 80, "Track Update": 20, "Track Delete": 5,
	"Playlist Create": 15, "Playlist Update": 5, "Playlist Delete": 2, "User Follow": 300, "User Unfollow": 20,
	"User Subscribe": 20, "User Unsubscribe": 3, "Repost": 150, "Unrepost": 10, "Save": 280, "Unsave": 15,
}

// Kinds of refused benchmark actions, in the order they are dealt to the
// phases.
var benchRefusals = []string{
	"taken handle", "bad metadata", "self follow", // need only users
	"wrong signer", "duplicate follow or save", "unfollow of nobody followed", "repost of a missing track",
	"save of a deleted track", // needs a track deleted in an earlier phase
}

const benchPlaysPerBatch = 100

// benchStep is one transaction of the workload and the account that sends
// it: relayer 0 is the deployer, the only one that may record plays and
// verify users.
type benchStep struct {
	step
	relayer int
}

// benchPlan is the workload: phases of steps, each mined before the next
// is sent, and what they add up to.
type benchPlan struct {
	phases [][]benchStep
	load   BenchLoad
}

// benchGen builds a benchPlan.
type benchGen struct {
	rnd      *rand.Rand
	relayers int
	now      int64
	phase    []benchStep
	plan     benchPlan
	counts   map[string]int
	refusals map[string]int // to make, by kind
	keys     map[int64]*ecdsa.PrivateKey

	users, creators int64
	handles         []string // by id-1
	tracks          []benchItem
	lists           []benchItem
	follows, subs   edgeSet[[2]int64]
	reposts, saves  edgeSet[discovery.ItemKey]
}

// benchItem is a track or playlist. A doomed one is deleted in a later
// phase and touched by no one else, so nothing depends on the order the
// delete lands in.
type benchItem struct {
	owner  int64
	doomed bool
}

// edgeSet is the live follows (or saves, ...) with a list to draw one
// from.
type edgeSet[K comparable] struct {
	has  map[K]bool
	list []K
}

func (s *edgeSet[K]) add(k K) {
	if s.has == nil {
		s.has = map[K]bool{}
	}
	s.has[k] = true
	s.list = append(s.list, k)
}

// take removes and returns a live edge drawn at random.
func (s *edgeSet[K]) take(rnd *rand.Rand) (K, bool) {
	for len(s.list) > 0 {
		i := rnd.IntN(len(s.list))
		k := s.list[i]
		s.list[i] = s.list[len(s.list)-1]
		s.list = s.list[:len(s.list)-1]
		if s.has[k] {
			delete(s.has, k)
			return k, true
		}
	}
	var zero K
	return zero, false
}

// pick returns a live edge drawn at random, leaving it.
func (s *edgeSet[K]) pick(rnd *rand.Rand) (K, bool) {
	for range 16 {
		if len(s.list) == 0 {
			break
		}
		if k := s.list[rnd.IntN(len(s.list))]; s.has[k] {
			return k, true
		}
	}
	var zero K
	return zero, false
}

// newBenchPlan lays out cfg's workload for relayers accounts.
func newBenchPlan(cfg BenchConfig, relayers int, now int64) (benchPlan, error) {
	if cfg.Events < 100 {
		return benchPlan{}, fmt.Errorf("planning a benchmark load of %d events: want at least 100", cfg.Events)
	}
	if relayers < 1 {
		return benchPlan{}, fmt.Errorf("planning a benchmark load: want at least one relayer, got %d", relayers)
	}
	plays := cfg.PlaysPerEvent
	switch {
	case plays == 0:
		plays = 0.25
	case plays < 0:
		plays = 0
	}
	g := &benchGen{rnd: rand.New(rand.NewPCG(cfg.Seed, 0xbe4c4)), relayers: relayers, now: now, refusals: map[string]int{},
		keys: map[int64]*ecdsa.PrivateKey{}}
	g.plan.load = BenchLoad{Relayers: relayers, ByAction: map[string]int{}, RejectedBy: map[string]int{}}
	refused := int(math.Round(float64(cfg.Events) * benchRejectRate))
	for i := range refused {
		g.refusals[benchRefusals[i%len(benchRefusals)]]++
	}
	var err error
	if g.counts, err = benchCounts(cfg.Events - refused); err != nil {
		return benchPlan{}, fmt.Errorf("planning a benchmark load of %d events: %w", cfg.Events, err)
	}
	g.usersPhase()
	g.contentPhase()
	g.socialPhase(int(math.Round(float64(cfg.Events) * plays)))
	g.latePhase()
	if got := g.plan.load.Events; got != cfg.Events {
		return benchPlan{}, fmt.Errorf("planning a benchmark load: made %d events, want %d", got, cfg.Events)
	}
	g.plan.load.Users, g.plan.load.Tracks, g.plan.load.Playlists = int(g.users), len(g.tracks), len(g.lists)
	return g.plan, nil
}

// benchCounts splits valid actions by benchMix; follows take what rounding
// leaves, so the total is exact.
func benchCounts(valid int) (map[string]int, error) {
	total := 0
	for _, w := range benchMix {
		total += w
	}
	counts := map[string]int{}
	others := 0
	for name, w := range benchMix {
		least := 1
		switch name {
		case "User Create":
			least = 8
		case "Track Create":
			least = 4
		case "Playlist Create":
			least = 2
		}
		counts[name] = max(least, valid*w/total)
	}
	// Deleted entities are some of those created.
	counts["Track Delete"] = min(counts["Track Delete"], counts["Track Create"]/4)
	counts["Playlist Delete"] = min(counts["Playlist Delete"], counts["Playlist Create"]/2)
	for name, c := range counts {
		if name != "User Follow" {
			others += c
		}
	}
	counts["User Follow"] = valid - others
	if counts["User Follow"] < counts["User Create"] {
		return nil, fmt.Errorf("too few events for the mix")
	}
	return counts, nil
}

// deck is a phase's actions by kind, dealt in random order so users'
// actions interleave as on chain.
func (g *benchGen) deck(kinds map[string]int) []string {
	var d []string
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		for range kinds[k] {
			d = append(d, k)
		}
	}
	g.rnd.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
	return d
}

// endPhase closes the phase: what follows is sent once it is mined.
func (g *benchGen) endPhase() {
	if len(g.phase) > 0 {
		g.plan.phases = append(g.plan.phases, g.phase)
		g.phase = nil
	}
}

// act appends an action of userID signed by key, relayed by userID's
// account so each user's actions stay in order.
func (g *benchGen) act(key *ecdsa.PrivateKey, userID int64, entityType string, entityID int64, action string, data any) {
	// The data are maps of strings and numbers, which always encode.
	md, _ := metadataOf(data)
	g.phase = append(g.phase, benchStep{relayer: int(userID % int64(g.relayers)),
		step: step{key: key, action: contracts.Action{UserID: userID, EntityType: entityType, EntityID: entityID, Action: action, Metadata: md}}})
	g.plan.load.Events++
	g.plan.load.MetadataBytes += int64(len(md))
}

// userKey is UserKey, remembered: deriving a key costs a scalar
// multiplication.
func (g *benchGen) userKey(id int64) *ecdsa.PrivateKey {
	k, ok := g.keys[id]
	if !ok {
		k = UserKey(id)
		g.keys[id] = k
	}
	return k
}

// valid appends a valid action by the user's own wallet.
func (g *benchGen) valid(kind string, userID int64, entityType string, entityID int64, action string, data any) {
	g.act(g.userKey(userID), userID, entityType, entityID, action, data)
	g.plan.load.ByAction[kind]++
}

// refuse appends an action the indexer must refuse.
func (g *benchGen) refuse(kind string, key *ecdsa.PrivateKey, userID int64, entityType string, entityID int64, action string, data any) {
	g.act(key, userID, entityType, entityID, action, data)
	g.plan.load.Rejected++
	g.plan.load.RejectedBy[kind]++
}

// verify appends the deployer's ManageIsVerified of userID.
func (g *benchGen) verify(userID int64) {
	g.phase = append(g.phase, benchStep{step: step{data: contracts.NewEntityManager().PackManageIsVerified(big.NewInt(userID), true)}})
	g.plan.load.Verifications++
}

// actor draws a user: half the time anyone, half the time with a power law
// favouring early, active users.
func (g *benchGen) actor() int64 {
	if g.rnd.IntN(2) == 0 {
		return 1 + g.rnd.Int64N(g.users)
	}
	x := int64(math.Pow(float64(g.users)+1, g.rnd.Float64()))
	return min(max(x, 1), g.users)
}

// live draws an item that is never deleted; there always is one.
func (g *benchGen) live(items []benchItem) int64 {
	for {
		if id := 1 + g.rnd.Int64N(int64(len(items))); !items[id-1].doomed {
			return id
		}
	}
}

var (
	benchWords = strings.Fields("amber north velvet static harbor lunar quiet neon river glass ember polar " +
		"golden hollow drift cedar echo signal cobalt summer winter salt kiln coral violet")
	benchNouns = strings.Fields("waves lights skyline fire garden tide orbit choir steps motel engine " +
		"mirror season machine letters city forest signal radio bloom")
	// Genres must be the protocol's: a track of another genre is refused.
	benchGenres = []string{"Electronic", "Ambient", "House", "Deep House", "Folk", "Acoustic", "Techno", "Hip-Hop/Rap", "Jazz", "Pop", "Rock", "Lo-Fi"}
	benchMoods  = strings.Fields("Peaceful Energizing Melancholy Upbeat Romantic Cool Sentimental Easygoing")
)

func (g *benchGen) word(ws []string) string { return ws[g.rnd.IntN(len(ws))] }

func (g *benchGen) title() string {
	a, b := g.word(benchWords), g.word(benchNouns)
	return strings.ToUpper(a[:1]) + a[1:] + " " + strings.ToUpper(b[:1]) + b[1:]
}

func (g *benchGen) trackData(id, owner int64, title string) map[string]any {
	return trackData(demoTrack{id: id, owner: owner, title: title, genre: g.word(benchGenres), mood: g.word(benchMoods),
		tags: g.word(benchWords) + "," + g.word(benchNouns), description: "A " + strings.ToLower(g.title()) + " recording.",
		date: fmt.Sprintf("2024-%02d-%02d", 1+g.rnd.IntN(12), 1+g.rnd.IntN(28)), duration: 90 + g.rnd.Int64N(400)})
}
