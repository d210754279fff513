package models_test

import (
	"context"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// TestEffectiveRights: what active departments grant and the account allows itself,
// less what it denies itself; an excluded membership grants nothing. MembersRights
// answers the same for every active member of a department at once.
func TestEffectiveRights(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ann := MustCreateAccount(t, db, "ann", rights.Admin)
		ben := MustCreateAccount(t, db, "ben", rights.Admin)
		sales := &models.Department{Name: "Sales"}
		other := &models.Department{Name: "Other"}
		for _, d := range []*models.Department{sales, other} {
			if err := models.SaveDepartment(ctx, db, d); err != nil {
				t.Fatal(err)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(models.SetDepartmentRight(ctx, db, sales.ID, "employee", true))
		must(models.SetDepartmentRight(ctx, db, sales.ID, "journal", true))
		must(models.SetDepartmentRight(ctx, db, other.ID, "session", true))
		must(models.SetMembership(ctx, db, ann.ID, sales.ID, true))
		must(models.SetMembership(ctx, db, ann.ID, other.ID, false)) // excluded
		must(models.SetMembership(ctx, db, ben.ID, sales.ID, true))
		must(models.SetPersonalRight(ctx, db, ann.ID, "journal", false))
		must(models.SetPersonalRight(ctx, db, ann.ID, "department", true))

		want := map[string]bool{"employee": true, "department": true}
		got, err := models.EffectiveRights(ctx, db, ann.ID)
		must(err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ann's rights %v, want %v", got, want)
		}
		all, err := models.MembersRights(ctx, db, sales.ID)
		must(err)
		wantAll := map[int64]map[string]bool{ann.ID: want, ben.ID: {"employee": true, "journal": true}}
		if !reflect.DeepEqual(all, wantAll) {
			t.Errorf("members' rights %v, want %v", all, wantAll)
		}
		if none, err := models.MembersRights(ctx, db, other.ID); err != nil || len(none) != 0 {
			t.Errorf("an excluded member's rights: %v, %v", none, err)
		}
	})
}
