package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/discovery-node/discovery"
)

var metadataTests = []testCase{
	{"pending metadata is listed oldest first, settled metadata never", testPendingOrder},
	{"a failed attempt delays the job until its retry time", testFailRetry},
	{"attempts for another CID count for nothing", testStaleAttempts},
	{"resolving fills in only a pending entity that names the CID", testResolve},
	{"a permanent failure marks the metadata failed", testPermanentFailure},
	{"a revert that restores a pending image makes the job pending again", testRevertPending},
}

// now is the clock of the metadata tests, on a whole millisecond.
var now = time.UnixMilli(1_800_000_000_000)

// Entities as the indexer writes them when an action names its metadata
// by CID: on-chain fields set, descriptive ones empty, status pending.
func pendingUser(id int64, handle, cid string, updated uint64) *discovery.User {
	u := withStatus(user(id, handle, 0), discovery.MetadataPending)
	u.Name, u.Bio, u.Location, u.ProfilePicture, u.CoverPhoto = "", "", "", "", ""
	u.MetadataCID, u.UpdatedBlock = cid, updated
	return u
}

func pendingTrack(id, owner int64, cid string, updated uint64) *discovery.Track {
	tr := withStatus(track(id, owner, 1), discovery.MetadataPending)
	tr.Title, tr.Genre, tr.Mood, tr.Tags, tr.Description, tr.ReleaseDate = "", "", "", "", "", ""
	tr.Duration, tr.TrackCID, tr.CoverArt = 0, "", ""
	tr.MetadataCID, tr.UpdatedBlock = cid, updated
	return tr
}

func pendingPlaylist(id, owner int64, cid string, updated uint64) *discovery.Playlist {
	p := withStatus(playlist(id, owner), discovery.MetadataPending)
	p.Name, p.Description, p.CoverArt = "", "", ""
	p.MetadataCID, p.UpdatedBlock = cid, updated
	return p
}

func job(kind string, id int64, cid string, attempts int) discovery.MetadataJob {
	return discovery.MetadataJob{Kind: kind, ID: id, CID: cid, Attempts: attempts}
}

