package discovery

import "strconv"

// Each row type as json.Marshal(chainImage(row)) writes it: the fields in
// declaration order under their Go names, embedded keys flattened in place.
// Descriptive fields that came by CID are written empty and the status as
// "cid", as chainImage blanks them.

// chainOnly returns s when the row's metadata was inline, "" otherwise.
func chainOnly(inline bool, s string) string {
	if inline {
		return s
	}
	return ""
}

// chainStatus is the metadata status chainImage leaves.
func chainStatus(status string) string {
	if status == MetadataInline {
		return status
	}
	return "cid"
}

func appendUserJSON(b []byte, u *User) []byte {
	in := u.MetadataStatus == MetadataInline
	b = appendInt(b, `{"ID":`, u.ID)
	b = appendStr(b, `,"Handle":`, u.Handle)
	b = appendStr(b, `,"HandleLower":`, u.HandleLower)
	b = appendAddress(b, `,"Wallet":`, &u.Wallet)
	b = appendStr(b, `,"Name":`, chainOnly(in, u.Name))
	b = appendStr(b, `,"Bio":`, chainOnly(in, u.Bio))
	b = appendStr(b, `,"Location":`, chainOnly(in, u.Location))
	b = appendStr(b, `,"ProfilePicture":`, chainOnly(in, u.ProfilePicture))
	b = appendStr(b, `,"CoverPhoto":`, chainOnly(in, u.CoverPhoto))
	b = appendInt(b, `,"ArtistPickID":`, u.ArtistPickID)
	b = appendBool(b, `,"IsVerified":`, u.IsVerified)
	b = appendBool(b, `,"IsDeactivated":`, u.IsDeactivated)
	b = appendStr(b, `,"MetadataCID":`, u.MetadataCID)
	b = appendStr(b, `,"MetadataStatus":`, chainStatus(u.MetadataStatus))
	b = appendInt(b, `,"FollowerCount":`, u.FollowerCount)
	b = appendInt(b, `,"FolloweeCount":`, u.FolloweeCount)
	b = appendInt(b, `,"TrackCount":`, u.TrackCount)
	b = appendInt(b, `,"PlaylistCount":`, u.PlaylistCount)
	b = appendInt(b, `,"AlbumCount":`, u.AlbumCount)
	b = appendInt(b, `,"RepostCount":`, u.RepostCount)
	b = appendUint(b, `,"CreatedBlock":`, u.CreatedBlock)
	b = appendUint(b, `,"UpdatedBlock":`, u.UpdatedBlock)
	b = appendUint(b, `,"CreatedAt":`, u.CreatedAt)
	b = appendUint(b, `,"UpdatedAt":`, u.UpdatedAt)
	return append(b, '}')
}

