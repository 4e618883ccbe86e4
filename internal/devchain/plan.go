package devchain

import (
	"crypto/ecdsa"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/contracts"
)

// plan is the demo as a list of steps in chain order, with the state they
// lead to. Its builders record the first error in err, so the demo reads as
// a script.
type plan struct {
	steps  []step
	result SeedResult
	err    error
	// routes are the slugs taken per owner and namespace, to predict
	// permalinks the way the protocol assigns them.
	routes map[discovery.RouteKey]int64
	// grantActions numbers Grant actions, for their entity ids.
	grantActions int64
}

// demoPlan lays out the demo. now stamps playlist entries and plays.
func demoPlan(now int64) (plan, error) {
	p := plan{routes: map[discovery.RouteKey]int64{}}
	p.addBasics(now)
	p.addProtocol(now)
	p.addInvalid()
	p.addPlays(now)
	if p.err != nil {
		return plan{}, p.err
	}
	return p, nil
}

// rawMetadata is metadata sent as it is, not wrapped in the inline form.
type rawMetadata string

// metadataOf encodes data as an action's _metadata: nothing for nil, a
// rawMetadata as is, anything else in the inline form.
func metadataOf(data any) (string, error) {
	switch d := data.(type) {
	case nil:
		return "", nil
	case rawMetadata:
		return string(d), nil
	default:
		return Metadata(d)
	}
}

// act appends an action signed by key for userID and returns it, so the
// caller can single it out.
func (p *plan) act(key *ecdsa.PrivateKey, userID int64, entityType string, entityID int64, action string, data any) *step {
	md, err := metadataOf(data)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("planning %s %s %d: %w", entityType, action, entityID, err)
	}
	p.steps = append(p.steps, step{key: key, action: contracts.Action{UserID: userID, EntityType: entityType, EntityID: entityID, Action: action, Metadata: md}})
	return &p.steps[len(p.steps)-1]
}

// self appends an action signed by the user's own wallet.
func (p *plan) self(userID int64, entityType string, entityID int64, action string, data any) {
	p.act(UserKey(userID), userID, entityType, entityID, action, data)
}

// delegated appends a valid action signed by a key other than the user's
// wallet, and lists it in the result.
func (p *plan) delegated(key *ecdsa.PrivateKey, userID int64, entityType string, entityID int64, action string, data any, who string) {
	st := p.act(key, userID, entityType, entityID, action, data)
	st.note = &SeedAction{UserID: userID, EntityType: entityType, EntityID: entityID, Action: action,
		Signer: crypto.PubkeyToAddress(key.PublicKey), Reason: who}
}

// invalid appends an action the indexer must reject, and lists it in the
// result with its kind and why.
func (p *plan) invalid(key *ecdsa.PrivateKey, kind string, userID int64, entityType string, entityID int64, action string, data any, why string) {
	st := p.act(key, userID, entityType, entityID, action, data)
	st.note = &SeedAction{Kind: kind, UserID: userID, EntityType: entityType, EntityID: entityID, Action: action,
		Signer: crypto.PubkeyToAddress(key.PublicKey), Reason: why}
}

// createTrack appends the owner's Create of t with data and records the
// track and its permalink.
func (p *plan) createTrack(t demoTrack, data map[string]any) {
	p.self(t.owner, discovery.EntityTrack, t.id, discovery.ActionCreate, data)
	p.result.Tracks = append(p.result.Tracks, SeedTrack{ID: t.id, OwnerID: t.owner, Title: t.title, Description: t.description,
		Slugs: []string{p.claimSlug(t.owner, discovery.ItemTrack, t.title, t.id)}})
}

// renameTrack records a new title: the new slug becomes current and the
// old ones keep resolving.
func (p *plan) renameTrack(id int64, title string) {
	t := p.track(id)
	t.Title = title
	t.Slugs = append([]string{p.claimSlug(t.OwnerID, discovery.ItemTrack, title, id)}, t.Slugs...)
}

func (p *plan) createPlaylist(pl demoPlaylist, now int64) {
	p.self(pl.owner, discovery.EntityPlaylist, pl.id, discovery.ActionCreate, playlistData(pl, now))
	p.result.Playlists = append(p.result.Playlists, SeedPlaylist{ID: pl.id, OwnerID: pl.owner, Name: pl.name, IsAlbum: pl.album,
		TrackIDs: pl.tracks, Slug: p.claimSlug(pl.owner, discovery.ItemPlaylist, pl.name, pl.id)})
}

// claimSlug predicts the permalink the protocol gives a new title: the
// title's slug, or the first "-N" variant the owner does not use yet.
func (p *plan) claimSlug(owner int64, kind, title string, id int64) string {
	base := Slug(title, id)
	for n := 0; ; n++ {
		s := base
		if n > 0 {
			s = fmt.Sprintf("%s-%d", base, n)
		}
		k := discovery.RouteKey{OwnerID: owner, Kind: kind, Slug: s}
		if other, taken := p.routes[k]; !taken || other == id {
			p.routes[k] = id
			return s
		}
	}
}

// Slug is a title as the last part of a permalink: lower-case letters and
// digits joined by single dashes, or the id when the title has none.
func Slug(title string, id int64) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return fmt.Sprint(id)
	}
	return strings.Join(words, "-")
}

func (p *plan) user(id int64) *SeedUser {
	i := slices.IndexFunc(p.result.Users, func(u SeedUser) bool { return u.ID == id })
	return &p.result.Users[i]
}

func (p *plan) track(id int64) *SeedTrack {
	i := slices.IndexFunc(p.result.Tracks, func(t SeedTrack) bool { return t.ID == id })
	return &p.result.Tracks[i]
}

func (p *plan) playlist(id int64) *SeedPlaylist {
	i := slices.IndexFunc(p.result.Playlists, func(pl SeedPlaylist) bool { return pl.ID == id })
	return &p.result.Playlists[i]
}
