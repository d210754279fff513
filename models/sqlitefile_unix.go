//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package models

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// lockFile takes a shared or exclusive flock on f without waiting; ErrInUse when
// another process holds it the other way. An flock belongs to the open file, not
// to SQLite's fcntl locks on the database, so the two never meet.
func lockFile(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrInUse
	}
	return err
}

// dirWritable reports why this process cannot create files in dir, or nil.
func dirWritable(dir string) error {
	const wOK = 2
	return syscall.Access(dir, wOK)
}

// syncDir flushes a directory's entries (a new or renamed file) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// ownLike gives path the owner of ref, or of ref's directory when ref does not
// exist, when this process runs as root; as anyone else it leaves path alone.
func ownLike(path, ref string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	st, err := os.Stat(ref)
	if err != nil {
		st, err = os.Stat(filepath.Dir(ref))
	}
	if err != nil {
		return err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return os.Chown(path, int(sys.Uid), int(sys.Gid))
}
