package models

import (
	"context"
	"fmt"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"
)

// JournalOK is the result of a journal entry whose change succeeded; a failed one
// holds the error's type instead.
const JournalOK = "ok"

// JournalEntry is one row of the audit journal: who changed what, from where, and
// how it ended. Accounts are copied by id and login, so the row outlives them.
type JournalEntry struct {
	ID           int64
	CreatedAt    time.Time
	AccountID    *int64
	AccountLogin string
	// RealAccountID and RealLogin name the account behind an su; empty otherwise.
	RealAccountID *int64
	RealLogin     string
	Func          string
	Elid          string
	IP            string `gorm:"column:ip"`
	// Result is JournalOK or the type of the error the change failed with.
	Result      string
	ErrorObject string
	ErrorValue  string
	Error       string
	// Params are the request's parameters as a JSON object, without credentials.
	Params string
}

// TableName is the journal's table.
func (JournalEntry) TableName() string { return "journal" }

// SetAccounts fills the account columns from the actor and the real account behind
// an su; either may be nil.
func (e *JournalEntry) SetAccounts(actor, real *Account) {
	if actor != nil {
		e.AccountID, e.AccountLogin = &actor.ID, actor.Login
	}
	if real != nil {
		e.RealAccountID, e.RealLogin = &real.ID, real.Login
	}
}

// SetError records err as the entry's result: its type, object, value and message.
// An error that is not an application error is internal, recorded as such without
// its details, which belong in the server log only.
func (e *JournalEntry) SetError(err error) {
	ae, ok := errs.As(err)
	if !ok {
		ae = &errs.E{Kind: errs.Internal, Object: "internal", Msg: "Internal error"}
	}
	e.Result, e.ErrorObject, e.ErrorValue, e.Error = string(ae.Kind), ae.Object, ae.Value, ae.Message()
}

// Journal is the journal as the list reads it, under the alias j.
func Journal(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("journal AS j")
}

// WriteJournal stores one journal entry, stamped now unless it has a time, with its
// texts cut to the columns' sizes.
func WriteJournal(ctx context.Context, db *gorm.DB, e *JournalEntry) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = Now()
	}
	e.CreatedAt = e.CreatedAt.UTC() // SQLite compares times as text: one zone for all rows
	if e.Result == "" {
		e.Result = JournalOK
	}
	e.AccountLogin, e.RealLogin = cut(e.AccountLogin, 64), cut(e.RealLogin, 64)
	e.Func, e.IP = cut(e.Func, 100), cut(e.IP, 64)
	e.Result, e.ErrorObject, e.ErrorValue = cut(e.Result, 20), cut(e.ErrorObject, 100), cut(e.ErrorValue, 1000)
	if err := db.WithContext(ctx).Create(e).Error; err != nil {
		return fmt.Errorf("write journal entry for %s: %w", e.Func, err)
	}
	return nil
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
