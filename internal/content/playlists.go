package content

import (
	"context"
	"fmt"

	"github.com/discovery-node/discovery"
)

// createPlaylist adds a playlist or album owned by the acting user.
func createPlaylist(ctx context.Context, v *view, a action) error {
	owner, err := actor(ctx, v, a)
	if err != nil {
		return err
	}
	if err := v.checkNewID("playlist", a.EntityID, v.offsets.Playlist); err != nil {
		return err
	}
	if _, exists, err := v.playlist(ctx, a.EntityID); err != nil {
		return fmt.Errorf("read playlist %d: %w", a.EntityID, err)
	} else if exists {
		return reject("playlist %d already exists", a.EntityID)
	}
	var d playlistData
	cid, f, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	p := &discovery.Playlist{
		ID: a.EntityID, OwnerID: owner.ID, MetadataCID: cid, Tracks: []discovery.PlaylistTrack{},
		CreatedBlock: a.block.Number, UpdatedBlock: a.block.Number,
		CreatedAt: a.block.Time, UpdatedAt: a.block.Time,
	}
	if f == formCID {
		p.MetadataStatus = discovery.MetadataPending
	} else {
		if err := setPlaylistFields(ctx, v, p, d, a); err != nil {
			return err
		}
		if p.Name == "" {
			return reject("playlist_name is required to create a playlist")
		}
	}
	if err := assignSlug(ctx, v, a, discovery.ItemPlaylist, owner.ID, p.ID, p.Name, &p.Slug); err != nil {
		return err
	}
	countPlaylist(owner, p, 1)
	v.putPlaylist(p)
	v.putUser(owner, owner.HandleLower)
	return nil
}

// updatePlaylist changes the fields present in the metadata; a new track
// list replaces the old one.
func updatePlaylist(ctx context.Context, v *view, a action) error {
	owner, p, err := ownedPlaylist(ctx, v, a)
	if err != nil {
		return err
	}
	var d playlistData
	cid, f, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	p.MetadataCID = cid
	p.UpdatedBlock, p.UpdatedAt = a.block.Number, a.block.Time
	if f == formCID {
		p.MetadataStatus = discovery.MetadataPending
		v.putPlaylist(p)
		return nil
	}
	if p.MetadataStatus != discovery.MetadataInline {
		// Inline metadata replaces fetched fields as a whole; see
		// updateUser.
		p.Name, p.Description, p.CoverArt = "", "", ""
		p.MetadataStatus = discovery.MetadataInline
	}
	oldName := p.Name
	countPlaylist(owner, p, -1)
	if err := setPlaylistFields(ctx, v, p, d, a); err != nil {
		return err
	}
	if p.Name == "" {
		return reject("a playlist's playlist_name cannot be empty")
	}
	if p.Name != oldName {
		if err := assignSlug(ctx, v, a, discovery.ItemPlaylist, p.OwnerID, p.ID, p.Name, &p.Slug); err != nil {
			return err
		}
	}
	countPlaylist(owner, p, 1)
	v.putPlaylist(p)
	v.putUser(owner, owner.HandleLower)
	return nil
}

// deletePlaylist marks a playlist deleted; its id is never reused.
func deletePlaylist(ctx context.Context, v *view, a action) error {
	owner, p, err := ownedPlaylist(ctx, v, a)
	if err != nil {
		return err
	}
	countPlaylist(owner, p, -1)
	p.IsDelete = true
	p.UpdatedBlock, p.UpdatedAt = a.block.Number, a.block.Time
	v.putPlaylist(p)
	v.putUser(owner, owner.HandleLower)
	return nil
}

// countPlaylist keeps the owner's playlist and album counts in step.
func countPlaylist(owner *discovery.User, p *discovery.Playlist, delta int64) {
	if p.IsAlbum {
		owner.AlbumCount += delta
	} else {
		owner.PlaylistCount += delta
	}
}

func ownedPlaylist(ctx context.Context, v *view, a action) (*discovery.User, *discovery.Playlist, error) {
	owner, err := actor(ctx, v, a)
	if err != nil {
		return nil, nil, err
	}
	p, ok, err := v.playlist(ctx, a.EntityID)
	if err != nil {
		return nil, nil, fmt.Errorf("read playlist %d: %w", a.EntityID, err)
	}
	if !ok || p.IsDelete {
		return nil, nil, reject("playlist %d does not exist", a.EntityID)
	}
	if p.OwnerID != owner.ID {
		return nil, nil, reject("playlist %d belongs to user %d, not user %d", p.ID, p.OwnerID, owner.ID)
	}
	return owner, p, nil
}

// setPlaylistText sets the descriptive fields, the ones metadata fetched by
// CID may set too.
func setPlaylistText(p *discovery.Playlist, d playlistData) error {
	if err := setString(&p.Name, d.Name, "playlist_name", maxTitleLen); err != nil {
		return err
	}
	if err := setString(&p.Description, d.Description, "description", maxDescriptionLen); err != nil {
		return err
	}
	return setString(&p.CoverArt, d.CoverArt, "cover_art", maxShortFieldLen)
}

func setPlaylistFields(ctx context.Context, v *view, p *discovery.Playlist, d playlistData, a action) error {
	if err := setPlaylistText(p, d); err != nil {
		return err
	}
	if d.IsAlbum != nil {
		p.IsAlbum = *d.IsAlbum
	}
	if d.IsPrivate != nil {
		p.IsPrivate = *d.IsPrivate
	}
	if d.Contents == nil {
		return nil
	}
	if n := len(d.Contents.TrackIDs); n > maxPlaylistTracks {
		return reject("playlist has %d tracks, over the limit of %d", n, maxPlaylistTracks)
	}
	tracks := make([]discovery.PlaylistTrack, 0, len(d.Contents.TrackIDs))
	for _, e := range d.Contents.TrackIDs {
		t, ok, err := v.track(ctx, e.Track)
		if err != nil {
			return fmt.Errorf("read track %d: %w", e.Track, err)
		}
		if !ok || t.IsDelete {
			return reject("playlist lists track %d, which does not exist", e.Track)
		}
		mt := a.block.Time
		if e.MetadataTime != nil {
			mt = *e.MetadataTime
		}
		tracks = append(tracks, discovery.PlaylistTrack{TrackID: e.Track, Timestamp: e.Time, MetadataTimestamp: mt})
	}
	p.Tracks = tracks
	return nil
}
