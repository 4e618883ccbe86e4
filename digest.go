package discovery

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
)

// Digest is an order-independent fingerprint of a set of rows: the sum,
// modulo 2^256, of the SHA-256 of each row's canonical encoding. A sum rather
// than XOR so that equal rows do not cancel out; order-independent so it can
// be kept incrementally (add the new image of a row, subtract the old) and
// recomputed by scanning tables in any order, on any store, with the same
// result. Two honest nodes at the same head have the same digest.
type Digest [32]byte

// String returns the digest as 0x-prefixed hex.
func (d Digest) String() string { return "0x" + hex.EncodeToString(d[:]) }

// MarshalText encodes the digest as 0x-prefixed hex.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// The digest is a 256-bit big-endian number; Add and Sub work on its four
// 64-bit words with carries, which is exact arithmetic mod 2^256 and costs
// no allocation (a digest is updated twice per changed row).

// Add returns d + e mod 2^256.
func (d Digest) Add(e Digest) Digest {
	var out Digest
	var carry uint64
	for i := 24; i >= 0; i -= 8 {
		var w uint64
		w, carry = bits.Add64(binary.BigEndian.Uint64(d[i:]), binary.BigEndian.Uint64(e[i:]), carry)
		binary.BigEndian.PutUint64(out[i:], w)
	}
	return out
}

// Sub returns d - e mod 2^256.
func (d Digest) Sub(e Digest) Digest {
	var out Digest
	var borrow uint64
	for i := 24; i >= 0; i -= 8 {
		var w uint64
		w, borrow = bits.Sub64(binary.BigEndian.Uint64(d[i:]), binary.BigEndian.Uint64(e[i:]), borrow)
		binary.BigEndian.PutUint64(out[i:], w)
	}
	return out
}

// Table names as they enter row hashes. They are part of the digest's
// definition: renaming one changes every digest.
const (
	TableUsers     = "users"
	TableTracks    = "tracks"
	TablePlaylists = "playlists"
	TableFollows   = "follows"
	TableReposts   = "reposts"
	TableSaves     = "saves"
	TableRejected  = "rejected_actions"

	TableSubscriptions = "subscriptions"
	TableRoutes        = "routes"
	TableDeveloperApps = "developer_apps"
	TableGrants        = "grants"
	TablePlayDays      = "play_days"
)

// HashRow returns the digest contribution of one row of a table: SHA-256 of
// the table name and the row's canonical JSON. The row must be one of the
// domain row types (User, Track, Playlist, Follow, ItemAction,
// RejectedAction, Route, DeveloperApp, Grant, PlayDay), by value.
//
// Fields that came from metadata fetched by CID are left out (see
// chainImage): nodes fetch at different times, and must still agree.
func HashRow(table string, row any) (Digest, error) {
	bp := hashBufs.Get().(*[]byte)
	defer putHashBuf(bp)
	b := binary.BigEndian.AppendUint64((*bp)[:0], uint64(len(table)))
	b = append(b, table...)
	b, ok := appendRowJSON(b, row)
	*bp = b
	if ok {
		return sha256.Sum256(b), nil
	}
	j, err := json.Marshal(chainImage(row))
	if err != nil {
		return Digest{}, fmt.Errorf("hash %s row: %w", table, err)
	}
	return hashBytes(table, j), nil
}

// chainImage returns the part of a row that the chain alone determines. An
// empty list is stored and read back as no list, so both hash alike.
func chainImage(row any) any {
	switch r := row.(type) {
	case User:
		if r.MetadataStatus != MetadataInline {
			r.Name, r.Bio, r.Location, r.ProfilePicture, r.CoverPhoto = "", "", "", "", ""
			r.MetadataStatus = "cid"
		}
		return r
	case Track:
		if len(r.RemixOf) == 0 {
			r.RemixOf = nil
		}
		if r.MetadataStatus != MetadataInline {
			r.Title, r.Genre, r.Mood, r.Tags, r.Description, r.ReleaseDate = "", "", "", "", "", ""
			r.Duration, r.TrackCID, r.CoverArt = 0, "", ""
			r.MetadataStatus = "cid"
		}
		return r
	case Playlist:
		if len(r.Tracks) == 0 {
			r.Tracks = nil
		}
		if r.MetadataStatus != MetadataInline {
			r.Name, r.Description, r.CoverArt = "", "", ""
			r.MetadataStatus = "cid"
		}
		return r
	}
	return row
}

func hashBytes(table string, b []byte) Digest {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(table)))
	h.Write(n[:])
	h.Write([]byte(table))
	h.Write(b)
	var d Digest
	h.Sum(d[:0])
	return d
}

// DigestDelta returns what applying c adds to the state digest and what it
// takes away: every new row image and rejected action is added, every prior
// image subtracted. A store computes the new head digest as
// old.Add(add).Sub(sub). Every row type of a Changes has its own encoder, so
// err is nil; it stays for a row type that may one day need to fail.
func (c *Changes) DigestDelta() (add, sub Digest, err error) {
	bp := hashBufs.Get().(*[]byte)
	defer putHashBuf(bp)
	for _, side := range []struct {
		set RowSet
		d   *Digest
	}{{c.RowSet, &add}, {c.Prior, &sub}} {
		s, d := &side.set, side.d
		sumRows(bp, d, TableUsers, s.Users, appendUserJSON)
		sumRows(bp, d, TableTracks, s.Tracks, appendTrackJSON)
		sumRows(bp, d, TablePlaylists, s.Playlists, appendPlaylistJSON)
		sumRows(bp, d, TableFollows, s.Follows, appendFollowJSON)
		sumRows(bp, d, TableReposts, s.Reposts, appendItemActionJSON)
		sumRows(bp, d, TableSaves, s.Saves, appendItemActionJSON)
		sumRows(bp, d, TableSubscriptions, s.Subscriptions, appendFollowJSON)
		sumRows(bp, d, TableRoutes, s.Routes, appendRouteJSON)
		sumRows(bp, d, TableDeveloperApps, s.DeveloperApps, appendDeveloperAppJSON)
		sumRows(bp, d, TableGrants, s.Grants, appendGrantJSON)
		sumRows(bp, d, TablePlayDays, s.PlayDays, appendPlayDayJSON)
	}
	for i := range c.Rejected {
		add = add.Add(digestRow(bp, TableRejected, &c.Rejected[i], appendRejectedJSON))
	}
	return add, sub, nil
}
