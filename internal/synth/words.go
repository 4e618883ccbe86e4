package synth

// Word lists the generator draws names, titles and prose from, so metadata
// has the lengths and the variety of real content (titles rarely collide,
// which keeps permalink suffixes as rare as they are in practice).

var adjectives = []string{
	"Polar", "Neon", "Silent", "Golden", "Velvet", "Electric", "Hollow", "Crimson", "Lunar", "Solar",
	"Midnight", "Faded", "Endless", "Broken", "Wild", "Gentle", "Distant", "Frozen", "Burning", "Hidden",
	"Quiet", "Restless", "Cosmic", "Urban", "Paper", "Glass", "Copper", "Amber", "Violet", "Emerald",
	"Slow", "Rapid", "Lazy", "Lucid", "Northern", "Southern", "Eastern", "Western", "Analog", "Digital",
	"Drifting", "Falling", "Rising", "Open", "Secret", "Sacred", "Salty", "Sunny", "Rainy", "Misty",
	"Little", "Great", "Early", "Late", "Final", "First", "Lost", "Found", "Bright", "Dusky",
}

var nouns = []string{
	"Night", "Harbor", "Skyline", "Waves", "Fire", "Glaze", "Steps", "River", "Mountain", "Garden",
	"Signal", "Echo", "Mirror", "Shadow", "Horizon", "Ocean", "Desert", "Forest", "Satellite", "Engine",
	"Heart", "Dream", "Letter", "Window", "Avenue", "Station", "Island", "Valley", "Thunder", "Rain",
	"Summer", "Winter", "Autumn", "Spring", "Morning", "Evening", "Tide", "Storm", "Cloud", "Comet",
	"Orbit", "Pulse", "Rhythm", "Groove", "Chorus", "Anthem", "Ballad", "Lullaby", "Parade", "Carnival",
	"Lights", "Streets", "Rooftops", "Machines", "Circuits", "Gardens", "Mirrors", "Tapes", "Records", "Static",
}

var places = []string{
	"Tromsø, Norway", "Rotterdam, Netherlands", "Chicago, IL", "Lisbon, Portugal", "Berlin, Germany",
	"Lagos, Nigeria", "São Paulo, Brazil", "Seoul, South Korea", "Melbourne, Australia", "Austin, TX",
	"Montréal, Canada", "Mexico City, Mexico", "Nairobi, Kenya", "Kyiv, Ukraine", "Osaka, Japan",
	"Brooklyn, NY", "Glasgow, Scotland", "Marseille, France", "Cape Town, South Africa", "Reykjavík, Iceland",
	"", "", "", "Los Angeles, CA", "Atlanta, GA", "Detroit, MI", "Bristol, UK", "Manila, Philippines",
}

// genreList is a subset of the protocol's genre allowlist.
var genreList = []string{
	"Electronic", "Rock", "Metal", "Alternative", "Hip-Hop/Rap", "Experimental", "Punk", "Folk", "Pop",
	"Ambient", "Soundtrack", "World", "Jazz", "Acoustic", "Funk", "R&B/Soul", "Classical", "Reggae",
	"Country", "Blues", "Latin", "Lo-Fi", "Techno", "Trap", "House", "Deep House", "Disco", "Trance",
	"Downtempo", "Drum & Bass", "Dubstep", "Future Bass",
}

var moods = []string{
	"Peaceful", "Romantic", "Sentimental", "Tender", "Easygoing", "Yearning", "Sophisticated", "Sensual",
	"Cool", "Gritty", "Melancholy", "Serious", "Brooding", "Fiery", "Defiant", "Aggressive", "Rowdy",
	"Excited", "Energizing", "Empowering", "Stirring", "Upbeat", "Other",
}

var tagWords = []string{
	"chill", "night", "summer", "vinyl", "live", "demo", "remix", "edit", "bootleg", "instrumental",
	"vocal", "piano", "guitar", "synth", "808", "ambient", "field recording", "lofi", "club", "dance",
	"study", "sleep", "roadtrip", "rain", "sunset", "retro", "underground", "collab", "original", "cover",
}

var phrases = []string{
	"Recorded in one take on a rainy afternoon.",
	"Written on the night train between two cities.",
	"A slow build that never quite resolves.",
	"Made with an old drum machine and a borrowed synth.",
	"For everyone who stayed until the lights came on.",
	"Mixed at home, mastered at a friend's studio.",
	"The second part of a story that started last year.",
	"Field recordings from the harbour, layered with tape loops.",
	"Thanks to everyone who played the first version.",
	"Headphones recommended.",
	"Sampled from a cassette found in a thrift store.",
	"An old idea, finally finished.",
	"Dedicated to the crew that keeps the warehouse running.",
	"Free to use in your videos with credit.",
	"Original mix. Stems available on request.",
}

var firstNames = []string{
	"Aurora", "Mira", "Lena", "Kai", "Noor", "Jonas", "Ada", "Theo", "Yuki", "Omar", "Ines", "Malik",
	"Sofia", "Ravi", "Eli", "Zara", "Tomás", "Freya", "Kofi", "Lior", "Hana", "Nico", "Amara", "Jude",
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
