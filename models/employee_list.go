package models

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/list"
)

// OnsiteWindow is how recently an employee must have used a session to be onsite.
const OnsiteWindow = 5 * time.Minute

// Staff is the query of staff accounts (admin level and above) as "a".
func Staff(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("accounts AS a").Where("a." + staffCondition)
}

// StaffList is the staff list. The department filter matches the names of the
// employee's active departments; status and session are composite flags. The
// session flags and locked come from the session store and the lockout counters.
var StaffList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "a.id", Sort: true},
		{Name: "name", Caption: "Login", Kind: list.Text, SQL: "a.login", Sort: true, Unique: true, Filter: list.Wildcard},
		{Name: "realname", Caption: "Full name", Kind: list.Text, Optional: true, SQL: "a.realname", Sort: true, Filter: list.Wildcard},
		{Name: "position", Caption: "Position", Kind: list.Text, Optional: true, SQL: "a.position"},
		{Name: "email", Caption: "Email", Kind: list.Text, Optional: true, SQL: "a.email", Sort: true, Filter: list.Wildcard},
		{Name: "phone", Caption: "Phone", Kind: list.Text, Optional: true, SQL: "a.phone"},
		{Name: "mobile", Caption: "Mobile phone", Kind: list.Text, Optional: true, SQL: "a.mobile"},
		{Name: "department", Caption: "Departments", Kind: list.Text, Optional: true, SQL: "a.department_names",
			Sort: true, Filter: list.Wildcard, Where: staffInDepartment},
		{Name: "enabled", Caption: "Enabled", Kind: list.Flag, SQL: "a.enabled"},
		{Name: "default_access_allow", Caption: "Full access", Kind: list.Flag, SQL: "a.default_access_allow"},
		{Name: "all_ip_access", Caption: "Access from any address", Kind: list.Flag, SQL: "a.all_ip_access"},
		{Name: "ip_access", Caption: "Access from listed addresses", Kind: list.Flag, SQL: "NOT a.all_ip_access"},
		{Name: "has_session", Caption: "Has a session", Kind: list.Flag},
		{Name: "onsite", Caption: "Active in the last 5 minutes", Kind: list.Flag},
		{Name: "another_session", Caption: "Sessions from several addresses", Kind: list.Flag},
		{Name: "locked", Caption: "Blocked by failed logins", Kind: list.Flag},
		{Name: "status", Caption: "Status", Kind: list.Status, FilterOnly: true, Filter: list.Choice, Where: staffStatus, Choices: []list.Option{
			{Key: "enabled", Label: "Enabled"}, {Key: "disabled", Label: "Suspended"},
			{Key: "default_access_allow", Label: "Full access"},
			{Key: "all_ip_access", Label: "Access from any address"},
			{Key: "ip_access", Label: "Access from listed addresses"}}},
		{Name: "session", Caption: "Session", Kind: list.Status, FilterOnly: true, Filter: list.Choice, Where: staffSession, Live: true, Choices: []list.Option{
			{Key: "has_session", Label: "Has a session"},
			{Key: "onsite", Label: "Active in the last 5 minutes"},
			{Key: "another_session", Label: "Sessions from several addresses"}}},
	},
	DefaultSort: "id",
	Key:         "a.id",
}

// staffInDepartment keeps employees with an active department whose name matches.
func staffInDepartment(db *gorm.DB, v string) *gorm.DB {
	members := db.Session(&gorm.Session{NewDB: true}).Table("department_members AS m").
		Select("m.account_id").Joins("JOIN departments AS d ON d.id = m.department_id").Where("m.active")
	return db.Where("a.id IN (?)", list.MatchWildcard(members, "d.name", v))
}

// staffStatus keeps accounts by a flag of the account row.
func staffStatus(db *gorm.DB, v string) *gorm.DB {
	switch v {
	case "enabled":
		return db.Where("a.enabled")
	case "disabled":
		return db.Where("NOT a.enabled")
	case "default_access_allow":
		return db.Where("a.default_access_allow")
	case "all_ip_access":
		return db.Where("a.all_ip_access")
	default: // ip_access
		return db.Where("NOT a.all_ip_access")
	}
}

// staffSession keeps accounts by their live sessions.
func staffSession(db *gorm.DB, v string) *gorm.DB {
	live := db.Session(&gorm.Session{NewDB: true}).Table("sessions").Select("account_id").
		Where("expiry > ?", Now())
	switch v {
	case "onsite":
		live = live.Where("last_seen >= ?", Now().Add(-OnsiteWindow))
	case "another_session":
		live = live.Group("account_id").Having("COUNT(DISTINCT ip) > 1")
	}
	return db.Where("a.id IN (?)", live)
}

