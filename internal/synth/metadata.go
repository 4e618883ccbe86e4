package synth

import (
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// Metadata is rendered by appending to a buffer, not with encoding/json:
// the generator must stay far faster than the indexer it feeds. The fields
// and their sizes follow what the protocol's clients put on chain, unknown
// fields included, since skipping them is part of an indexer's work.

// h is a deterministic hash of an entity and a field, so an entity's
// descriptive text is a function of its id, not of generation order.
func (s *state) h(id int32, field uint64) uint64 {
	return mix64(s.salt ^ uint64(id)<<20 ^ field*0x2545f4914f6cdd1d)
}

func pick(list []string, h uint64) string { return list[h%uint64(len(list))] }

// appendQuoted appends s as a JSON string. The word lists hold no quotes,
// backslashes or control characters, but handles and titles are escaped
// anyway so a change of list cannot produce invalid JSON unnoticed.
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

func appendKey(dst []byte, first bool, key string) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, key...)
	return append(dst, '"', ':')
}

func appendStrField(dst []byte, key, v string) []byte {
	return appendQuoted(appendKey(dst, false, key), v)
}

func appendIntField(dst []byte, key string, v int64) []byte {
	return strconv.AppendInt(appendKey(dst, false, key), v, 10)
}

func appendRawField(dst []byte, key, raw string) []byte {
	return append(appendKey(dst, false, key), raw...)
}

// appendFakeCID appends a CIDv0-shaped string ("Qm" and 44 base58
// characters). Inline metadata's CIDs are recorded, not fetched, so they
// need not address anything.
func appendFakeCID(dst []byte, h uint64) []byte {
	dst = append(dst, 'Q', 'm')
	for i := range 44 {
		if i%10 == 0 {
			h = mix64(h + uint64(i))
		}
		dst = append(dst, base58Alphabet[h%58])
		h /= 58
	}
	return dst
}

func appendCIDField(dst []byte, key string, h uint64) []byte {
	dst = append(appendKey(dst, false, key), '"')
	dst = appendFakeCID(dst, h)
	return append(dst, '"')
}

// realCID returns a CIDv1 (raw, sha2-256, base32) of b: metadata named by a
// bare CID is checked to be a real one before it is queued for fetching.
func realCID(b []byte) string {
	sum := sha256.Sum256(b)
	raw := append([]byte{0x01, 0x55, 0x12, 0x20}, sum[:]...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
}

// appendHandle appends user id's handle after ver renames: a letters-only
// word, '_', the id in base 36 and, once renamed, ".v" and the count. The
// id part makes it unique in any letter case.
func (s *state) appendHandle(dst []byte, id int32, ver uint8) []byte {
	h := s.h(id, 1)
	word := pick(firstNames, h)
	if h&1 == 0 {
		word = pick(adjectives, h>>8) + pick(nouns, h>>16)
	}
	if h&2 == 0 {
		word = strings.ToLower(word)
	}
	dst = append(dst, word...)
	dst = append(dst, '_')
	dst = strconv.AppendInt(dst, int64(id), 36)
	if ver > 0 {
		dst = append(dst, '.', 'v')
		dst = strconv.AppendInt(dst, int64(ver), 10)
	}
	return dst
}

// appendProse appends up to max bytes of sentences chosen by h.
func appendProse(dst []byte, h uint64, sentences, max int) []byte {
	start := len(dst)
	for i := range sentences {
		p := pick(phrases, mix64(h+uint64(i)))
		if len(dst)-start+len(p)+1 > max {
			break
		}
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, p...)
	}
	return dst
}

// appendEnvelopeStart opens the inline form {"cid": ..., "data": {.
func appendEnvelopeStart(dst []byte, h uint64) []byte {
	dst = append(dst, `{"cid":"`...)
	dst = appendFakeCID(dst, h)
	return append(dst, `","data":{`...)
}

