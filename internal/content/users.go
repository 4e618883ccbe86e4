package content

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/discovery-node/discovery"
)

// handlePattern is the protocol's handle alphabet and length.
var handlePattern = regexp.MustCompile(`^[A-Za-z0-9_.]{1,30}$`)

// createUser registers a profile. The signer becomes the user's wallet: from
// then on only that key may act for the user.
func createUser(ctx context.Context, v *view, a action) error {
	if a.UserID != a.EntityID {
		return reject("user id %d and entity id %d differ on User Create", a.UserID, a.EntityID)
	}
	if _, exists, err := v.user(ctx, a.UserID); err != nil {
		return fmt.Errorf("read user %d: %w", a.UserID, err)
	} else if exists {
		return reject("user %d already exists", a.UserID)
	}
	var d userData
	cid, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	if d.Handle == nil {
		return reject("handle is required to create a user")
	}
	u := &discovery.User{
		ID: a.UserID, Wallet: a.Signer, MetadataCID: cid,
		CreatedBlock: a.block.Number, UpdatedBlock: a.block.Number,
		CreatedAt: a.block.Time, UpdatedAt: a.block.Time,
	}
	if err := setHandle(ctx, v, u, *d.Handle); err != nil {
		return err
	}
	if err := setProfile(u, d); err != nil {
		return err
	}
	v.putUser(u, "")
	return nil
}

// updateUser changes profile fields present in the metadata; absent fields
// keep their value.
func updateUser(ctx context.Context, v *view, a action) error {
	if a.UserID != a.EntityID {
		return reject("user %d may not update user %d", a.UserID, a.EntityID)
	}
	u, err := actor(ctx, v, a)
	if err != nil {
		return err
	}
	var d userData
	cid, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	old := u.HandleLower
	if d.Handle != nil && *d.Handle != u.Handle {
		if err := setHandle(ctx, v, u, *d.Handle); err != nil {
			return err
		}
	}
	if err := setProfile(u, d); err != nil {
		return err
	}
	u.MetadataCID = cid
	u.UpdatedBlock, u.UpdatedAt = a.block.Number, a.block.Time
	v.putUser(u, old)
	return nil
}

// setHandle checks a handle's form and that no other user holds it in any
// letter case.
func setHandle(ctx context.Context, v *view, u *discovery.User, handle string) error {
	if !handlePattern.MatchString(handle) {
		return reject("handle %q must be 1-30 letters, digits, '_' or '.'", truncate(handle))
	}
	lower := strings.ToLower(handle)
	holder, taken, err := v.userIDByHandle(ctx, lower)
	if err != nil {
		return fmt.Errorf("look up handle %q: %w", handle, err)
	}
	if taken && holder != u.ID {
		return reject("handle %q is already taken", handle)
	}
	u.Handle, u.HandleLower = handle, lower
	return nil
}

func setProfile(u *discovery.User, d userData) error {
	for _, f := range []struct {
		dst  *string
		src  *string
		name string
		max  int
	}{
		{&u.Name, d.Name, "name", maxNameLen},
		{&u.Bio, d.Bio, "bio", maxBioLen},
		{&u.Location, d.Location, "location", maxLocationLen},
		{&u.ProfilePicture, d.ProfilePicture, "profile_picture", maxShortFieldLen},
		{&u.CoverPhoto, d.CoverPhoto, "cover_photo", maxShortFieldLen},
	} {
		if err := setString(f.dst, f.src, f.name, f.max); err != nil {
			return err
		}
	}
	return nil
}
