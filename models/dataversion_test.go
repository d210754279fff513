package models_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/list"
	"staffmgr/rights"
)

// mustVersion reads the data version through db.
func mustVersion(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	v, err := models.ReadVersions(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return v.Data
}

// Every committed change of accounts, departments and memberships moves the data
// version on, as a second pool on the same database (another process) reads it; a
// change rolled back does not.
func TestDataVersionMovesWithEveryWrite(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		ctx := context.Background()
		a := MustCreateAccount(t, db, "ver1", rights.Admin)
		var dept int64
		if err := db.Raw("SELECT id FROM departments ORDER BY id LIMIT 1").Scan(&dept).Error; err != nil || dept == 0 {
			t.Fatalf("a department: %d %v", dept, err)
		}
		writes := []struct {
			name  string
			write func(db *gorm.DB) error
		}{
			{"insert account", func(db *gorm.DB) error {
				_, err := models.CreateAccount(ctx, db, dbtest.FastPasswords, "ver2", rights.Admin, Password)
				return err
			}},
			{"update account", func(db *gorm.DB) error { return models.SetEnabled(ctx, db, a.ID, false) }},
			{"password", func(db *gorm.DB) error { return models.SetPassword(ctx, db, dbtest.FastPasswords, a.ID, "Other-pass2") }},
			{"insert membership", func(db *gorm.DB) error { return models.SetMembership(ctx, db, a.ID, dept, true) }},
			{"update membership", func(db *gorm.DB) error { return models.SetMembership(ctx, db, a.ID, dept, false) }},
			{"delete membership", func(db *gorm.DB) error { return models.DeleteMembership(ctx, db, a.ID, dept) }},
			{"rename department", func(db *gorm.DB) error {
				return db.Exec("UPDATE departments SET name = 'Renamed' WHERE id = ?", dept).Error
			}},
			{"insert department", func(db *gorm.DB) error {
				return db.Exec("INSERT INTO departments (name, description, created_at, updated_at) VALUES ('New', '', ?, ?)",
					models.Now(), models.Now()).Error
			}},
			{"delete department", func(db *gorm.DB) error { return db.Exec("DELETE FROM departments WHERE name = 'New'").Error }},
			{"page size", func(db *gorm.DB) error { return models.SavePageSize(ctx, db, a.ID, "employee", 50) }},
			{"page size again", func(db *gorm.DB) error { return models.SavePageSize(ctx, db, a.ID, "employee", 20) }},
			{"delete account", func(db *gorm.DB) error { return models.DeleteAccount(ctx, db, a.ID) }},
		}
		for i, w := range writes {
			writer, reader := db, other
			if i%2 == 1 {
				writer, reader = other, db
			}
			before := mustVersion(t, reader)
			if err := w.write(writer); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			if after := mustVersion(t, reader); after <= before {
				t.Errorf("%s: the other pool reads version %d after it, %d before", w.name, after, before)
			}
		}
		before := mustVersion(t, other)
		err := db.Transaction(func(tx *gorm.DB) error {
			if _, err := models.CreateAccount(ctx, tx, dbtest.FastPasswords, "ver3", rights.Admin, Password); err != nil {
				return err
			}
			if v := mustVersion(t, other); v != before {
				t.Errorf("an uncommitted write shows to another pool: version %d, was %d", v, before)
			}
			return fmt.Errorf("roll back")
		})
		if err == nil {
			t.Fatal("the transaction committed")
		}
		if v := mustVersion(t, other); v != before {
			t.Errorf("a rolled-back write moved the version from %d to %d", before, v)
		}
	})
}

