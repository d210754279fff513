package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SQLitePath returns the file an SQLite database address names, and "" for a
// PostgreSQL address.
func SQLitePath(dsn string) (string, error) {
	kind, driverDSN, err := ParseDSN(dsn)
	if err != nil || kind != SQLite {
		return "", err
	}
	path, _, _ := strings.Cut(driverDSN, "?")
	return path, nil
}

// checkSQLiteFile says which path is wrong and why before SQLite is asked to open
// it, since SQLite says only that it cannot open a file ("out of memory" through
// the pure-Go driver). A missing file is created here, readable by its owner only:
// it will hold password hashes.
func checkSQLiteFile(path string) error {
	if err := checkDir(path); err != nil {
		return fmt.Errorf("database %w", err)
	}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("database %s is a directory", path)
	case err == nil:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("database %s cannot be opened for writing: %w", path, reason(err))
		}
		f.Close()
	case errors.Is(err, fs.ErrNotExist):
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("database %s does not exist and cannot be created: %w", path, reason(err))
		}
		if f != nil {
			f.Close()
		}
	default:
		return fmt.Errorf("database %s: %w", path, reason(err))
	}
	// SQLite keeps its write-ahead log and shared memory in files beside the database.
	if dir := filepath.Dir(path); dirWritable(dir) != nil {
		return fmt.Errorf("database %s: directory %s is not writable (%v), and SQLite keeps its journal files there", path, dir, dirWritable(dir))
	}
	return nil
}

// checkDir checks that the directory of path exists and is a directory.
func checkDir(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: directory %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("%s: directory %s: %w", path, dir, reason(err))
	case !st.IsDir():
		return fmt.Errorf("%s: %s is not a directory", path, dir)
	}
	return nil
}

// reason is the system's word for a failed file operation ("permission denied",
// "read-only file system") without the operation and path, which the caller says.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ErrInUse is returned by HoldSQLite and RestoreSQLite when another process holds
// the database the other way.
var ErrInUse = errors.New("in use by another staffmgr process")

// HoldSQLite marks the SQLite database at path as in use for as long as this process
// keeps it open, so that RestoreSQLite refuses to replace it meanwhile. Any number of
// processes may hold one database; the hold is a shared lock on path.lock, which the
// system lifts when the process ends however it ends. release lifts it earlier.
func HoldSQLite(path string) (release func() error, err error) {
	f, err := lockSQLite(path, false)
	// A restore that has just ended may hold its lock a moment longer, through a
	// process started meanwhile that has not yet let go of what it inherited.
	for wait := 0; errors.Is(err, ErrInUse) && wait < 20; wait++ {
		time.Sleep(50 * time.Millisecond)
		f, err = lockSQLite(path, false)
	}
	if errors.Is(err, ErrInUse) {
		return nil, fmt.Errorf("database %s is being restored (staffmgr restore); start again when it is done", path)
	}
	if err != nil {
		return nil, err
	}
	return f.Close, nil
}

// lockSQLite takes the shared or exclusive lock on path.lock, without waiting. The
// file holds nothing; it is readable by all, so that whichever account made it,
// the account that runs the server can lock it.
func lockSQLite(path string, exclusive bool) (*os.File, error) {
	if err := checkDir(path); err != nil {
		return nil, err
	}
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock file %s: %w", name, reason(err))
	}
	if err := lockFile(f, exclusive); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Schema is what a copy of a database says about itself.
type Schema struct {
	// Latest is the name of its latest migration.
	Latest string
	// Unknown are the versions it records that this build does not have: it was
	// made by a newer staffmgr.
	Unknown []int
}

// schemaOf reads the migrations schema names recorded.
func schemaOf(ctx context.Context, db *gorm.DB, schema string) (Schema, error) {
	var rows []Migration
	err := db.WithContext(ctx).Raw("SELECT version, name FROM " + schema + ".schema_migrations ORDER BY version").Scan(&rows).Error
	if err != nil {
		return Schema{}, fmt.Errorf("no staffmgr schema: %w", err)
	}
	known := map[int]bool{}
	all, err := embedded()
	if err != nil {
		return Schema{}, err
	}
	for _, m := range all {
		known[m.Version] = true
	}
	var s Schema
	for _, r := range rows {
		s.Latest = r.Name
		if !known[r.Version] {
			s.Unknown = append(s.Unknown, r.Version)
		}
	}
	return s, nil
}

