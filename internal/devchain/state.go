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

// keptHeads is how many recent heads the head file remembers. The node
// writes to its database asynchronously, so after a crash the newest heads
// may be missing from it; resuming falls back to the newest one that is
// there.
const keptHeads = 256

// saveHead records h as the newest head, keeping the previous ones after it.
func saveHead(dir string, heads []common.Hash, h common.Hash) ([]common.Hash, error) {
	heads = append([]common.Hash{h}, heads[:min(len(heads), keptHeads-1)]...)
	var b strings.Builder
	for _, x := range heads {
		b.WriteString(x.Hex())
		b.WriteByte('\n')
	}
	return heads, writeFileAtomic(filepath.Join(dir, headFile), []byte(b.String()))
}

// loadHeads returns the saved heads, newest first; none on a first start.
func loadHeads(dir string) ([]common.Hash, error) {
	path := filepath.Join(dir, headFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading saved heads: %w", err)
	}
	var heads []common.Hash
	for _, line := range strings.Fields(string(b)) {
		if len(line) != 66 || !strings.HasPrefix(line, "0x") {
			return nil, fmt.Errorf("reading saved heads: %q in %s is not a block hash", line, path)
		}
		heads = append(heads, common.HexToHash(line))
	}
	return heads, nil
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
