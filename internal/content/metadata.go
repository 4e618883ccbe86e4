package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/discovery-node/discovery/internal/metadata"
)

// MaxMetadataSize bounds the metadata of one action. Anything larger is
// refused before parsing, so a single event cannot make the indexer spend
// unbounded memory.
const MaxMetadataSize = 64 << 10

// inlineMetadata is the inline form `{"cid": "...", "data": {...}}`. Data
// stays raw until the entity type decides which fields it wants.
type inlineMetadata struct {
	CID  string          `json:"cid"`
	Data json.RawMessage `json:"data"`
}

// form is how an action carried its metadata.
type form int

const (
	formInline form = iota // fields in the event
	formCID                // a bare CID; fields come later from IPFS
)

// parseMetadata validates the metadata of a Create or Update. Inline fields
// are decoded into pointers so an Update can tell "absent" from "empty". A
// bare CID is checked to be one the fetcher can verify and returned with
// formCID; into is left untouched.
func parseMetadata(raw string, into any) (cid string, f form, err error) {
	if raw == "" {
		return "", 0, reject("metadata is required for this action")
	}
	if len(raw) > MaxMetadataSize {
		return "", 0, reject("metadata is %d bytes, over the %d byte limit", len(raw), MaxMetadataSize)
	}
	if !utf8.ValidString(raw) {
		return "", 0, reject("metadata is not valid UTF-8")
	}
	trimmed := strings.TrimSpace(raw)
	if !strings.HasPrefix(trimmed, "{") {
		if err := metadata.CheckCID(trimmed); err != nil {
			return "", 0, reject("metadata is neither inline JSON {\"cid\": ..., \"data\": {...}} nor a CID: %v", err)
		}
		return trimmed, formCID, nil
	}
	var m inlineMetadata
	if err := json.Unmarshal([]byte(trimmed), &m); err != nil {
		return "", 0, reject("metadata is not valid JSON: %v", err)
	}
	if len(m.Data) == 0 || bytes.Equal(m.Data, []byte("null")) {
		return "", 0, reject("metadata has no \"data\" object")
	}
	if err := json.Unmarshal(m.Data, into); err != nil {
		return "", 0, reject("metadata data: %v", err)
	}
	if len(m.CID) > 128 {
		return "", 0, reject("metadata cid is %d characters, over 128", len(m.CID))
	}
	return m.CID, formInline, nil
}

// parseInline is parseMetadata for actions whose fields must be on chain
// (grants, developer apps, verification).
func parseInline(raw string, into any) error {
	_, f, err := parseMetadata(raw, into)
	if err == nil && f == formCID {
		return reject("metadata of this action must be inline JSON, not a CID")
	}
	return err
}

// parseFlag reads one boolean flag of a social action's optional metadata,
// given bare (`{"is_repost_of_repost": true}`) or inline (`{"data": {...}}`).
func parseFlag(raw, name string) (bool, error) {
	if strings.TrimSpace(raw) == "" {
		return false, nil
	}
	if len(raw) > MaxMetadataSize {
		return false, reject("metadata is %d bytes, over the %d byte limit", len(raw), MaxMetadataSize)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return false, reject("metadata is not a JSON object: %v", err)
	}
	if inner, ok := doc["data"]; ok {
		doc = nil
		if err := json.Unmarshal(inner, &doc); err != nil {
			return false, reject("metadata data is not a JSON object: %v", err)
		}
	}
	v, ok := doc[name]
	if !ok || bytes.Equal(v, []byte("null")) {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		return false, reject("%s must be true or false", name)
	}
	return b, nil
}

// userData holds the profile fields of a User Create or Update.
type userData struct {
	Handle         *string `json:"handle"`
	ArtistPick     *int64  `json:"artist_pick_track_id"`
	IsDeactivated  *bool   `json:"is_deactivated"`
	Name           *string `json:"name"`
	Bio            *string `json:"bio"`
	Location       *string `json:"location"`
	ProfilePicture *string `json:"profile_picture"`
	CoverPhoto     *string `json:"cover_photo"`
}

// trackData holds the fields of a Track Create or Update.
type trackData struct {
	Title       *string `json:"title"`
	Genre       *string `json:"genre"`
	Mood        *string `json:"mood"`
	Tags        *string `json:"tags"`
	Description *string `json:"description"`
	ReleaseDate *string `json:"release_date"`
	Duration    *int64  `json:"duration"`
	TrackCID    *string `json:"track_cid"`
	CoverArt    *string `json:"cover_art"`
	IsUnlisted  *bool   `json:"is_unlisted"`
	RemixOf     *struct {
		Tracks []struct {
			ParentTrackID int64 `json:"parent_track_id"`
		} `json:"tracks"`
	} `json:"remix_of"`
	StemOf *struct {
		ParentTrackID int64  `json:"parent_track_id"`
		Category      string `json:"category"`
	} `json:"stem_of"`
}

// playlistData holds the fields of a Playlist Create or Update.
type playlistData struct {
	Name        *string `json:"playlist_name"`
	Description *string `json:"description"`
	IsAlbum     *bool   `json:"is_album"`
	IsPrivate   *bool   `json:"is_private"`
	CoverArt    *string `json:"cover_art"`
	Contents    *struct {
		TrackIDs []struct {
			Track        int64   `json:"track"`
			Time         uint64  `json:"time"`
			MetadataTime *uint64 `json:"metadata_time"`
		} `json:"track_ids"`
	} `json:"playlist_contents"`
}

// field limits, in characters.
const (
	maxNameLen        = 100
	maxBioLen         = 256
	maxLocationLen    = 100
	maxTitleLen       = 200
	maxDescriptionLen = 1000
	maxShortFieldLen  = 200 // genre, mood, tags, dates, CIDs
	maxPlaylistTracks = 5000
)

// setString copies an optional field into dst after checking its length.
func setString(dst *string, src *string, field string, max int) error {
	if src == nil {
		return nil
	}
	if strings.ContainsRune(*src, 0) {
		return reject("%s contains a NUL character", field)
	}
	if n := utf8.RuneCountInString(*src); n > max {
		return reject("%s is %d characters, over the limit of %d", field, n, max)
	}
	*dst = *src
	return nil
}

// rejection is an action the protocol refuses. It is recorded with its
// reason and indexing goes on; any other error aborts the block so it is
// retried.
type rejection struct{ reason string }

func (r *rejection) Error() string { return r.reason }

func reject(format string, args ...any) error {
	return &rejection{reason: fmt.Sprintf(format, args...)}
}
