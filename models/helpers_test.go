package models_test

import (
	"context"
	"testing"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// Password is the password of every account the tests create.
const Password = "Test-pass1"

// MustCreateAccount creates an enabled account with the test password.
func MustCreateAccount(t *testing.T, db *gorm.DB, login string, level rights.Level) *models.Account {
	t.Helper()
	a, err := models.CreateAccount(context.Background(), db, dbtest.FastPasswords, login, level, Password)
	if err != nil {
		t.Fatalf("create account %s: %v", login, err)
	}
	return a
}

// MustDisable disables an account.
func MustDisable(t *testing.T, db *gorm.DB, id int64) {
	t.Helper()
	if err := db.Model(&models.Account{}).Where("id = ?", id).Update("enabled", false).Error; err != nil {
		t.Fatalf("disable account %d: %v", id, err)
	}
}

// MustRegisterKey registers a one-time key for an account.
func MustRegisterKey(t *testing.T, db *gorm.DB, accountID int64, key string, ttl time.Duration) {
	t.Helper()
	if err := models.RegisterKey(context.Background(), db, accountID, 0, key, ttl); err != nil {
		t.Fatalf("register key for account %d: %v", accountID, err)
	}
}

// MustAppError fails unless err is an application error of type typ about object,
// and returns it.
func MustAppError(t *testing.T, err error, typ errs.Kind, object string) *errs.E {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %s", typ, object)
	}
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("got %T %v, want an *errs.E %s %s", err, err, typ, object)
	}
	if e.Kind != typ || e.Object != object {
		t.Fatalf("got error %s %s (%v), want %s %s", e.Kind, e.Object, e, typ, object)
	}
	return e
}

// objectOf is the object a protocol error names, or "" for any other error.
func objectOf(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Object
	}
	return ""
}
