package devchain

import (
	"bytes"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
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
	seen := map[common.Address]int64{}
	for id := int64(1); id <= demoUserKeys; id++ {
		a := crypto.PubkeyToAddress(UserKey(id).PublicKey)
		if other, ok := seen[a]; ok {
			t.Errorf("users %d and %d share wallet %s", other, id, a)
		}
		seen[a] = id
		if !bytes.Equal(crypto.FromECDSA(UserKey(id)), crypto.FromECDSA(DevKey(fmt.Sprintf(userSeed, id)))) {
			t.Errorf("UserKey(%d) is not stable", id)
		}
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
