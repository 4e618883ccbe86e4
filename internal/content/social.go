package content

import (
	"context"
	"fmt"
	"strings"

	"github.com/discovery-node/discovery"
)

// follow adds a follow edge and keeps both users' counts in step.
func follow(ctx context.Context, v *view, a action) error {
	follower, followee, k, err := followPair(ctx, v, a)
	if err != nil {
		return err
	}
	exists, err := v.followExists(ctx, k)
	if err != nil {
		return fmt.Errorf("read follow %d→%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	if exists {
		return reject("user %d already follows user %d", k.FollowerID, k.FolloweeID)
	}
	v.changes.Follows[k] = &discovery.Follow{FollowKey: k, Block: a.block.Number, CreatedAt: a.block.Time}
	follower.FolloweeCount++
	followee.FollowerCount++
	v.putUser(follower, follower.HandleLower)
	v.putUser(followee, followee.HandleLower)
	return nil
}

// unfollow removes a follow edge; unfollowing someone not followed is
// recorded as a rejected no-op.
func unfollow(ctx context.Context, v *view, a action) error {
	follower, followee, k, err := followPair(ctx, v, a)
	if err != nil {
		return err
	}
	exists, err := v.followExists(ctx, k)
	if err != nil {
		return fmt.Errorf("read follow %d→%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	if !exists {
		return reject("user %d does not follow user %d", k.FollowerID, k.FolloweeID)
	}
	v.changes.Follows[k] = nil
	follower.FolloweeCount--
	followee.FollowerCount--
	v.putUser(follower, follower.HandleLower)
	v.putUser(followee, followee.HandleLower)
	return nil
}

func followPair(ctx context.Context, v *view, a action) (follower, followee *discovery.User, k discovery.FollowKey, err error) {
	follower, err = actor(ctx, v, a)
	if err != nil {
		return nil, nil, k, err
	}
	if a.EntityID == a.UserID {
		return nil, nil, k, reject("user %d cannot follow themselves", a.UserID)
	}
	followee, ok, err := v.user(ctx, a.EntityID)
	if err != nil {
		return nil, nil, k, fmt.Errorf("read user %d: %w", a.EntityID, err)
	}
	if !ok {
		return nil, nil, k, reject("user %d to %s does not exist", a.EntityID, strings.ToLower(a.Action))
	}
	if followee.IsDeactivated && (a.Action == discovery.ActionFollow || a.Action == discovery.ActionSubscribe) {
		return nil, nil, k, reject("user %d is deactivated", followee.ID)
	}
	return follower, followee, discovery.FollowKey{FollowerID: follower.ID, FolloweeID: followee.ID}, nil
}

// subscribe adds a subscription: the subscriber hears of the user's new
// releases. The rules are those of follows, without counts.
func subscribe(ctx context.Context, v *view, a action) error {
	_, _, k, err := followPair(ctx, v, a)
	if err != nil {
		return err
	}
	exists, err := v.subscriptionExists(ctx, k)
	if err != nil {
		return fmt.Errorf("read subscription %d→%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	if exists {
		return reject("user %d is already subscribed to user %d", k.FollowerID, k.FolloweeID)
	}
	v.changes.Subscriptions[k] = &discovery.Follow{FollowKey: k, Block: a.block.Number, CreatedAt: a.block.Time}
	return nil
}

// unsubscribe removes a subscription; unsubscribing from someone not
// subscribed to is recorded as a rejected no-op.
func unsubscribe(ctx context.Context, v *view, a action) error {
	_, _, k, err := followPair(ctx, v, a)
	if err != nil {
		return err
	}
	exists, err := v.subscriptionExists(ctx, k)
	if err != nil {
		return fmt.Errorf("read subscription %d→%d: %w", k.FollowerID, k.FolloweeID, err)
	}
	if !exists {
		return reject("user %d is not subscribed to user %d", k.FollowerID, k.FolloweeID)
	}
	v.changes.Subscriptions[k] = nil
	return nil
}

// itemAction returns the rule for Repost, Unrepost, Save and Unsave of a
// track or a playlist.
func itemAction(itemType string) rule {
	return func(ctx context.Context, v *view, a action) error { return doItemAction(ctx, v, a, itemType) }
}

// doItemAction keeps one edge per (user, item), with the item's and the
// user's counts in step.
func doItemAction(ctx context.Context, v *view, a action, itemType string) error {
	user, err := actor(ctx, v, a)
	if err != nil {
		return err
	}
	flag := "is_save_of_repost"
	if a.Action == discovery.ActionRepost || a.Action == discovery.ActionUnrepost {
		flag = "is_repost_of_repost"
	}
	ofRepost, err := parseFlag(a.Metadata, flag)
	if err != nil {
		return err
	}
	k := discovery.ItemKey{UserID: user.ID, ItemType: itemType, ItemID: a.EntityID}
	adding := a.Action == discovery.ActionRepost || a.Action == discovery.ActionSave
	isRepost := a.Action == discovery.ActionRepost || a.Action == discovery.ActionUnrepost

	var counter *int64
	var put func()
	switch itemType {
	case discovery.ItemTrack:
		t, ok, err := v.track(ctx, a.EntityID)
		if err != nil {
			return fmt.Errorf("read track %d: %w", a.EntityID, err)
		}
		if !ok || (t.IsDelete && adding) {
			return reject("track %d does not exist", a.EntityID)
		}
		counter = &t.SaveCount
		if isRepost {
			counter = &t.RepostCount
		}
		put = func() { v.putTrack(t) }
	default:
		p, ok, err := v.playlist(ctx, a.EntityID)
		if err != nil {
			return fmt.Errorf("read playlist %d: %w", a.EntityID, err)
		}
		if !ok || (p.IsDelete && adding) {
			return reject("playlist %d does not exist", a.EntityID)
		}
		counter = &p.SaveCount
		if isRepost {
			counter = &p.RepostCount
		}
		put = func() { v.putPlaylist(p) }
	}

	edges, exists := v.changes.Saves, v.saveExists
	if isRepost {
		edges, exists = v.changes.Reposts, v.repostExists
	}
	has, err := exists(ctx, k)
	if err != nil {
		return fmt.Errorf("read %s of %s %d by user %d: %w", strings.ToLower(a.Action), itemType, k.ItemID, k.UserID, err)
	}
	switch {
	case adding && has:
		return reject("user %d already did %s on %s %d", k.UserID, a.Action, itemType, k.ItemID)
	case !adding && !has:
		undone := discovery.ActionSave
		if isRepost {
			undone = discovery.ActionRepost
		}
		return reject("user %d has no %s of %s %d to undo", k.UserID, undone, itemType, k.ItemID)
	}

	delta := int64(1)
	edges[k] = &discovery.ItemAction{ItemKey: k, OfRepost: ofRepost, Block: a.block.Number, CreatedAt: a.block.Time}
	if !adding {
		delta = -1
		edges[k] = nil
	}
	*counter += delta
	put()
	if isRepost {
		user.RepostCount += delta
		v.putUser(user, user.HandleLower)
	}
	return nil
}
