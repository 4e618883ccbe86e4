package apibench

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// Sizes is how many of each thing a data set holds. Reposts and saves
// include those of playlists (a twentieth of them).
type Sizes struct {
	Users     int `json:"users"`
	Tracks    int `json:"tracks"`
	Playlists int `json:"playlists"`
	Follows   int `json:"follows"`
	Reposts   int `json:"reposts"`
	Saves     int `json:"saves"`
	// PlayDays is how many (track, day) play counters there are.
	PlayDays int `json:"play_days"`
}

// Data set sizes. Full is the size issue 5 asks for on PostgreSQL, Small
// a fifth of it for SQLite, Quick a smoke test's: still enough users that
// the most followed ones have 50 pages of 20 followers.
var (
	Full = Sizes{Users: 100_000, Tracks: 500_000, Playlists: 20_000, Follows: 5_000_000,
		Reposts: 1_000_000, Saves: 1_000_000, PlayDays: 1_000_000}
	Small = Sizes{Users: 20_000, Tracks: 100_000, Playlists: 4_000, Follows: 1_000_000,
		Reposts: 200_000, Saves: 200_000, PlayDays: 200_000}
	Quick = Sizes{Users: 3_000, Tracks: 6_000, Playlists: 150, Follows: 60_000,
		Reposts: 10_000, Saves: 10_000, PlayDays: 10_000}
)

// Rows is how many rows the data set writes, routes included (one per
// track and playlist).
func (s Sizes) Rows() int {
	return s.Users + 2*s.Tracks + 2*s.Playlists + s.Follows + s.Reposts + s.Saves + s.PlayDays
}

func (s Sizes) String() string {
	return fmt.Sprintf("%s users, %s tracks, %s playlists, %s follows, %s reposts, %s saves, %s play days",
		commas(int64(s.Users)), commas(int64(s.Tracks)), commas(int64(s.Playlists)), commas(int64(s.Follows)),
		commas(int64(s.Reposts)), commas(int64(s.Saves)), commas(int64(s.PlayDays)))
}

// validate refuses sizes the generator cannot honour.
func (s Sizes) validate() error {
	switch {
	case s.Users < 100:
		return fmt.Errorf("%d users: want at least 100", s.Users)
	case s.Tracks < 10 || s.Playlists < 1:
		return fmt.Errorf("%d tracks and %d playlists: want at least 10 and 1", s.Tracks, s.Playlists)
	case s.Follows < 0 || s.Reposts < 0 || s.Saves < 0 || s.PlayDays < 0:
		return fmt.Errorf("negative sizes: %s", s)
	case s.Follows > s.Users*(maxFollowing(s.Users)/2):
		return fmt.Errorf("%d follows among %d users: too dense", s.Follows, s.Users)
	}
	return nil
}

// generatorVersion changes whenever the generator would make different
// rows from the same seed and sizes, so a kept data set is not mistaken
// for the new one.
const generatorVersion = 1

// Dataset is a data set: its seed and sizes.
type Dataset struct {
	Seed  uint64 `json:"seed"`
	Sizes Sizes  `json:"sizes"`
}

// sizeKey names the seed and sizes, and versionKey the generator and the
// schema the data set was loaded under: a data set is kept while both
// match, and one of the same sizes under another version is stale.
func (d Dataset) sizeKey() string {
	h := sha256.New()
	for _, v := range []int{d.Sizes.Users, d.Sizes.Tracks, d.Sizes.Playlists, d.Sizes.Follows,
		d.Sizes.Reposts, d.Sizes.Saves, d.Sizes.PlayDays} {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(v)))
	}
	h.Write(binary.BigEndian.AppendUint64(nil, d.Seed))
	return hex.EncodeToString(h.Sum(nil))[:10]
}

func versionKey(schema string) string {
	return fmt.Sprintf("g%ds%s", generatorVersion, strings.ReplaceAll(schema, "-", "_"))
}
