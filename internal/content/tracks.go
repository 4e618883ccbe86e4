package content

import (
	"context"
	"fmt"
	"slices"

	"github.com/discovery-node/discovery"
)

// maxRemixParents bounds remix_of, as the protocol's clients do.
const maxRemixParents = 10

// createTrack adds a track owned by the acting user.
func createTrack(ctx context.Context, v *view, a action) error {
	owner, err := actor(ctx, v, a)
	if err != nil {
		return err
	}
	if err := v.checkNewID("track", a.EntityID, v.offsets.Track); err != nil {
		return err
	}
	if _, exists, err := v.track(ctx, a.EntityID); err != nil {
		return fmt.Errorf("read track %d: %w", a.EntityID, err)
	} else if exists {
		return reject("track %d already exists", a.EntityID)
	}
	var d trackData
	cid, f, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	t := &discovery.Track{
		ID: a.EntityID, OwnerID: owner.ID, MetadataCID: cid,
		CreatedBlock: a.block.Number, UpdatedBlock: a.block.Number,
		CreatedAt: a.block.Time, UpdatedAt: a.block.Time,
	}
	if f == formCID {
		t.MetadataStatus = discovery.MetadataPending
	} else {
		if err := setTrackFields(t, d); err != nil {
			return err
		}
		if t.Title == "" {
			return reject("title is required to create a track")
		}
		if err := setLineage(ctx, v, t, d, true); err != nil {
			return err
		}
	}
	// A track named by CID has no title yet; its permalink is its id, as
	// routes are chain state and the title arrives at different times.
	if err := assignSlug(ctx, v, a, discovery.ItemTrack, owner.ID, t.ID, t.Title, &t.Slug); err != nil {
		return err
	}
	owner.TrackCount++
	v.putTrack(t)
	v.putUser(owner, owner.HandleLower)
	return nil
}

// updateTrack changes the fields present in the metadata. The owner never
// changes.
func updateTrack(ctx context.Context, v *view, a action) error {
	_, t, err := ownedTrack(ctx, v, a)
	if err != nil {
		return err
	}
	var d trackData
	cid, f, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	t.MetadataCID = cid
	t.UpdatedBlock, t.UpdatedAt = a.block.Number, a.block.Time
	if f == formCID {
		t.MetadataStatus = discovery.MetadataPending
		v.putTrack(t)
		return nil
	}
	if t.MetadataStatus != discovery.MetadataInline {
		// Inline metadata replaces fetched fields as a whole; see
		// updateUser.
		t.Title, t.Genre, t.Mood, t.Tags, t.Description, t.ReleaseDate = "", "", "", "", "", ""
		t.Duration, t.TrackCID, t.CoverArt = 0, "", ""
		t.MetadataStatus = discovery.MetadataInline
	}
	oldTitle := t.Title
	if err := setTrackFields(t, d); err != nil {
		return err
	}
	if t.Title == "" {
		return reject("a track's title cannot be empty")
	}
	if err := setLineage(ctx, v, t, d, false); err != nil {
		return err
	}
	if t.Title != oldTitle {
		if err := assignSlug(ctx, v, a, discovery.ItemTrack, t.OwnerID, t.ID, t.Title, &t.Slug); err != nil {
			return err
		}
	}
	v.putTrack(t)
	return nil
}

// deleteTrack marks a track deleted. Its row and its routes stay, so the id
// is never reused and its links never name another track.
func deleteTrack(ctx context.Context, v *view, a action) error {
	owner, t, err := ownedTrack(ctx, v, a)
	if err != nil {
		return err
	}
	t.IsDelete = true
	t.UpdatedBlock, t.UpdatedAt = a.block.Number, a.block.Time
	owner.TrackCount--
	if owner.ArtistPickID == t.ID {
		owner.ArtistPickID = 0
	}
	v.putTrack(t)
	v.putUser(owner, owner.HandleLower)
	return nil
}

// ownedTrack loads a live track the acting user owns.
func ownedTrack(ctx context.Context, v *view, a action) (*discovery.User, *discovery.Track, error) {
	owner, err := actor(ctx, v, a)
	if err != nil {
		return nil, nil, err
	}
	t, ok, err := v.track(ctx, a.EntityID)
	if err != nil {
		return nil, nil, fmt.Errorf("read track %d: %w", a.EntityID, err)
	}
	if !ok || t.IsDelete {
		return nil, nil, reject("track %d does not exist", a.EntityID)
	}
	if t.OwnerID != owner.ID {
		return nil, nil, reject("track %d belongs to user %d, not user %d", t.ID, t.OwnerID, owner.ID)
	}
	return owner, t, nil
}

