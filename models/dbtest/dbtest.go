// Package dbtest gives each test a database of its own, migrated and empty: a fresh
// SQLite file, or a fresh schema on the PostgreSQL server named by
// STAFFMGR_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test). When that
// server cannot be reached the PostgreSQL runs are skipped, unless
// STAFFMGR_TEST_POSTGRES_REQUIRED=1, when they fail.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
)

// Kinds are the databases every suite runs on.
var Kinds = []string{models.SQLite, models.Postgres}

// FastPasswords are cheap argon2id parameters for tests; the format is the same.
var FastPasswords = models.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// Each runs fn once per database kind, as the subtests "sqlite" and "postgres", each
// with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			fn(t, Open(t, kind))
		})
	}
}

// EachDSN is like Each but hands over the address of the database instead of an open
// handle, for tests that start a server of their own on it.
func EachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			fn(t, NewDSN(t, kind))
		})
	}
}

// Open returns a fresh, migrated database of the given kind, closed when the test ends.
func Open(t testing.TB, kind string) *gorm.DB {
	t.Helper()
	db, err := models.Open(NewDSN(t, kind))
	if err != nil {
		t.Fatalf("open %s: %v", kind, err)
	}
	t.Cleanup(func() { models.Close(db) })
	if _, err := models.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate %s: %v", kind, err)
	}
	return db
}

// NewDSN creates an empty database of the given kind (an SQLite file in the test's
// temporary folder, or a PostgreSQL schema dropped when the test ends) and returns
// its address in STAFFMGR_DB form. It does not migrate.
func NewDSN(t testing.TB, kind string) string {
	t.Helper()
	if kind == models.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "staffmgr.db")
	}
	admin := postgresAdmin(t)
	schema := "t_" + randomHex(8)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, _ := url.Parse(postgresURL())
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func postgresURL() string {
	if v := os.Getenv("STAFFMGR_TEST_POSTGRES"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

var (
	adminOnce sync.Once
	adminDB   *gorm.DB
	adminErr  error
)

// postgresAdmin returns the shared connection used to create and drop schemas,
// skipping (or failing, when PostgreSQL is required) if the server is unreachable.
func postgresAdmin(t testing.TB) *gorm.DB {
	t.Helper()
	adminOnce.Do(func() {
		adminDB, adminErr = models.Open(postgresURL())
		if adminErr == nil {
			sqlDB, _ := adminDB.DB()
			sqlDB.SetMaxOpenConns(4)
		}
	})
	if adminErr != nil {
		if os.Getenv("STAFFMGR_TEST_POSTGRES_REQUIRED") == "1" {
			t.Fatalf("PostgreSQL is required but unreachable: %v", adminErr)
		}
		t.Skipf("PostgreSQL unreachable, skipped: %v", adminErr)
	}
	return adminDB
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
