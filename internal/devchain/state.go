package devchain

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Files the dev chain keeps in its data directory beside the node's own.
const (
	headFile  = "head"          // hash of the newest committed block
	stateFile = "devchain.json" // written once the contract is deployed and seeded
)

// state is what a restart needs to skip deployment and seeding. Its file
// exists only once seeding finished, so its presence is the marker.
type state struct {
	ChainID     uint64         `json:"chain_id"`
	Contract    common.Address `json:"contract"`
	DeployBlock uint64         `json:"deploy_block"`
	Seed        SeedResult     `json:"seed"`
}

// writeFileAtomic replaces path with data so a crash leaves either the old
// or the new content, never a torn file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}

func saveHead(dir string, h common.Hash) error {
	return writeFileAtomic(filepath.Join(dir, headFile), []byte(h.Hex()+"\n"))
}

// loadHead returns the saved head hash; ok is false on a first start.
func loadHead(dir string) (h common.Hash, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, headFile))
	if errors.Is(err, fs.ErrNotExist) {
		return common.Hash{}, false, nil
	}
	if err != nil {
		return common.Hash{}, false, fmt.Errorf("reading saved head: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if len(s) != 66 || !strings.HasPrefix(s, "0x") {
		return common.Hash{}, false, fmt.Errorf("reading saved head: %q in %s is not a block hash", s, filepath.Join(dir, headFile))
	}
	return common.HexToHash(s), true, nil
}

func saveState(dir string, st state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding dev chain state: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, stateFile), append(b, '\n'))
}

// loadState returns the saved state; ok is false until seeding finished once.
func loadState(dir string) (st state, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, false, nil
	}
	if err != nil {
		return state{}, false, fmt.Errorf("reading dev chain state: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return state{}, false, fmt.Errorf("decoding dev chain state %s: %w", filepath.Join(dir, stateFile), err)
	}
	return st, true, nil
}
