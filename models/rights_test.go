package models_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

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

// TestRightsAgree: HasRight (enforcement), AccountGrants (display) and
// EffectiveRights (dominance) answer every right of every account alike.
func TestRightsAgree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		sales, billing, gone := &models.Department{Name: "Sales"}, &models.Department{Name: "Billing"}, &models.Department{Name: "Gone"}
		for _, d := range []*models.Department{sales, billing, gone} {
			must(models.SaveDepartment(ctx, db, d))
		}
		must(models.SetDepartmentRight(ctx, db, sales.ID, "employee", true))
		must(models.SetDepartmentRight(ctx, db, sales.ID, "journal", true))
		must(models.SetDepartmentRight(ctx, db, billing.ID, "journal", true))
		must(models.SetDepartmentRight(ctx, db, gone.ID, "session", true))

		ann := MustCreateAccount(t, db, "ann", rights.Admin)
		must(models.SetMembership(ctx, db, ann.ID, sales.ID, true))
		must(models.SetMembership(ctx, db, ann.ID, billing.ID, true))
		must(models.SetMembership(ctx, db, ann.ID, gone.ID, false))
		must(models.SetPersonalRight(ctx, db, ann.ID, "employee", false))
		must(models.SetPersonalRight(ctx, db, ann.ID, "department", true))
		full := MustCreateAccount(t, db, "full", rights.Admin)
		must(db.Model(full).Update("default_access_allow", true).Error)
		full.DefaultAccessAllow = true
		must(models.SetPersonalRight(ctx, db, full.ID, "employee", false))
		root := MustCreateAccount(t, db, "boss", rights.Root)
		bare := MustCreateAccount(t, db, "bare", rights.Admin)

		on := func(source string) rights.Decision { return rights.Decision{Allow: true, Source: source} }
		off := func(source string) rights.Decision { return rights.Decision{Source: source} }
		want := map[string]map[string]rights.Decision{
			"ann": {"employee": off(rights.FromPersonal), "journal": on("department Billing"),
				"department": on(rights.FromPersonal), "session": off(rights.FromNone)},
			"full": {"employee": on(rights.FromFull), "session": on(rights.FromFull)},
			"boss": {"journal": on(rights.FromFull)},
			"bare": {"journal": off(rights.FromNone), "employee": off(rights.FromNone)},
		}
		for _, a := range []*models.Account{ann, full, root, bare} {
			grants, err := models.AccountGrants(ctx, db, a)
			must(err)
			held, err := models.EffectiveRights(ctx, db, a.ID)
			must(err)
			for right, w := range want[a.Login] {
				if got := grants.Decide(right); got != w {
					t.Errorf("%s %s: shown as %+v, want %+v", a.Login, right, got, w)
				}
				ok, err := models.HasRight(ctx, db, a, right)
				must(err)
				if ok != w.Allow {
					t.Errorf("%s %s: HasRight = %v, want %v", a.Login, right, ok, w.Allow)
				}
				if !rights.HoldsAll(a.Level, a.DefaultAccessAllow) && held[right] != w.Allow {
					t.Errorf("%s %s: EffectiveRights holds it %v, want %v", a.Login, right, held[right], w.Allow)
				}
			}
		}
	})
}

// TestMembersRightsQueries: the rights of a department's members are read in one
// query however many members it has.
func TestMembersRightsQueries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		d := &models.Department{Name: "Crowd"}
		if err := models.SaveDepartment(ctx, db, d); err != nil {
			t.Fatal(err)
		}
		if err := models.SetDepartmentRight(ctx, db, d.ID, "employee", true); err != nil {
			t.Fatal(err)
		}
		const members = 30
		for i := 0; i < members; i++ {
			a := MustCreateAccount(t, db, fmt.Sprintf("member%02d", i), rights.Admin)
			if err := models.SetMembership(ctx, db, a.ID, d.ID, true); err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				if err := models.SetPersonalRight(ctx, db, a.ID, "journal", true); err != nil {
					t.Fatal(err)
				}
			}
		}
		counter := &queryCounter{Interface: logger.Discard}
		all, err := models.MembersRights(ctx, db.Session(&gorm.Session{Logger: counter}), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if counter.n != 1 {
			t.Errorf("MembersRights of %d members ran %d queries, want 1", members, counter.n)
		}
		if len(all) != members {
			t.Fatalf("rights of %d members, want %d", len(all), members)
		}
		journal := 0
		for id, held := range all {
			if !held["employee"] || len(held) != 1 && !held["journal"] {
				t.Errorf("member %d holds %v", id, held)
			}
			if held["journal"] {
				journal++
			}
		}
		if journal != members/2 {
			t.Errorf("%d members hold journal, want %d", journal, members/2)
		}
	})
}

// queryCounter is a gorm logger that counts the statements it is told of.
type queryCounter struct {
	logger.Interface
	n int
}

func (q *queryCounter) LogMode(logger.LogLevel) logger.Interface { return q }

func (q *queryCounter) Trace(context.Context, time.Time, func() (string, int64), error) { q.n++ }
