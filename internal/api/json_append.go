package api

import (
	"strconv"

	"github.com/discovery-node/discovery/internal/jsontext"
)

// Hand-written JSON for users and tracks, the shapes of every lookup and of
// most lists: encoding/json walks their forty-odd fields by reflection on
// every request, which was the largest cost of a lookup after the store and
// gzip. The output is byte for byte what encoding/json writes (with HTML
// escaping, as json.Encoder does by default); json_append_test.go checks
// that on values with every field filled at random, so a field added to a
// shape and not here fails it.

// appendData appends the JSON of data when it has a hand-written encoding.
func appendData(b []byte, data any) ([]byte, bool) {
	switch d := data.(type) {
	case userJSON:
		return d.appendJSON(b), true
	case trackJSON:
		return d.appendJSON(b), true
	case []userJSON:
		return appendList(b, d, (*userJSON).appendJSON), true
	case []trackJSON:
		return appendList(b, d, (*trackJSON).appendJSON), true
	}
	return b, false
}

// appendList appends a list as encoding/json does: null when nil.
func appendList[T any](b []byte, list []T, appendOne func(*T, []byte) []byte) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendOne(&list[i], b)
	}
	return append(b, ']')
}

func (u *userJSON) appendJSON(b []byte) []byte {
	b = jsontext.AppendString(append(b, `{"id":`...), u.ID)
	b = jsontext.AppendString(append(b, `,"handle":`...), u.Handle)
	b = jsontext.AppendString(append(b, `,"name":`...), u.Name)
	b = jsontext.AppendString(append(b, `,"bio":`...), u.Bio)
	b = jsontext.AppendString(append(b, `,"location":`...), u.Location)
	b = strconv.AppendBool(append(b, `,"is_verified":`...), u.IsVerified)
	b = strconv.AppendBool(append(b, `,"is_deactivated":`...), u.IsDeactivated)
	b = strconv.AppendBool(append(b, `,"is_available":`...), u.IsAvailable)
	b = jsontext.AppendString(append(b, `,"wallet":`...), u.Wallet)
	b = jsontext.AppendString(append(b, `,"erc_wallet":`...), u.ERCWallet)
	b = jsontext.AppendString(append(b, `,"spl_wallet":`...), u.SPLWallet)
	b = jsontext.AppendString(append(b, `,"spl_usdc_wallet":`...), u.SPLUSDCWallet)
	b = strconv.AppendInt(append(b, `,"follower_count":`...), u.FollowerCount, 10)
	b = strconv.AppendInt(append(b, `,"followee_count":`...), u.FolloweeCount, 10)
	b = strconv.AppendInt(append(b, `,"track_count":`...), u.TrackCount, 10)
	b = strconv.AppendInt(append(b, `,"playlist_count":`...), u.PlaylistCount, 10)
	b = strconv.AppendInt(append(b, `,"album_count":`...), u.AlbumCount, 10)
	b = strconv.AppendInt(append(b, `,"repost_count":`...), u.RepostCount, 10)
	b = strconv.AppendInt(append(b, `,"supporter_count":`...), u.SupporterCount, 10)
	b = strconv.AppendInt(append(b, `,"supporting_count":`...), u.SupportingCount, 10)
	b = strconv.AppendInt(append(b, `,"total_audio_balance":`...), u.TotalAudioBalance, 10)
	b = strconv.AppendBool(append(b, `,"verified_with_twitter":`...), u.VerifiedWithTwitter)
	b = strconv.AppendBool(append(b, `,"verified_with_instagram":`...), u.VerifiedWithInstagram)
	b = strconv.AppendBool(append(b, `,"verified_with_tiktok":`...), u.VerifiedWithTikTok)
	if u.ProfilePicture != nil {
		b = u.ProfilePicture.appendJSON(append(b, `,"profile_picture":`...))
	}
	if u.CoverPhoto != nil {
		b = appendOptional(append(b, `,"cover_photo":{`...), "640x", u.CoverPhoto.Small, true)
		b = appendOptional(b, "2000x", u.CoverPhoto.Large, u.CoverPhoto.Small == "")
		b = append(b, '}')
	}
	if u.ArtistPickTrackID != "" {
		b = jsontext.AppendString(append(b, `,"artist_pick_track_id":`...), u.ArtistPickTrackID)
	}
	b = appendFlag(b, `,"does_current_user_follow":`, u.DoesCurrentUserFollow)
	b = appendFlag(b, `,"does_follow_current_user":`, u.DoesFollowCurrentUser)
	return append(b, '}')
}

