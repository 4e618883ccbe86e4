package discovery

import (
	"encoding/json"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// benchRows are rows as a backfill hashes them: inline metadata of
// ordinary length, a remix, a playlist of a dozen tracks.
func benchRows() []struct {
	table string
	row   any
} {
	wallet := common.HexToAddress("0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c")
	tracks := make([]PlaylistTrack, 12)
	for i := range tracks {
		tracks[i] = PlaylistTrack{TrackID: int64(1000 + i), Timestamp: 1700000000 + uint64(i), MetadataTimestamp: 1700000000}
	}
	return []struct {
		table string
		row   any
	}{
		{TableUsers, User{ID: 4211, Handle: "RiverNight", HandleLower: "rivernight", Wallet: wallet,
			Name: "River Night", Bio: "Making quiet songs about rivers & night. Berlin <-> Lisbon.", Location: "Berlin",
			ProfilePicture: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", CoverPhoto: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd1",
			MetadataCID: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd2", FollowerCount: 120, FolloweeCount: 33, TrackCount: 7,
			CreatedBlock: 1200, UpdatedBlock: 5300, CreatedAt: 1700000000, UpdatedAt: 1700500000}},
		{TableTracks, Track{ID: 90211, OwnerID: 4211, Title: "Midnight River 4", Slug: "midnight-river-4", Genre: "Electronic",
			Mood: "Peaceful", Tags: "lofi,chill,beats", Description: "A quiet song about rivers and night, recorded live.\nNo overdubs.",
			ReleaseDate: "2024-3-12", Duration: 245, TrackCID: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd3",
			CoverArt: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd4", RemixOf: []int64{80001},
			MetadataCID: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd5", RepostCount: 4, SaveCount: 9, PlayCount: 1234,
			CreatedBlock: 5301, UpdatedBlock: 5301, CreatedAt: 1700600000, UpdatedAt: 1700600000}},
		{TablePlaylists, Playlist{ID: 7001, OwnerID: 4211, Name: "Night Drives", Slug: "night-drives", Description: "For the road",
			CoverArt: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd6", Tracks: tracks, SaveCount: 3,
			CreatedBlock: 6000, UpdatedBlock: 6100, CreatedAt: 1700700000, UpdatedAt: 1700800000}},
		{TableFollows, Follow{FollowKey: FollowKey{FollowerID: 4211, FolloweeID: 877}, Block: 5400, CreatedAt: 1700650000}},
		{TableReposts, ItemAction{ItemKey: ItemKey{UserID: 4211, ItemType: ItemTrack, ItemID: 90211}, Block: 5500, CreatedAt: 1700660000}},
		{TableRejected, RejectedAction{Block: 5600, TxHash: common.HexToHash("0x9f2c"), LogIndex: 3, UserID: 4211,
			EntityType: EntityTrack, EntityID: 90212, Action: ActionUpdate, Signer: wallet, Reason: "track 90212 does not exist"}},
		{TableRoutes, Route{RouteKey: RouteKey{OwnerID: 4211, Kind: ItemTrack, Slug: "midnight-river-4"}, EntityID: 90211, IsCurrent: true, Block: 5301}},
		{TableDeveloperApps, DeveloperApp{Address: wallet, UserID: 4211, Name: "Uploader", Description: "Uploads from my DAW",
			CreatedBlock: 100, UpdatedBlock: 100, CreatedAt: 1690000000, UpdatedAt: 1690000000}},
		{TableGrants, Grant{GrantKey: GrantKey{UserID: 4211, Grantee: wallet}, IsApproved: true,
			CreatedBlock: 101, UpdatedBlock: 101, CreatedAt: 1690000001, UpdatedAt: 1690000001}},
		{TablePlayDays, PlayDay{PlayDayKey: PlayDayKey{TrackID: 90211, Day: 19700}, Count: 17}},
	}
}

// BenchmarkHashRow compares a row's digest by json.Marshal, as the digest
// is defined, with the hand-written encoder HashRow uses.
func BenchmarkHashRow(b *testing.B) {
	for _, r := range benchRows() {
		if h, err := HashRow(r.table, r.row); err != nil || h != referenceHash(b, r.table, r.row) {
			b.Fatalf("HashRow(%T) = %s, %v; want %s", r.row, h, err, referenceHash(b, r.table, r.row))
		}
		name := r.table
		b.Run("table="+name+"/encoder=json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				j, err := json.Marshal(chainImage(r.row))
				if err != nil {
					b.Fatal(err)
				}
				hashBytes(r.table, j)
			}
		})
		b.Run("table="+name+"/encoder=hand", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := HashRow(r.table, r.row); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDigestDelta hashes a block's worth of changes: each bench row
// as a new image and as a prior one.
func BenchmarkDigestDelta(b *testing.B) {
	c := NewChanges()
	for _, r := range benchRows() {
		switch row := r.row.(type) {
		case User:
			c.Users[row.ID], c.Prior.Users[row.ID] = &row, &row
		case Track:
			c.Tracks[row.ID], c.Prior.Tracks[row.ID] = &row, &row
		case Playlist:
			c.Playlists[row.ID], c.Prior.Playlists[row.ID] = &row, &row
		case Follow:
			c.Follows[row.FollowKey], c.Prior.Follows[row.FollowKey] = &row, &row
		case ItemAction:
			c.Reposts[row.ItemKey], c.Prior.Reposts[row.ItemKey] = &row, &row
		case RejectedAction:
			c.Rejected = append(c.Rejected, row)
		case Route:
			c.Routes[row.RouteKey], c.Prior.Routes[row.RouteKey] = &row, &row
		case DeveloperApp:
			c.DeveloperApps[row.Address], c.Prior.DeveloperApps[row.Address] = &row, &row
		case Grant:
			c.Grants[row.GrantKey], c.Prior.Grants[row.GrantKey] = &row, &row
		case PlayDay:
			c.PlayDays[row.PlayDayKey], c.Prior.PlayDays[row.PlayDayKey] = &row, &row
		}
	}
	wantAdd, wantSub := referenceDelta(b, c)
	b.ReportAllocs()
	for b.Loop() {
		add, sub, err := c.DigestDelta()
		if err != nil || add != wantAdd || sub != wantSub {
			b.Fatalf("DigestDelta = %s, %s, %v; want %s, %s", add, sub, err, wantAdd, wantSub)
		}
	}
}
