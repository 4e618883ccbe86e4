package content

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/discovery-node/discovery"
)

// createTrack adds a track owned by the acting user.
func createTrack(ctx context.Context, v *view, a action) error {
	owner, err := actor(ctx, v, a)
	if err != nil {
		return err
	}
	if _, exists, err := v.track(ctx, a.EntityID); err != nil {
		return fmt.Errorf("read track %d: %w", a.EntityID, err)
	} else if exists {
		return reject("track %d already exists", a.EntityID)
	}
	var d trackData
	cid, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	t := &discovery.Track{
		ID: a.EntityID, OwnerID: owner.ID, MetadataCID: cid,
		CreatedBlock: a.block.Number, UpdatedBlock: a.block.Number,
		CreatedAt: a.block.Time, UpdatedAt: a.block.Time,
	}
	if err := setTrackFields(t, d); err != nil {
		return err
	}
	if t.Title == "" {
		return reject("title is required to create a track")
	}
	t.Slug = slug(t.Title, t.ID)
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
	cid, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	if err := setTrackFields(t, d); err != nil {
		return err
	}
	if t.Title == "" {
		return reject("a track's title cannot be empty")
	}
	t.MetadataCID = cid
	t.UpdatedBlock, t.UpdatedAt = a.block.Number, a.block.Time
	v.putTrack(t)
	return nil
}

// deleteTrack marks a track deleted. Its row stays so the id is never reused.
func deleteTrack(ctx context.Context, v *view, a action) error {
	owner, t, err := ownedTrack(ctx, v, a)
	if err != nil {
		return err
	}
	t.IsDelete = true
	t.UpdatedBlock, t.UpdatedAt = a.block.Number, a.block.Time
	owner.TrackCount--
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

func setTrackFields(t *discovery.Track, d trackData) error {
	for _, f := range []struct {
		dst  *string
		src  *string
		name string
		max  int
	}{
		{&t.Title, d.Title, "title", maxTitleLen},
		{&t.Genre, d.Genre, "genre", maxShortFieldLen},
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
	if d.Duration != nil {
		if *d.Duration < 0 || *d.Duration > 7*24*3600 {
			return reject("duration %d is not between 0 and a week of seconds", *d.Duration)
		}
		t.Duration = *d.Duration
	}
	if d.IsUnlisted != nil {
		t.IsUnlisted = *d.IsUnlisted
	}
	return nil
}

// slug turns a title into the last part of a permalink: lower case letters
// and digits joined by single dashes. A title with none of those falls back to
// the id so every entity has a usable slug.
func slug(title string, id int64) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return fmt.Sprint(id)
	}
	return b.String()
}
