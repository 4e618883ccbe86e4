package apibench

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/discovery-node/discovery"
)

// The words names and titles are made of. Real words come first, most
// common first, so a Zipf draw over a list favours them; invented words
// give the long tail a real catalogue has, so search has many distinct
// words to scan and typo matching many near neighbours. Some carry
// diacritics, which search folds.

var firstNames = []string{
	"Maria", "José", "Chloé", "Zoë", "Søren", "Björn", "Renée", "André", "François", "Jürgen",
	"Łukasz", "Ana", "Aiko", "Noor", "Kai", "Lena", "Mira", "Jonas", "Ada", "Theo",
	"Yuki", "Omar", "Inès", "Malik", "Sofia", "Ravi", "Eli", "Zara", "Tomás", "Freya",
	"Kofi", "Lior", "Hana", "Nico", "Amara", "Jude", "Mateo", "Lucía", "Élodie", "Joël",
	"Ingrid", "Dagný", "Ciarán", "Siobhán", "Mónica", "Raúl", "Nuñez", "Emre", "Çağla", "Dmitri",
	"Anya", "Piotr", "Zofia", "Matteo", "Giulia", "Luca", "Chiara", "Jakub", "Tereza", "Ondřej",
	"Hugo", "Camille", "Léa", "Manon", "Lucas", "Emma", "Olivia", "Liam", "Noah", "Ava",
	"Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Ethan", "Mason", "Logan", "Aiden", "Elijah",
	"Sebastián", "Valentina", "Camila", "Santiago", "Daniela", "Gabriel", "Samuel", "David", "Sara", "Laura",
	"Kwame", "Ayo", "Chidi", "Nia", "Imani", "Tariq", "Yusuf", "Leila", "Farah", "Hamza",
	"Ren", "Haruto", "Sakura", "Minji", "Jisoo", "Wei", "Mei", "Jun", "Lan", "Anh",
	"Åsa", "Linnéa", "Ægir", "Øystein", "Maëlle", "Gaël", "Raphaël", "Noémie", "Zoltán", "Ágnes",
}

var lastNames = []string{
	"García", "Müller", "Núñez", "Øvergaard", "Dvořák", "Šimić", "Kowalski", "Smith", "Johnson", "Williams",
	"Brown", "Jones", "Miller", "Davis", "Martínez", "Hernández", "López", "González", "Wilson", "Anderson",
	"Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Pérez", "Thompson", "White", "Harris",
	"Sánchez", "Clark", "Ramírez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
	"Schröder", "Weiß", "Schäfer", "Köhler", "Fischer", "Becker", "Hoffmann", "Wagner", "Bauer", "Richter",
	"Lefèvre", "Dubois", "Moreau", "Laurent", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
	"Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski",
	"Novák", "Svoboda", "Novotný", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec", "Pokorný",
	"Nakamura", "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Kim", "Park", "Choi", "Nguyễn", "Trần",
	"Okafor", "Adeyemi", "Mensah", "Osei", "Diallo", "Traoré", "Haddad", "Nasser", "Yılmaz", "Öztürk",
	"Johansson", "Lindqvist", "Åberg", "Sjöberg", "Björklund", "Hansen", "Jørgensen", "Sigurðsson", "Þórsdóttir", "Ó'Brien",
}

