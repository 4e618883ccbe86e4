package synth

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Default contract addresses of the synthetic chain. Any address works; these
// are fixed so command lines in BENCHMARKS.md stay valid from run to run.
var (
	DefaultEntityManager = common.HexToAddress("0x5e1f00000000000000000000000000000000e4a1")
	DefaultPlays         = common.HexToAddress("0x5e1f00000000000000000000000000000000b1a7")
)

// Config shapes a synthetic chain. The zero value of each field means its
// default; Seed 0 is a valid seed.
type Config struct {
	// Seed makes the chain: the same Config always gives the same chain.
	Seed uint64
	// Events is how many ManageEntity logs the chain holds, the size every
	// figure is quoted per. Play and ManageIsVerified logs come on top.
	Events int
	// MinPerBlock and MaxPerBlock bound the ManageEntity logs of one block
	// (default 50 and 500, uniform between).
	MinPerBlock, MaxPerBlock int
	// PlaysPerEvent is how many Play logs come per ManageEntity log on
	// average (default 0.25; negative means none).
	PlaysPerEvent float64
	// RejectRate is the share of ManageEntity actions made to be refused:
	// wrong signer, duplicates, bad metadata, taken handles (default 0.03;
	// negative means none).
	RejectRate float64
	// BlockTime is the seconds between blocks (default 2), from StartTime
	// (default 1,700,000,000) at block 0.
	BlockTime, StartTime uint64
	// ProbeEveryBlock makes the last ManageEntity log of every block a
	// valid User Create, whose user Block.Probe names: something to look
	// for through the API once the block is indexed.
	ProbeEveryBlock bool
	// TailBlocks more blocks follow the Events, with TailMinPerBlock to
	// TailMaxPerBlock ManageEntity logs each (default 10 to 50): the live
	// part of a chain, revealed one block at a time, whose blocks are as
	// small as a live chain's while its history is as dense as a backfill's.
	TailBlocks                       int
	TailMinPerBlock, TailMaxPerBlock int
	// EntityManager and Plays are the emitting contracts (defaults above).
	EntityManager, Plays common.Address
	// ChainID is what eth_chainId answers (default 1337).
	ChainID uint64
}

func (c Config) withDefaults() Config {
	if c.MinPerBlock <= 0 {
		c.MinPerBlock = 50
	}
	if c.MaxPerBlock <= 0 {
		c.MaxPerBlock = 500
	}
	if c.MaxPerBlock < c.MinPerBlock {
		c.MaxPerBlock = c.MinPerBlock
	}
	switch {
	case c.PlaysPerEvent == 0:
		c.PlaysPerEvent = 0.25
	case c.PlaysPerEvent < 0:
		c.PlaysPerEvent = 0
	}
	switch {
	case c.RejectRate == 0:
		c.RejectRate = 0.03
	case c.RejectRate < 0:
		c.RejectRate = 0
	}
	if c.TailMinPerBlock <= 0 {
		c.TailMinPerBlock = 10
	}
	if c.TailMaxPerBlock <= 0 {
		c.TailMaxPerBlock = 50
	}
	if c.TailMaxPerBlock < c.TailMinPerBlock {
		c.TailMaxPerBlock = c.TailMinPerBlock
	}
	if c.BlockTime == 0 {
		c.BlockTime = 2
	}
	if c.StartTime == 0 {
		c.StartTime = 1_700_000_000
	}
	if c.EntityManager == (common.Address{}) {
		c.EntityManager = DefaultEntityManager
	}
	if c.Plays == (common.Address{}) {
		c.Plays = DefaultPlays
	}
	if c.ChainID == 0 {
		c.ChainID = 1337
	}
	return c
}

func (c Config) validate() error {
	if c.Events < 0 || c.TailBlocks < 0 {
		return fmt.Errorf("synthetic chain: %d events and %d tail blocks: want zero or more", c.Events, c.TailBlocks)
	}
	if c.RejectRate > 0.5 {
		return fmt.Errorf("synthetic chain: reject rate %.2f: want at most 0.5", c.RejectRate)
	}
	if c.EntityManager == c.Plays {
		return fmt.Errorf("synthetic chain: the EntityManager and Plays contracts share the address %s", c.Plays)
	}
	return nil
}