// userMetadata renders a User Create or, with update set, a User Update
// that changes some profile fields (and, when rename, the handle).
func (s *state) userMetadata(dst []byte, id int32, update, rename bool, nonce uint64) []byte {
	u := s.users[id]
	h := s.h(id, 2) ^ nonce
	dst = appendEnvelopeStart(dst, h)
	dst = appendKey(dst, true, "name")
	name := pick(firstNames, h>>3) + " " + pick(nouns, h>>9)
	if h%3 == 0 {
		name = pick(adjectives, h>>5) + " " + pick(nouns, h>>11)
	}
	dst = appendQuoted(dst, name)
	if !update || rename {
		dst = appendKey(dst, false, "handle")
		dst = append(dst, '"')
		dst = s.appendHandle(dst, id, u.handleVer)
		dst = append(dst, '"')
	}
	dst = appendKey(dst, false, "bio")
	dst = append(dst, '"')
	dst = appendProse(dst, h>>13, int(h>>40)%4, 256)
	dst = append(dst, '"')
	dst = appendStrField(dst, "location", pick(places, h>>17))
	dst = appendCIDField(dst, "profile_picture", h+1)
	dst = appendCIDField(dst, "profile_picture_sizes", h+2)
	dst = appendCIDField(dst, "cover_photo", h+3)
	dst = appendCIDField(dst, "cover_photo_sizes", h+4)
	if update {
		return append(dst, "}}"...)
	}
	dst = appendRawField(dst, "is_storage_v2", "true")
	dst = appendStrField(dst, "creator_node_endpoint", "https://creatornode2.audius.co,https://audius-content-7.figment.io,https://creatornode.audius.prod-us-west-2.staked.cloud")
	dst = appendRawField(dst, "associated_wallets", "null")
	dst = appendRawField(dst, "associated_sol_wallets", "null")
	dst = appendRawField(dst, "collectibles", "null")
	dst = appendRawField(dst, "playlist_library", `{"contents":[]}`)
	dst = appendRawField(dst, "events", `{"is_mobile_user":false,"referrer":null}`)
	dst = appendRawField(dst, "allow_ai_attribution", "false")
	dst = appendStrField(dst, "twitter_handle", strings.ToLower(pick(nouns, h>>21))+strconv.Itoa(int(id)))
	dst = appendRawField(dst, "instagram_handle", "null")
	dst = appendRawField(dst, "tiktok_handle", "null")
	dst = appendStrField(dst, "website", "https://"+strings.ToLower(pick(nouns, h>>23))+".example")
	dst = appendRawField(dst, "donation", "null")
	dst = appendRawField(dst, "spl_usdc_payout_wallet", "null")
	return append(dst, "}}"...)
}

// trackTitle is track id's title after ver renames.
func (s *state) trackTitle(id int32, ver uint8) string {
	h := s.h(id, 3) + uint64(ver)*0x51
	switch h % 4 {
	case 0:
		return pick(adjectives, h>>4) + " " + pick(nouns, h>>12)
	case 1:
		return pick(nouns, h>>4) + " of the " + pick(adjectives, h>>12) + " " + pick(nouns, h>>20)
	case 2:
		return pick(adjectives, h>>4) + " " + pick(nouns, h>>12) + " (" + pick(firstNames, h>>20) + " Remix)"
	default:
		return pick(nouns, h>>4) + " " + strconv.Itoa(int(h>>30)%99+1)
	}
}

