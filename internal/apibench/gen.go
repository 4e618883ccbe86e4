package apibench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The generated graph, before it becomes blocks: compact rows indexed from
// 0 (an entity's id is its index + 1), each counter already final, and the
// day (0..timelineDays-1) each row is created on. Generation is a pure
// function of the Dataset: one random stream, drawn in a fixed order.

const (
	// timelineDays is how long the data set's history is; the head block
	// is on its last day.
	timelineDays = 400
	// headDayStart is the start of that last day: a fixed time, so the
	// rankings of a data set are the same whenever it is loaded.
	headDayStart = 1735689600 // 2025-01-01T00:00:00Z
	// playlistShare is the share of reposts and saves that are of playlists.
	playlistShare = 20
)

var (
	genres = []string{"Electronic", "Hip-Hop/Rap", "Pop", "Alternative", "Rock", "House", "Techno", "R&B/Soul",
		"Ambient", "Lo-Fi", "Experimental", "Jazz", "Folk", "Metal", "Punk", "Classical", "Reggae", "Latin",
		"Drum & Bass", "Dubstep", "Trap", "Deep House", "Disco", "Soundtrack", "World", "Funk", "Country", "Blues"}
	moods = []string{"Peaceful", "Romantic", "Sentimental", "Tender", "Easygoing", "Yearning", "Sophisticated",
		"Cool", "Gritty", "Melancholy", "Brooding", "Fiery", "Defiant", "Aggressive", "Excited", "Energizing",
		"Empowering", "Upbeat", "Other"}
	locations = []string{"Tromsø, Norway", "Rotterdam", "Chicago, IL", "Lisbon", "Berlin", "Lagos", "São Paulo",
		"Seoul", "Melbourne", "Austin, TX", "Montréal", "Mexico City", "Nairobi", "Kyiv", "Osaka", "Brooklyn, NY", ""}
)

type userRow struct {
	name, handle          string
	day                   int32
	deactivated, verified bool
	followers, following  int32
	tracks, playlists     int32
	albums, reposts       int32
	artistWord            string // names the user's remixes
}

type trackRow struct {
	owner           int32
	title, slug     string
	genre, mood     uint8
	day             int32
	remixOf, stemOf int32 // parent index + 1; 0 when none
	unlisted        bool
	reposts, saves  int32
	plays           int64
}

type playlistRow struct {
	owner          int32
	name, slug     string
	day            int32
	album, private bool
	tracks         []int32
	reposts, saves int32
}

// edges are follows (to: a user) or reposts and saves (to: a track index,
// or -(playlist index + 1)), grouped by source user in order.
type edges struct {
	src, to []int32
	day     []int16
}

func (e *edges) add(src, to int32, day int32) {
	e.src, e.to, e.day = append(e.src, src), append(e.to, to), append(e.day, int16(day))
}

type playDayRow struct {
	track, day, count int32
}

type graph struct {
	d         Dataset
	users     []userRow
	tracks    []trackRow
	playlists []playlistRow
	follows   edges
	reposts   edges
	saves     edges
	plays     []playDayRow
	userRank  []int32 // user indexes, most popular first
	trackRank []int32 // track indexes, most played and reposted first
}

// maxFollowing bounds how many users one user follows.
func maxFollowing(users int) int { return min(users-1, 5000) }

// generate makes the graph of d.
func generate(d Dataset) (*graph, error) {
	if err := d.Sizes.validate(); err != nil {
		return nil, err
	}
	g := &graph{d: d}
	r := rand.New(rand.NewPCG(d.Seed, 0xa91be9c4))
	vocab := newVocabulary(max(2000, d.Sizes.Tracks/50))
	g.genUsers(r)
	g.genTracks(r, vocab)
	g.genPlaylists(r, vocab)
	g.genFollows(r)
	g.genItems(r, &g.reposts, d.Sizes.Reposts, true)
	g.genItems(r, &g.saves, d.Sizes.Saves, false)
	if err := g.genPlays(r); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *graph) genUsers(r *rand.Rand) {
	n := g.d.Sizes.Users
	g.userRank = perm(r, n)
	rankOf := make([]int32, n)
	for k, u := range g.userRank {
		rankOf[u] = int32(k)
	}
	first, last := newZipf(len(firstNames), 0.8), newZipf(len(lastNames), 0.8)
	words := newZipf(len(titleWords), 1)
	taken := make(map[string]bool, n)
	g.users = make([]userRow, n)
	for i := range g.users {
		u := &g.users[i]
		u.day = int32(r.IntN(timelineDays * 9 / 10))
		f := firstNames[first.draw(r)]
		switch r.IntN(10) {
		case 0: // an artist name
			w := titleWords[words.draw(r)]
			u.name, u.artistWord = "DJ "+w, w
		case 1:
			w := titleWords[words.draw(r)]
			u.name, u.artistWord = f+" & "+w, f
		default:
			u.name, u.artistWord = f+" "+lastNames[last.draw(r)], f
		}
		h := asciiHandle(u.name)
		if len(h) > 20 {
			h = h[:20]
		}
		if h == "" || taken[h] {
			h += strconv.Itoa(i + 1)
		}
		taken[h] = true
		u.handle = h
		top := rankOf[i] < 1000
		u.deactivated = !top && r.IntN(200) == 0
		u.verified = int(rankOf[i]) < n/100 || r.IntN(500) == 0
	}
}

