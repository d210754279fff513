package models

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// StaffPages keeps pages of the staff list as they were read, each with the
// versions read before it and the time until which its flags hold: a row's
// has_session and another_session hold until the first of its sessions expires,
// onsite until the first of its onsite sessions leaves the onsite window, locked
// until its lock ends; every other change moves a version. A request that finds its
// page at the versions it read, before that time, is answered from memory.
type StaffPages struct {
	// MaxRows bounds the rows of all pages kept; 0 means DefaultStaffPagesRows.
	MaxRows int

	mu    sync.Mutex
	pages map[staffPageKey]*staffPage
	rows  int // the rows of all pages kept
}

// Rows returns the number of rows the pages kept hold.
func (p *StaffPages) Rows() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rows
}

type staffPageKey struct {
	query        string // list.Query.CacheKey: the sort and the filter
	offset, size int
	lockKind     string
}

type staffPage struct {
	versions Versions
	// until is when the session flags stop holding, lockedUntil when the locked
	// flags do, on the lockout's clock.
	until, lockedUntil time.Time
	rows               []StaffRow
	total              int64
}

// Pages of more than maxStaffPageRows rows are not kept, and the pages kept hold at
// most DefaultStaffPagesRows rows in all (StaffPages.MaxRows): rows of a few hundred
// bytes, some megabytes.
const (
	maxStaffPageRows      = 100
	DefaultStaffPagesRows = 20_000
)

func (p *StaffPages) get(key staffPageKey, v Versions, now, lockNow time.Time) ([]StaffRow, int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	page := p.pages[key]
	if page == nil || page.versions != v || !now.Before(page.until) || !lockNow.Before(page.lockedUntil) {
		return nil, 0, false
	}
	return slices.Clone(page.rows), page.total, true
}

func (p *StaffPages) put(key staffPageKey, page *staffPage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pages == nil {
		p.pages = map[staffPageKey]*staffPage{}
	}
	if old, ok := p.pages[key]; ok {
		p.rows -= len(old.rows)
		delete(p.pages, key)
	}
	max := p.MaxRows
	if max == 0 {
		max = DefaultStaffPagesRows
	}
	if len(page.rows) > max {
		return
	}
	for k, old := range p.pages { // drop pages, whichever the map gives first, to make room
		if p.rows+len(page.rows) <= max {
			break
		}
		p.rows -= len(old.rows)
		delete(p.pages, k)
	}
	p.pages[key] = page
	p.rows += len(page.rows)
}

// staffRowBounds is a StaffRow read with the times its flags hold until.
type staffRowBounds struct {
	StaffRow
	// FirstExpiry is the earliest expiry of the row's live sessions, OnsiteSince the
	// earliest last use of those used within OnsiteWindow, LockEnd the end of its
	// lock; each is null when there is none.
	FirstExpiry dbTime
	OnsiteSince dbTime
	LockEnd     dbTime
}

// staffBoundsSelect reads the columns of staffRowBounds after staffRowSelect's;
// its placeholders are the time sessions must outlive, the same with the onsite
// bound after it, then the lock's kind and the time a lock must outlive.
const staffBoundsSelect = ", (SELECT MIN(s.expiry) FROM sessions AS s WHERE s.account_id = a.id AND s.expiry > ?) AS first_expiry, " +
	"(SELECT MIN(s.last_seen) FROM sessions AS s WHERE s.account_id = a.id AND s.expiry > ? AND s.last_seen >= ?) AS onsite_since, " +
	"(SELECT MIN(f.locked_until) FROM login_failures AS f WHERE f.kind = ? AND f.subject = a.login AND f.locked_until > ?) AS lock_end"

// dbTime scans a time that may be NULL, or text: SQLite gives the result of MIN over
// a time column as the text it stores.
type dbTime struct {
	T     time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = dbTime{}
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	}
	var n sql.NullTime
	if err := n.Scan(src); err != nil {
		return err
	}
	*t = dbTime{T: n.Time, Valid: n.Valid}
	return nil
}

// Value implements driver.Valuer, which the ORM asks of a struct-typed column.
func (t dbTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return t.T, nil
}

// sqliteTimeLayouts are the forms in which the SQLite driver writes times, without
// their zone.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

// parse reads a time as SQLite's text holds it. SQLite compares times as text, and
// staffmgr writes them in UTC, so a time is read as its digits in UTC, whatever zone
// follows them: that is the instant at which the SQL comparisons of the query that
// read it, against times in UTC, would turn.
func (t *dbTime) parse(s string) error {
	if len(s) > len("2006-01-02 15:04:05") {
		head, tail := s[:19], s[19:]
		if i := strings.IndexAny(tail, "+-Z"); i >= 0 {
			tail = tail[:i]
		}
		s = head + tail
	}
	for _, layout := range sqliteTimeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = dbTime{T: v, Valid: true}
			return nil
		}
	}
	return fmt.Errorf("read a time from %q", s)
}

// earliest returns the earliest of t and the valid times of ts shifted by d.
func earliest(t time.Time, d time.Duration, ts ...dbTime) time.Time {
	for _, v := range ts {
		if v.Valid && v.T.Add(d).Before(t) {
			t = v.T.Add(d)
		}
	}
	return t
}
