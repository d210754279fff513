package models_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"staffmgr/models"
)

// TestOpenSQLitePath: a file that cannot be used is named with the reason, before
// SQLite says "out of memory".
func TestOpenSQLitePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "s.db"), "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{filepath.Join(file, "s.db"), file + " is not a directory"},
		{filepath.Join(dir, "sub.db"), filepath.Join(dir, "sub.db") + " is a directory"},
	} {
		db, err := models.Open("sqlite:" + tt.path)
		if err == nil {
			models.Close(db)
			t.Errorf("%s opened", tt.path)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "out of memory") {
			t.Errorf("%s: %v, want %q", tt.path, err, tt.want)
		}
	}

	// A new database is readable by its owner only: it holds password hashes.
	path := filepath.Join(dir, "new.db")
	MustOpen(t, "sqlite:"+path)
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("new database: %v %v", st.Mode(), err)
	}
}

// TestOpenSQLitePermission needs an account that permissions apply to.
func TestOpenSQLitePermission(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root is never denied")
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	_, err := models.Open("sqlite:" + filepath.Join(ro, "s.db"))
	if err == nil || !strings.Contains(err.Error(), "cannot be created: permission denied") {
		t.Errorf("database in a read-only directory: %v", err)
	}
	path := filepath.Join(dir, "s.db")
	if err := os.WriteFile(path, nil, 0o400); err != nil {
		t.Fatal(err)
	}
	_, err = models.Open("sqlite:" + path)
	if err == nil || !strings.Contains(err.Error(), "cannot be opened for writing: permission denied") {
		t.Errorf("read-only database: %v", err)
	}
}

// TestHoldSQLite: a restore refuses while a hold is kept, and a process starting
// during a restore is refused.
func TestHoldSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	db := MustOpen(t, "sqlite:"+path)
	if _, err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if _, err := models.BackupSQLite(context.Background(), db, copyPath); err != nil {
		t.Fatal(err)
	}
	release, err := models.HoldSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := models.HoldSQLite(path) // two servers may share a database
	if err != nil {
		t.Fatal(err)
	}
	_, err = models.RestoreSQLite(context.Background(), copyPath, path)
	if !errors.Is(err, models.ErrInUse) {
		t.Errorf("restore while held: %v", err)
	}
	release()
	second()
	if _, err := os.Stat(path + ".restoring"); !os.IsNotExist(err) {
		t.Errorf("a refused restore left its copy: %v", err)
	}
}
