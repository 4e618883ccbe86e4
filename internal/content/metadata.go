package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxMetadataSize bounds the metadata of one action. Anything larger is
// refused before parsing, so a single event cannot make the indexer spend
// unbounded memory.
const MaxMetadataSize = 64 << 10

// metadata is the inline form `{"cid": "...", "data": {...}}`. Data stays raw
// until the entity type decides which fields it wants.
type metadata struct {
	CID  string          `json:"cid"`
	Data json.RawMessage `json:"data"`
}

// parseMetadata validates the inline metadata of a Create or Update. Fields
// are decoded into pointers so an Update can tell "absent" from "empty".
func parseMetadata(raw string, into any) (cid string, err error) {
	if raw == "" {
		return "", reject("metadata is required for this action")
	}
	if len(raw) > MaxMetadataSize {
		return "", reject("metadata is %d bytes, over the %d byte limit", len(raw), MaxMetadataSize)
	}
	if !utf8.ValidString(raw) {
		return "", reject("metadata is not valid UTF-8")
	}
	trimmed := strings.TrimSpace(raw)
	if !strings.HasPrefix(trimmed, "{") {
		return "", reject("metadata must be inline JSON {\"cid\": ..., \"data\": {...}}; metadata by CID is not supported yet")
	}
	var m metadata
	if err := json.Unmarshal([]byte(trimmed), &m); err != nil {
		return "", reject("metadata is not valid JSON: %v", err)
	}
	if len(m.Data) == 0 || bytes.Equal(m.Data, []byte("null")) {
		return "", reject("metadata has no \"data\" object")
	}
	if err := json.Unmarshal(m.Data, into); err != nil {
		return "", reject("metadata data: %v", err)
	}
	if len(m.CID) > 128 {
		return "", reject("metadata cid is %d characters, over 128", len(m.CID))
	}
	return m.CID, nil
}

// userData holds the profile fields of a User Create or Update.
type userData struct {
	Handle         *string `json:"handle"`
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
