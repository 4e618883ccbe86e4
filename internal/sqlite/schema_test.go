package sqlite

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSchemaVersionNamesNewestMigration checks that the version a kept
// database is matched against is the one Open migrates to, Go migrations
// included: a data set loaded before migration 12 must not pass for one
// loaded after it.
func TestSchemaVersionNamesNewestMigration(t *testing.T) {
	v, err := SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := migrationProvider(s.w)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.GetDBVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if newest, _, _ := strings.Cut(v, "-"); newest != strconv.FormatInt(got, 10) {
		t.Errorf("SchemaVersion %s names migration %s, Open migrated to %d", v, newest, got)
	}
}