// appendFlag appends an omitempty *bool field, field being its comma,
// name and colon.
func appendFlag(b []byte, field string, v *bool) []byte {
	if v == nil {
		return b
	}
	return strconv.AppendBool(append(b, field...), *v)
}

func (s *squareImageJSON) appendJSON(b []byte) []byte {
	b = appendOptional(append(b, '{'), "150x150", s.Small, true)
	b = appendOptional(b, "480x480", s.Medium, s.Small == "")
	b = appendOptional(b, "1000x1000", s.Large, s.Small == "" && s.Medium == "")
	return append(b, '}')
}

// appendOptional appends an omitempty string field, first says whether no
// field came before it in its object.
func appendOptional(b []byte, name, v string, first bool) []byte {
	if v == "" {
		return b
	}
	if !first {
		b = append(b, ',')
	}
	b = append(append(append(b, '"'), name...), `":`...)
	return jsontext.AppendString(b, v)
}

func (t *trackJSON) appendJSON(b []byte) []byte {
	b = jsontext.AppendString(append(b, `{"id":`...), t.ID)
	b = jsontext.AppendString(append(b, `,"title":`...), t.Title)
	b = jsontext.AppendString(append(b, `,"genre":`...), t.Genre)
	b = jsontext.AppendString(append(b, `,"mood":`...), t.Mood)
	b = jsontext.AppendString(append(b, `,"tags":`...), t.Tags)
	b = jsontext.AppendString(append(b, `,"description":`...), t.Description)
	b = jsontext.AppendString(append(b, `,"release_date":`...), t.ReleaseDate)
	b = strconv.AppendInt(append(b, `,"duration":`...), t.Duration, 10)
	b = jsontext.AppendString(append(b, `,"track_cid":`...), t.TrackCID)
	b = t.Artwork.appendJSON(append(b, `,"artwork":`...))
	b = jsontext.AppendString(append(b, `,"permalink":`...), t.Permalink)
	b = strconv.AppendInt(append(b, `,"repost_count":`...), t.RepostCount, 10)
	b = strconv.AppendInt(append(b, `,"favorite_count":`...), t.FavoriteCount, 10)
	b = strconv.AppendInt(append(b, `,"play_count":`...), t.PlayCount, 10)
	b = strconv.AppendInt(append(b, `,"comment_count":`...), t.CommentCount, 10)
	b = strconv.AppendBool(append(b, `,"is_downloadable":`...), t.IsDownloadable)
	b = strconv.AppendBool(append(b, `,"is_original_available":`...), t.IsOriginalAvailable)
	b = strconv.AppendBool(append(b, `,"is_streamable":`...), t.IsStreamable)
	b = appendList(append(b, `,"remix_of":{"tracks":`...), t.RemixOf.Tracks, func(e *trackElementJSON, b []byte) []byte {
		return append(jsontext.AppendString(append(b, `{"parent_track_id":`...), e.ParentTrackID), '}')
	})
	b = t.User.appendJSON(append(b, `},"user":`...))
	b = appendList(append(b, `,"followee_reposts":`...), t.FolloweeReposts, appendEmpty)
	b = appendList(append(b, `,"followee_favorites":`...), t.FolloweeFavorites, appendEmpty)
	b = appendList(append(b, `,"track_segments":`...), t.TrackSegments, appendEmpty)
	b = appendFlag(b, `,"has_current_user_reposted":`, t.HasCurrentUserReposted)
	b = appendFlag(b, `,"has_current_user_saved":`, t.HasCurrentUserSaved)
	return append(b, '}')
}

func appendEmpty(_ *struct{}, b []byte) []byte { return append(b, "{}"...) }
