package content

import (
	"context"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery"
)

// AppMessage is the message a developer app's key signs (EIP-191
// personal_sign) to prove that whoever registers the app holds its key. It
// names the user, so a signature cannot be replayed to register the app for
// someone else.
func AppMessage(app common.Address, userID int64) string {
	return fmt.Sprintf("Discovery developer app %s for user %d", strings.ToLower(app.Hex()), userID)
}

type appData struct {
	Address      *string `json:"address"`
	Name         *string `json:"name"`
	Description  *string `json:"description"`
	AppSignature *struct {
		Message   string `json:"message"`
		Signature string `json:"signature"`
	} `json:"app_signature"`
}

// createApp registers a developer app key for the acting user.
func createApp(ctx context.Context, v *view, a action) error {
	var d appData
	u, err := ownInline(ctx, v, a, &d)
	if err != nil {
		return err
	}
	addr, err := address(d.Address, "address")
	if err != nil {
		return err
	}
	if addr == u.Wallet {
		return reject("a developer app cannot use the wallet of the user registering it")
	}
	if d.AppSignature == nil {
		return reject("app_signature is required: the app key's signature of %q", AppMessage(addr, u.ID))
	}
	if want := AppMessage(addr, u.ID); d.AppSignature.Message != want {
		return reject("app_signature message must be %q", want)
	}
	if err := checkPersonalSig(addr, d.AppSignature.Message, d.AppSignature.Signature); err != nil {
		return err
	}
	if old, exists, err := v.app(ctx, addr); err != nil {
		return fmt.Errorf("read developer app %s: %w", addr.Hex(), err)
	} else if exists {
		if old.IsDelete {
			return reject("developer app %s was deleted; an address is registered once", addr.Hex())
		}
		return reject("developer app %s already exists", addr.Hex())
	}
	app := &discovery.DeveloperApp{Address: addr, UserID: u.ID,
		CreatedBlock: a.block.Number, UpdatedBlock: a.block.Number, CreatedAt: a.block.Time, UpdatedAt: a.block.Time}
	if err := setString(&app.Name, d.Name, "name", maxNameLen); err != nil {
		return err
	}
	if app.Name == "" {
		return reject("name is required to create a developer app")
	}
	if err := setString(&app.Description, d.Description, "description", maxDescriptionLen); err != nil {
		return err
	}
	v.changes.DeveloperApps[addr] = app
	return nil
}

// deleteApp retires a developer app: every grant to it stops working.
func deleteApp(ctx context.Context, v *view, a action) error {
	var d appData
	u, err := ownInline(ctx, v, a, &d)
	if err != nil {
		return err
	}
	addr, err := address(d.Address, "address")
	if err != nil {
		return err
	}
	app, ok, err := v.app(ctx, addr)
	if err != nil {
		return fmt.Errorf("read developer app %s: %w", addr.Hex(), err)
	}
	if !ok || app.IsDelete {
		return reject("developer app %s does not exist", addr.Hex())
	}
	if app.UserID != u.ID {
		return reject("developer app %s belongs to user %d, not user %d", addr.Hex(), app.UserID, u.ID)
	}
	app.IsDelete = true
	app.UpdatedBlock, app.UpdatedAt = a.block.Number, a.block.Time
	v.changes.DeveloperApps[addr] = app
	return nil
}

type grantData struct {
	Grantee *string `json:"grantee_address"`
	Grantor *int64  `json:"grantor_user_id"`
}

// createGrant lets another key act for the acting user: a developer app at
// once, another user's wallet (a manager) once that user approves.
func createGrant(ctx context.Context, v *view, a action) error {
	var d grantData
	u, err := ownInline(ctx, v, a, &d)
	if err != nil {
		return err
	}
	grantee, err := address(d.Grantee, "grantee_address")
	if err != nil {
		return err
	}
	if grantee == u.Wallet {
		return reject("user %d cannot grant its own wallet", u.ID)
	}
	app, isApp, err := v.app(ctx, grantee)
	if err != nil {
		return fmt.Errorf("read developer app %s: %w", grantee.Hex(), err)
	}
	if isApp && app.IsDelete {
		return reject("developer app %s was deleted", grantee.Hex())
	}
	k := discovery.GrantKey{UserID: u.ID, Grantee: grantee}
	g, exists, err := v.grant(ctx, k)
	if err != nil {
		return fmt.Errorf("read grant of user %d to %s: %w", u.ID, grantee.Hex(), err)
	}
	switch {
	case exists && !g.IsRevoked:
		return reject("user %d already granted %s", u.ID, grantee.Hex())
	case !exists:
		g = &discovery.Grant{GrantKey: k, CreatedBlock: a.block.Number, CreatedAt: a.block.Time}
	}
	g.IsRevoked, g.IsApproved = false, isApp
	g.UpdatedBlock, g.UpdatedAt = a.block.Number, a.block.Time
	v.changes.Grants[k] = g
	return nil
}

