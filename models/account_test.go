package models_test

import (
	"context"
	"strings"
	"testing"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

func TestCreateAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		before := models.Now()
		a := MustCreateAccount(t, db, "alice", rights.Admin)
		if a.ID == 0 || !a.Enabled || a.Level != rights.Admin || a.Login != "alice" {
			t.Fatalf("CreateAccount = %+v, want an enabled admin alice with an id", a)
		}
		if a.CreatedAt.Before(before) || a.UpdatedAt.Before(before) {
			t.Errorf("times %v, %v are before the call at %v", a.CreatedAt, a.UpdatedAt, before)
		}
		if strings.Contains(a.PasswordHash, Password) || !strings.HasPrefix(a.PasswordHash, "$argon2id$") {
			t.Errorf("password stored as %q, want an argon2id hash", a.PasswordHash)
		}

		got, err := models.FindAccountByLogin(ctx, db, "alice")
		if err != nil {
			t.Fatalf("FindAccountByLogin: %v", err)
		}
		if got.ID != a.ID || got.Level != rights.Admin || !got.Enabled || got.PasswordHash != a.PasswordHash {
			t.Errorf("FindAccountByLogin = %+v, want %+v", got, a)
		}
		if !got.CreatedAt.Equal(a.CreatedAt) {
			t.Errorf("stored created_at %v, want %v", got.CreatedAt, a.CreatedAt)
		}
		byID, err := models.FindAccount(ctx, db, a.ID)
		if err != nil || byID.Login != "alice" {
			t.Errorf("FindAccount(%d) = %+v, %v; want alice", a.ID, byID, err)
		}

		_, err = models.FindAccountByLogin(ctx, db, "nobody")
		if e := MustAppError(t, err, errs.Missed, "account"); e.Value != "nobody" {
			t.Errorf("missed value %q, want nobody", e.Value)
		}
		_, err = models.FindAccount(ctx, db, a.ID+1000)
		MustAppError(t, err, errs.Missed, "account")

		// A login is unique; the second one is an exists error, not a driver error.
		_, err = models.CreateAccount(ctx, db, dbtest.FastPasswords, "alice", rights.User, "Other-pass1")
		if e := MustAppError(t, err, errs.Exists, "name"); e.Value != "alice" {
			t.Errorf("exists value %q, want alice", e.Value)
		}
		if n := dbtest.MustCount(t, db.Model(&models.Account{}).Where("login = ?", "alice")); n != 1 {
			t.Errorf("%d accounts named alice, want 1", n)
		}
	})
}

func TestCreateAccountLevel(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, models.SQLite)
	for _, level := range []rights.Level{rights.Root, rights.Admin, rights.User} {
		if _, err := models.CreateAccount(context.Background(), db, dbtest.FastPasswords, "l"+level.String(), level, Password); err != nil {
			t.Errorf("CreateAccount at level %v: %v", level, err)
		}
	}
	for _, level := range []rights.Level{rights.Guest, 7, -1, 32} {
		_, err := models.CreateAccount(context.Background(), db, dbtest.FastPasswords, "bad", level, Password)
		MustAppError(t, err, errs.Value, "level")
	}
	if dbtest.MustCount(t, db.Model(&models.Account{}).Where("login = ?", "bad")) != 0 {
		t.Errorf("an account with an invalid level was stored")
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		bob := MustCreateAccount(t, db, "bob", rights.User)
		MustDisable(t, db, bob.ID)

		got, err := models.Authenticate(ctx, db, "alice", Password)
		if err != nil {
			t.Fatalf("Authenticate(alice, right password): %v", err)
		}
		if got.ID != alice.ID {
			t.Errorf("Authenticate returned account %d, want %d", got.ID, alice.ID)
		}

		// Every failure is the same error, so that a caller learns nothing from it.
		failures := []struct{ name, login, password string }{
			{"wrong password", "alice", Password + "x"},
			{"empty password", "alice", ""},
			{"login in other case", "ALICE", Password},
			{"unknown login", "nobody", Password},
			{"disabled account", "bob", Password},
		}
		var first string
		for _, f := range failures {
			a, err := models.Authenticate(ctx, db, f.login, f.password)
			if a != nil {
				t.Errorf("%s: Authenticate returned account %+v", f.name, a)
			}
			e := MustAppError(t, err, errs.Auth, "badpassword")
			if e.Value != "" {
				t.Errorf("%s: error value %q, want none", f.name, e.Value)
			}
			if first == "" {
				first = err.Error()
			} else if err.Error() != first {
				t.Errorf("%s: error %q differs from %q", f.name, err, first)
			}
		}
	})
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := MustCreateAccount(t, db, "alice", rights.Admin)
		if err := models.SetPassword(ctx, db, dbtest.FastPasswords, a.ID, "New-pass2"); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if _, err := models.Authenticate(ctx, db, "alice", "New-pass2"); err != nil {
			t.Errorf("the new password fails: %v", err)
		}
		_, err := models.Authenticate(ctx, db, "alice", Password)
		MustAppError(t, err, errs.Auth, "badpassword")
		got, err := models.FindAccount(ctx, db, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.UpdatedAt.After(a.UpdatedAt) {
			t.Errorf("updated_at %v not after %v", got.UpdatedAt, a.UpdatedAt)
		}

		err = models.SetPassword(ctx, db, dbtest.FastPasswords, a.ID+1000, "New-pass2")
		MustAppError(t, err, errs.Missed, "account")
	})
}

func TestEnsureRoot(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		created, err := models.EnsureRoot(ctx, db, dbtest.FastPasswords, "Root-pass1")
		if err != nil || !created {
			t.Fatalf("first EnsureRoot = %v, %v; want true", created, err)
		}
		root, err := models.Authenticate(ctx, db, models.RootLogin, "Root-pass1")
		if err != nil {
			t.Fatalf("root cannot log in: %v", err)
		}
		if root.Level != rights.Root {
			t.Errorf("root has level %v", root.Level)
		}

		// A second start leaves the existing root, and its password, alone.
		created, err = models.EnsureRoot(ctx, db, dbtest.FastPasswords, "Other-pass2")
		if err != nil || created {
			t.Fatalf("second EnsureRoot = %v, %v; want false", created, err)
		}
		if _, err := models.Authenticate(ctx, db, models.RootLogin, "Root-pass1"); err != nil {
			t.Errorf("root's password changed: %v", err)
		}
		if n := dbtest.MustCount(t, db.Model(&models.Account{}).Where("login = ?", models.RootLogin)); n != 1 {
			t.Errorf("%d root accounts, want 1", n)
		}
	})
}

func TestMapDBError(t *testing.T) {
	t.Parallel()
	if models.MapDBError(nil, "x", "1") != nil {
		t.Error("MapDBError(nil) is not nil")
	}
	MustAppError(t, models.MapDBError(gorm.ErrRecordNotFound, "account", "7"), errs.Missed, "account")
	MustAppError(t, models.MapDBError(gorm.ErrDuplicatedKey, "name", "a"), errs.Exists, "name")
	app := errs.Invalid("f", "v", "bad")
	if got := models.MapDBError(app, "x", "y"); got != error(app) {
		t.Errorf("an application error was replaced by %v", got)
	}
	other := gorm.ErrInvalidTransaction
	if got := models.MapDBError(other, "x", "y"); got != other {
		t.Errorf("an internal error became %v", got)
	}
	if got, want := errs.New(errs.Value, "login", "a b", "bad %s", "login").Error(), "value login (a b): bad login"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
