package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

func TestWriteJournal(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		anna := MustCreateAccount(t, db, "anna", rights.Admin)
		root := MustCreateAccount(t, db, "boss", rights.Root)

		e := &models.JournalEntry{Func: "employee.edit", Elid: "7", IP: "192.0.2.1", Params: `{"name":"x"}`}
		e.SetAccounts(anna, root)
		if err := models.WriteJournal(ctx, db, e); err != nil {
			t.Fatal(err)
		}
		failed := &models.JournalEntry{Func: "employee.delete", Elid: strings.Repeat("9", 2000)}
		failed.SetAccounts(anna, nil)
		failed.SetError(errs.Invalid("elid", strings.Repeat("1", 2000), "No"))
		if err := models.WriteJournal(ctx, db, failed); err != nil {
			t.Fatalf("long texts are cut to their columns: %v", err)
		}
		internal := &models.JournalEntry{Func: "department.edit"}
		internal.SetError(errors.New("pq: password authentication failed for user x"))
		if err := models.WriteJournal(ctx, db, internal); err != nil {
			t.Fatal(err)
		}

		// History outlives the accounts it names.
		if err := db.Exec("DELETE FROM accounts WHERE id = ?", anna.ID).Error; err != nil {
			t.Fatal(err)
		}
		var rows []models.JournalEntry
		if err := db.Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("want 3 rows, got %d", len(rows))
		}
		got := rows[0]
		if got.AccountLogin != "anna" || got.AccountID == nil || *got.AccountID != anna.ID ||
			got.RealLogin != "boss" || got.RealAccountID == nil || *got.RealAccountID != root.ID ||
			got.Result != models.JournalOK || got.Elid != "7" || got.IP != "192.0.2.1" ||
			time.Since(got.CreatedAt) > time.Minute {
			t.Errorf("row %+v", got)
		}
		if f := rows[1]; f.Result != "value" || f.ErrorObject != "elid" || len(f.ErrorValue) != 1000 ||
			f.Error != "No" || len(f.Elid) != 2000 || f.RealAccountID != nil {
			t.Errorf("failed row %+v", f)
		}
		if i := rows[2]; i.Result != "xml" || i.ErrorObject != "internal" || strings.Contains(i.Error, "password") ||
			i.AccountID != nil || i.AccountLogin != "" {
			t.Errorf("internal row %+v", i)
		}
	})
}
