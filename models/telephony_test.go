package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/errs"
	"staffmgr/rights"
)

func TestNames(t *testing.T) {
	t.Parallel()
	for full, want := range map[string][3]string{
		"":                           {"", "", ""},
		"Ivanov":                     {"Ivanov", "", ""},
		"Ivanov Ivan":                {"Ivanov", "Ivan", ""},
		"Ivanov Ivan Ivanovich":      {"Ivanov", "Ivan", "Ivanovich"},
		"  Ivanov  Ivan  Ivanovich ": {"Ivanov", "Ivan", "Ivanovich"},
		"de la Cruz Maria José":      {"de", "la", "Cruz Maria José"},
	} {
		last, first, patronymic := models.SplitName(full)
		if got := [3]string{last, first, patronymic}; got != want {
			t.Errorf("SplitName(%q) = %q, want %q", full, got, want)
		}
	}
	if got := models.JoinName("Ivanov", "", "Ivanovich"); got != "Ivanov Ivanovich" {
		t.Errorf("JoinName = %q", got)
	}
}

// TestTelephonyMigration runs the statements of the migration that split names and
// take the card's numbers into the list on rows as the earlier schema had them.
func TestTelephonyMigration(t *testing.T) {
	t.Parallel()
	ms, err := models.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var sql string
	for _, m := range ms {
		if m.Name == "0011_telephony" {
			sql = m.SQL
		}
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		instr := "INSTR"
		if models.Kind(db) == models.Postgres {
			instr = "STRPOS"
		}
		cases := map[string][3]string{
			"Ivanov Ivan Ivanovich": {"Ivanov", "Ivan", "Ivanovich"},
			"Solo":                  {"Solo", "", ""},
			"Anna  Maria  Lee Ray":  {"Anna", "Maria", "Lee Ray"},
			"":                      {"", "", ""},
		}
		i := 0
		ids := map[string]int64{}
		for full := range cases {
			a := MustCreateAccount(t, db, fmt.Sprintf("emp%d", i), rights.Admin)
			phone, mobile := fmt.Sprintf("+1555%04d", i), ""
			if i%2 == 0 {
				mobile = "+1666" + fmt.Sprint(i)
			}
			if err := db.Exec("UPDATE accounts SET realname = ?, phone = ?, mobile = ?, first_name = '', last_name = '', patronymic = '' WHERE id = ?",
				full, phone, mobile, a.ID).Error; err != nil {
				t.Fatal(err)
			}
			ids[full] = a.ID
			i++
		}
		for _, table := range []string{"employee_numbers", "phone_numbers"} {
			if err := db.Exec("DELETE FROM " + table).Error; err != nil {
				t.Fatal(err)
			}
		}
		for _, stmt := range strings.SplitAfter(sql, ";\n") {
			s := strings.TrimSpace(stripComments(stmt))
			if strings.HasPrefix(s, "UPDATE accounts SET") || strings.HasPrefix(s, "INSERT INTO phone_numbers") || strings.HasPrefix(s, "INSERT INTO employee_numbers") {
				if err := db.Exec(strings.ReplaceAll(s, "$INSTR", instr)).Error; err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
		}
		for full, want := range cases {
			var got struct{ FirstName, LastName, Patronymic, Phone, Mobile string }
			if err := db.Raw("SELECT first_name, last_name, patronymic, phone, mobile FROM accounts WHERE id = ?", ids[full]).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if [3]string{got.LastName, got.FirstName, got.Patronymic} != want {
				t.Errorf("%q split into %q %q %q", full, got.LastName, got.FirstName, got.Patronymic)
			}
			numbers, err := models.NumbersOf(context.Background(), db, []int64{ids[full]})
			if err != nil {
				t.Fatal(err)
			}
			list := numbers[ids[full]]
			if len(list) == 0 || list[0].Number != got.Phone || list[0].Role != models.RolePhone ||
				(got.Mobile != "") != (len(list) == 2) || got.Mobile != "" && (list[1].Number != got.Mobile || list[1].Role != models.RoleMobile) {
				t.Errorf("%q: numbers %+v for phone %s mobile %s", full, list, got.Phone, got.Mobile)
			}
		}
	})
}