func (g *graph) genTracks(r *rand.Rand, vocab *vocabulary) {
	n := g.d.Sizes.Tracks
	artists := newZipf(max(10, g.d.Sizes.Users*2/5), 0.7)
	words := newZipf(len(vocab.words), 1.05)
	genre, mood := newZipf(len(genres), 0.9), newZipf(len(moods), 0.5)
	lastOf := make([]int32, g.d.Sizes.Users) // each owner's latest track + 1
	slugs := make(map[string]bool, n)
	g.tracks = make([]trackRow, n)
	for i := range g.tracks {
		t := &g.tracks[i]
		t.owner = g.userRank[artists.draw(r)]
		owner := &g.users[t.owner]
		t.day = owner.day + int32(r.IntN(timelineDays-int(owner.day)))
		t.title = title(r, vocab, words, 1+r.IntN(4))
		t.genre, t.mood = uint8(genre.draw(r)), uint8(mood.draw(r))
		switch x := r.IntN(200); {
		case x < 6 && i > 0: // a remix of an earlier track
			if p := int32(r.IntN(i)); g.tracks[p].day <= t.day {
				t.remixOf = p + 1
				t.title = g.tracks[p].title + " (" + owner.artistWord + " Remix)"
			}
		case x == 6 && lastOf[t.owner] > 0: // a stem of the owner's latest track
			if p := lastOf[t.owner] - 1; g.tracks[p].day <= t.day {
				t.stemOf, t.unlisted = p+1, true
			}
		case x < 11:
			t.unlisted = true
		}
		t.slug = uniqueSlug(slugs, t.owner, t.title, i)
		lastOf[t.owner] = int32(i) + 1
		owner.tracks++
	}
	// Tracks by appeal: mostly chance, a little the owner's popularity.
	g.trackRank = perm(r, n)
}

// title joins words drawn from the vocabulary.
func title(r *rand.Rand, vocab *vocabulary, words *zipf, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = vocab.words[words.draw(r)]
	}
	return strings.Join(parts, " ")
}

// uniqueSlug is a title's permalink, made unique among its owner's.
func uniqueSlug(taken map[string]bool, owner int32, title string, i int) string {
	s := slugOf(title)
	key := strconv.Itoa(int(owner)) + "/" + s
	if taken[key] {
		s += "-" + strconv.Itoa(i+1)
		key = strconv.Itoa(int(owner)) + "/" + s
	}
	taken[key] = true
	return s
}

// slugOf is the content indexer's slug: lower-case letters and digits
// joined by dashes.
func slugOf(title string) string {
	f := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, "-")
}

func (g *graph) genPlaylists(r *rand.Rand, vocab *vocabulary) {
	n := g.d.Sizes.Playlists
	words := newZipf(len(vocab.words), 1.05)
	pick := newZipf(len(g.tracks), 1)
	byOwner := make([][]int32, len(g.users))
	for i, t := range g.tracks {
		if t.stemOf == 0 {
			byOwner[t.owner] = append(byOwner[t.owner], int32(i))
		}
	}
	slugs := map[string]bool{}
	seen := newMarks(len(g.tracks))
	suffixes := []string{"Mix", "Vibes", "Favorites", "Playlist", "Selection", "Rotation", "Sessions"}
	g.playlists = make([]playlistRow, n)
	for i := range g.playlists {
		p := &g.playlists[i]
		p.owner = int32(r.IntN(len(g.users)))
		owner := &g.users[p.owner]
		p.day = owner.day + int32(r.IntN(timelineDays-int(owner.day)))
		p.private = r.IntN(33) == 0
		seen.reset()
		if own := byOwner[p.owner]; len(own) >= 3 && r.IntN(4) == 0 {
			for _, t := range own {
				if g.tracks[t].day <= p.day && len(p.tracks) < 12 {
					p.tracks = append(p.tracks, t)
				}
			}
			p.album = len(p.tracks) >= 3
		}
		if !p.album {
			p.tracks = p.tracks[:0]
			want := 3 + r.IntN(28)
			for tries := 0; tries < 200 && len(p.tracks) < want; tries++ {
				t := g.trackRank[pick.draw(r)]
				if tr := &g.tracks[t]; tr.day <= p.day && !tr.unlisted && seen.add(t) {
					p.tracks = append(p.tracks, t)
				}
			}
		}
		p.name = title(r, vocab, words, 1+r.IntN(2)) + " " + suffixes[r.IntN(len(suffixes))]
		p.slug = uniqueSlug(slugs, p.owner, p.name, i)
		if p.album {
			owner.albums++
		} else {
			owner.playlists++
		}
	}
}

