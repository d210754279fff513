package models_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// The departments the staff migration seeds.
const (
	sales   = 1 // Sales department
	support = 2 // Technical support
)

// departmentNames reads an account's department_names column.
func departmentNames(t *testing.T, db *gorm.DB, id int64) string {
	t.Helper()
	a, err := models.FindAccount(context.Background(), db, id)
	if err != nil {
		t.Fatal(err)
	}
	return a.DepartmentNames
}

func TestDepartmentValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d      models.Department
		object string // "" when valid
		name   string // the name after Validate
	}{
		{models.Department{Name: "QA"}, "", "QA"},
		{models.Department{Name: "  QA  ", Description: "Testing\nand review"}, "", "QA"},
		{models.Department{Name: strings.Repeat("н", models.MaxDepartmentName)}, "", strings.Repeat("н", models.MaxDepartmentName)},
		{models.Department{Name: "D", Description: strings.Repeat("ж", models.MaxDepartmentDescription)}, "", "D"},
		{models.Department{Name: ""}, "name", ""},
		{models.Department{Name: " \t "}, "name", ""},
		{models.Department{Name: "Sales, Marketing"}, "name", "Sales, Marketing"},
		{models.Department{Name: strings.Repeat("n", models.MaxDepartmentName+1)}, "name", strings.Repeat("n", models.MaxDepartmentName+1)},
		{models.Department{Name: "Bad\x07"}, "name", "Bad\x07"},
		{models.Department{Name: "D", Description: strings.Repeat("d", models.MaxDepartmentDescription+1)}, "description", "D"},
	} {
		d := c.d
		err := d.Validate()
		if c.object == "" {
			if err != nil {
				t.Errorf("%q: %v", c.d.Name, err)
			}
		} else {
			MustAppError(t, err, errs.Value, c.object)
		}
		if d.Name != c.name {
			t.Errorf("%q: name after Validate %q, want %q", c.d.Name, d.Name, c.name)
		}
	}
}

func TestSaveDepartment(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		all, err := models.AllDepartments(ctx, db)
		if err != nil || len(all) != 2 || all[0].Name != "Sales department" || all[1].Name != "Technical support" ||
			all[0].ID != sales || all[1].ID != support {
			t.Fatalf("seeded departments %+v, %v", all, err)
		}

		qa := &models.Department{Name: " QA ", Description: "Quality"}
		if err := models.SaveDepartment(ctx, db, qa); err != nil {
			t.Fatal(err)
		}
		got, err := models.FindDepartment(ctx, db, itoa(qa.ID))
		if err != nil || got.Name != "QA" || got.Description != "Quality" || got.CreatedAt.IsZero() {
			t.Errorf("created %+v, %v", got, err)
		}
		for _, name := range []string{"qa", "SALES DEPARTMENT", "technical Support"} {
			err := models.SaveDepartment(ctx, db, &models.Department{Name: name})
			if e := MustAppError(t, err, errs.Exists, "name"); e.Value != name {
				t.Errorf("exists value %q", e.Value)
			}
		}
		MustAppError(t, models.SaveDepartment(ctx, db, &models.Department{Name: "a,b"}), errs.Value, "name")
		if all, err := models.AllDepartments(ctx, db); err != nil || len(all) != 3 || all[0].Name != "QA" {
			t.Errorf("departments after refusals: %+v, %v", all, err)
		}

		// A rename reaches the department names of its active members, in name order.
		ivan := MustCreateAccount(t, db, "ivan", rights.Admin)
		anna := MustCreateAccount(t, db, "anna", rights.Admin)
		if err := models.SetDepartments(ctx, db, ivan.ID, []int64{sales, support}); err != nil {
			t.Fatal(err)
		}
		if err := models.SetMembership(ctx, db, anna.ID, support, false); err != nil {
			t.Fatal(err)
		}
		sup, err := models.FindDepartment(ctx, db, itoa(support))
		if err != nil {
			t.Fatal(err)
		}
		sup.Name = "Alpha support"
		if err := models.SaveDepartment(ctx, db, sup); err != nil {
			t.Fatal(err)
		}
		if got := departmentNames(t, db, ivan.ID); got != "Alpha support, Sales department" {
			t.Errorf("ivan's names after a rename: %q", got)
		}
		if got := departmentNames(t, db, anna.ID); got != "" {
			t.Errorf("an inactive association shows: %q", got)
		}
		sup.Name = "QA"
		MustAppError(t, models.SaveDepartment(ctx, db, sup), errs.Exists, "name")
		sup.Name = "ALPHA SUPPORT" // its own name in another case
		if err := models.SaveDepartment(ctx, db, sup); err != nil {
			t.Errorf("own name in another case: %v", err)
		}

		_, err = models.FindDepartment(ctx, db, "99")
		MustAppError(t, err, errs.Missed, "department")
		_, err = models.FindDepartment(ctx, db, "x")
		MustAppError(t, err, errs.Missed, "department")
	})
}

