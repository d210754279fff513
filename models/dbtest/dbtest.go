// Package dbtest gives each test a database of its own, migrated and empty. The
// migrations run once per test process and kind; each test then gets a copy of the
// result: of the migrated SQLite file, or of a migrated PostgreSQL template database
// (CREATE DATABASE … TEMPLATE), dropped when the test ends. A process's template
// outlives it until the next test process on the server drops it.
//
// PostgreSQL is the server named by STAFFMGR_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test), as a role that may create databases.
// When it cannot be reached the PostgreSQL runs are skipped, unless
// STAFFMGR_TEST_POSTGRES_REQUIRED=1, when they fail. When
// STAFFMGR_TEST_REPORT names a file, each test process that asks for PostgreSQL
// appends one line to it saying whether its PostgreSQL runs ran or were skipped;
// make test sums those lines up.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
)

// Kinds are the databases every suite runs on.
var Kinds = []string{models.SQLite, models.Postgres}

// FastPasswords are cheap argon2id parameters for tests; the format is the same.
var FastPasswords = models.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// Each runs fn once per database kind, as the parallel subtests "sqlite" and
// "postgres", each with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	each(t, true, fn)
}

// EachSerial is Each with the subtests one after the other, for a test that changes
// state the whole process shares (a test that does must not be parallel itself).
func EachSerial(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	each(t, false, fn)
}

func each(t *testing.T, parallel bool, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			if parallel {
				t.Parallel()
			}
			fn(t, Open(t, kind))
		})
	}
}

// EachDSN is like Each but hands over the address of an empty, unmigrated database
// instead of an open handle, for tests that start a server of their own on it.
func EachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, NewDSN(t, kind))
		})
	}
}

// Open returns a fresh, migrated database of the given kind, closed (and on
// PostgreSQL dropped) when the test ends.
func Open(t testing.TB, kind string) *gorm.DB {
	t.Helper()
	return openHandle(t, kind, cloneDSN(t, kind))
}

// EachShared is Each with two handles on the one fresh database, each with a pool
// of its own, as two processes sharing the database would have.
func EachShared(t *testing.T, fn func(t *testing.T, db, other *gorm.DB)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dsn := cloneDSN(t, kind)
			fn(t, openHandle(t, kind, dsn), openHandle(t, kind, dsn))
		})
	}
}

// cloneDSN makes a fresh migrated database of the given kind and returns its address.
func cloneDSN(t testing.TB, kind string) string {
	t.Helper()
	if kind == models.SQLite {
		image, err := sqliteImage()
		if err != nil {
			t.Fatalf("migrated SQLite template: %v", err)
		}
		path := filepath.Join(t.TempDir(), "staffmgr.db")
		if err := os.WriteFile(path, image, 0o600); err != nil {
			t.Fatal(err)
		}
		return "sqlite:" + path
	}
	return postgresClone(t)
}

