package session

import (
	"context"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/list"
)

// Active is the query of live sessions joined to their accounts, as "s" and "a",
// the base of the session list.
func Active(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("sessions AS s").
		Joins("JOIN accounts AS a ON a.id = s.account_id").
		Where("s.expiry > ?", models.Now())
}

// ActiveList is the list of active sessions. idle is computed from last_activity, and
// current marks the caller's own session.
var ActiveList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Text, SQL: "s.id", Sort: true},
		{Name: "account", Caption: "Account", Kind: list.Text, SQL: "a.login", Sort: true, Filter: list.Wildcard},
		{Name: "level", Caption: "Level", Kind: list.Status, SQL: "a.level", Sort: true, Filter: list.Choice, Choices: []list.Option{
			{Key: "31", Label: "root"}, {Key: "28", Label: "employee"}, {Key: "16", Label: "client"}}},
		{Name: "ip", Caption: "Address", Kind: list.Text, SQL: "s.ip", Sort: true, Filter: list.Wildcard},
		{Name: "started", Caption: "Started", Kind: list.Date, SQL: "s.created_at", Sort: true},
		{Name: "last_activity", Caption: "Last activity", Kind: list.Date, SQL: "s.last_seen", Sort: true},
		{Name: "idle", Caption: "Idle", Kind: list.Text},
		{Name: "current", Caption: "This session", Kind: list.Flag},
	},
	DefaultSort: "last_activity",
	DefaultDesc: true,
	Key:         "s.id",
}

// Listed is a session as lists show it.
type Listed struct {
	ID            string
	AccountID     int64
	RealAccountID *int64
	Login         string
	Level         int
	IP            string `gorm:"column:ip"`
	CreatedAt     time.Time
	LastSeen      time.Time
}

// ListedColumns selects a Listed from Active.
const ListedColumns = "s.id, s.account_id, s.real_account_id, a.login, a.level, s.ip, s.created_at, s.last_seen"

// ListActive reads one page of the live sessions and the number the query's filter
// keeps.
func ListActive(ctx context.Context, db *gorm.DB, q *list.Query) ([]Listed, int64, error) {
	var rows []Listed
	total, err := q.Fetch(Active(ctx, db), ListedColumns, &rows)
	return rows, total, err
}

// CountActive returns the number of sessions that have not expired.
func CountActive(ctx context.Context, db *gorm.DB) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Table("sessions").Where("expiry > ?", models.Now()).Count(&n).Error
	return n, err
}
