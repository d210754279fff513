// Package models holds staffmgr's entities, their validation, their queries and
// the schema migrations, on PostgreSQL or the embedded SQLite.
package models

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Database kinds, as gorm's dialector names them.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Now is the clock of every row the models write: UTC, so that times stored as text
// by SQLite compare in the same order as the instants they stand for.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// ParseDSN tells which database a STAFFMGR_DB value names and returns the driver's DSN.
// "postgres://…" and "postgresql://…" are PostgreSQL; "sqlite:PATH" or a bare path is
// an SQLite file.
func ParseDSN(dsn string) (kind, driverDSN string, err error) {
	lower := strings.ToLower(dsn)
	switch {
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return Postgres, dsn, nil
	case dsn == "":
		return "", "", fmt.Errorf("empty database address")
	}
	path := dsn
	if strings.HasPrefix(lower, "sqlite:") {
		path = dsn[len("sqlite:"):]
	}
	if path == "" {
		return "", "", fmt.Errorf("database address %q names no file", dsn)
	}
	if strings.Contains(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return "", "", fmt.Errorf("database address %q: SQLite needs a file path; an in-memory database would not be shared by connections", dsn)
	}
	if strings.Contains(path, "?") {
		return "", "", fmt.Errorf("database address %q: SQLite options are set by staffmgr, not in the address", dsn)
	}
	// WAL lets readers run beside the one writer; immediate transactions take the write
	// lock up front, so two writers queue on busy_timeout instead of failing mid-way.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return SQLite, path + "?" + q.Encode(), nil
}

// Open connects to the database that dsn names (see ParseDSN).
func Open(dsn string) (*gorm.DB, error) {
	kind, driverDSN, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var dialector gorm.Dialector
	if kind == Postgres {
		dialector = postgres.New(postgres.Config{DSN: driverDSN,
			OptionOpenDB: []stdlib.OptionOpenDB{stdlib.OptionShouldPing(shouldPing)}})
	} else {
		path, _, _ := strings.Cut(driverDSN, "?")
		if err := checkSQLiteFile(path); err != nil {
			return nil, err
		}
		dialector = sqlite.Open(driverDSN)
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                Now,
		TranslateError:         true,
		SkipDefaultTransaction: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	// As many idle connections as open ones: with fewer, a burst of requests closes
	// the connections it opened as it ends, and the next burst pays for new ones (on
	// PostgreSQL a server process forked and logged in, on SQLite the pragmas and a
	// read of the schema).
	if kind == SQLite {
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetMaxIdleConns(4)
	} else {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.Ping(); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", kind, err)
	}
	return db, nil
}

// Kind returns Postgres or SQLite for an open database.
func Kind(db *gorm.DB) string { return db.Dialector.Name() }

// Close closes the database's connection pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
