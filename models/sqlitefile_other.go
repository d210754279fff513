//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package models

import "os"

// lockFile takes no lock here: a restore cannot tell whether a server holds the
// database, so the server must be stopped first, as the README says.
func lockFile(*os.File, bool) error { return nil }

// dirWritable cannot tell here; SQLite's own error says it later.
func dirWritable(string) error { return nil }

// syncDir has nothing to flush here: directories cannot be synced.
func syncDir(string) error { return nil }

// ownLike leaves owners alone here.
func ownLike(string, string) error { return nil }