var titleWords = []string{
	"Love", "Night", "Dream", "Fire", "Heart", "Light", "Time", "Summer", "Rain", "Home",
	"Dance", "Blue", "City", "Sky", "Gold", "Lost", "Wild", "Moon", "Sun", "Star",
	"Ocean", "River", "Storm", "Shadow", "Echo", "Midnight", "Golden", "Electric", "Velvet", "Neon",
	"Silent", "Broken", "Endless", "Falling", "Rising", "Forever", "Tonight", "Paradise", "Highway", "Harbor",
	"Skyline", "Waves", "Garden", "Mirror", "Horizon", "Desert", "Forest", "Satellite", "Engine", "Letter",
	"Window", "Avenue", "Station", "Island", "Valley", "Thunder", "Winter", "Autumn", "Spring", "Morning",
	"Evening", "Tide", "Cloud", "Comet", "Orbit", "Pulse", "Rhythm", "Groove", "Chorus", "Anthem",
	"Ballad", "Lullaby", "Parade", "Carnival", "Lights", "Streets", "Rooftops", "Machines", "Circuits", "Tapes",
	"Records", "Static", "Polar", "Crimson", "Lunar", "Solar", "Faded", "Frozen", "Burning", "Hidden",
	"Quiet", "Restless", "Cosmic", "Urban", "Paper", "Glass", "Copper", "Amber", "Violet", "Emerald",
	"Slow", "Rapid", "Lucid", "Northern", "Southern", "Analog", "Digital", "Drifting", "Open", "Secret",
	"Sacred", "Sunny", "Misty", "Little", "Great", "Early", "Late", "Final", "First", "Bright",
	"Café", "Déjà", "Vu", "Naïve", "Señorita", "Corazón", "Élan", "Über", "Fiancé", "Piñata",
	"Noël", "München", "São", "Mañana", "Canción", "Niño", "Fútbol", "Résumé", "Crème", "Brûlée",
	"Smörgåsbord", "Zürich", "Kraków", "Łódź", "Malmö", "Tromsø", "Reykjavík", "Montréal", "Übermensch", "Façade",
	"Soirée", "Rosé", "Saudade", "Amour", "Âme", "Cœur", "Fête", "Rêve", "Étoile", "Lumière",
	"Dancer", "Dancing", "Danger", "Daniel", "Dawn", "Daylight", "Dear", "Deep", "Devil", "Diamond",
	"Disco", "Dizzy", "Drive", "Drum", "Dust", "Machine", "Magic", "Mama", "Marble", "Melody",
	"Memory", "Mercy", "Metal", "Miracle", "Mistake", "Money", "Monster", "Motion", "Mountain", "Music",
	"Saturday", "Sunday", "Monday", "Friday", "Weekend", "Holiday", "Birthday", "Yesterday", "Tomorrow", "Today",
	"Baby", "Babylon", "Back", "Bad", "Ballroom", "Bang", "Beat", "Beautiful", "Bed", "Believe",
	"Berlin", "Better", "Big", "Bird", "Bitter", "Black", "Blood", "Bloom", "Body", "Bones",
	"Boy", "Brave", "Break", "Breathe", "Bridge", "Brother", "Butterfly", "Cage", "California", "Candy",
	"Car", "Careless", "Cherry", "Child", "Chill", "Circle", "Closer", "Cold", "Colors", "Control",
	"Crazy", "Crown", "Cry", "Crystal", "Dark", "Darling", "Daydream", "Feel", "Feeling", "Fever",
	"Fly", "Flower", "Free", "Freedom", "Friend", "Funk", "Future", "Ghost", "Girl", "Glow",
	"Good", "Gravity", "Happy", "Heaven", "Hero", "High", "Hold", "Honey", "Hope", "Hunger",
	"Ice", "Jungle", "Kiss", "Lady", "Lake", "Life", "Line", "Lonely", "Loud", "Lover",
	"Lucky", "Mad", "Never", "New", "Nothing", "Ocean", "Paris", "Party", "Peace", "People",
	"Pink", "Poison", "Power", "Pretty", "Queen", "Radio", "Red", "Ride", "Road", "Rock",
	"Roses", "Run", "Runaway", "Sad", "Safe", "Sea", "Shine", "Silver", "Sleep", "Smoke",
	"Snow", "Soul", "Sound", "Space", "Sweet", "Tears", "Tokyo", "Touch", "Train", "Trouble",
	"Venus", "Vibes", "Voices", "Wake", "Walk", "Water", "White", "Wind", "Wings", "World",
	"Young", "Youth", "Zero", "Zone", "Alone", "Angel", "Animal", "Arrow", "Ashes", "Atlas",
}

// syllables make the invented words of the long tail.
var syllables = []string{
	"ka", "lo", "mi", "ra", "ven", "tor", "sha", "del", "qui", "zu",
	"bel", "nor", "fi", "gan", "the", "ro", "ly", "sa", "mon", "dra",
	"vé", "lu", "ño", "ar", "is", "ek", "pa", "ti", "un", "zor",
	"mé", "ha", "ko", "ri", "bas", "yel", "om", "cri", "ste", "ná",
}

// vocabulary is every word a title is drawn from, real words first.
type vocabulary struct {
	words []string
}

// newVocabulary adds n invented words of two or three syllables to the
// real ones, deterministically.
func newVocabulary(n int) *vocabulary {
	seen := map[string]bool{}
	v := &vocabulary{}
	for _, w := range titleWords {
		if !seen[w] {
			seen[w] = true
			v.words = append(v.words, w)
		}
	}
	s := len(syllables)
	for i := 0; len(v.words) < len(titleWords)+n && i < s*s*s; i++ {
		a, b, c := syllables[i%s], syllables[(i/s)%s], syllables[(i/(s*s))%s]
		w := a + b
		if i%3 != 0 {
			w += c
		}
		first, size := utf8.DecodeRuneInString(w)
		w = string(unicode.ToUpper(first)) + w[size:]
		if !seen[w] {
			seen[w] = true
			v.words = append(v.words, w)
		}
	}
	return v
}

// asciiHandle folds a name to handle letters: lower case, no accents,
// letters and digits only.
func asciiHandle(s string) string {
	var b strings.Builder
	for _, r := range discovery.SearchFold(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