// genFollows gives each user a log-normal number of followees, drawn by
// popularity: the most popular users are followed by most others.
func (g *graph) genFollows(r *rand.Rand) {
	n := len(g.users)
	degree := spread(r, n, g.d.Sizes.Follows, maxFollowing(n), 1.1)
	pop := newZipf(n, 1)
	seen := newMarks(n)
	g.follows = edges{src: make([]int32, 0, g.d.Sizes.Follows), to: make([]int32, 0, g.d.Sizes.Follows),
		day: make([]int16, 0, g.d.Sizes.Follows)}
	for a := range g.users {
		seen.reset()
		seen.add(int32(a))
		got := 0
		for tries := 0; got < degree[a] && tries < 50*degree[a]+100; tries++ {
			b := g.userRank[pop.draw(r)]
			if tries >= 40*degree[a] { // the popular are taken: anyone
				b = int32(r.IntN(n))
			}
			if !seen.add(b) {
				continue
			}
			day := max(g.users[a].day, g.users[b].day)
			g.follows.add(int32(a), b, day+int32(r.IntN(timelineDays-int(day))))
			g.users[a].following++
			g.users[b].followers++
			got++
		}
	}
}

// genItems makes reposts or saves: a log-normal number per user, of
// listed tracks (and public playlists) drawn by appeal, never one's own.
func (g *graph) genItems(r *rand.Rand, e *edges, total int, repost bool) {
	n := len(g.users)
	limit := min(len(g.tracks)/4, 3000)
	count := spread(r, n, total, limit, 1.3)
	trackPick, listPick := newZipf(len(g.tracks), 1), newZipf(len(g.playlists), 1)
	seenT, seenP := newMarks(len(g.tracks)), newMarks(len(g.playlists))
	*e = edges{src: make([]int32, 0, total), to: make([]int32, 0, total), day: make([]int16, 0, total)}
	for a := range g.users {
		seenT.reset()
		seenP.reset()
		u := &g.users[a]
		got := 0
		for tries := 0; got < count[a] && tries < 50*count[a]+100; tries++ {
			var (
				to      int32
				day     int32
				counter *int32
			)
			if r.IntN(playlistShare) == 0 {
				p := int32(listPick.draw(r))
				pl := &g.playlists[p]
				if pl.private || pl.owner == int32(a) || !seenP.add(p) {
					continue
				}
				to, day = -(p + 1), pl.day
				counter = &pl.saves
				if repost {
					counter = &pl.reposts
				}
			} else {
				t := g.trackRank[trackPick.draw(r)]
				if tries >= 40*count[a] {
					t = int32(r.IntN(len(g.tracks)))
				}
				tr := &g.tracks[t]
				if tr.unlisted || tr.owner == int32(a) || !seenT.add(t) {
					continue
				}
				to, day = t, tr.day
				counter = &tr.saves
				if repost {
					counter = &tr.reposts
				}
			}
			day = max(day, u.day)
			e.add(int32(a), to, day+int32(r.IntN(timelineDays-int(day))))
			*counter++
			if repost {
				u.reposts++
			}
			got++
		}
	}
}

// genPlays makes the (track, day) play counters, popular tracks on more
// days, each day after the track's creation.
func (g *graph) genPlays(r *rand.Rand) error {
	want := g.d.Sizes.PlayDays
	pick := newZipf(len(g.tracks), 0.9)
	counts := make(map[uint64]int32, want)
	for tries := 0; len(counts) < want; tries++ {
		if tries > 50*want+1000 {
			return fmt.Errorf("only %d distinct play days of %d wanted: too few tracks", len(counts), want)
		}
		t := g.trackRank[pick.draw(r)]
		tr := &g.tracks[t]
		day := tr.day + int32(r.IntN(timelineDays-int(tr.day)))
		c := 1 + int32(r.ExpFloat64()*25)
		counts[uint64(t)<<16|uint64(day)] += c
		tr.plays += int64(c)
	}
	keys := make([]uint64, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	g.plays = make([]playDayRow, len(keys))
	for i, k := range keys {
		g.plays[i] = playDayRow{track: int32(k >> 16), day: int32(k & 0xffff), count: counts[k]}
	}
	return nil
}

// perm is a random permutation of 0..n-1.
func perm(r *rand.Rand, n int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	r.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}