// quickCheck runs SQLite's quick_check on schema and returns its complaints.
func quickCheck(ctx context.Context, db *gorm.DB, schema string) error {
	var out []string
	if err := db.WithContext(ctx).Raw("PRAGMA " + schema + ".quick_check").Scan(&out).Error; err != nil {
		return err
	}
	if len(out) != 1 || out[0] != "ok" {
		return fmt.Errorf("quick_check: %s", strings.Join(out, "; "))
	}
	return nil
}

// Backup describes a copy BackupSQLite wrote.
type Backup struct {
	// Path is the file written.
	Path string
	// Bytes is its size.
	Bytes int64
	Schema
}

// BackupSQLite writes a consistent copy of an open SQLite database to target, while
// other connections and processes go on reading and writing it: VACUUM INTO reads
// one snapshot, and in WAL mode a reader holds up no writer. It never overwrites a
// file. The copy is synced to disk and checked (quick_check) before it is reported.
func BackupSQLite(ctx context.Context, db *gorm.DB, target string) (Backup, error) {
	if Kind(db) != SQLite {
		return Backup{}, errors.New("only an SQLite database can be copied this way")
	}
	if _, err := os.Lstat(target); err == nil {
		return Backup{}, fmt.Errorf("%s already exists; a backup never overwrites a file", target)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Backup{}, fmt.Errorf("%s: %w", target, reason(err))
	}
	if err := checkDir(target); err != nil {
		return Backup{}, err
	}
	if err := db.WithContext(ctx).Exec("VACUUM INTO ?", target).Error; err != nil {
		return Backup{}, fmt.Errorf("copy to %s: %w", target, err)
	}
	b, err := checkCopy(ctx, db, target)
	if err != nil {
		os.Remove(target)
		return Backup{}, fmt.Errorf("the copy %s failed its check and was removed: %w", target, err)
	}
	return b, nil
}

// checkCopy syncs a copy to disk (VACUUM INTO does not), then attaches it to one
// connection of db to check it and read its schema.
func checkCopy(ctx context.Context, db *gorm.DB, path string) (Backup, error) {
	if err := syncFile(path); err != nil {
		return Backup{}, err
	}
	b := Backup{Path: path}
	err := db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("ATTACH DATABASE ? AS copy", path).Error; err != nil {
			return err
		}
		defer conn.Exec("DETACH DATABASE copy")
		if err := quickCheck(ctx, conn, "copy"); err != nil {
			return err
		}
		var err error
		b.Schema, err = schemaOf(ctx, conn, "copy")
		return err
	})
	if err != nil {
		return Backup{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return Backup{}, err
	}
	b.Bytes = st.Size()
	return b, nil
}

// syncFile flushes a file and its directory entry to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// Restored describes what RestoreSQLite did.
type Restored struct {
	Schema
	// Sessions and Keys are the sessions and one-time login keys of the copy that
	// the restore ended.
	Sessions, Keys int64
	// Replaced is where the database that was at the path before now is; "" when
	// there was none.
	Replaced string
}