// wantPending checks the jobs due at a time, in order.
func wantPending(t testing.TB, what string, s discovery.Store, limit int, at time.Time, want ...discovery.MetadataJob) {
	t.Helper()
	got, err := s.PendingMetadata(context.Background(), limit, at)
	if err != nil {
		t.Fatalf("%s: PendingMetadata: %v", what, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	equal(t, what+": PendingMetadata", got, want)
}

// wantAttempts checks what MetadataAttempts says of an entity; attempts 0
// means it must say nothing.
func wantAttempts(t testing.TB, what string, s discovery.Store, kind string, id int64, attempts int, reason string) {
	t.Helper()
	n, r, ok, err := s.MetadataAttempts(context.Background(), kind, id)
	if err != nil {
		t.Fatalf("%s: MetadataAttempts(%s %d): %v", what, kind, id, err)
	}
	if ok != (attempts > 0) || n != attempts || r != reason {
		t.Errorf("%s: MetadataAttempts(%s %d) = %d, %q, %v; want %d, %q", what, kind, id, n, r, ok, attempts, reason)
	}
}

func mustFail(t testing.TB, s discovery.Store, j discovery.MetadataJob, reason string, permanent bool, retryAt time.Time) {
	t.Helper()
	if err := s.FailMetadata(context.Background(), j, reason, permanent, retryAt); err != nil {
		t.Fatalf("FailMetadata(%+v): %v", j, err)
	}
}

func mustResolve(t testing.TB, s discovery.Store, j discovery.MetadataJob, f discovery.MetadataFields) {
	t.Helper()
	if err := s.ResolveMetadata(context.Background(), j, f); err != nil {
		t.Fatalf("ResolveMetadata(%+v): %v", j, err)
	}
}

// digestKept checks the queue's work left the state digest as it was.
func digestKept(t testing.TB, what string, s discovery.Store, want discovery.Digest) {
	t.Helper()
	if d := checkDigests(t, s); d != want {
		t.Errorf("%s: digest %v, want it unchanged, %v", what, d, want)
	}
}

func testPendingOrder(t *testing.T, s discovery.Store) {
	// Oldest first by updated block, then kind, then id.
	mustApply(t, s, newChain(1).block(), changes(t,
		pendingUser(1, "alice", "QmU1", 3), pendingUser(2, "bob", "QmU2", 2),
		user(3, "carol", 0), withStatus(user(4, "dan", 0), discovery.MetadataResolved),
		pendingTrack(10, 1, "QmT10", 3), pendingTrack(9, 1, "QmT9", 3), pendingTrack(12, 1, "QmT12", 7),
		withStatus(track(13, 1, 1), discovery.MetadataFailed), track(14, 1, 1),
		pendingPlaylist(20, 1, "QmP20", 3), withStatus(playlist(21, 1), discovery.MetadataResolved), playlist(22, 1),
	))
	all := []discovery.MetadataJob{
		job(discovery.EntityUser, 2, "QmU2", 0),
		job(discovery.EntityPlaylist, 20, "QmP20", 0),
		job(discovery.EntityTrack, 9, "QmT9", 0),
		job(discovery.EntityTrack, 10, "QmT10", 0),
		job(discovery.EntityUser, 1, "QmU1", 0),
		job(discovery.EntityTrack, 12, "QmT12", 0),
	}
	tests := []struct {
		limit int
		want  []discovery.MetadataJob
	}{
		{100, all},
		{len(all), all},
		{3, all[:3]},
		{1, all[:1]},
	}
	for _, tt := range tests {
		wantPending(t, fmt.Sprintf("limit %d", tt.limit), s, tt.limit, now, tt.want...)
	}
	for _, j := range all {
		wantAttempts(t, "before any attempt", s, j.Kind, j.ID, 0, "")
	}
	wantAttempts(t, "an entity that does not exist", s, discovery.EntityUser, 99, 0, "")
}

func testFailRetry(t *testing.T, s discovery.Store) {
	u := pendingUser(1, "alice", "QmA", 1)
	mustApply(t, s, newChain(1).block(), changes(t, u, user(2, "bob", 0)))
	kept := checkDigests(t, s)
	j := job(discovery.EntityUser, 1, "QmA", 0)
	wantPending(t, "before failing", s, 10, now, j)

	mustFail(t, s, j, "gateway timeout", false, now.Add(time.Minute))
	wantPending(t, "just after failing", s, 10, now)
	wantPending(t, "a millisecond before the retry", s, 10, now.Add(time.Minute-time.Millisecond))
	j.Attempts = 1
	wantPending(t, "at the retry", s, 10, now.Add(time.Minute), j)
	wantAttempts(t, "after one failure", s, discovery.EntityUser, 1, 1, "gateway timeout")

	mustFail(t, s, j, "gateway timeout again", false, now.Add(2*time.Minute))
	wantPending(t, "before the second retry", s, 10, now.Add(time.Minute))
	j.Attempts = 2
	wantPending(t, "at the second retry", s, 10, now.Add(2*time.Minute), j)
	wantAttempts(t, "after two failures", s, discovery.EntityUser, 1, 2, "gateway timeout again")

	// Failures of a CID the entity no longer names, of an entity that is
	// not pending and of one that does not exist change nothing.
	mustFail(t, s, job(discovery.EntityUser, 1, "QmOld", 5), "stale", false, now.Add(time.Hour))
	mustFail(t, s, job(discovery.EntityUser, 2, u.MetadataCID, 0), "not pending", false, now)
	mustFail(t, s, job(discovery.EntityUser, 2, "QmUserMeta2", 0), "not pending", false, now)
	mustFail(t, s, job(discovery.EntityTrack, 99, "QmX", 0), "missing", true, now)
	wantAttempts(t, "after stale failures", s, discovery.EntityUser, 1, 2, "gateway timeout again")
	wantAttempts(t, "inline user", s, discovery.EntityUser, 2, 0, "")
	wantAttempts(t, "missing track", s, discovery.EntityTrack, 99, 0, "")
	wantPending(t, "after stale failures", s, 10, now.Add(2*time.Minute), j)

	got, _ := mustUser(t, s, 1)
	equal(t, "user 1 after failures", got, u)
	digestKept(t, "after failures", s, kept)
}

func testStaleAttempts(t *testing.T, s discovery.Store) {
	ch := newChain(1)
	mustApply(t, s, ch.block(), changes(t, pendingTrack(10, 1, "QmA", 1)))
	mustFail(t, s, job(discovery.EntityTrack, 10, "QmA", 3), "no provider", false, now.Add(time.Hour))
	wantAttempts(t, "for QmA", s, discovery.EntityTrack, 10, 4, "no provider")
	wantPending(t, "before the retry", s, 10, now)

	// An update names new metadata: the attempts for QmA do not delay it
	// nor count for it.
	mustApply(t, s, ch.block(), changes(t, pendingTrack(10, 1, "QmB", 2)))
	fresh := job(discovery.EntityTrack, 10, "QmB", 0)
	wantPending(t, "after the update", s, 10, now, fresh)
	wantAttempts(t, "for QmB", s, discovery.EntityTrack, 10, 0, "")

	mustFail(t, s, fresh, "no provider for QmB", false, now.Add(time.Second))
	wantAttempts(t, "after failing QmB", s, discovery.EntityTrack, 10, 1, "no provider for QmB")
	wantPending(t, "before the QmB retry", s, 10, now)
	fresh.Attempts = 1
	wantPending(t, "at the QmB retry", s, 10, now.Add(time.Second), fresh)

	// Back to QmA: the attempts now recorded are QmB's.
	mustApply(t, s, ch.block(), changes(t, pendingTrack(10, 1, "QmA", 3)))
	wantPending(t, "back to QmA", s, 10, now, job(discovery.EntityTrack, 10, "QmA", 0))
	wantAttempts(t, "back to QmA", s, discovery.EntityTrack, 10, 0, "")
}

func testResolve(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	u, tr, p := pendingUser(1, "alice", "QmU", 1), pendingTrack(10, 1, "QmT", 1), pendingPlaylist(20, 1, "QmP", 1)
	failed := withStatus(user(2, "bob", 0), discovery.MetadataFailed)
	mustApply(t, s, newChain(1).block(), changes(t, u, tr, p, failed))
	kept := checkDigests(t, s)
	uJob, tJob, pJob := job(discovery.EntityUser, 1, "QmU", 0), job(discovery.EntityTrack, 10, "QmT", 0), job(discovery.EntityPlaylist, 20, "QmP", 0)
	mustFail(t, s, uJob, "timeout", false, now)
	uJob.Attempts = 1

	userFields := &discovery.UserMetadata{Name: "Alice Liddell", Bio: "down the hole", Location: "Oxford", ProfilePicture: "QmPic", CoverPhoto: "QmCover"}
	trackFields := &discovery.TrackMetadata{Title: "Fetched", Genre: "Jazz", Mood: "Calm", Tags: "a,b", Description: "from IPFS",
		ReleaseDate: "2025-01-02", Duration: 321, TrackCID: "QmAudio", CoverArt: "QmArt"}
	playlistFields := &discovery.PlaylistMetadata{Name: "Fetched list", Description: "from IPFS", CoverArt: "QmListArt"}

	// Nothing happens for another CID, or to an entity that is not pending.
	stale := uJob
	stale.CID = "QmOld"
	mustResolve(t, s, stale, discovery.MetadataFields{User: userFields})
	mustResolve(t, s, job(discovery.EntityUser, 2, failed.MetadataCID, 0), discovery.MetadataFields{User: userFields})
	mustResolve(t, s, job(discovery.EntityUser, 99, "QmU", 0), discovery.MetadataFields{User: userFields})
	// Fields of another kind than the job's are refused.
	if err := s.ResolveMetadata(ctx, uJob, discovery.MetadataFields{Track: trackFields}); err == nil {
		t.Error("ResolveMetadata of a user job with track fields succeeded")
	}
	equal(t, "user 1 after refused resolves", mustRead(t, s.User, 1), u)
	equal(t, "user 2 after refused resolves", mustRead(t, s.User, 2), failed)
	wantAttempts(t, "after refused resolves", s, discovery.EntityUser, 1, 1, "timeout")

	mustResolve(t, s, uJob, discovery.MetadataFields{User: userFields})
	mustResolve(t, s, tJob, discovery.MetadataFields{Track: trackFields})
	mustResolve(t, s, pJob, discovery.MetadataFields{Playlist: playlistFields})
	wantU := *u
	wantU.Name, wantU.Bio, wantU.Location, wantU.ProfilePicture, wantU.CoverPhoto = userFields.Name, userFields.Bio, userFields.Location, userFields.ProfilePicture, userFields.CoverPhoto
	wantU.MetadataStatus = discovery.MetadataResolved
	wantT := *tr
	wantT.Title, wantT.Genre, wantT.Mood, wantT.Tags = trackFields.Title, trackFields.Genre, trackFields.Mood, trackFields.Tags
	wantT.Description, wantT.ReleaseDate, wantT.Duration = trackFields.Description, trackFields.ReleaseDate, trackFields.Duration
	wantT.TrackCID, wantT.CoverArt, wantT.MetadataStatus = trackFields.TrackCID, trackFields.CoverArt, discovery.MetadataResolved
	wantP := *p
	wantP.Name, wantP.Description, wantP.CoverArt = playlistFields.Name, playlistFields.Description, playlistFields.CoverArt
	wantP.MetadataStatus = discovery.MetadataResolved
	equal(t, "resolved user", mustRead(t, s.User, 1), &wantU)
	equal(t, "resolved track", mustRead(t, s.Track, 10), &wantT)
	equal(t, "resolved playlist", mustRead(t, s.Playlist, 20), &wantP)
	wantAttempts(t, "resolved user", s, discovery.EntityUser, 1, 0, "")
	wantPending(t, "after resolving", s, 10, farFuture)
	// The fetched name is searchable.
	found, err := s.SearchUsers(ctx, "liddell", discovery.Page{})
	if err != nil || len(found) != 1 || found[0].ID != 1 {
		t.Errorf("SearchUsers(liddell) = %+v, %v; want user 1", found, err)
	}
	digestKept(t, "after resolving", s, kept)

	// Resolved is final for that CID: a second resolve changes nothing.
	mustResolve(t, s, uJob, discovery.MetadataFields{User: &discovery.UserMetadata{Name: "Someone else"}})
	equal(t, "user resolved twice", mustRead(t, s.User, 1), &wantU)
}

func testPermanentFailure(t *testing.T, s discovery.Store) {
	ctx := context.Background()
	tr, p := pendingTrack(10, 1, "QmT", 1), pendingPlaylist(20, 1, "QmP", 1)
	mustApply(t, s, newChain(1).block(), changes(t, tr, p))
	kept := checkDigests(t, s)
	tJob := job(discovery.EntityTrack, 10, "QmT", 2)

	// A permanent failure for another CID changes nothing.
	mustFail(t, s, job(discovery.EntityTrack, 10, "QmOld", 0), "stale", true, now)
	equal(t, "track after a stale permanent failure", mustRead(t, s.Track, 10), tr)

	mustFail(t, s, tJob, "metadata is not a JSON object", true, now.Add(time.Minute))
	wantT := *tr
	wantT.MetadataStatus = discovery.MetadataFailed
	equal(t, "failed track", mustRead(t, s.Track, 10), &wantT)
	wantAttempts(t, "failed track", s, discovery.EntityTrack, 10, 3, "metadata is not a JSON object")
	wantPending(t, "after the permanent failure", s, 10, farFuture, job(discovery.EntityPlaylist, 20, "QmP", 0))
	digestKept(t, "after the permanent failure", s, kept)

	// A failed entity is not resolved later, nor failed again.
	mustResolve(t, s, tJob, discovery.MetadataFields{Track: &discovery.TrackMetadata{Title: "late"}})
	mustFail(t, s, tJob, "again", false, now)
	equal(t, "failed track after a late resolve", mustRead(t, s.Track, 10), &wantT)
	wantAttempts(t, "failed track after a late failure", s, discovery.EntityTrack, 10, 3, "metadata is not a JSON object")
	if got, err := s.GetTrack(ctx, 10); err != nil || got.MetadataStatus != discovery.MetadataFailed {
		t.Errorf("GetTrack(10) = %+v, %v; want metadata failed", got, err)
	}
}

func testRevertPending(t *testing.T, s discovery.Store) {
	ch := newChain(1)
	u, tr := pendingUser(1, "alice", "QmU", 1), pendingTrack(10, 1, "QmT", 1)
	b1 := ch.block()
	mustApply(t, s, b1, changes(t, u, tr))
	first := checkDigests(t, s)

	// Block 2 changes user 1 but not its metadata; then the metadata
	// arrives, and track 10's fails once.
	b2 := ch.block()
	counted := *u
	counted.FollowerCount, counted.UpdatedBlock = 7, b2.Number
	mustApply(t, s, b2, changes(t, &counted, pendingUser(2, "bob", "QmU2", 2)))
	mustResolve(t, s, job(discovery.EntityUser, 1, "QmU", 0), discovery.MetadataFields{User: &discovery.UserMetadata{Name: "Alice"}})
	mustFail(t, s, job(discovery.EntityTrack, 10, "QmT", 0), "timeout", false, now)
	wantPending(t, "before the revert", s, 10, now,
		job(discovery.EntityTrack, 10, "QmT", 1), job(discovery.EntityUser, 2, "QmU2", 0))

	// The revert writes back block 1's image of user 1, pending and
	// without the fetched fields, and removes user 2; the failed attempt
	// is not chain state and stays.
	mustRevert(t, s, b2)
	equal(t, "user 1 after the revert", mustRead(t, s.User, 1), u)
	wantPending(t, "after the revert", s, 10, now,
		job(discovery.EntityTrack, 10, "QmT", 1), job(discovery.EntityUser, 1, "QmU", 0))
	wantAttempts(t, "track after the revert", s, discovery.EntityTrack, 10, 1, "timeout")
	digestKept(t, "after the revert", s, first)

	// Reverting the block that named the metadata ends its jobs.
	mustRevert(t, s, b1)
	wantPending(t, "after reverting the creation", s, 10, farFuture)
	wantAttempts(t, "track after reverting its creation", s, discovery.EntityTrack, 10, 0, "")
	digestKept(t, "after reverting everything", s, discovery.Digest{})
}
