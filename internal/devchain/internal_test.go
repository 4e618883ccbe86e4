package devchain

import (
	"bytes"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

func TestCID(t *testing.T) {
	tests := []struct {
		data string
		want string
	}{
		// Values as `ipfs add --cid-version 1 --raw-leaves` reports them.
		{"", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},
		{"hello world", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"},
	}
	for _, tt := range tests {
		if got := CID([]byte(tt.data)); got != tt.want {
			t.Errorf("CID(%q) = %s, want %s", tt.data, got, tt.want)
		}
	}
}

// TestDevKeysStable pins the relayer address: changing how dev keys are
// derived changes the genesis, and every existing dev data directory would
// stop opening.
func TestDevKeysStable(t *testing.T) {
	if got, want := crypto.PubkeyToAddress(RelayerKey().PublicKey), common.HexToAddress("0x995f2731e9e6b0396e58672927d6542f9aae2a85"); got != want {
		t.Errorf("relayer address = %s, want %s", got, want)
	}
	seen := map[common.Address]string{crypto.PubkeyToAddress(RelayerKey().PublicKey): "the relayer"}
	distinct := func(who string, k *ecdsa.PrivateKey) {
		t.Helper()
		a := crypto.PubkeyToAddress(k.PublicKey)
		if other, ok := seen[a]; ok {
			t.Errorf("%s and %s share address %s", other, who, a)
		}
		seen[a] = who
	}
	for id := int64(1); id <= demoUserKeys; id++ {
		distinct(fmt.Sprintf("user %d", id), UserKey(id))
		if !bytes.Equal(crypto.FromECDSA(UserKey(id)), crypto.FromECDSA(DevKey(fmt.Sprintf(userSeed, id)))) {
			t.Errorf("UserKey(%d) is not stable", id)
		}
	}
	distinct("the verifier", VerifierKey())
	for _, a := range demoApps {
		distinct(fmt.Sprintf("app %d", a.n), AppKey(a.n))
		if !bytes.Equal(crypto.FromECDSA(AppKey(a.n)), crypto.FromECDSA(DevKey(fmt.Sprintf(appSeed, a.n)))) {
			t.Errorf("AppKey(%d) is not stable", a.n)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct {
		title string
		id    int64
		want  string
	}{
		{"Harbor Lights (Extended Mix)", 5, "harbor-lights-extended-mix"},
		{"  Salt and Sun ", 9, "salt-and-sun"},
		{"Tromsø — Nights", 1, "tromsø-nights"},
		{"?!", 42, "42"},
	}
	for _, tt := range tests {
		if got := Slug(tt.title, tt.id); got != tt.want {
			t.Errorf("Slug(%q, %d) = %q, want %q", tt.title, tt.id, got, tt.want)
		}
	}
}

// TestDemoPermalinks pins the permalinks the demo promises, as the
// protocol's rules give them: a rename keeps the old slug, a second track of
// the same title by the same owner gets "-1".
func TestDemoPermalinks(t *testing.T) {
	p, err := demoPlan(1_700_000_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id   int64
		want []string
	}{
		{renamedTrack, []string{"harbor-lights-extended-mix", "harbor-lights"}},
		{9, []string{"salt-and-sun"}},
		{twinTrack, []string{"salt-and-sun-1"}},
		{remixTrack, []string{"polar-night-neon-harbor-remix"}},
	} {
		if got := p.track(tt.id).Slugs; !slices.Equal(got, tt.want) {
			t.Errorf("track %d slugs %v, want %v", tt.id, got, tt.want)
		}
	}
	if got := p.playlist(2).Slug; got != "northern-lights" || !p.playlist(2).IsAlbum {
		t.Errorf("album 2 slug %q album=%v, want northern-lights", got, p.playlist(2).IsAlbum)
	}
}

func TestSocketPath(t *testing.T) {
	short := t.TempDir()
	path, tmp, err := socketPath(short)
	if err != nil {
		t.Fatal(err)
	}
	if tmp != "" || !strings.HasPrefix(path, short) {
		t.Errorf("socketPath(%s) = %s, %q; want a path inside the data directory", short, path, tmp)
	}

	long := filepath.Join(t.TempDir(), strings.Repeat("x", maxSocketPath))
	path, tmp, err = socketPath(long)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	if tmp == "" || !strings.HasPrefix(path, tmp) || len(path) > maxSocketPath {
		t.Errorf("socketPath(long) = %s, %q; want a short path in a fresh temporary directory", path, tmp)
	}
	if st, err := os.Stat(tmp); err != nil || !st.IsDir() {
		t.Errorf("temporary socket directory %s: %v", tmp, err)
	}
}

func TestSavedHeads(t *testing.T) {
	dir := t.TempDir()
	heads, err := loadHeads(dir)
	if err != nil || len(heads) != 0 {
		t.Fatalf("loadHeads on a fresh directory = %v, %v; want none", heads, err)
	}
	var want []common.Hash
	for i := range keptHeads + 10 {
		h := common.BigToHash(big.NewInt(int64(i + 1)))
		if heads, err = saveHead(dir, heads, h); err != nil {
			t.Fatal(err)
		}
		want = append([]common.Hash{h}, want...)
	}
	want = want[:keptHeads]
	got, err := loadHeads(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("loaded %d heads, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] || heads[i] != want[i] {
			t.Fatalf("head %d = %s (in memory %s), want %s", i, got[i], heads[i], want[i])
		}
	}

	if err := os.WriteFile(filepath.Join(dir, headFile), []byte("not a hash\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadHeads(dir); err == nil {
		t.Error("loadHeads accepted a corrupt file")
	}
}