func appendTrackJSON(b []byte, t *Track) []byte {
	in := t.MetadataStatus == MetadataInline
	b = appendInt(b, `{"ID":`, t.ID)
	b = appendInt(b, `,"OwnerID":`, t.OwnerID)
	b = appendStr(b, `,"Title":`, chainOnly(in, t.Title))
	b = appendStr(b, `,"Slug":`, t.Slug)
	b = appendStr(b, `,"Genre":`, chainOnly(in, t.Genre))
	b = appendStr(b, `,"Mood":`, chainOnly(in, t.Mood))
	b = appendStr(b, `,"Tags":`, chainOnly(in, t.Tags))
	b = appendStr(b, `,"Description":`, chainOnly(in, t.Description))
	b = appendStr(b, `,"ReleaseDate":`, chainOnly(in, t.ReleaseDate))
	duration := t.Duration
	if !in {
		duration = 0
	}
	b = appendInt(b, `,"Duration":`, duration)
	b = appendStr(b, `,"TrackCID":`, chainOnly(in, t.TrackCID))
	b = appendStr(b, `,"CoverArt":`, chainOnly(in, t.CoverArt))
	b = appendBool(b, `,"IsUnlisted":`, t.IsUnlisted)
	b = appendBool(b, `,"IsDelete":`, t.IsDelete)
	// chainImage makes an empty list nil, which Marshal writes as null.
	if len(t.RemixOf) == 0 {
		b = append(b, `,"RemixOf":null`...)
	} else {
		b = append(b, `,"RemixOf":[`...)
		for i, id := range t.RemixOf {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		b = append(b, ']')
	}
	b = appendInt(b, `,"StemOf":`, t.StemOf)
	b = appendStr(b, `,"MetadataCID":`, t.MetadataCID)
	b = appendStr(b, `,"MetadataStatus":`, chainStatus(t.MetadataStatus))
	b = appendInt(b, `,"RepostCount":`, t.RepostCount)
	b = appendInt(b, `,"SaveCount":`, t.SaveCount)
	b = appendInt(b, `,"PlayCount":`, t.PlayCount)
	b = appendUint(b, `,"CreatedBlock":`, t.CreatedBlock)
	b = appendUint(b, `,"UpdatedBlock":`, t.UpdatedBlock)
	b = appendUint(b, `,"CreatedAt":`, t.CreatedAt)
	b = appendUint(b, `,"UpdatedAt":`, t.UpdatedAt)
	return append(b, '}')
}

func appendPlaylistJSON(b []byte, p *Playlist) []byte {
	in := p.MetadataStatus == MetadataInline
	b = appendInt(b, `{"ID":`, p.ID)
	b = appendInt(b, `,"OwnerID":`, p.OwnerID)
	b = appendStr(b, `,"Name":`, chainOnly(in, p.Name))
	b = appendStr(b, `,"Slug":`, p.Slug)
	b = appendStr(b, `,"Description":`, chainOnly(in, p.Description))
	b = appendStr(b, `,"CoverArt":`, chainOnly(in, p.CoverArt))
	b = appendBool(b, `,"IsAlbum":`, p.IsAlbum)
	b = appendBool(b, `,"IsPrivate":`, p.IsPrivate)
	b = appendBool(b, `,"IsDelete":`, p.IsDelete)
	if len(p.Tracks) == 0 {
		b = append(b, `,"Tracks":null`...)
	} else {
		b = append(b, `,"Tracks":[`...)
		for i := range p.Tracks {
			pt := &p.Tracks[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = appendInt(b, `{"track_id":`, pt.TrackID)
			b = appendUint(b, `,"timestamp":`, pt.Timestamp)
			b = appendUint(b, `,"metadata_timestamp":`, pt.MetadataTimestamp)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendStr(b, `,"MetadataCID":`, p.MetadataCID)
	b = appendStr(b, `,"MetadataStatus":`, chainStatus(p.MetadataStatus))
	b = appendInt(b, `,"RepostCount":`, p.RepostCount)
	b = appendInt(b, `,"SaveCount":`, p.SaveCount)
	b = appendUint(b, `,"CreatedBlock":`, p.CreatedBlock)
	b = appendUint(b, `,"UpdatedBlock":`, p.UpdatedBlock)
	b = appendUint(b, `,"CreatedAt":`, p.CreatedAt)
	b = appendUint(b, `,"UpdatedAt":`, p.UpdatedAt)
	return append(b, '}')
}

func appendFollowJSON(b []byte, f *Follow) []byte {
	b = appendInt(b, `{"FollowerID":`, f.FollowerID)
	b = appendInt(b, `,"FolloweeID":`, f.FolloweeID)
	b = appendUint(b, `,"Block":`, f.Block)
	b = appendUint(b, `,"CreatedAt":`, f.CreatedAt)
	return append(b, '}')
}

func appendItemActionJSON(b []byte, a *ItemAction) []byte {
	b = appendInt(b, `{"UserID":`, a.UserID)
	b = appendStr(b, `,"ItemType":`, a.ItemType)
	b = appendInt(b, `,"ItemID":`, a.ItemID)
	b = appendBool(b, `,"OfRepost":`, a.OfRepost)
	b = appendUint(b, `,"Block":`, a.Block)
	b = appendUint(b, `,"CreatedAt":`, a.CreatedAt)
	return append(b, '}')
}

func appendRejectedJSON(b []byte, r *RejectedAction) []byte {
	b = appendUint(b, `{"Block":`, r.Block)
	b = appendHash(b, `,"TxHash":`, &r.TxHash)
	b = appendUint(b, `,"LogIndex":`, uint64(r.LogIndex))
	b = appendInt(b, `,"UserID":`, r.UserID)
	b = appendStr(b, `,"EntityType":`, r.EntityType)
	b = appendInt(b, `,"EntityID":`, r.EntityID)
	b = appendStr(b, `,"Action":`, r.Action)
	b = appendAddress(b, `,"Signer":`, &r.Signer)
	b = appendStr(b, `,"Reason":`, r.Reason)
	return append(b, '}')
}

func appendRouteJSON(b []byte, r *Route) []byte {
	b = appendInt(b, `{"OwnerID":`, r.OwnerID)
	b = appendStr(b, `,"Kind":`, r.Kind)
	b = appendStr(b, `,"Slug":`, r.Slug)
	b = appendInt(b, `,"EntityID":`, r.EntityID)
	b = appendBool(b, `,"IsCurrent":`, r.IsCurrent)
	b = appendUint(b, `,"Block":`, r.Block)
	return append(b, '}')
}

func appendDeveloperAppJSON(b []byte, a *DeveloperApp) []byte {
	b = appendAddress(b, `{"Address":`, &a.Address)
	b = appendInt(b, `,"UserID":`, a.UserID)
	b = appendStr(b, `,"Name":`, a.Name)
	b = appendStr(b, `,"Description":`, a.Description)
	b = appendBool(b, `,"IsDelete":`, a.IsDelete)
	b = appendUint(b, `,"CreatedBlock":`, a.CreatedBlock)
	b = appendUint(b, `,"UpdatedBlock":`, a.UpdatedBlock)
	b = appendUint(b, `,"CreatedAt":`, a.CreatedAt)
	b = appendUint(b, `,"UpdatedAt":`, a.UpdatedAt)
	return append(b, '}')
}

func appendGrantJSON(b []byte, g *Grant) []byte {
	b = appendInt(b, `{"UserID":`, g.UserID)
	b = appendAddress(b, `,"Grantee":`, &g.Grantee)
	b = appendBool(b, `,"IsApproved":`, g.IsApproved)
	b = appendBool(b, `,"IsRevoked":`, g.IsRevoked)
	b = appendUint(b, `,"CreatedBlock":`, g.CreatedBlock)
	b = appendUint(b, `,"UpdatedBlock":`, g.UpdatedBlock)
	b = appendUint(b, `,"CreatedAt":`, g.CreatedAt)
	b = appendUint(b, `,"UpdatedAt":`, g.UpdatedAt)
	return append(b, '}')
}

func appendPlayDayJSON(b []byte, d *PlayDay) []byte {
	b = appendInt(b, `{"TrackID":`, d.TrackID)
	b = appendInt(b, `,"Day":`, d.Day)
	b = appendInt(b, `,"Count":`, d.Count)
	return append(b, '}')
}