// trackMetadata renders a Track Create or Update. parents are remix
// parents, stemOf a stem parent (0: none).
func (s *state) trackMetadata(dst []byte, id int32, t trackState, parents []int32, stemOf int32, nonce uint64) []byte {
	h := s.h(id, 4) ^ nonce
	dst = appendEnvelopeStart(dst, h)
	dst = appendKey(dst, true, "owner_id")
	dst = strconv.AppendInt(dst, int64(t.owner), 10)
	dst = appendStrField(dst, "title", s.trackTitle(id, t.titleVer))
	dst = appendStrField(dst, "genre", pick(genreList, h>>3))
	dst = appendStrField(dst, "mood", pick(moods, h>>9))
	dst = appendKey(dst, false, "tags")
	dst = append(dst, '"')
	for i := range int(h>>14)%5 + 1 {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, pick(tagWords, mix64(h+uint64(i)))...)
	}
	dst = append(dst, '"')
	dst = appendKey(dst, false, "description")
	dst = append(dst, '"')
	dst = appendProse(dst, h>>19, int(h>>44)%6, 1000)
	dst = append(dst, '"')
	dst = appendStrField(dst, "release_date", "2024-"+strconv.Itoa(int(h>>24)%12+1)+"-"+strconv.Itoa(int(h>>28)%28+1))
	dst = appendIntField(dst, "duration", int64(h>>32)%420+60)
	dst = appendCIDField(dst, "track_cid", h+5)
	dst = appendCIDField(dst, "preview_cid", h+6)
	dst = appendCIDField(dst, "orig_file_cid", h+7)
	dst = appendStrField(dst, "orig_filename", strings.ToLower(pick(nouns, h>>36))+"_master.wav")
	dst = appendCIDField(dst, "cover_art", h+8)
	dst = appendCIDField(dst, "cover_art_sizes", h+9)
	dst = appendRawField(dst, "is_unlisted", "false")
	dst = appendRawField(dst, "field_visibility", `{"genre":true,"mood":true,"tags":true,"share":true,"play_count":true,"remixes":true}`)
	dst = appendStrField(dst, "license", "All rights reserved")
	dst = appendRawField(dst, "isrc", "null")
	dst = appendRawField(dst, "iswc", "null")
	dst = appendRawField(dst, "download", `{"cid":null,"is_downloadable":false,"requires_follow":false}`)
	dst = appendRawField(dst, "is_downloadable", "false")
	dst = appendRawField(dst, "is_original_available", "false")
	dst = appendRawField(dst, "is_stream_gated", "false")
	dst = appendRawField(dst, "stream_conditions", "null")
	dst = appendRawField(dst, "is_download_gated", "false")
	dst = appendRawField(dst, "download_conditions", "null")
	dst = appendRawField(dst, "ai_attribution_user_id", "null")
	dst = appendIntField(dst, "preview_start_seconds", int64(h>>40)%60)
	dst = appendRawField(dst, "bpm", "null")
	dst = appendRawField(dst, "musical_key", "null")
	dst = appendRawField(dst, "credits_splits", "null")
	dst = appendRawField(dst, "track_segments", "[]")
	if len(parents) > 0 {
		dst = appendKey(dst, false, "remix_of")
		dst = append(dst, `{"tracks":[`...)
		for i, p := range parents {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"parent_track_id":`...)
			dst = strconv.AppendInt(dst, int64(p), 10)
			dst = append(dst, '}')
		}
		dst = append(dst, "]}"...)
	} else {
		dst = appendRawField(dst, "remix_of", "null")
	}
	if stemOf != 0 {
		dst = appendKey(dst, false, "stem_of")
		dst = append(dst, `{"parent_track_id":`...)
		dst = strconv.AppendInt(dst, int64(stemOf), 10)
		dst = append(dst, `,"category":"other"}`...)
	}
	return append(dst, "}}"...)
}

// playlistMetadata renders a Playlist Create or Update listing tracks.
func (s *state) playlistMetadata(dst []byte, id int32, album bool, tracks []int32, at uint64, nonce uint64) []byte {
	h := s.h(id, 5) ^ nonce
	dst = appendEnvelopeStart(dst, h)
	dst = appendKey(dst, true, "playlist_name")
	dst = appendQuoted(dst, pick(adjectives, h>>3)+" "+pick(nouns, h>>9)+" "+pick([]string{"Mix", "Vol. 2", "Sessions", "Selects", "Tape", "EP", "LP"}, h>>15))
	dst = appendKey(dst, false, "description")
	dst = append(dst, '"')
	dst = appendProse(dst, h>>19, int(h>>44)%3, 1000)
	dst = append(dst, '"')
	dst = appendRawField(dst, "is_album", strconv.FormatBool(album))
	dst = appendRawField(dst, "is_private", "false")
	dst = appendCIDField(dst, "cover_art", h+1)
	dst = appendCIDField(dst, "cover_art_sizes", h+2)
	dst = appendRawField(dst, "is_image_autogenerated", "true")
	dst = appendKey(dst, false, "playlist_contents")
	dst = append(dst, `{"track_ids":[`...)
	for i, t := range tracks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"track":`...)
		dst = strconv.AppendInt(dst, int64(t), 10)
		dst = append(dst, `,"time":`...)
		dst = strconv.AppendUint(dst, at, 10)
		dst = append(dst, '}')
	}
	dst = append(dst, "]}"...)
	dst = appendRawField(dst, "upc", "null")
	dst = appendRawField(dst, "release_date", "null")
	dst = appendRawField(dst, "ddex_app", "null")
	return append(dst, "}}"...)
}
