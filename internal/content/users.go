package content

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
)

// handlePattern is the protocol's handle alphabet and length.
var handlePattern = regexp.MustCompile(`^[A-Za-z0-9_.]{1,30}$`)

// reservedHandles may not be taken by anyone: names of the service and of
// routes a permalink could be confused with.
var reservedHandles = map[string]bool{
	"admin": true, "administrator": true, "api": true, "app": true, "audius": true, "discovery": true,
	"explore": true, "feed": true, "trending": true, "search": true, "settings": true, "upload": true,
	"signin": true, "signup": true, "login": true, "logout": true, "help": true, "support": true,
	"about": true, "legal": true, "privacy": true, "terms": true, "notifications": true, "messages": true,
	"playlist": true, "playlists": true, "album": true, "albums": true, "track": true, "tracks": true,
	"user": true, "users": true, "v1": true, "health_check": true, "metrics": true, "resolve": true,
	"root": true, "system": true, "null": true, "undefined": true, "official": true, "verified": true,
}

// createUser registers a profile. The signer becomes the user's wallet: from
// then on only that key, or a key the user grants, may act for the user.
func createUser(ctx context.Context, v *view, a action) error {
	if a.UserID != a.EntityID {
		return reject("user id %d and entity id %d differ on User Create", a.UserID, a.EntityID)
	}
	if err := v.checkNewID("user", a.UserID, v.offsets.User); err != nil {
		return err
	}
	if _, exists, err := v.user(ctx, a.UserID); err != nil {
		return fmt.Errorf("read user %d: %w", a.UserID, err)
	} else if exists {
		return reject("user %d already exists", a.UserID)
	}
	var d userData
	cid, f, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	u := &discovery.User{
		ID: a.UserID, Wallet: a.Signer, MetadataCID: cid,
		CreatedBlock: a.block.Number, UpdatedBlock: a.block.Number,
		CreatedAt: a.block.Time, UpdatedAt: a.block.Time,
	}
	if f == formCID {
		// A handle is protocol state (unique at this block); fetched
		// metadata cannot set one, so the user starts without, until an
		// inline Update gives it.
		u.MetadataStatus = discovery.MetadataPending
		v.putUser(u, "")
		return nil
	}
	if d.Handle == nil {
		return reject("handle is required to create a user")
	}
	if err := setHandle(ctx, v, u, *d.Handle); err != nil {
		return err
	}
	if err := setProfile(u, d); err != nil {
		return err
	}
	if d.ArtistPick != nil && *d.ArtistPick != 0 {
		return reject("a new user has no tracks to pick")
	}
	if d.IsDeactivated != nil && *d.IsDeactivated {
		return reject("a user cannot be created deactivated")
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
	var d userData
	cid, f, err := parseMetadata(a.Metadata, &d)
	if err != nil {
		return err
	}
	// Deactivating and coming back are the user's own decisions, so they
	// need the user's own wallet; a deactivated user may only come back.
	deactivation := f == formInline && d.IsDeactivated != nil
	u, err := actorFor(ctx, v, a, who{ownWallet: deactivation, deactivated: deactivation && !*d.IsDeactivated})
	if err != nil {
		return err
	}
	old := u.HandleLower
	if f == formCID {
		u.MetadataCID, u.MetadataStatus = cid, discovery.MetadataPending
		u.UpdatedBlock, u.UpdatedAt = a.block.Number, a.block.Time
		v.putUser(u, old)
		return nil
	}
	if u.MetadataStatus != discovery.MetadataInline {
		// Fields fetched by CID differ from node to node until every node
		// has fetched them; inline metadata replaces them as a whole.
		u.Name, u.Bio, u.Location, u.ProfilePicture, u.CoverPhoto = "", "", "", "", ""
		u.MetadataStatus = discovery.MetadataInline
	}
	if d.IsDeactivated != nil {
		u.IsDeactivated = *d.IsDeactivated
	}
	if d.Handle != nil && *d.Handle != u.Handle {
		if err := setHandle(ctx, v, u, *d.Handle); err != nil {
			return err
		}
	}
	if err := setProfile(u, d); err != nil {
		return err
	}
	if d.ArtistPick != nil {
		if err := setArtistPick(ctx, v, u, *d.ArtistPick); err != nil {
			return err
		}
	}
	u.MetadataCID = cid
	u.UpdatedBlock, u.UpdatedAt = a.block.Number, a.block.Time
	v.putUser(u, old)
	return nil
}

// setArtistPick pins one of the user's own live tracks to the profile; 0
// unpins.
func setArtistPick(ctx context.Context, v *view, u *discovery.User, trackID int64) error {
	if trackID == 0 {
		u.ArtistPickID = 0
		return nil
	}
	t, ok, err := v.track(ctx, trackID)
	if err != nil {
		return fmt.Errorf("read track %d: %w", trackID, err)
	}
	if !ok || t.IsDelete {
		return reject("artist pick: track %d does not exist", trackID)
	}
	if t.OwnerID != u.ID {
		return reject("artist pick: track %d belongs to user %d, not user %d", trackID, t.OwnerID, u.ID)
	}
	u.ArtistPickID = trackID
	return nil
}

// verifyUser sets the verified badge. Only the node's configured verifier
// may; the contract's own ManageIsVerified event is the other way.
func verifyUser(ctx context.Context, v *view, a action) error {
	if a.UserID != a.EntityID {
		return reject("user id %d and entity id %d differ on User Verify", a.UserID, a.EntityID)
	}
	if v.verifier == (common.Address{}) || a.Signer != v.verifier {
		return reject("signer %s is not the verifier", a.Signer.Hex())
	}
	var d struct {
		IsVerified *bool `json:"is_verified"`
	}
	if err := parseInline(a.Metadata, &d); err != nil {
		return err
	}
	if d.IsVerified == nil {
		return reject("is_verified is required to verify a user")
	}
	return setVerified(ctx, v, a, *d.IsVerified)
}

// setVerified applies a verification decision to an existing user.
func setVerified(ctx context.Context, v *view, a action, verified bool) error {
	u, ok, err := v.user(ctx, a.UserID)
	if err != nil {
		return fmt.Errorf("read user %d: %w", a.UserID, err)
	}
	if !ok {
		return reject("user %d does not exist", a.UserID)
	}
	if u.IsVerified == verified {
		return reject("user %d is already %s", u.ID, map[bool]string{true: "verified", false: "unverified"}[verified])
	}
	u.IsVerified = verified
	u.UpdatedBlock, u.UpdatedAt = a.block.Number, a.block.Time
	v.putUser(u, u.HandleLower)
	return nil
}

// setHandle checks a handle's form and that no other user holds it in any
// letter case.
func setHandle(ctx context.Context, v *view, u *discovery.User, handle string) error {
	if !handlePattern.MatchString(handle) {
		return reject("handle %q must be 1-30 letters, digits, '_' or '.'", truncate(handle))
	}
	lower := strings.ToLower(handle)
	if reservedHandles[lower] {
		return reject("handle %q is reserved", handle)
	}
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
