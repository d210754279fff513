package models_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// checkValue runs a field check and compares its verdict: ok, or a value error on
// field with the given value.
func checkValue(t *testing.T, what string, err error, ok bool, field, value string) {
	t.Helper()
	if ok {
		if err != nil {
			t.Errorf("%s: %v, want ok", what, err)
		}
		return
	}
	if e := MustAppError(t, err, errs.Value, field); e.Value != value || e.Msg == "" {
		t.Errorf("%s: error value %q msg %q, want value %q", what, e.Value, e.Msg, value)
	}
}

func TestCheckLogin(t *testing.T) {
	t.Parallel()
	for login, ok := range map[string]bool{
		"ivan": true, "abc": true, "007": true, "a.b-c_9": true, "iv..an": true,
		strings.Repeat("x", 50): true,
		"":                      false, "ab": false, "Ivan": false, "_abc": false, ".abc": false, "-abc": false,
		"iv an": false, "ivan@x": false, "иван": false, "ivan\n": false, " ivan": false,
		strings.Repeat("x", 51): false,
	} {
		checkValue(t, login, models.CheckLogin(login), ok, "", login)
	}
}

func TestCheckEmail(t *testing.T) {
	t.Parallel()
	for v, ok := range map[string]bool{
		"": true, "ivan@example.com": true, "i.van+tag@mail.example.org": true, "a_b@sub.example.co": true,
		"bad": false, "a@b": false, "@example.com": false, "ivan@": false, "a@@example.com": false,
		"Ivan <ivan@example.com>": false, "<ivan@example.com>": false, "ivan@example..com": false,
		"ivan@.example.com": false, "ivan@example.com.": false, "iv an@example.com": false,
		strings.Repeat("a", 250) + "@example.com": false,
	} {
		checkValue(t, v, models.CheckEmail(v), ok, "", v)
	}
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v  string
		ok bool
	}{
		{"", true},
		{"Ivan Petr", true},
		{strings.Repeat("ж", 10), true}, // ten characters, twenty bytes
		{strings.Repeat("ж", 11), false},
		{"tab\there", false},
		{"new\nline", false},
		{"del\x7f", false},
	} {
		checkValue(t, c.v, models.CheckText(c.v, 10), c.ok, "", c.v)
	}
}

func TestParseIPList(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                                      "",
		" , ":                                   "",
		"192.0.2.1":                             "192.0.2.1",
		"192.0.2.1, 192.0.2.2;192.0.2.3\n\t::1": "192.0.2.1,192.0.2.2,192.0.2.3,::1",
		"10.1.2.3/8":                            "10.0.0.0/8",
		"2001:DB8::1":                           "2001:db8::1",
		"2001:db8::1/32":                        "2001:db8::/32",
		"::ffff:192.0.2.1":                      "192.0.2.1",
		"192.0.2.1, 192.0.2.1 10.0.0.0/8 10.9.9.9/8": "192.0.2.1,10.0.0.0/8",
		"0.0.0.0/0": "0.0.0.0/0",
	} {
		got, err := models.ParseIPList(in)
		if err != nil || got != want {
			t.Errorf("ParseIPList(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, bad := range map[string]string{
		"10.0.0.300":             "10.0.0.300",
		"192.0.2.1, 10.0.0.0/33": "10.0.0.0/33",
		"example.com":            "example.com",
		"2001:db8::g":            "2001:db8::g",
		"fe80::1%eth0":           "fe80::1%eth0",
		"192.0.2.1/":             "192.0.2.1/",
		"/24":                    "/24",
		"192.0.2":                "192.0.2",
		"2001:db8::/129":         "2001:db8::/129",
	} {
		_, err := models.ParseIPList(in)
		checkValue(t, in, err, false, "", bad)
	}
	many := strings.Repeat("192.0.2.1,", models.MaxIPAccess+1)
	_, err := models.ParseIPList(many)
	MustAppError(t, err, errs.Value, "")
	if _, err := models.ParseIPList(strings.Repeat("192.0.2.1,", models.MaxIPAccess)); err != nil {
		t.Errorf("%d entries: %v", models.MaxIPAccess, err)
	}
}

func TestParseIDs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]int64{
		"":          nil,
		" , ":       nil,
		"1":         {1},
		"1,2,3":     {1, 2, 3},
		"3, 1, 3,1": {3, 1},
	} {
		got, err := models.ParseIDs(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseIDs(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, bad := range map[string]string{"abc": "abc", "1,x": "x", "0": "0", "-1": "-1", "1;2": "1;2", "1.5": "1.5"} {
		_, err := models.ParseIDs(in)
		checkValue(t, in, err, false, "", bad)
	}
}

func TestFindEmployee(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		root := MustCreateAccount(t, db, "root", rights.Root)
		admin := MustCreateAccount(t, db, "admin", rights.Admin)
		client := MustCreateAccount(t, db, "client", rights.User)
		MustDisable(t, db, admin.ID)
		for _, a := range []*models.Account{root, admin} {
			got, err := models.FindEmployee(ctx, db, itoa(a.ID))
			if err != nil || got.Login != a.Login {
				t.Errorf("FindEmployee(%d) = %+v, %v", a.ID, got, err)
			}
		}
		for _, id := range []string{itoa(client.ID), "999", "abc", "0", ""} {
			_, err := models.FindEmployee(ctx, db, id)
			if e := MustAppError(t, err, errs.Missed, "employee"); e.Value != id {
				t.Errorf("FindEmployee(%q): value %q", id, e.Value)
			}
		}
	})
}

