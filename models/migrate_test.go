package models_test

import (
	"context"
	"sync"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// MustOpen opens the database a DSN names and closes it when the test ends.
func MustOpen(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	db, err := models.Open(dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { models.Close(db) })
	return db
}

// appliedVersions returns the versions recorded in schema_migrations, in order.
func appliedVersions(t *testing.T, db *gorm.DB) []int {
	t.Helper()
	var versions []int
	if err := db.Table("schema_migrations").Order("version").Pluck("version", &versions).Error; err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return versions
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := MustOpen(t, dbtest.NewDSN(t, kind))
			if got := models.Kind(db); got != kind {
				t.Fatalf("Kind = %q, want %q", got, kind)
			}
			if db.Migrator().HasTable("accounts") {
				t.Fatal("a fresh database already has the accounts table")
			}

			applied, err := models.Migrate(ctx, db)
			if err != nil {
				t.Fatalf("first Migrate: %v", err)
			}
			if len(applied) == 0 || applied[0] != "0001_init" {
				t.Fatalf("first Migrate applied %q, want 0001_init first", applied)
			}
			all, err := models.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != len(all) {
				t.Errorf("first Migrate applied %d migrations, want all %d", len(applied), len(all))
			}
			for _, table := range []string{"accounts", "sessions", "auth_keys", "list_prefs", "schema_migrations"} {
				if !db.Migrator().HasTable(table) {
					t.Errorf("table %s missing after Migrate", table)
				}
			}
			var rec struct {
				Version int
				Name    string
			}
			if err := db.Table("schema_migrations").Where("version = ?", 1).Take(&rec).Error; err != nil {
				t.Fatalf("0001 not recorded: %v", err)
			}
			if rec.Name != "0001_init" {
				t.Errorf("recorded name %q, want 0001_init", rec.Name)
			}

			again, err := models.Migrate(ctx, db)
			if err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			if len(again) != 0 {
				t.Errorf("second Migrate applied %q, want nothing", again)
			}
			if got := appliedVersions(t, db); len(got) != len(all) {
				t.Errorf("schema_migrations holds %v after two runs, want each of %d versions once", got, len(all))
			}
		})
	}
}

// Several processes starting at once on one fresh PostgreSQL schema: every Migrate
// succeeds and each migration is applied, and recorded, once.
func TestMigrateConcurrentPostgres(t *testing.T) {
	t.Parallel()
	const processes = 6
	dsn := dbtest.NewDSN(t, models.Postgres)
	dbs := make([]*gorm.DB, processes)
	for i := range dbs {
		dbs[i] = MustOpen(t, dsn)
	}
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		errs    = make([]error, processes)
		applied = make([][]string, processes)
	)
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			applied[i], errs[i] = models.Migrate(context.Background(), db)
		}()
	}
	close(start)
	wg.Wait()

	total := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: Migrate: %v", i, err)
		}
		total += len(applied[i])
	}
	all, err := models.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if total != len(all) {
		t.Errorf("the processes applied %d migrations in all (%q), want %d", total, applied, len(all))
	}
	if got := appliedVersions(t, dbs[0]); len(got) != len(all) {
		t.Errorf("schema_migrations holds %v, want each of %d versions once", got, len(all))
	}
}
