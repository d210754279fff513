package models_test

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/list"
	"staffmgr/rights"
)

// TestStaffPagesAcrossProcesses: a kept page of the staff list answers only while
// what it shows is still true. Each change another process makes (an account, a
// session opened, used or ended, a lock) and each flag's time running out (a
// session's expiry, the onsite window, a lock's end) is in the next answer, which
// always equals the page read by SQL alone; a page nothing changed is answered
// without a statement.
func TestStaffPagesAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		ctx := context.Background()
		var accounts []*models.Account
		for i := 0; i < 6; i++ {
			accounts = append(accounts, MustCreateAccount(t, db, fmt.Sprintf("page%02d", i), rights.Admin))
		}
		clock := models.Now()
		lockout := models.DefaultLockout
		lockout.Now = func() time.Time { return clock }
		ranked, pages := &list.Ranked{}, &models.StaffPages{}
		var statements atomic.Int64
		count := func(*gorm.DB) { statements.Add(1) }
		for _, err := range []error{
			db.Callback().Query().After("gorm:query").Register("test:count", count),
			db.Callback().Row().After("gorm:row").Register("test:count", count),
			db.Callback().Raw().After("gorm:raw").Register("test:count", count),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		q, err := models.StaffList.Parse(values(map[string]string{"p_col": "name", "p_cnt": "5"}), list.State{Inline: true})
		if err != nil {
			t.Fatal(err)
		}
		// check answers the page twice through the kept pages and compares both
		// answers with SQL's; the second must come from memory.
		check := func(when string) {
			t.Helper()
			want, wantTotal, err := models.ListStaff(ctx, db, q, models.StaffPage{Lockout: lockout})
			if err != nil {
				t.Fatal(err)
			}
			for try := 0; try < 2; try++ {
				v, err := models.ReadVersions(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				ranked.Wait()
				statements.Store(0)
				got, total, err := models.ListStaff(ctx, db, q, models.StaffPage{Ranked: ranked, Pages: pages, Versions: v, Lockout: lockout})
				if err != nil {
					t.Fatal(err)
				}
				if total != wantTotal || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s (answer %d): kept pages give %d %+v\nSQL gives %d %+v", when, try+1, total, got, wantTotal, want)
				}
				if n := statements.Load(); try == 1 && n != 0 {
					t.Errorf("%s: a page nothing changed took %d statements", when, n)
				}
			}
		}
		session := func(id string, account int64, expiry, lastSeen time.Time, ip string) {
			t.Helper()
			if err := other.Exec("INSERT INTO sessions (id, data, expiry, account_id, ip, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
				id, []byte{0}, expiry, account, ip, lastSeen, lastSeen).Error; err != nil {
				t.Fatal(err)
			}
		}
		flags := func(login string) models.StaffRow {
			t.Helper()
			rows, _, err := models.ListStaff(ctx, db, q, models.StaffPage{Lockout: lockout})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.Login == login {
					return r
				}
			}
			t.Fatalf("%s is not on the page", login)
			return models.StaffRow{}
		}

		check("at first")
		if err := other.Exec("UPDATE accounts SET realname = 'Changed' WHERE id = ?", accounts[1].ID).Error; err != nil {
			t.Fatal(err)
		}
		check("after a rename elsewhere")
		now := models.Now()
		session("s1", accounts[2].ID, now.Add(time.Hour), now.Add(-time.Hour), "192.0.2.1")
		check("after a session opened elsewhere")
		if err := other.Exec("UPDATE sessions SET last_seen = ? WHERE id = 's1'", models.Now()).Error; err != nil {
			t.Fatal(err)
		}
		check("after a session used elsewhere")
		session("s2", accounts[2].ID, now.Add(time.Hour), now, "192.0.2.2")
		check("after a session from a second address")
		if err := other.Exec("DELETE FROM sessions WHERE id = 's2'").Error; err != nil {
			t.Fatal(err)
		}
		check("after a session ended elsewhere")
		if err := other.Exec("INSERT INTO login_failures (kind, subject, failures, window_start, locked_until) VALUES (?, ?, 10, ?, ?)",
			models.LockLogin, accounts[3].Login, clock, clock.Add(time.Hour)).Error; err != nil {
			t.Fatal(err)
		}
		check("after a lock elsewhere")
		if !flags(accounts[3].Login).Locked {
			t.Fatal("the lock does not show")
		}
		clock = clock.Add(2 * time.Hour)
		check("after the lock's end")

		// Times that run out with no write: a session's expiry and the onsite window.
		now = models.Now()
		session("s3", accounts[4].ID, now.Add(1500*time.Millisecond), now, "192.0.2.3")
		session("s4", accounts[0].ID, now.Add(time.Hour), now.Add(-models.OnsiteWindow+1500*time.Millisecond), "192.0.2.4")
		check("with sessions about to expire and to leave the onsite window")
		if r := flags(accounts[4].Login); r.Sessions != 1 {
			t.Fatalf("the session about to expire does not show: %+v", r)
		}
		if r := flags(accounts[0].Login); !r.Onsite {
			t.Fatalf("the onsite session does not show as onsite: %+v", r)
		}
		time.Sleep(time.Until(now.Add(1600 * time.Millisecond)))
		check("once they did")
		if r := flags(accounts[4].Login); r.Sessions != 0 {
			t.Fatalf("an expired session still shows: %+v", r)
		}
		if r := flags(accounts[0].Login); r.Onsite {
			t.Fatalf("a session past the onsite window is still onsite: %+v", r)
		}
	})
}

// TestStaffPagesBound: the pages kept hold no more rows than their bound, however
// many pages are read.
func TestStaffPagesBound(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, models.SQLite)
	ctx := context.Background()
	for i := 0; i < 120; i++ {
		MustCreateAccount(t, db, fmt.Sprintf("bound%03d", i), rights.Admin)
	}
	ranked, pages := &list.Ranked{}, &models.StaffPages{MaxRows: 50}
	v, err := models.ReadVersions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for size := 1; size <= 100; size += 3 {
		for page := 1; page*size <= 120; page++ {
			q, err := models.StaffList.Parse(values(map[string]string{"p_num": fmt.Sprint(page), "p_cnt": fmt.Sprint(size)}), list.State{Inline: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := models.ListStaff(ctx, db, q, models.StaffPage{Ranked: ranked, Pages: pages, Versions: v}); err != nil {
				t.Fatal(err)
			}
			if held := pages.Rows(); held > 50 {
				t.Fatalf("the pages kept hold %d rows, more than 50", held)
			}
		}
	}
	if pages.Rows() < 40 {
		t.Fatalf("the pages kept hold %d rows: the bound drops more than it must", pages.Rows())
	}
}