// setTrackFields sets the descriptive fields, the ones metadata fetched by
// CID may set too.
func setTrackFields(t *discovery.Track, d trackData) error {
	for _, f := range []struct {
		dst  *string
		src  *string
		name string
		max  int
	}{
		{&t.Title, d.Title, "title", maxTitleLen},
		{&t.Mood, d.Mood, "mood", maxShortFieldLen},
		{&t.Tags, d.Tags, "tags", maxShortFieldLen},
		{&t.Description, d.Description, "description", maxDescriptionLen},
		{&t.ReleaseDate, d.ReleaseDate, "release_date", maxShortFieldLen},
		{&t.TrackCID, d.TrackCID, "track_cid", maxShortFieldLen},
		{&t.CoverArt, d.CoverArt, "cover_art", maxShortFieldLen},
	} {
		if err := setString(f.dst, f.src, f.name, f.max); err != nil {
			return err
		}
	}
	if d.Genre != nil {
		if *d.Genre != "" && !genres[*d.Genre] {
			return reject("genre %q is not one of the protocol's genres", truncate(*d.Genre))
		}
		t.Genre = *d.Genre
	}
	if d.Duration != nil {
		if *d.Duration < 0 || *d.Duration > 7*24*3600 {
			return reject("duration %d is not between 0 and a week of seconds", *d.Duration)
		}
		t.Duration = *d.Duration
	}
	return nil
}

// setLineage sets the fields whose rules read other rows at the action's
// block: remix parents, the stem parent, and is_unlisted. They come only
// inline.
func setLineage(ctx context.Context, v *view, t *discovery.Track, d trackData, creating bool) error {
	if d.IsUnlisted != nil {
		t.IsUnlisted = *d.IsUnlisted
	}
	if d.StemOf != nil {
		parent := d.StemOf.ParentTrackID
		switch {
		case !creating && parent != t.StemOf:
			return reject("stem_of is set when a track is created and cannot change")
		case creating:
			p, err := liveTrack(ctx, v, parent, "stem parent")
			if err != nil {
				return err
			}
			if p.OwnerID != t.OwnerID {
				return reject("stem parent track %d belongs to user %d, not the stem's owner %d", parent, p.OwnerID, t.OwnerID)
			}
			if p.StemOf != 0 {
				return reject("stem parent track %d is itself a stem", parent)
			}
			t.StemOf = parent
		}
	}
	if d.RemixOf == nil {
		return nil
	}
	if n := len(d.RemixOf.Tracks); n > maxRemixParents {
		return reject("remix_of names %d tracks, over the limit of %d", n, maxRemixParents)
	}
	parents := make([]int64, 0, len(d.RemixOf.Tracks))
	for _, p := range d.RemixOf.Tracks {
		id := p.ParentTrackID
		if id == t.ID {
			return reject("track %d cannot be a remix of itself", id)
		}
		if slices.Contains(parents, id) {
			return reject("remix_of names track %d twice", id)
		}
		if _, err := liveTrack(ctx, v, id, "remix parent"); err != nil {
			return err
		}
		parents = append(parents, id)
	}
	t.RemixOf = parents
	return nil
}

// liveTrack loads a track that exists and is not deleted.
func liveTrack(ctx context.Context, v *view, id int64, role string) (*discovery.Track, error) {
	t, ok, err := v.track(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read track %d: %w", id, err)
	}
	if !ok || t.IsDelete {
		return nil, reject("%s track %d does not exist", role, id)
	}
	return t, nil
}

// genres is the protocol's genre list, as its clients offer it.
var genres = map[string]bool{}

func init() {
	for _, g := range []string{
		"Electronic", "Rock", "Metal", "Alternative", "Hip-Hop/Rap", "Experimental", "Punk", "Folk", "Pop",
		"Ambient", "Soundtrack", "World", "Jazz", "Acoustic", "Funk", "R&B/Soul", "Devotional", "Classical",
		"Reggae", "Podcasts", "Country", "Spoken Word", "Comedy", "Blues", "Kids", "Audiobooks", "Latin",
		"Lo-Fi", "Hyperpop", "Dancehall", "Techno", "Trap", "House", "Tech House", "Deep House", "Disco",
		"Electro", "Jungle", "Progressive House", "Hardstyle", "Glitch Hop", "Trance", "Future Bass",
		"Future House", "Tropical House", "Downtempo", "Drum & Bass", "Dubstep", "Jersey Club", "Vaporwave",
		"Moombahton",
	} {
		genres[g] = true
	}
}
