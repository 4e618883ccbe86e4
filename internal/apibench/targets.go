package apibench

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/discovery-node/discovery/internal/api/hashid"
)

// The requests of each endpoint, made from the graph so every one names
// something that is there. Each endpoint has a fixed list; clients walk
// it round-robin.

// Paging of the list endpoints: page 50 of the API's largest page starts
// at offset 4,900; a smoke run's small data set uses the default page.
const (
	maxListLimit = 100
	deepPage     = 50
)

// request is one GET of an endpoint. nonEmpty says the data set
// guarantees a non-empty "data" answer.
type request struct {
	path     string
	nonEmpty bool
}

// Endpoint is one measured endpoint: its name, the target it is judged by,
// and its requests.
type Endpoint struct {
	Name   string
	Target Target
	reqs   []request
}

// Target is what an endpoint must achieve.
type Target struct {
	Kind      string  // "lookup", "list" or "search"
	MinPerSec float64 // 0: no rate target
	MaxP99Ms  float64
}

func (t Target) String() string {
	if t.MinPerSec > 0 {
		return "≥ " + commas(int64(t.MinPerSec)) + " req/s, p99 < " + ftoa(t.MaxP99Ms) + " ms"
	}
	return "p99 < " + ftoa(t.MaxP99Ms) + " ms"
}

// The targets of issue 5.
var (
	lookupTarget = Target{Kind: "lookup", MinPerSec: 10_000, MaxP99Ms: 10}
	listTarget   = Target{Kind: "list", MaxP99Ms: 25}
	searchTarget = Target{Kind: "search", MaxP99Ms: 50}
)

// requestsPerEndpoint bounds each endpoint's list of requests.
const requestsPerEndpoint = 4000

// endpoints returns the measured endpoints of g's data set, in report
// order, with lists paged by limit.
func (g *graph) endpoints(limit int) []Endpoint {
	r := rand.New(rand.NewPCG(g.d.Seed, 0x7a6e7))
	active := func(u int32) bool { return !g.users[u].deactivated }
	var (
		users, tracks, popular, feeders []int32
	)
	for range requestsPerEndpoint {
		users = append(users, int32(r.IntN(len(g.users))))
	}
	for len(tracks) < requestsPerEndpoint {
		if t := int32(r.IntN(len(g.tracks))); active(g.tracks[t].owner) {
			tracks = append(tracks, t)
		}
	}
	// The most followed users with page 50 of followers (with room for
	// the deactivated followers lists leave out), and the users who
	// follow the most.
	byFollowers, byFollowing := make([]int32, len(g.users)), make([]int32, len(g.users))
	for i := range byFollowers {
		byFollowers[i], byFollowing[i] = int32(i), int32(i)
	}
	slices.SortFunc(byFollowers, func(a, b int32) int { return int(g.users[b].followers - g.users[a].followers) })
	slices.SortFunc(byFollowing, func(a, b int32) int { return int(g.users[b].following - g.users[a].following) })
	for _, u := range byFollowers {
		if len(popular) == 200 || int(g.users[u].followers) < deepPage*limit+limit {
			break
		}
		if active(u) {
			popular = append(popular, u)
		}
	}
	for _, u := range byFollowing {
		if len(feeders) == 200 || g.users[u].following < 50 {
			break
		}
		if active(u) {
			feeders = append(feeders, u)
		}
	}

	var (
		getUser, getTrack, first, deep, feed, signedIn []request
	)
	for _, u := range users {
		getUser = append(getUser, request{"/v1/users/" + hid(u), true})
		signedIn = append(signedIn, request{"/v1/tracks/trending?time=week&user_id=" + hid(u), true})
	}
	for _, t := range tracks {
		getTrack = append(getTrack, request{"/v1/tracks/" + hid(t), true})
	}
	for _, u := range popular {
		first = append(first, request{fmt.Sprintf("/v1/users/%s/followers?limit=%d", hid(u), limit), true})
		deep = append(deep, request{fmt.Sprintf("/v1/users/%s/followers?limit=%d&offset=%d", hid(u), limit, (deepPage-1)*limit), true})
	}
	for _, u := range feeders {
		feed = append(feed, request{"/v1/users/" + hid(u) + "/feed", true})
	}
	return []Endpoint{
		{Name: "get user", Target: lookupTarget, reqs: getUser},
		{Name: "get track", Target: lookupTarget, reqs: getTrack},
		{Name: "followers, page 1", Target: listTarget, reqs: first},
		{Name: "followers, page 50", Target: listTarget, reqs: deep},
		// One URL for everyone, which serve answers from its per-head
		// answer cache; then the same ranking for many viewers, which the
		// cache never serves, so it measures the computation.
		{Name: "trending week", Target: listTarget, reqs: []request{{"/v1/tracks/trending?time=week", true}}},
		{Name: "trending week, signed-in", Target: listTarget, reqs: signedIn},
		{Name: "feed", Target: listTarget, reqs: feed},
		{Name: "user search", Target: searchTarget, reqs: g.userQueries(r)},
		{Name: "track search", Target: searchTarget, reqs: g.trackQueries(r)},
	}
}

// hid is the hashid of index i's entity.
func hid(i int32) string { return hashid.Encode(int64(i) + 1) }

func (g *graph) userQueries(r *rand.Rand) []request {
	var out []request
	for len(out) < requestsPerEndpoint {
		u := &g.users[r.IntN(len(g.users))]
		if u.deactivated {
			continue
		}
		q, sure := query(r, u.name, len(out))
		out = append(out, request{"/v1/users/search?query=" + url.QueryEscape(q), sure})
	}
	return out
}

func (g *graph) trackQueries(r *rand.Rand) []request {
	var out []request
	for len(out) < requestsPerEndpoint {
		t := &g.tracks[r.IntN(len(g.tracks))]
		if t.unlisted || g.users[t.owner].deactivated {
			continue
		}
		q, sure := query(r, t.title, len(out))
		out = append(out, request{"/v1/tracks/search?query=" + url.QueryEscape(q), sure})
	}
	return out
}

// query makes the i-th search for an entity named name, in turn: a whole
// word, a prefix of three or four letters, a two-letter prefix (what a
// search box sends as one types), a word with two letters swapped, and a
// word followed by a prefix of another. All but the typo are sure to find
// the entity's name, which search must rank somewhere.
func query(r *rand.Rand, name string, i int) (q string, sure bool) {
	// Words as search splits them; a one-letter word is no prefix.
	words := slices.DeleteFunc(strings.FieldsFunc(name, func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c) && !unicode.IsMark(c)
	}), func(w string) bool { return len([]rune(w)) < 2 })
	if len(words) == 0 {
		return name, false
	}
	w := []rune(words[r.IntN(len(words))])
	switch i % 5 {
	case 0:
		return string(w), true
	case 1:
		if len(w) > 3 {
			return string(w[:3+r.IntN(min(2, len(w)-3))]), true
		}
		return string(w), true
	case 2:
		return string(w[:min(2, len(w))]), true
	case 3:
		if len(w) >= 5 {
			k := 1 + r.IntN(len(w)-3)
			w[k], w[k+1] = w[k+1], w[k]
			return string(w), false
		}
		return string(w), true
	default:
		if len(words) < 2 {
			return string(w), true
		}
		a, b := r.IntN(len(words)), r.IntN(len(words)-1)
		if b >= a {
			b++
		}
		second := []rune(words[b])
		return words[a] + " " + string(second[:min(len(second), 3)]), true
	}
}
