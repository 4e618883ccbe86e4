package synth

import (
	"math/rand/v2"
)

// Kind says which event a log is, and so which contract emitted it.
type Kind uint8

// The events of the content protocol.
const (
	KindManageEntity     Kind = iota // EntityManager
	KindManageIsVerified             // EntityManager, from its verifier
	KindPlay                         // Plays
)

// Log is one generated log: its event and ABI-encoded data.
type Log struct {
	Kind Kind
	Data []byte
}

// Block is one generated block. A Generator reuses it: it is valid until the
// next call to Next.
type Block struct {
	Number uint64
	Time   uint64
	Logs   []Log
	// Probe is a user created by this block's last ManageEntity log when
	// Config.ProbeEveryBlock is set, else 0.
	Probe int64
}

// Generator makes the blocks of a synthetic chain one at a time, so a chain
// of any size streams through constant memory apart from the state model.
type Generator struct {
	cfg   Config
	rnd   *rand.Rand
	st    *state
	stats Stats
	next  uint64 // number of the next block
	left  int    // ManageEntity logs still to make before the tail
	tail  int    // tail blocks still to make
	blk   Block
	buf   []byte // backing store of the block's log data
	meta  []byte // scratch for metadata

	// burst is a track that draws a share of this block's reposts and saves.
	burst int32

	counts  [numActions]int // valid actions made, by kind
	rejects [numRejects]int // refused actions made, by kind
	starts  []int           // scratch: offset of each log's data in buf
	kinds   []Kind          // scratch: each log's kind
}

// NewGenerator returns a Generator for cfg. Block 0 is an empty genesis
// block; the events start at block 1.
func NewGenerator(cfg Config) (*Generator, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Generator{
		cfg:  cfg,
		rnd:  rand.New(rand.NewPCG(cfg.Seed, 0x5e1f)),
		st:   newState(mix64(cfg.Seed ^ 0xd15c0)),
		left: cfg.Events,
		tail: cfg.TailBlocks,
	}, nil
}

// Config returns the generator's configuration with defaults filled in.
func (g *Generator) Config() Config { return g.cfg }

// Stats returns what the blocks made so far hold.
func (g *Generator) Stats() Stats {
	s := g.stats
	s.ByAction = map[string]int{}
	for k, n := range g.counts {
		if n > 0 {
			s.ByAction[mix[k].name] = n
		}
	}
	s.RejectedBy = map[string]int{}
	for k, n := range g.rejects {
		if n > 0 {
			s.RejectedBy[rejectNames[k]] = n
		}
	}
	s.Renames, s.BareCIDs, s.DeletedTracks = g.st.renames, g.st.bareCIDs, g.st.deletedTracks
	return s
}

// Next returns the next block, or false once every event has been made.
func (g *Generator) Next() (*Block, bool) {
	if g.next > 0 && g.left == 0 && g.tail == 0 {
		return nil, false
	}
	b := &g.blk
	b.Number = g.next
	b.Time = g.cfg.StartTime + g.next*g.cfg.BlockTime
	b.Logs = b.Logs[:0]
	b.Probe = 0
	g.buf = g.buf[:0]
	g.next++
	g.stats.Blocks++
	if b.Number == 0 {
		return b, true // genesis
	}

	var manage int
	if g.left > 0 {
		manage = g.cfg.MinPerBlock + g.rnd.IntN(g.cfg.MaxPerBlock-g.cfg.MinPerBlock+1)
		manage = min(manage, g.left)
		g.left -= manage
	} else {
		manage = g.cfg.TailMinPerBlock + g.rnd.IntN(g.cfg.TailMaxPerBlock-g.cfg.TailMinPerBlock+1)
		g.tail--
	}
	plays := 0
	if g.cfg.PlaysPerEvent > 0 {
		plays = int(float64(manage)*g.cfg.PlaysPerEvent*(0.5+g.rnd.Float64()) + 0.5)
	}
	if g.st.liveTracks == 0 {
		plays = 0 // nothing to play yet
	}
	verifies := 0
	if g.st.userCount() > 0 && g.rnd.IntN(1000) < manage {
		verifies = 1
	}
	g.burst = 0
	if g.rnd.IntN(100) < 15 {
		g.burst = g.hotTrack()
	}

	// Interleave the three kinds in proportion to what is left of each; a
	// probe, when asked for, is the last ManageEntity log.
	starts, kinds := g.starts[:0], g.kinds[:0]
	for manage+plays+verifies > 0 {
		k := KindManageEntity
		switch r := g.rnd.IntN(manage + plays + verifies); {
		case r < plays:
			k = KindPlay
		case r < plays+verifies:
			k = KindManageIsVerified
		}
		starts = append(starts, len(g.buf))
		switch k {
		case KindPlay:
			plays--
			g.play(b)
		case KindManageIsVerified:
			verifies--
			g.verify()
		default:
			manage--
			if manage == 0 && g.cfg.ProbeEveryBlock {
				b.Probe = int64(g.createUser(b))
			} else {
				g.action(b)
			}
			g.stats.Events++
		}
		kinds = append(kinds, k)
	}
	g.starts, g.kinds = starts, kinds
	g.stats.DataBytes += int64(len(g.buf))
	for i, k := range kinds {
		end := len(g.buf)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		b.Logs = append(b.Logs, Log{Kind: k, Data: g.buf[starts[i]:end:end]})
	}
	return b, true
}

// Stats counts what a generated chain holds.
type Stats struct {
	Blocks        int
	Events        int // ManageEntity logs
	Plays         int // Play logs
	Verifications int // ManageIsVerified logs
	// Rejected is how many logs the generator made to be refused; the
	// indexer's rejected_actions must hold exactly as many.
	Rejected int
	// ByAction counts the actions meant to be valid, by "EntityType
	// Action" (e.g. "Track Create").
	ByAction map[string]int
	// RejectedBy counts the ManageEntity actions made to be refused, by
	// why.
	RejectedBy    map[string]int
	Renames       int // track renames
	BareCIDs      int // tracks whose metadata is a bare CID (pending)
	DeletedTracks int
	MetadataBytes int64 // total _metadata of ManageEntity logs
	DataBytes     int64 // total ABI data of all logs
	Users         int   // users created
	Tracks        int
	Playlists     int
}