// StaffRow is a row of the staff list as the query reads it.
type StaffRow struct {
	ID                 int64
	Login              string
	Realname           string
	Position           string
	Email              string
	Phone              string
	Mobile             string
	DepartmentNames    string
	Enabled            bool
	DefaultAccessAllow bool
	AllIPAccess        bool `gorm:"column:all_ip_access"`
	// From the session store: live sessions, the addresses they come from, and
	// whether one was used within OnsiteWindow.
	Sessions int64
	IPs      int64 `gorm:"column:ips"`
	Onsite   bool
	// Locked: the lockout holds the login.
	Locked bool
}

// staffRowSelect reads a StaffRow from Staff; its placeholders are, in order, the
// time sessions must outlive (twice, then once more with the onsite bound after it)
// and the time a lock must outlive.
const staffRowSelect = "a.id, a.login, a.realname, a.position, a.email, a.phone, a.mobile, a.department_names, " +
	"a.enabled, a.default_access_allow, a.all_ip_access, " +
	"(SELECT COUNT(*) FROM sessions AS s WHERE s.account_id = a.id AND s.expiry > ?) AS sessions, " +
	"(SELECT COUNT(DISTINCT s.ip) FROM sessions AS s WHERE s.account_id = a.id AND s.expiry > ?) AS ips, " +
	"EXISTS (SELECT 1 FROM sessions AS s WHERE s.account_id = a.id AND s.expiry > ? AND s.last_seen >= ?) AS onsite, " +
	"EXISTS (SELECT 1 FROM login_failures AS f WHERE f.kind = ? AND f.subject = a.login AND f.locked_until > ?) AS locked"

// StaffPage is what a staff list request brings besides its query: where its
// order and its pages are kept, and the clocks of the flags that come from sessions
// and locks.
type StaffPage struct {
	// Ranked, when set (it must belong to db's database), keeps the list's order
	// between requests, at the data version of Versions, which the request read
	// before anything else it read: neither the total nor a deep page then costs
	// more than one read of their keys per change of the data.
	Ranked *list.Ranked
	// Pages, when set with Ranked, keeps the pages read at Versions.
	Pages    *StaffPages
	Versions Versions
	// Lockout is the policy whose locks the locked flag shows.
	Lockout Lockout
}

// ListStaff reads one page of the staff list, with the flags of each row, and the
// number of employees the query's filter keeps.
func ListStaff(ctx context.Context, db *gorm.DB, q *list.Query, p StaffPage) ([]StaffRow, int64, error) {
	var rows []StaffRow
	now := Now()
	lockNow := p.Lockout.normalized().now()
	lockKind := LockLogin
	if p.Lockout.normalized().LoginLimit <= 0 {
		lockKind = "" // the login counter is off: nobody is locked by it
	}
	args := []any{now, now, now, now.Add(-OnsiteWindow), lockKind, lockNow}
	if p.Ranked == nil {
		total, err := q.Fetch(Staff(ctx, db), staffRowSelect, &rows, args...)
		return rows, total, err
	}
	key := staffPageKey{query: q.CacheKey(), offset: q.Offset, size: q.PageSize, lockKind: lockKind}
	if p.Pages == nil || key.query == "" || q.PageSize > maxStaffPageRows {
		total, err := q.FetchRanked(p.Ranked, p.Versions.Data, Staff(ctx, db), staffRowSelect, &rows, args...)
		return rows, total, err
	}
	if rows, total, ok := p.Pages.get(key, p.Versions, now, lockNow); ok {
		return rows, total, nil
	}
	var bounded []staffRowBounds
	total, err := q.FetchRanked(p.Ranked, p.Versions.Data, Staff(ctx, db), staffRowSelect+staffBoundsSelect, &bounded,
		append(args, now, now, now.Add(-OnsiteWindow), lockKind, lockNow)...)
	if err != nil {
		return nil, 0, err
	}
	page := &staffPage{versions: p.Versions, until: now.Add(OnsiteWindow), lockedUntil: lockNow.Add(OnsiteWindow),
		rows: make([]StaffRow, len(bounded)), total: total}
	for i, r := range bounded {
		page.rows[i] = r.StaffRow
		page.until = earliest(page.until, 0, r.FirstExpiry)
		page.until = earliest(page.until, OnsiteWindow, r.OnsiteSince)
		page.lockedUntil = earliest(page.lockedUntil, 0, r.LockEnd)
	}
	p.Pages.put(key, page)
	return slices.Clone(page.rows), total, nil
}