// The staff list answered from ranked keys is the list SQL answers, for every sort,
// direction, filter and page, and stays so after writes made through another pool.
func TestListStaffRanked(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		ctx := context.Background()
		names := []string{"Ivanov Ivan", "Petrov Pyotr", "ivanova Anna", "Sidorov Ivan", "Ivashov Oleg", ""}
		for i := 0; i < 30; i++ {
			a := MustCreateAccount(t, db, fmt.Sprintf("emp%02d", (i*7)%30), rights.Admin)
			if err := db.Exec("UPDATE accounts SET realname = ?, email = ? WHERE id = ?",
				names[i%len(names)], fmt.Sprintf("e%d@example.com", i%4), a.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		ranked := &list.Ranked{}
		var compareOnce func(when string)
		// compare asks twice: the first answer may come from SQL while the keys
		// are read, the second comes from the keys read at the current version.
		compare := func(when string) {
			t.Helper()
			compareOnce(when)
			ranked.Wait()
			hits := ranked.Hits()
			compareOnce(when + ", from the kept keys")
			if got := ranked.Hits() - hits; got != 10 {
				t.Errorf("%s: the kept keys answered %d of 10 requests", when, got)
			}
		}
		compareOnce = func(when string) {
			t.Helper()
			for _, params := range []map[string]string{
				{}, {"p_col": "name"}, {"p_col": "-name", "p_num": "2", "p_cnt": "7"},
				{"p_col": "realname", "p_num": "3", "p_cnt": "5"}, {"p_col": "-email", "p_cnt": "4", "p_num": "5"},
				{"realname": "ivan*", "p_col": "name"}, {"realname": "ivan*", "p_col": "-realname", "p_cnt": "2", "p_num": "2"},
				{"email": "e1*", "p_cnt": "3"}, {"p_num": "99", "p_cnt": "20"}, {"status": "disabled"},
			} {
				q, err := models.StaffList.Parse(values(params), list.State{Inline: true})
				if err != nil {
					t.Fatal(err)
				}
				want, wantTotal, err := models.ListStaff(ctx, db, q, models.StaffPage{})
				if err != nil {
					t.Fatal(err)
				}
				got, total, err := models.ListStaff(ctx, db, q, models.StaffPage{Ranked: ranked, Versions: models.Versions{Data: mustVersion(t, db)}})
				if err != nil {
					t.Fatal(err)
				}
				if total != wantTotal || !reflect.DeepEqual(ids(got), ids(want)) {
					t.Errorf("%s, %v: ranked gives %d %v, SQL %d %v", when, params, total, ids(got), wantTotal, ids(want))
				}
			}
		}
		compare("at first")
		// Another process renames, suspends, adds and deletes: the next list through
		// the first pool sees each change.
		if err := other.Exec("UPDATE accounts SET realname = 'Ivanenko Boris' WHERE login = 'emp03'").Error; err != nil {
			t.Fatal(err)
		}
		compare("after a rename elsewhere")
		if err := models.SetEnabled(ctx, other, MustFindLogin(t, other, "emp05"), false); err != nil {
			t.Fatal(err)
		}
		compare("after a suspension elsewhere")
		MustCreateAccount(t, other, "aaa-first", rights.Admin)
		compare("after a new employee elsewhere")
		if err := models.DeleteAccount(ctx, other, MustFindLogin(t, other, "emp10")); err != nil {
			t.Fatal(err)
		}
		compare("after a deletion elsewhere")
	})
}

// A Ranked keeps no more keys than MaxKeys, dropping the least recently used query.
func TestRankedBound(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, models.SQLite)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		MustCreateAccount(t, db, fmt.Sprintf("bound%02d", i), rights.Admin)
	}
	ranked := &list.Ranked{MaxKeys: 15}
	for _, sort := range []string{"name", "-name", "id", "name"} {
		q, err := models.StaffList.Parse(values(map[string]string{"p_col": sort}), list.State{})
		if err != nil {
			t.Fatal(err)
		}
		_, total, err := models.ListStaff(ctx, db, q, models.StaffPage{Ranked: ranked, Versions: models.Versions{Data: mustVersion(t, db)}})
		if err != nil || total != 10 {
			t.Fatalf("sorted by %s: %d, %v", sort, total, err)
		}
		ranked.Wait()
		if held := ranked.Held(); held > 15 {
			t.Errorf("after %s the cache holds %d keys, more than 15", sort, held)
		}
	}
}

// MustFindLogin returns the id of the account with login.
func MustFindLogin(t *testing.T, db *gorm.DB, login string) int64 {
	t.Helper()
	a, err := models.FindAccountByLogin(context.Background(), db, login)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

type values map[string]string

func (v values) Get(name string) string { return v[name] }

func ids(rows []models.StaffRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}