// openHandle opens dsn, closed when the test ends.
func openHandle(t testing.TB, kind, dsn string) *gorm.DB {
	t.Helper()
	db, err := models.Open(dsn)
	if err != nil {
		t.Fatalf("open %s: %v", kind, err)
	}
	t.Cleanup(func() {
		if err := models.Close(db); err != nil {
			t.Errorf("close %s: %v", kind, err)
		}
	})
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
	s := postgres(t)
	schema := "t_" + randomHex(8)
	if err := s.admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := s.admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u := s.url()
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// The SQLite template: migrated once per process and kept in memory, so that no
// file outlives the process.
var sqliteTemplate struct {
	once  sync.Once
	image []byte
	err   error
}

func sqliteImage() ([]byte, error) {
	sqliteTemplate.once.Do(func() {
		sqliteTemplate.image, sqliteTemplate.err = migratedSQLite()
	})
	return sqliteTemplate.image, sqliteTemplate.err
}

// migratedSQLite migrates a new SQLite file and returns a copy of it made by
// VACUUM INTO: a complete database in one file, with nothing left in a WAL beside it.
func migratedSQLite() ([]byte, error) {
	dir, err := os.MkdirTemp("", "staffmgr-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := models.Open("sqlite:" + filepath.Join(dir, "migrate.db"))
	if err != nil {
		return nil, err
	}
	image := filepath.Join(dir, "image.db")
	_, err = models.Migrate(context.Background(), db)
	if err == nil {
		err = db.Exec("VACUUM INTO ?", image).Error
	}
	if cerr := models.Close(db); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(image)
}

// dbPrefix begins the name of every database the tests create on PostgreSQL: the
// template of a process is dbPrefix and the process's owner id in hex, and each of
// its clones is the template's name, "_" and a number.
const dbPrefix = "staffmgr_test_"

// ownerLockClass is the first key of the advisory locks that tell whether the
// process that created a test database still runs; the second is its owner id.
const ownerLockClass = 0x57AFF7E5

// pgServer is this process's hold on the PostgreSQL server.
type pgServer struct {
	once        sync.Once
	unreachable error // the server could not be reached: its runs are skipped
	err         error // it was reached but could not be made ready: its runs fail
	base        *url.URL
	admin       *gorm.DB // on the server's default database: creates and drops databases
	owner       *sql.Conn
	id          uint32

	templateOnce sync.Once
	templateErr  error
	template     string
	clones       atomic.Int64

	noteOnce sync.Once
}

var pg pgServer

// postgres returns the server, skipping the test if it cannot be reached (failing
// it when PostgreSQL is required).
func postgres(t testing.TB) *pgServer {
	t.Helper()
	pg.once.Do(pg.connect)
	if pg.unreachable != nil {
		if os.Getenv("STAFFMGR_TEST_POSTGRES_REQUIRED") == "1" {
			pg.note(t, "failed", fmt.Errorf("required but unreachable: %w", pg.unreachable))
			t.Fatalf("PostgreSQL is required but unreachable: %v", pg.unreachable)
		}
		pg.note(t, "skipped", pg.unreachable)
		t.Skipf("PostgreSQL unreachable, skipped: %v", pg.unreachable)
	}
	if pg.err != nil {
		pg.note(t, "failed", pg.err)
		t.Fatalf("PostgreSQL: %v", pg.err)
	}
	pg.note(t, "ran", nil)
	return &pg
}

// connect opens the admin connection, takes an owner id for this process and drops
// the databases of test processes that have ended.
func (s *pgServer) connect() {
	raw := postgresURL()
	if s.base, s.err = url.Parse(raw); s.err != nil {
		s.err = fmt.Errorf("STAFFMGR_TEST_POSTGRES: %w", s.err)
		return
	}
	if s.admin, s.unreachable = models.Open(raw); s.unreachable != nil {
		s.unreachable = fmt.Errorf("%s: %w", s.base.Redacted(), s.unreachable)
		return
	}
	s.err = s.claim(context.Background())
}

// claim takes an owner id for this process and drops what ended processes left.
// The owner connection holds the advisory lock on the id for as long as the process
// lives: once it ends, the server releases the lock, and the next test process to
// start drops the databases named after the id.
func (s *pgServer) claim(ctx context.Context) error {
	sqlDB, err := s.admin.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(6)
	if s.owner, err = sqlDB.Conn(ctx); err != nil {
		return err
	}
	for {
		s.id = randomUint32()
		held, err := s.tryLock(ctx, s.id)
		if err != nil {
			return err
		}
		if held {
			return s.dropOrphans(ctx)
		}
	}
}

// tryLock takes the owner lock of id on the owner connection, and reports whether
// it got it.
func (s *pgServer) tryLock(ctx context.Context, id uint32) (bool, error) {
	var held bool
	err := s.owner.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, $2)", ownerLockClass, int32(id)).Scan(&held)
	return held, err
}

// dropOrphans drops the test databases whose process has ended: those whose owner
// lock this process can take.
func (s *pgServer) dropOrphans(ctx context.Context) error {
	var names []string
	if err := s.admin.Raw("SELECT datname FROM pg_database WHERE starts_with(datname, ?) ORDER BY datname DESC", dbPrefix).
		Scan(&names).Error; err != nil {
		return fmt.Errorf("list test databases: %w", err)
	}
	byOwner := map[uint32][]string{}
	for _, name := range names {
		hexID, _, _ := strings.Cut(strings.TrimPrefix(name, dbPrefix), "_")
		id, err := strconv.ParseUint(hexID, 16, 32)
		if err != nil || uint32(id) == s.id {
			continue
		}
		byOwner[uint32(id)] = append(byOwner[uint32(id)], name)
	}
	for id, names := range byOwner {
		held, err := s.tryLock(ctx, id)
		if err != nil {
			return err
		}
		if !held {
			continue // its process still runs
		}
		for _, name := range names { // clones first: they sort after their template
			if err := s.admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error; err != nil {
				return fmt.Errorf("drop the orphaned %s: %w", name, err)
			}
		}
		if _, err := s.owner.ExecContext(ctx, "SELECT pg_advisory_unlock($1, $2)", ownerLockClass, int32(id)); err != nil {
			return err
		}
	}
	return nil
}

// url is the server's address with another database or options.
func (s *pgServer) url() *url.URL {
	u := *s.base
	return &u
}

// note appends this process's outcome to STAFFMGR_TEST_REPORT, once.
func (s *pgServer) note(t testing.TB, outcome string, reason error) {
	t.Helper()
	s.noteOnce.Do(func() {
		path := os.Getenv("STAFFMGR_TEST_REPORT")
		if path == "" {
			return
		}
		line := packageDir() + "\t" + outcome
		if reason != nil {
			line += "\t" + strings.Join(strings.Fields(reason.Error()), " ")
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err == nil {
			_, err = f.WriteString(line + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			t.Errorf("STAFFMGR_TEST_REPORT: %v", err)
		}
	})
}

// postgresClone creates a database from the process's migrated template, dropped
// when the test ends, and returns its address.
func postgresClone(t testing.TB) string {
	t.Helper()
	s := postgres(t)
	s.templateOnce.Do(s.makeTemplate)
	if s.templateErr != nil {
		t.Fatalf("migrated PostgreSQL template: %v", s.templateErr)
	}
	name := fmt.Sprintf("%s_%d", s.template, s.clones.Add(1))
	if err := s.admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + s.template).Error; err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := s.admin.Exec("DROP DATABASE " + name + " WITH (FORCE)").Error; err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u := s.url()
	u.Path = "/" + name
	return u.String()
}

// makeTemplate creates and migrates the process's template database, and closes
// every connection to it: PostgreSQL copies a database only while nobody is
// connected to it, so the template then refuses connections.
func (s *pgServer) makeTemplate() {
	name := fmt.Sprintf("%s%08x", dbPrefix, s.id)
	// template0 takes no connections, so nothing can stand in the way of the copy.
	if err := s.admin.Exec("CREATE DATABASE " + name + " TEMPLATE template0").Error; err != nil {
		s.templateErr = err
		return
	}
	u := s.url()
	u.Path = "/" + name
	db, err := models.Open(u.String())
	if err != nil {
		s.templateErr = err
		return
	}
	_, err = models.Migrate(context.Background(), db)
	if cerr := models.Close(db); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.admin.Exec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false").Error
	}
	s.template, s.templateErr = name, err
}

func postgresURL() string {
	if v := os.Getenv("STAFFMGR_TEST_POSTGRES"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// packageDir is the test's package as a folder of the module, "handlers" or
// "cmd/staffmgr": go test runs a package's tests in its folder.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "?"
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if rel, err := filepath.Rel(dir, wd); err == nil {
				return filepath.ToSlash(rel)
			}
			return wd
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUint32() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])
}

// MustCount returns the number of rows q counts, failing the test if the query
// fails: a check that nothing was written must not pass because its own query broke.
func MustCount(t testing.TB, q *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := q.Count(&n).Error; err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}
