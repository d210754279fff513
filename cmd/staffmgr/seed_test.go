package main

import (
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// TestSeed fills a database, and checks that what it wrote is what the server's own
// saves would have written: the cards' numbers in their normal form and in the
// employees' lists of numbers, and memberships in the departments.
func TestSeed(t *testing.T) {
	t.Parallel()
	dbtest.EachDSN(t, func(t *testing.T, dsn string) {
		code, out, errOut := runImport(t, "", "seed", "-db", dsn, "--employees", "60", "--departments", "4", "--password", "Seeded-pass-1")
		if code != 0 {
			t.Fatalf("seed: %d %s %s", code, out, errOut)
		}
		db, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if sqlDB, err := db.DB(); err == nil {
				sqlDB.Close()
			}
		})
		var staff []models.Account
		if err := db.Where("level >= 28 AND login <> ?", models.RootLogin).Find(&staff).Error; err != nil {
			t.Fatal(err)
		}
		if len(staff) != 60 {
			t.Fatalf("%d employees, want 60", len(staff))
		}
		for _, a := range staff {
			for _, n := range []string{a.Phone, a.Mobile} {
				if norm, err := models.ParsePhone(n); err != nil || norm != n {
					t.Fatalf("%s: number %q is not in its normal form (%q, %v)", a.Login, n, norm, err)
				}
			}
			var listed []string
			if err := db.Raw(`SELECT p.number FROM employee_numbers AS e JOIN phone_numbers AS p ON p.id = e.number_id
				WHERE e.account_id = ? ORDER BY e.position`, a.ID).Scan(&listed).Error; err != nil {
				t.Fatal(err)
			}
			want := []string{a.Phone}
			if a.Mobile != a.Phone {
				want = append(want, a.Mobile)
			}
			if strings.Join(listed, " ") != strings.Join(want, " ") {
				t.Fatalf("%s: numbers %v, want %v", a.Login, listed, want)
			}
		}
		if n := dbtest.MustCount(t, db.Table("department_members")); n == 0 {
			t.Error("no memberships")
		}

		code, _, errOut = runImport(t, "", "seed", "-db", dsn, "--employees", "5", "--departments", "1")
		if code == 0 || !strings.Contains(errOut, "--force") {
			t.Errorf("a second seed without --force: %d %s", code, errOut)
		}
	})
}
