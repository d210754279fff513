package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"

	"gorm.io/gorm"

	"staffmgr/models"
)

// holdDatabase marks an SQLite database as in use until release, so that staffmgr
// restore refuses to replace it meanwhile; PostgreSQL needs no hold.
func holdDatabase(dsn string) (release func() error, err error) {
	path, err := models.SQLitePath(dsn)
	if err != nil || path == "" {
		return func() error { return nil }, err
	}
	return models.HoldSQLite(path)
}

// openHeld opens the database and holds it; release closes both.
func openHeld(dsn string) (*gorm.DB, func(), error) {
	// The hold comes first: a restore may not replace the file under an open pool.
	unhold, err := holdDatabase(dsn)
	if err != nil {
		return nil, nil, err
	}
	db, err := models.Open(dsn)
	if err != nil {
		unhold()
		return nil, nil, err
	}
	return db, func() { models.Close(db); unhold() }, nil
}

// openMigrated is openHeld for a command that works on the data: it applies the
// pending migrations first.
func openMigrated(ctx context.Context, dsn string) (*gorm.DB, func(), error) {
	db, release, err := openHeld(dsn)
	if err != nil {
		return nil, nil, err
	}
	if _, err := models.Migrate(ctx, db); err != nil {
		release()
		return nil, nil, err
	}
	return db, release, nil
}

// backupCommand writes a consistent copy of an SQLite database to file while
// servers go on using it. For PostgreSQL it says what to run instead.
func backupCommand(ctx context.Context, cfg Config, file string, stdout io.Writer) error {
	path, err := models.SQLitePath(cfg.DB)
	if err != nil {
		return err
	}
	if path == "" {
		return fmt.Errorf("staffmgr backup copies SQLite databases, and this one is PostgreSQL.\n"+
			"pg_dump makes a consistent copy while the servers run:\n"+
			"  pg_dump --format=custom --file=%s '%s'\n"+
			"and the README (Backups) says how to start from it", file, redacted(cfg.DB))
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("database %s does not exist: nothing to back up", path)
	}
	db, err := models.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer models.Close(db)
	b, err := models.BackupSQLite(ctx, db, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: a consistent copy of %s (%d bytes, schema %s), checked with quick_check\n",
		b.Path, path, b.Bytes, b.Latest)
	return nil
}

// restoreCommand puts a copy in place of the SQLite database, refusing while any
// staffmgr process uses it. For PostgreSQL it says what to run instead.
func restoreCommand(ctx context.Context, cfg Config, file string, stdout io.Writer) error {
	path, err := models.SQLitePath(cfg.DB)
	if err != nil {
		return err
	}
	if path == "" {
		return fmt.Errorf("staffmgr restore replaces SQLite databases, and this one is PostgreSQL.\n"+
			"Stop the servers, then load the pg_dump copy with:\n"+
			"  pg_restore --clean --if-exists --no-owner --dbname='%s' %s\n"+
			"and start them again", redacted(cfg.DB), file)
	}
	r, err := models.RestoreSQLite(ctx, file, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s (schema %s); its %d session(s) and %d login key(s) are ended\n",
		path, file, r.Latest, r.Sessions, r.Keys)
	if r.Replaced != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", r.Replaced)
	}
	return nil
}

// redacted is a database address without its password, to show.
func redacted(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}
