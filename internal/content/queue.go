package content

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/metadata"
)

// MetadataQueue is the store's pending metadata seen by a metadata.Worker.
// It lives here because deciding what fetched bytes may set on an entity is
// a protocol rule, the same one inline metadata follows.
type MetadataQueue struct {
	store discovery.MetadataStore
	now   func() time.Time
}

// NewMetadataQueue returns the queue of store's pending metadata.
func NewMetadataQueue(store discovery.MetadataStore) *MetadataQueue {
	return &MetadataQueue{store: store, now: time.Now}
}

var _ metadata.Queue = (*MetadataQueue)(nil)

// Pending lists jobs due now.
func (q *MetadataQueue) Pending(ctx context.Context, limit int) ([]metadata.Job, error) {
	jobs, err := q.store.PendingMetadata(ctx, limit, q.now())
	if err != nil {
		return nil, err
	}
	out := make([]metadata.Job, len(jobs))
	for i, j := range jobs {
		out[i] = metadata.Job{Kind: j.Kind, ID: j.ID, CID: j.CID, Attempts: j.Attempts}
	}
	return out, nil
}

// Resolve validates verified bytes as the entity type's metadata and stores
// the fields. Bytes the protocol refuses fail the job for good, with the
// reason: the CID will never name other bytes.
func (q *MetadataQueue) Resolve(ctx context.Context, job metadata.Job, data []byte) error {
	j := discovery.MetadataJob{Kind: job.Kind, ID: job.ID, CID: job.CID, Attempts: job.Attempts}
	f, err := fetchedFields(job.Kind, data)
	if err != nil {
		return q.store.FailMetadata(ctx, j, err.Error(), true, time.Time{})
	}
	return q.store.ResolveMetadata(ctx, j, f)
}

// Fail records a failed fetch.
func (q *MetadataQueue) Fail(ctx context.Context, job metadata.Job, reason string, permanent bool, retryAt time.Time) error {
	j := discovery.MetadataJob{Kind: job.Kind, ID: job.ID, CID: job.CID, Attempts: job.Attempts}
	return q.store.FailMetadata(ctx, j, reason, permanent, retryAt)
}

// fetchedFields turns metadata fetched by CID into the descriptive fields of
// an entity type, with the limits inline metadata has. The document is the
// entity's fields, or the inline form {"cid", "data"} wrapping them. Fields
// that only inline metadata may set are ignored.
func fetchedFields(kind string, data []byte) (discovery.MetadataFields, error) {
	var f discovery.MetadataFields
	if len(data) > MaxMetadataSize {
		return f, fmt.Errorf("metadata is %d bytes, over the %d byte limit", len(data), MaxMetadataSize)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return f, fmt.Errorf("metadata is not a JSON object: %v", err)
	}
	if inner, ok := probe["data"]; ok && len(probe) <= 2 {
		if _, hasCID := probe["cid"]; hasCID || len(probe) == 1 {
			data = inner
		}
	}
	switch kind {
	case discovery.EntityUser:
		var d userData
		if err := json.Unmarshal(data, &d); err != nil {
			return f, fmt.Errorf("user metadata: %v", err)
		}
		var u discovery.User
		if err := setProfile(&u, d); err != nil {
			return f, err
		}
		f.User = &discovery.UserMetadata{Name: u.Name, Bio: u.Bio, Location: u.Location,
			ProfilePicture: u.ProfilePicture, CoverPhoto: u.CoverPhoto}
	case discovery.EntityTrack:
		var d trackData
		if err := json.Unmarshal(data, &d); err != nil {
			return f, fmt.Errorf("track metadata: %v", err)
		}
		var t discovery.Track
		if err := setTrackFields(&t, d); err != nil {
			return f, err
		}
		f.Track = &discovery.TrackMetadata{Title: t.Title, Genre: t.Genre, Mood: t.Mood, Tags: t.Tags,
			Description: t.Description, ReleaseDate: t.ReleaseDate, Duration: t.Duration,
			TrackCID: t.TrackCID, CoverArt: t.CoverArt}
	case discovery.EntityPlaylist:
		var d playlistData
		if err := json.Unmarshal(data, &d); err != nil {
			return f, fmt.Errorf("playlist metadata: %v", err)
		}
		var p discovery.Playlist
		if err := setPlaylistText(&p, d); err != nil {
			return f, err
		}
		f.Playlist = &discovery.PlaylistMetadata{Name: p.Name, Description: p.Description, CoverArt: p.CoverArt}
	default:
		return f, fmt.Errorf("no metadata for entity type %q", kind)
	}
	return f, nil
}