func TestSaveEmployee(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		hash, err := models.HashPassword(ctx, dbtest.FastPasswords, Password)
		if err != nil {
			t.Fatal(err)
		}
		MustCreateAccount(t, db, "client", rights.User)
		a := &models.Account{Login: "ivan", Level: rights.Admin, PasswordHash: hash, Realname: "Ivan",
			Email: "ivan@example.com", AllIPAccess: true}
		if err := models.SaveEmployee(ctx, db, a, nil); err != nil {
			t.Fatal(err)
		}
		got, err := models.FindEmployee(ctx, db, itoa(a.ID))
		if err != nil || !got.Enabled || got.Realname != "Ivan" || got.Email != "ivan@example.com" || got.CreatedAt.IsZero() {
			t.Fatalf("created %+v, %v", got, err)
		}
		if _, err := models.Authenticate(ctx, db, "ivan", Password); err != nil {
			t.Errorf("the new employee cannot log in: %v", err)
		}

		// Only staff levels; a taken login (of any level) is an exists error.
		err = models.SaveEmployee(ctx, db, &models.Account{Login: "low", Level: rights.User, PasswordHash: hash}, nil)
		if _, isApp := errs.As(err); err == nil || isApp {
			t.Errorf("a user-level employee: %v", err)
		}
		for _, login := range []string{"ivan", "client"} {
			err := models.SaveEmployee(ctx, db, &models.Account{Login: login, Level: rights.Admin, PasswordHash: hash}, nil)
			if e := MustAppError(t, err, errs.Exists, "login"); e.Value != login {
				t.Errorf("exists value %q", e.Value)
			}
		}

		// An edit writes the card only: never the password, level or enabled state.
		got.Realname, got.Position, got.Phone, got.IPAccess, got.AllIPAccess, got.DefaultAccessAllow =
			"Ivan Petrov", "Engineer", "+7999", "10.0.0.0/8", false, true
		got.PasswordHash, got.Level, got.Enabled = "x", rights.Root, false
		if err := models.SaveEmployee(ctx, db, got, nil); err != nil {
			t.Fatal(err)
		}
		after, err := models.FindEmployee(ctx, db, itoa(a.ID))
		if err != nil {
			t.Fatal(err)
		}
		if after.Realname != "Ivan Petrov" || after.Position != "Engineer" || after.Phone != "+7999" ||
			after.IPAccess != "10.0.0.0/8" || after.AllIPAccess || !after.DefaultAccessAllow {
			t.Errorf("card not written: %+v", after)
		}
		if after.PasswordHash != hash || after.Level != rights.Admin || !after.Enabled {
			t.Errorf("an edit wrote more than the card: %+v", after)
		}
		// Setting zero values writes them too.
		after.Realname, after.DefaultAccessAllow, after.AllIPAccess = "", false, true
		if err := models.SaveEmployee(ctx, db, after, nil); err != nil {
			t.Fatal(err)
		}
		if z, err := models.FindEmployee(ctx, db, itoa(a.ID)); err != nil {
			t.Fatal(err)
		} else if z.Realname != "" || z.DefaultAccessAllow || !z.AllIPAccess {
			t.Errorf("zero values not written: %+v", z)
		}
		after.Login = "client"
		MustAppError(t, models.SaveEmployee(ctx, db, after, nil), errs.Exists, "login")
	})
}

func TestSetEnabledAndDeleteAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := MustCreateAccount(t, db, "ivan", rights.Admin)
		if err := models.SetEnabled(ctx, db, a.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := models.Authenticate(ctx, db, "ivan", Password); err == nil {
			t.Error("a disabled account logs in")
		}
		if err := models.SetEnabled(ctx, db, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := models.Authenticate(ctx, db, "ivan", Password); err != nil {
			t.Errorf("an enabled account: %v", err)
		}

		if err := models.SetDepartments(ctx, db, a.ID, []int64{1, 2}); err != nil {
			t.Fatal(err)
		}
		MustRegisterKey(t, db, a.ID, "ivan-one-time-key-01", time.Hour)
		if err := models.DeleteAccount(ctx, db, a.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"department_members", "auth_keys"} {
			var n int64
			if err := db.Table(table).Where("account_id = ?", a.ID).Count(&n).Error; err != nil || n != 0 {
				t.Errorf("%s of a deleted account: %d, %v", table, n, err)
			}
		}
		if n, err := models.MemberCount(ctx, db, 1); err != nil || n != 0 {
			t.Errorf("a deleted account still counts: %d, %v", n, err)
		}
		err := models.DeleteAccount(ctx, db, a.ID)
		if e := MustAppError(t, err, errs.Missed, "account"); e.Value != itoa(a.ID) {
			t.Errorf("missed value %q", e.Value)
		}
	})
}

// TestParseIDsLimit proves the bound on a list of ids: MaxIDs different ids are read,
// one more is a value error showing the start of the list; repeats do not count.
func TestParseIDsLimit(t *testing.T) {
	t.Parallel()
	list := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = strconv.Itoa(i + 1)
		}
		return strings.Join(parts, ",")
	}
	if got, err := models.ParseIDs(list(models.MaxIDs)); err != nil || len(got) != models.MaxIDs {
		t.Fatalf("%d ids: %d, %v", models.MaxIDs, len(got), err)
	}
	if got, err := models.ParseIDs(list(models.MaxIDs) + strings.Repeat(",1", 5000)); err != nil || len(got) != models.MaxIDs {
		t.Fatalf("repeats counted: %d, %v", len(got), err)
	}
	_, err := models.ParseIDs(list(70000))
	e := MustAppError(t, err, errs.Value, "")
	if !strings.HasSuffix(e.Value, "…") || len([]rune(e.Value)) != 101 || !strings.HasPrefix(e.Value, "1,2,3,") {
		t.Errorf("value %q", e.Value)
	}
}

func TestCheckEmployeeCard(t *testing.T) {
	t.Parallel()
	ok := models.Account{Login: "ivan", Realname: "Ivan", Email: "ivan@example.com", Phone: "+7 495 123-45-67",
		Mobile: "8 (916) 123-45-67", IPAccess: "192.0.2.1, 192.0.2.0/24", AllIPAccess: false}
	a := ok
	if err := models.CheckEmployeeCard(&a); err != nil {
		t.Fatal(err)
	}
	if a.Phone != "+74951234567" || a.Mobile != "89161234567" || a.IPAccess != "192.0.2.1,192.0.2.0/24" {
		t.Errorf("not normalised: %+v", a)
	}
	for field, change := range map[string]func(a *models.Account){
		"name":      func(a *models.Account) { a.Login = "Ivan" },
		"realname":  func(a *models.Account) { a.Realname = strings.Repeat("x", models.MaxRealname+1) },
		"position":  func(a *models.Account) { a.Position = "a\x01b" },
		"email":     func(a *models.Account) { a.Email = "ivan" },
		"phone":     func(a *models.Account) { a.Phone = "call me" },
		"mobile":    func(a *models.Account) { a.Mobile = "12" },
		"ip_access": func(a *models.Account) { a.IPAccess = "" },
	} {
		a := ok
		change(&a)
		MustAppError(t, models.CheckEmployeeCard(&a), errs.Value, field)
	}
}
