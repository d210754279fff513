package models_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

func TestPageSize(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		bob := MustCreateAccount(t, db, "bob", rights.Admin)

		pageSize := func(account int64, list string) int {
			t.Helper()
			n, err := models.PageSize(ctx, db, account, list)
			if err != nil {
				t.Fatalf("PageSize(%d, %s): %v", account, list, err)
			}
			return n
		}
		save := func(account int64, list string, size int) {
			t.Helper()
			if err := models.SavePageSize(ctx, db, account, list, size); err != nil {
				t.Fatalf("SavePageSize(%d, %s, %d): %v", account, list, size, err)
			}
		}

		if n := pageSize(alice.ID, "employee"); n != 0 {
			t.Errorf("page size before any save = %d, want 0", n)
		}
		save(alice.ID, "employee", 50)
		save(alice.ID, "employee", 100) // an upsert, not a second row
		save(alice.ID, "department", 20)
		save(bob.ID, "employee", 10)

		for _, c := range []struct {
			account int64
			list    string
			want    int
		}{
			{alice.ID, "employee", 100},
			{alice.ID, "department", 20},
			{bob.ID, "employee", 10},
			{bob.ID, "department", 0},
		} {
			if n := pageSize(c.account, c.list); n != c.want {
				t.Errorf("PageSize(%d, %s) = %d, want %d", c.account, c.list, n, c.want)
			}
		}
		if rows := dbtest.MustCount(t, db.Model(&models.ListPref{})); rows != 3 {
			t.Errorf("%d list_prefs rows, want 3", rows)
		}

		// The preference belongs to an account: an unknown one is refused by the
		// foreign key on both databases.
		if err := models.SavePageSize(ctx, db, bob.ID+1000, "employee", 10); err == nil {
			t.Error("SavePageSize for an unknown account succeeded")
		}
	})
}
