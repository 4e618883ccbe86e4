package devchain

import "fmt"

// LoadSeed returns what the dev chain in dataDir was seeded with, without
// starting it; ok is false until a Start finished seeding there. Tests and
// tools use it to know what an index of that chain must contain.
func LoadSeed(dataDir string) (SeedResult, bool, error) {
	st, ok, err := loadState(dataDir)
	if err != nil {
		return SeedResult{}, false, fmt.Errorf("load seed of %s: %w", dataDir, err)
	}
	return st.Seed, ok, nil
}