func stripComments(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestSaveEmployeeKeepsTheCardInStep: the name parts follow realname, the position
// record follows position, and the numbers of the roles phone and mobile follow
// the card.
func TestSaveEmployeeKeepsTheCardInStep(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		lead := &models.Record{Name: "Lead"}
		if err := models.Positions.Save(ctx, db, lead); err != nil {
			t.Fatal(err)
		}
		a := MustCreateAccount(t, db, "ann", rights.Admin)
		a.Realname, a.Position, a.Phone, a.Mobile = "Lee Ann Marie", "lead", "+1555", "+1666"
		if err := models.SaveEmployee(ctx, db, a, nil); err != nil {
			t.Fatal(err)
		}
		if a.LastName != "Lee" || a.FirstName != "Ann" || a.Patronymic != "Marie" || a.PositionID == nil || *a.PositionID != lead.ID {
			t.Errorf("after the save: %+v", a)
		}
		numbers := func() string {
			t.Helper()
			all, err := models.NumbersOf(ctx, db, []int64{a.ID})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range all[a.ID] {
				out = append(out, n.Number+"/"+n.Role)
			}
			return strings.Join(out, " ")
		}
		if got := numbers(); got != "+1555/phone +1666/mobile" {
			t.Errorf("numbers: %s", got)
		}
		// A list set through the Data API: roles stay with their numbers, a vacant one
		// goes to the first number without one.
		if err := models.SetNumbers(ctx, db, a.ID, []models.NumberInput{{Number: "+1777"}, {Number: "+1666"}}); err != nil {
			t.Fatal(err)
		}
		if got := numbers(); got != "+1777/phone +1666/mobile" {
			t.Errorf("after SetNumbers: %s", got)
		}
		var card struct{ Phone, Mobile string }
		if err := db.Raw("SELECT phone, mobile FROM accounts WHERE id = ?", a.ID).Scan(&card).Error; err != nil {
			t.Fatal(err)
		}
		if card.Phone != "+1777" || card.Mobile != "+1666" {
			t.Errorf("card: %+v", card)
		}
		// The same number as phone and mobile is one number in the list.
		a.Phone, a.Mobile = "+1666", "+1666"
		if err := models.SaveEmployee(ctx, db, a, nil); err != nil {
			t.Fatal(err)
		}
		if got := numbers(); got != "+1666/mobile" {
			t.Errorf("phone and mobile alike: %s", got)
		}
		// Unused numbers are forgotten; a renamed position renames its employees'.
		var n int64
		if err := db.Raw("SELECT COUNT(*) FROM phone_numbers").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d numbers kept", n)
		}
		lead.Name = "Team lead"
		if err := models.Positions.Save(ctx, db, lead); err != nil {
			t.Fatal(err)
		}
		got, err := models.FindAccount(ctx, db, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Position != "Team lead" {
			t.Errorf("position after the rename: %q", got.Position)
		}
		// Deleting the position keeps the text.
		if err := models.Positions.Delete(ctx, db, lead.ID); err != nil {
			t.Fatal(err)
		}
		if got, err = models.FindAccount(ctx, db, a.ID); err != nil || got.Position != "Team lead" || got.PositionID != nil {
			t.Errorf("after deleting the position: %+v, %v", got, err)
		}
	})
}

func TestRecords(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		for _, kind := range []*models.RecordKind{models.Positions, models.Schedules, models.Sites} {
			r := &models.Record{Name: "one.example.com"}
			if err := kind.Save(ctx, db, r); err != nil || r.ID == 0 {
				t.Fatalf("%s: %v", kind.Entity, err)
			}
			dup := &models.Record{Name: "ONE.example.com"}
			if err := kind.Save(ctx, db, dup); !errors.Is(err, errs.Exists) {
				t.Errorf("%s: a name in another case: %v", kind.Entity, err)
			}
			if err := kind.Save(ctx, db, &models.Record{Name: " "}); !errors.Is(err, errs.Value) {
				t.Errorf("%s: an empty name: %v", kind.Entity, err)
			}
			if got, err := kind.Find(ctx, db, fmt.Sprint(r.ID)); err != nil || got.Name != "one.example.com" {
				t.Errorf("%s: find: %+v %v", kind.Entity, got, err)
			}
			if _, err := kind.Find(ctx, db, "999"); !errors.Is(err, errs.Missed) {
				t.Errorf("%s: find 999: %v", kind.Entity, err)
			}
			if err := kind.Delete(ctx, db, r.ID); err != nil {
				t.Errorf("%s: delete: %v", kind.Entity, err)
			}
			if err := kind.Delete(ctx, db, r.ID); !errors.Is(err, errs.Missed) {
				t.Errorf("%s: delete twice: %v", kind.Entity, err)
			}
		}
		if err := models.Sites.Save(ctx, db, &models.Record{Name: "https://example.com"}); !errors.Is(err, errs.Value) {
			t.Errorf("a site with its protocol: %v", err)
		}
	})
}

// TestExtensionsRoundTrip: a number with digits dialled after it reads as the card's
// extension and back, so saving either side keeps the other's entry.
func TestExtensionsRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := MustCreateAccount(t, db, "eve", rights.Admin)
		if err := models.SetNumbers(ctx, db, a.ID, []models.NumberInput{{Number: "74955140578...2345"}}); err != nil {
			t.Fatal(err)
		}
		got, err := models.FindAccount(ctx, db, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "74955140578x2345" {
			t.Fatalf("card phone %q", got.Phone)
		}
		if p, err := models.ParsePhone(got.Phone); err != nil || p != got.Phone {
			t.Errorf("the card's phone reads back as %q, %v", p, err)
		}
		before, err := models.NumbersOf(ctx, db, []int64{a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := models.SaveEmployee(ctx, db, got, nil); err != nil {
			t.Fatal(err)
		}
		after, err := models.NumbersOf(ctx, db, []int64{a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(after[a.ID]) != 1 || after[a.ID][0].ID != before[a.ID][0].ID || after[a.ID][0].Number != "74955140578...2345" {
			t.Errorf("a card save changed the list: %+v, was %+v", after[a.ID], before[a.ID])
		}
		if p, err := models.ParsePhone("74955140578...2345"); err != nil || p != "74955140578x2345" {
			t.Errorf("ParsePhone of the list's spelling: %q, %v", p, err)
		}
	})
}
