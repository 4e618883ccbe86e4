package sqlite

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// SchemaVersion names the schema this build migrates to on Open: the
// newest migration's version and a digest of every migration's text, so a
// tool that keeps a database between runs (the API benchmark's loaded data
// set) can tell one made under another schema, even one whose newest
// migration was edited rather than followed by another.
func SchemaVersion() (string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return "", fmt.Errorf("list migrations: %w", err)
	}
	var newest int64
	h := sha256.New()
	for _, name := range names { // fs.Glob sorts them
		base := strings.TrimPrefix(name, "migrations/")
		digits, _, _ := strings.Cut(base, "_")
		v, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return "", fmt.Errorf("migration %s: no version number: %w", base, err)
		}
		newest = max(newest, v)
		b, err := fs.ReadFile(migrations, name)
		if err != nil {
			return "", fmt.Errorf("read migration %s: %w", base, err)
		}
		fmt.Fprintf(h, "%s %d\n", base, len(b))
		h.Write(b)
	}
	// Migration 12 is Go (search_owner.go): its triggers' SQL stands for it.
	newest = max(newest, searchOwnerVersion)
	fmt.Fprintf(h, "go %d\n", searchOwnerVersion)
	for _, t := range searchOwnerTriggers {
		h.Write([]byte(t.new))
	}
	return fmt.Sprintf("%d-%s", newest, hex.EncodeToString(h.Sum(nil))[:8]), nil
}
