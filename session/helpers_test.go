package session_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/errs"
	"staffmgr/rights"
	"staffmgr/session"
)

// cfg is the configuration of most tests: long enough that nothing expires by itself.
var cfg = session.Config{IdleTimeout: time.Hour, Lifetime: 10 * time.Hour}

// MustCreateAccount creates an enabled account.
func MustCreateAccount(t *testing.T, db *gorm.DB, login string, level rights.Level) *models.Account {
	t.Helper()
	a, err := models.CreateAccount(context.Background(), db, dbtest.FastPasswords, login, level, "Test-pass1")
	if err != nil {
		t.Fatalf("create account %s: %v", login, err)
	}
	return a
}

// MustLoad loads the session a token names into a fresh request context.
func MustLoad(t *testing.T, m *session.Manager, token string) context.Context {
	t.Helper()
	ctx, err := m.Load(context.Background(), token)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return ctx
}

// MustCommit commits a loaded session and returns its token.
func MustCommit(t *testing.T, m *session.Manager, ctx context.Context) string {
	t.Helper()
	token, _, err := m.Commit(ctx)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return token
}

// MustLogin runs a login request for account from ip and returns the new token.
func MustLogin(t *testing.T, m *session.Manager, account int64, ip string) string {
	t.Helper()
	ctx := MustLoad(t, m, "")
	if err := m.Login(ctx, account, ip); err != nil {
		t.Fatalf("Login: %v", err)
	}
	token := MustCommit(t, m, ctx)
	if token == "" {
		t.Fatal("Commit after Login returned no token")
	}
	return token
}

// MustRow returns the stored row of a token's session.
func MustRow(t *testing.T, db *gorm.DB, token string) session.Row {
	t.Helper()
	var row session.Row
	if err := db.Where("id = ?", models.Digest(token)).Take(&row).Error; err != nil {
		t.Fatalf("session row of %s…: %v", token[:min(4, len(token))], err)
	}
	return row
}

// rowExists reports whether a token's session has a row, live or not.
func rowExists(t *testing.T, db *gorm.DB, token string) bool {
	t.Helper()
	var n int64
	if err := db.Model(&session.Row{}).Where("id = ?", models.Digest(token)).Count(&n).Error; err != nil {
		t.Fatalf("count session rows: %v", err)
	}
	return n > 0
}

// countRows returns the number of stored sessions.
func countRows(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&session.Row{}).Count(&n).Error; err != nil {
		t.Fatalf("count session rows: %v", err)
	}
	return n
}

// MustExpire moves a session's expiry column to the past.
func MustExpire(t *testing.T, db *gorm.DB, token string) {
	t.Helper()
	res := db.Model(&session.Row{}).Where("id = ?", models.Digest(token)).
		Update("expiry", models.Now().Add(-time.Second))
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("expire session: %v (%d rows)", res.Error, res.RowsAffected)
	}
}

// valid reports whether a token loads as a logged-in session, in a new request.
func valid(t *testing.T, m *session.Manager, token string) bool {
	t.Helper()
	return m.Valid(MustLoad(t, m, token))
}

// objectOf is the object a protocol error names, or "" for any other error.
func objectOf(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Object
	}
	return ""
}