// RestoreSQLite puts a copy made by BackupSQLite (or any staffmgr SQLite database)
// at path, for a server to start from. It refuses while any staffmgr process holds
// the database (HoldSQLite), and changes nothing until the copy has passed its
// check: it is copied beside path, checked, and only then renamed into place. The
// database it replaces is not deleted but renamed to path.before-restore-TIME, after
// its write-ahead log has been merged into it, so that it too is a complete file.
// The copy's sessions and one-time login keys are deleted: those ended or used
// since it was taken (a logout, a password change, a login with the key) would
// otherwise be good again. A copy older than this build is fine (the server migrates it when it starts); one
// made by a newer staffmgr is refused. Run by root, the copy gets the owner of the
// database it replaces, or of its directory, so that the server can open it.
func RestoreSQLite(ctx context.Context, source, path string) (Restored, error) {
	st, err := os.Stat(source)
	if err != nil {
		return Restored{}, fmt.Errorf("%s: %w", source, reason(err))
	}
	if !st.Mode().IsRegular() {
		return Restored{}, fmt.Errorf("%s is not a file", source)
	}
	if cur, err := os.Stat(path); err == nil && os.SameFile(st, cur) {
		return Restored{}, fmt.Errorf("%s is the database itself", source)
	}
	lock, err := lockSQLite(path, true)
	if errors.Is(err, ErrInUse) {
		return Restored{}, fmt.Errorf("database %s is %w (a server, staffmgr migrate or passwd); stop it first, for example with systemctl stop staffmgr", path, ErrInUse)
	}
	if err != nil {
		return Restored{}, err
	}
	defer lock.Close()

	tmp := path + ".restoring"
	if err := removeSQLite(tmp); err != nil {
		return Restored{}, err
	}
	if err := copyFile(source, tmp); err != nil {
		removeSQLite(tmp)
		return Restored{}, err
	}
	var r Restored
	if err = checkRestore(ctx, tmp, &r); err != nil {
		removeSQLite(tmp)
		return Restored{}, fmt.Errorf("%s: %w; nothing was changed", source, err)
	}
	if err := ownLike(tmp, path); err != nil {
		removeSQLite(tmp)
		return Restored{}, fmt.Errorf("%s: %w; nothing was changed", tmp, err)
	}

	if _, err := os.Stat(path); err == nil {
		// Opening and closing the database as the last connection merges its log into
		// it and removes the log, which must not be left to meet the new file.
		db, err := Open("sqlite:" + path)
		if err != nil {
			removeSQLite(tmp)
			return Restored{}, err
		}
		if err := Close(db); err != nil {
			removeSQLite(tmp)
			return Restored{}, err
		}
		if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
			removeSQLite(tmp)
			return Restored{}, fmt.Errorf("database %s still has a write-ahead log after closing; is another program using it? Nothing was changed", path)
		}
		r.Replaced = path + ".before-restore-" + time.Now().Format("20060102-150405")
		if err := os.Rename(path, r.Replaced); err != nil {
			removeSQLite(tmp)
			return Restored{}, fmt.Errorf("move the current database aside: %w; nothing was changed", err)
		}
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
	} else if !errors.Is(err, fs.ErrNotExist) {
		removeSQLite(tmp)
		return Restored{}, fmt.Errorf("database %s: %w", path, reason(err))
	}
	if err := os.Rename(tmp, path); err != nil {
		return r, fmt.Errorf("put the copy in place: %w (the copy is %s, the former database %s)", err, tmp, r.Replaced)
	}
	return r, syncDir(filepath.Dir(path))
}

// checkRestore opens the copy about to be restored, checks it, reads its schema and
// ends its sessions and keys. Closing it leaves one complete file.
func checkRestore(ctx context.Context, path string, r *Restored) error {
	db, err := Open("sqlite:" + path)
	if err != nil {
		return err
	}
	err = func() error {
		if err := quickCheck(ctx, db, "main"); err != nil {
			return err
		}
		var err error
		if r.Schema, err = schemaOf(ctx, db, "main"); err != nil {
			return err
		}
		if len(r.Unknown) > 0 {
			return fmt.Errorf("it was made by a newer staffmgr (migration %d is unknown to this one)", r.Unknown[0])
		}
		return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Exec("DELETE FROM sessions")
			if res.Error != nil {
				return res.Error
			}
			r.Sessions = res.RowsAffected
			res = tx.Exec("DELETE FROM auth_keys")
			r.Keys = res.RowsAffected
			return res.Error
		})
	}()
	if cerr := Close(db); err == nil {
		err = cerr
	}
	if err == nil {
		if _, serr := os.Stat(path + "-wal"); serr == nil {
			err = errors.New("its write-ahead log was not merged on closing")
		}
	}
	return err
}

// copyFile copies source to a new file target and syncs it.
func copyFile(source, target string) error {
	in, err := os.Open(source)
	if err != nil {
		return fmt.Errorf("%s: %w", source, reason(err))
	}
	defer in.Close()
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("%s: %w", target, reason(err))
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy %s to %s: %w", source, target, err)
	}
	return nil
}

// removeSQLite removes a database file and its journal files, if there are any.
func removeSQLite(path string) error {
	for _, name := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", name, reason(err))
		}
	}
	return nil
}
