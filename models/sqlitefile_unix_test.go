//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package models_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"staffmgr/models"
)

// TestRestoreOwner: a restore run by root leaves the database to the account that
// owned the one it replaced, so that the server can still open it.
func TestRestoreOwner(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only root gives files away")
	}
	const nobody = 65534
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	db := MustOpen(t, "sqlite:"+path)
	if _, err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "b.db")
	if _, err := models.BackupSQLite(context.Background(), db, backup); err != nil {
		t.Fatal(err)
	}
	if err := models.Close(db); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if _, err := models.RestoreSQLite(context.Background(), backup, path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && (sys.Uid != nobody || sys.Gid != nobody) {
		t.Errorf("restored database owned by %d:%d, want %d", sys.Uid, sys.Gid, nobody)
	}
}
