package api

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
)

// JSON shapes of the list answers the Audius models have and models.go
// does not, and the loading of what list answers embed: every track and
// playlist carries its owner, and the owners of a whole answer are read in
// one query.

// activityJSON is an entry of a user's reposts: the reference's activity,
// whose class names its kind (track_activity or collection_activity; the
// /v1/full variant adds _full, as Audius does).
type activityJSON struct {
	Timestamp string `json:"timestamp"`
	ItemType  string `json:"item_type"`
	Item      any    `json:"item"`
	Class     string `json:"class"`
}

// feedItemJSON is an entry of a user's feed, as the Audius feed sends it.
type feedItemJSON struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Item      any    `json:"item"`
}

// favoriteJSON is the reference's favorite: a saved track, by id.
type favoriteJSON struct {
	FavoriteItemID string `json:"favorite_item_id"`
	FavoriteType   string `json:"favorite_type"`
	UserID         string `json:"user_id"`
	CreatedAt      string `json:"created_at"`
}

// stemJSON is the reference's stem. Discovery keeps neither a stem's
// category nor its original file name, so both are empty.
type stemJSON struct {
	ID           string `json:"id"`
	ParentID     string `json:"parent_id"`
	Category     string `json:"category"`
	CID          string `json:"cid"`
	UserID       string `json:"user_id"`
	Blocknumber  uint64 `json:"blocknumber"`
	OrigFilename string `json:"orig_filename"`
}

// timestampOf spells a block time as the Audius API does: RFC 3339, UTC.
func timestampOf(unix uint64) string {
	return time.Unix(int64(unix), 0).UTC().Format(time.RFC3339)
}

// ownersOf reads the given users in one query. A missing owner is a fault
// of the index, as ownerOf says.
func ownersOf(ctx context.Context, store Store, ids []int64) (map[int64]*discovery.User, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	users, err := store.GetUsers(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("get %d owners: %w", len(ids), err)
	}
	out := make(map[int64]*discovery.User, len(users))
	for i := range users {
		out[users[i].ID] = &users[i]
	}
	for _, id := range ids {
		if out[id] == nil {
			return nil, &discovery.Error{Code: discovery.EINTERNAL, Message: fmt.Sprintf("owner %d is missing from the index", id)}
		}
	}
	return out, nil
}

// tracksWithOwners maps tracks with their owners, read in one query.
func tracksWithOwners(ctx context.Context, store Store, tracks []discovery.Track) ([]trackJSON, error) {
	ownerIDs := make([]int64, len(tracks))
	for i, t := range tracks {
		ownerIDs[i] = t.OwnerID
	}
	owners, err := ownersOf(ctx, store, ownerIDs)
	if err != nil {
		return nil, err
	}
	out := make([]trackJSON, len(tracks))
	for i := range tracks {
		out[i] = newTrackJSON(&tracks[i], owners[tracks[i].OwnerID])
	}
	return out, nil
}

// playlistsWithOwners maps playlists with their owners, read in one query.
func playlistsWithOwners(ctx context.Context, store Store, playlists []discovery.Playlist) ([]playlistJSON, error) {
	ownerIDs := make([]int64, len(playlists))
	for i, p := range playlists {
		ownerIDs[i] = p.OwnerID
	}
	owners, err := ownersOf(ctx, store, ownerIDs)
	if err != nil {
		return nil, err
	}
	out := make([]playlistJSON, len(playlists))
	for i := range playlists {
		out[i] = newPlaylistJSON(&playlists[i], owners[playlists[i].OwnerID])
	}
	return out, nil
}

// activityItems loads the tracks and playlists of activities, with their
// owners: one query per kind. An item gone between the list and this read
// (deleted by a block in between) is absent from the maps. The items are
// pointers so that the viewer fields can be filled in them once they sit
// in an answer (answerFill).
func activityItems(ctx context.Context, store Store, acts []discovery.Activity) (map[int64]*trackJSON, map[int64]*playlistJSON, error) {
	var trackIDs, playlistIDs []int64
	for _, a := range acts {
		if a.ItemType == discovery.ItemTrack {
			trackIDs = append(trackIDs, a.ItemID)
		} else {
			playlistIDs = append(playlistIDs, a.ItemID)
		}
	}
	tracks, err := store.TracksByID(ctx, trackIDs)
	if err != nil {
		return nil, nil, fmt.Errorf("get %d tracks: %w", len(trackIDs), err)
	}
	playlists, err := store.PlaylistsByID(ctx, playlistIDs)
	if err != nil {
		return nil, nil, fmt.Errorf("get %d playlists: %w", len(playlistIDs), err)
	}
	ownerIDs := make([]int64, 0, len(tracks)+len(playlists))
	for _, t := range tracks {
		ownerIDs = append(ownerIDs, t.OwnerID)
	}
	for _, p := range playlists {
		ownerIDs = append(ownerIDs, p.OwnerID)
	}
	owners, err := ownersOf(ctx, store, ownerIDs)
	if err != nil {
		return nil, nil, err
	}
	tl, tj := make([]trackJSON, len(tracks)), make(map[int64]*trackJSON, len(tracks))
	for i := range tracks {
		tl[i] = newTrackJSON(&tracks[i], owners[tracks[i].OwnerID])
		tj[tracks[i].ID] = &tl[i]
	}
	pl, pj := make([]playlistJSON, len(playlists)), make(map[int64]*playlistJSON, len(playlists))
	for i := range playlists {
		pl[i] = newPlaylistJSON(&playlists[i], owners[playlists[i].OwnerID])
		pj[playlists[i].ID] = &pl[i]
	}
	return tj, pj, nil
}

// itemOf returns the loaded item of an activity, or nil.
func itemOf(a discovery.Activity, tracks map[int64]*trackJSON, playlists map[int64]*playlistJSON) any {
	if a.ItemType == discovery.ItemTrack {
		if t, ok := tracks[a.ItemID]; ok {
			return t
		}
		return nil
	}
	if p, ok := playlists[a.ItemID]; ok {
		return p
	}
	return nil
}

func newFavoriteJSON(a discovery.ItemAction) favoriteJSON {
	return favoriteJSON{
		FavoriteItemID: hashid.Encode(a.ItemID),
		FavoriteType:   a.ItemType,
		UserID:         hashid.Encode(a.UserID),
		CreatedAt:      timestampOf(a.CreatedAt),
	}
}

func newStemJSON(t *discovery.Track) stemJSON {
	return stemJSON{
		ID:          hashid.Encode(t.ID),
		ParentID:    hashid.Encode(t.StemOf),
		CID:         t.TrackCID,
		UserID:      hashid.Encode(t.OwnerID),
		Blocknumber: t.CreatedBlock,
	}
}
