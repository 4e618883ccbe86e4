package content

import (
	"context"
	"fmt"

	"github.com/discovery-node/discovery"
)

// who says which signers an action accepts besides the user's own wallet.
type who struct {
	// ownWallet: only the user's wallet, never a grantee. Actions that
	// change who may act for the user, or whether the user exists at all,
	// must not be open to a delegate, or a leaked app key could make
	// itself permanent.
	ownWallet bool
	// deactivated: the action is accepted from a deactivated user (the
	// update that reactivates).
	deactivated bool
}

// actor loads the acting user and checks that the signer may act for it.
func actor(ctx context.Context, v *view, a action) (*discovery.User, error) {
	return actorFor(ctx, v, a, who{})
}

// actorFor is the one place authorization is decided, so no rule can forget
// it: the signer must be the user's wallet or, unless w.ownWallet, hold an
// approved, unrevoked grant from the user whose developer app, if it is one,
// is not deleted — all as of this action.
func actorFor(ctx context.Context, v *view, a action, w who) (*discovery.User, error) {
	u, ok, err := v.user(ctx, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("read user %d: %w", a.UserID, err)
	}
	if !ok {
		return nil, reject("user %d does not exist", a.UserID)
	}
	if u.IsDeactivated && !w.deactivated {
		return nil, reject("user %d is deactivated", u.ID)
	}
	if u.Wallet == a.Signer {
		return u, nil
	}
	if w.ownWallet {
		return nil, reject("signer %s is not the wallet of user %d; only the user's own wallet may %s a %s",
			a.Signer.Hex(), u.ID, a.Action, a.EntityType)
	}
	g, ok, err := v.grant(ctx, discovery.GrantKey{UserID: u.ID, Grantee: a.Signer})
	if err != nil {
		return nil, fmt.Errorf("read grant of user %d to %s: %w", u.ID, a.Signer.Hex(), err)
	}
	switch {
	case !ok:
		return nil, reject("signer %s is not the wallet of user %d and holds no grant from it", a.Signer.Hex(), u.ID)
	case g.IsRevoked:
		return nil, reject("grant of user %d to %s was revoked", u.ID, a.Signer.Hex())
	case !g.IsApproved:
		return nil, reject("grant of user %d to %s is not approved", u.ID, a.Signer.Hex())
	}
	app, isApp, err := v.app(ctx, a.Signer)
	if err != nil {
		return nil, fmt.Errorf("read developer app %s: %w", a.Signer.Hex(), err)
	}
	if isApp && app.IsDelete {
		return nil, reject("developer app %s holding the grant of user %d was deleted", a.Signer.Hex(), u.ID)
	}
	return u, nil
}

// checkNewID refuses ids below the protocol's offset for the entity type.
func (v *view) checkNewID(kind string, id, offset int64) error {
	if id < offset {
		return reject("new %s id %d is below the protocol's offset %d", kind, id, offset)
	}
	return nil
}