// deleteGrant revokes a grant the acting user gave.
func deleteGrant(ctx context.Context, v *view, a action) error {
	var d grantData
	u, err := ownInline(ctx, v, a, &d)
	if err != nil {
		return err
	}
	grantee, err := address(d.Grantee, "grantee_address")
	if err != nil {
		return err
	}
	return revoke(ctx, v, a, discovery.GrantKey{UserID: u.ID, Grantee: grantee}, false)
}

// approveGrant is the manager's acceptance of a grant to its wallet.
func approveGrant(ctx context.Context, v *view, a action) error {
	k, g, err := managerGrant(ctx, v, a)
	if err != nil {
		return err
	}
	if g.IsApproved {
		return reject("grant of user %d to %s is already approved", k.UserID, k.Grantee.Hex())
	}
	g.IsApproved = true
	g.UpdatedBlock, g.UpdatedAt = a.block.Number, a.block.Time
	v.changes.Grants[k] = g
	return nil
}

// rejectGrant is the manager's refusal of a grant to its wallet, pending
// or approved; the grant is revoked.
func rejectGrant(ctx context.Context, v *view, a action) error {
	k, _, err := managerGrant(ctx, v, a)
	if err != nil {
		return err
	}
	return revoke(ctx, v, a, k, true)
}

// managerGrant loads the live grant to the acting manager's wallet from
// the grantor named in the metadata.
func managerGrant(ctx context.Context, v *view, a action) (discovery.GrantKey, *discovery.Grant, error) {
	var k discovery.GrantKey
	var d grantData
	manager, err := ownInline(ctx, v, a, &d)
	if err != nil {
		return k, nil, err
	}
	if d.Grantor == nil {
		return k, nil, reject("grantor_user_id is required")
	}
	k = discovery.GrantKey{UserID: *d.Grantor, Grantee: manager.Wallet}
	g, ok, err := v.grant(ctx, k)
	if err != nil {
		return k, nil, fmt.Errorf("read grant of user %d to %s: %w", k.UserID, k.Grantee.Hex(), err)
	}
	if !ok || g.IsRevoked {
		return k, nil, reject("user %d has no grant to user %d's wallet %s", k.UserID, manager.ID, k.Grantee.Hex())
	}
	return k, g, nil
}

// revoke ends a live grant.
func revoke(ctx context.Context, v *view, a action, k discovery.GrantKey, byManager bool) error {
	g, ok, err := v.grant(ctx, k)
	if err != nil {
		return fmt.Errorf("read grant of user %d to %s: %w", k.UserID, k.Grantee.Hex(), err)
	}
	if !ok || g.IsRevoked {
		return reject("user %d has no grant to %s to revoke", k.UserID, k.Grantee.Hex())
	}
	g.IsRevoked = true
	if byManager {
		g.IsApproved = false
	}
	g.UpdatedBlock, g.UpdatedAt = a.block.Number, a.block.Time
	v.changes.Grants[k] = g
	return nil
}

// ownInline loads the acting user, who must sign with its own wallet, and
// decodes the action's inline metadata into d: the common start of every
// developer app and grant action.
func ownInline(ctx context.Context, v *view, a action, d any) (*discovery.User, error) {
	u, err := actorFor(ctx, v, a, who{ownWallet: true})
	if err != nil {
		return nil, err
	}
	if err := parseInline(a.Metadata, d); err != nil {
		return nil, err
	}
	return u, nil
}

// address parses a required hex address field.
func address(s *string, field string) (common.Address, error) {
	if s == nil || !common.IsHexAddress(*s) {
		return common.Address{}, reject("%s must be a 0x-prefixed hex address", field)
	}
	addr := common.HexToAddress(*s)
	if addr == (common.Address{}) {
		return common.Address{}, reject("%s cannot be the zero address", field)
	}
	return addr, nil
}

// checkPersonalSig checks that sig is signer's EIP-191 signature of msg.
func checkPersonalSig(signer common.Address, msg, sig string) error {
	b, err := hexutil.Decode(sig)
	if err != nil || len(b) != crypto.SignatureLength {
		return reject("app_signature signature must be 65 bytes of 0x-prefixed hex")
	}
	if b[crypto.RecoveryIDOffset] >= 27 {
		b[crypto.RecoveryIDOffset] -= 27
	}
	pub, err := crypto.SigToPub(accounts.TextHash([]byte(msg)), b)
	if err != nil {
		return reject("app_signature does not recover: %v", err)
	}
	if got := crypto.PubkeyToAddress(*pub); got != signer {
		return reject("app_signature was made by %s, not the app %s", got.Hex(), signer.Hex())
	}
	return nil
}