func TestMemberships(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ivan := MustCreateAccount(t, db, "ivan", rights.Admin).ID
		qa := &models.Department{Name: "QA"}
		if err := models.SaveDepartment(ctx, db, qa); err != nil {
			t.Fatal(err)
		}
		memberships := func() map[int64]bool {
			t.Helper()
			m, err := models.Memberships(ctx, db, ivan)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		count := func(id int64) int64 {
			t.Helper()
			n, err := models.MemberCount(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		if err := models.SetDepartments(ctx, db, ivan, []int64{support, qa.ID, sales}); err != nil {
			t.Fatal(err)
		}
		if got := memberships(); !reflect.DeepEqual(got, map[int64]bool{sales: true, support: true, qa.ID: true}) {
			t.Errorf("after SetDepartments: %v", got)
		}
		if got := departmentNames(t, db, ivan); got != "QA, Sales department, Technical support" {
			t.Errorf("names %q", got)
		}

		// Excluding keeps the record, inactive; SetDepartments leaves it alone.
		if err := models.SetMembership(ctx, db, ivan, qa.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := departmentNames(t, db, ivan); got != "Sales department, Technical support" || count(qa.ID) != 0 {
			t.Errorf("after excluding from QA: %q, %d members", got, count(qa.ID))
		}
		if err := models.SetDepartments(ctx, db, ivan, []int64{support}); err != nil {
			t.Fatal(err)
		}
		if got := memberships(); !reflect.DeepEqual(got, map[int64]bool{support: true, qa.ID: false}) {
			t.Errorf("after SetDepartments(support): %v", got)
		}
		if got := departmentNames(t, db, ivan); got != "Technical support" || count(sales) != 0 || count(support) != 1 {
			t.Errorf("names %q, counts %d %d", got, count(sales), count(support))
		}
		// Listing an excluded department includes the employee again.
		if err := models.SetDepartments(ctx, db, ivan, []int64{support, qa.ID}); err != nil {
			t.Fatal(err)
		}
		if got := memberships(); !reflect.DeepEqual(got, map[int64]bool{support: true, qa.ID: true}) {
			t.Errorf("after SetDepartments(support, qa): %v", got)
		}
		if err := models.SetDepartments(ctx, db, ivan, nil); err != nil {
			t.Fatal(err)
		}
		if got := memberships(); len(got) != 0 || departmentNames(t, db, ivan) != "" {
			t.Errorf("after SetDepartments(nil): %v %q", got, departmentNames(t, db, ivan))
		}

		// SetMembership includes and excludes; DeleteMembership removes the record.
		if err := models.SetMembership(ctx, db, ivan, sales, true); err != nil {
			t.Fatal(err)
		}
		if err := models.SetMembership(ctx, db, ivan, sales, true); err != nil {
			t.Fatal(err)
		}
		if count(sales) != 1 || departmentNames(t, db, ivan) != "Sales department" {
			t.Errorf("include twice: %d members, %q", count(sales), departmentNames(t, db, ivan))
		}
		if err := models.DeleteMembership(ctx, db, ivan, sales); err != nil {
			t.Fatal(err)
		}
		if got := memberships(); len(got) != 0 || departmentNames(t, db, ivan) != "" {
			t.Errorf("after DeleteMembership: %v %q", got, departmentNames(t, db, ivan))
		}
		err := models.DeleteMembership(ctx, db, ivan, sales)
		if e := MustAppError(t, err, errs.Missed, "department"); e.Value != itoa(sales) {
			t.Errorf("missed value %q", e.Value)
		}

		// CheckDepartments names the first unknown id.
		if err := models.CheckDepartments(ctx, db, []int64{sales, support, qa.ID}); err != nil {
			t.Error(err)
		}
		if err := models.CheckDepartments(ctx, db, nil); err != nil {
			t.Error(err)
		}
		err = models.CheckDepartments(ctx, db, []int64{sales, 99, 98})
		if e := MustAppError(t, err, errs.Value, "department"); e.Value != "99" {
			t.Errorf("value %q, want 99", e.Value)
		}
	})
}

func TestDeleteDepartment(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		ivan := MustCreateAccount(t, db, "ivan", rights.Admin).ID
		anna := MustCreateAccount(t, db, "anna", rights.Admin).ID
		if err := models.SetDepartments(ctx, db, ivan, []int64{sales, support}); err != nil {
			t.Fatal(err)
		}
		if err := models.SetMembership(ctx, db, anna, support, false); err != nil {
			t.Fatal(err)
		}
		find := func(id int64) *models.Department {
			t.Helper()
			d, err := models.FindDepartment(ctx, db, itoa(id))
			if err != nil {
				t.Fatal(err)
			}
			return d
		}

		err := models.DeleteDepartment(ctx, db, find(sales), false)
		if e := MustAppError(t, err, errs.Value, "department"); e.Value != itoa(sales) {
			t.Errorf("value %q", e.Value)
		}
		if got := departmentNames(t, db, ivan); got != "Sales department, Technical support" {
			t.Errorf("a refused delete changed names: %q", got)
		}
		if err := models.DeleteDepartment(ctx, db, find(support), true); err != nil {
			t.Fatal(err)
		}
		if got := departmentNames(t, db, ivan); got != "Sales department" {
			t.Errorf("names after a forced delete: %q", got)
		}
		if n := dbtest.MustCount(t, db.Model(&models.Membership{}).Where("department_id = ?", support)); n != 0 {
			t.Errorf("%d associations with a deleted department", n)
		}
		if m, err := models.Memberships(ctx, db, anna); err != nil || len(m) != 0 {
			t.Errorf("anna's inactive association remains: %v, %v", m, err)
		}
		// Without active members no force is needed.
		if err := models.SetMembership(ctx, db, ivan, sales, false); err != nil {
			t.Fatal(err)
		}
		if err := models.DeleteDepartment(ctx, db, find(sales), false); err != nil {
			t.Errorf("a department without active members: %v", err)
		}
		if all, err := models.AllDepartments(ctx, db); err != nil || len(all) != 0 {
			t.Errorf("departments left: %+v, %v", all, err)
		}
	})
}

func TestFindDepartmentByName(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		d := &models.Department{Name: "Billing Team"}
		if err := models.SaveDepartment(ctx, db, d); err != nil {
			t.Fatal(err)
		}
		got, err := models.FindDepartmentByName(ctx, db, " billing team ")
		if err != nil || got.ID != d.ID {
			t.Fatalf("%v %v", got, err)
		}
		_, err = models.FindDepartmentByName(ctx, db, "Sales")
		MustAppError(t, err, errs.Missed, "department")
	})
}
