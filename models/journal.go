package models

import (
	"context"
	"fmt"
	"time"

	"staffmgr/models/errs"
	"staffmgr/models/list"

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

// JournalList is the audit journal: newest first, filtered by account, func
// (funcname), result and a range of days.
var JournalList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "j.id", Sort: true, Unique: true},
		{Name: "time", Caption: "Time", Kind: list.Date, SQL: "j.created_at", Sort: true},
		{Name: "account", Caption: "Account", Kind: list.Text, SQL: "j.account_login", Sort: true, Filter: list.Wildcard},
		{Name: "real_account", Caption: "Acting through su", Kind: list.Text, Optional: true, SQL: "j.real_login"},
		{Name: "func", Caption: "Function", Kind: list.Text, SQL: "j.func", Sort: true},
		// The func filter cannot be called func: that parameter names the list itself.
		{Name: "funcname", Caption: "Function", Kind: list.Text, FilterOnly: true, SQL: "j.func", Filter: list.Wildcard},
		{Name: "elid", Caption: "Elements", Kind: list.Text, Optional: true, SQL: "j.elid"},
		{Name: "ip", Caption: "Address", Kind: list.Text, SQL: "j.ip"},
		{Name: "result", Caption: "Result", Kind: list.Status, SQL: "j.result", Filter: list.Choice, Choices: []list.Option{
			{Key: JournalOK, Label: "Done"},
			{Key: string(errs.Access), Label: "Access denied"},
			{Key: string(errs.Value), Label: "Invalid value"},
			{Key: string(errs.Missed), Label: "Not found"},
			{Key: string(errs.Exists), Label: "Already exists"},
			{Key: string(errs.Limit), Label: "Limit reached"},
			{Key: string(errs.Auth), Label: "Authentication failed"},
			{Key: string(errs.NotConfigured), Label: "Not configured"},
			{Key: string(errs.Gateway), Label: "Gateway failed"},
			{Key: string(errs.Internal), Label: "Internal error"}}},
		{Name: "error", Caption: "Error", Kind: list.Text, Optional: true, SQL: "j.error"},
		{Name: "error_object", Caption: "Error object", Kind: list.Text, Optional: true, SQL: "j.error_object"},
		{Name: "error_value", Caption: "Error value", Kind: list.Text, Optional: true, SQL: "j.error_value"},
		{Name: "params", Caption: "Parameters", Kind: list.Text, Optional: true, SQL: "j.params"},
		{Name: "date_from", Caption: "From day", Kind: list.Date, FilterOnly: true, Filter: list.Exact, Check: checkDay,
			Where: func(db *gorm.DB, v string) *gorm.DB {
				day, _ := parseDay(v)
				return db.Where("j.created_at >= ?", day.UTC())
			}},
		{Name: "date_to", Caption: "To day", Kind: list.Date, FilterOnly: true, Filter: list.Exact, Check: checkDay,
			Where: func(db *gorm.DB, v string) *gorm.DB {
				day, _ := parseDay(v)
				return db.Where("j.created_at < ?", day.AddDate(0, 0, 1).UTC())
			}},
	},
	DefaultSort: "time",
	DefaultDesc: true,
	Key:         "j.id",
}

// dayFormat is how the journal's date filters are spelled.
const dayFormat = "2006-01-02"

// parseDay reads a day of the server's time zone, the zone the list shows times in.
func parseDay(v string) (time.Time, error) {
	return time.ParseInLocation(dayFormat, v, time.Local)
}

// checkDay refuses a date filter that is no YYYY-MM-DD day.
func checkDay(v string) error {
	if _, err := parseDay(v); err != nil {
		return errs.Invalid("", v, "A day is a date as YYYY-MM-DD")
	}
	return nil
}

// ListJournal reads one page of the journal and the number of entries the query's
// filter keeps.
func ListJournal(ctx context.Context, db *gorm.DB, q *list.Query) ([]JournalEntry, int64, error) {
	var rows []JournalEntry
	total, err := q.Fetch(Journal(ctx, db), "j.*", &rows)
	return rows, total, err
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
