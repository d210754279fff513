package handlers

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/dbtest"
	"staffmgr/rights"
	"staffmgr/session"
)

// Two servers share one database, as two processes would: every change one of them
// acknowledges (an employee created, renamed, suspended, deleted; a department
// membership) shows in the other's very next staff list, its total and its deep
// pages, though that server keeps the list's order between requests.
func TestStaffListAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		e := newEnv(t, db)
		elsewhere := newServer(t, other, nil)
		for i := 0; i < 12; i++ {
			MustCreateAccount(t, db, "staff"+strconv.Itoa(100+i), rights.Admin)
		}
		root := e.login("root")
		rootElsewhere := elsewhere.login("root")
		list := func(query string) (string, []string) {
			t.Helper()
			r := e.get("func=employee&auth=" + root + "&" + query).ok()
			return r.text("p_elems"), r.column("name")
		}
		check := func(when, query, total string, names []string) {
			t.Helper()
			gotTotal, gotNames := list(query)
			if gotTotal != total || !reflect.DeepEqual(gotNames, names) {
				t.Errorf("%s, %s: total %s %v, want %s %v", when, query, gotTotal, gotNames, total, names)
			}
		}
		deep := "p_col=name&p_cnt=5&p_num=3"
		// root, then staff100 to staff111: the third page of five is the last three.
		check("at first", deep, "13", []string{"staff109", "staff110", "staff111"})
		check("at first, again", deep, "13", []string{"staff109", "staff110", "staff111"})

		elsewhere.get("func=employee.edit&sok=ok&name=staff1055&realname=Ivanov+Ivan&passwd=" + Password + "&confirm=" + Password + "&auth=" + rootElsewhere).ok()
		check("after a create elsewhere", deep, "14", []string{"staff108", "staff109", "staff110", "staff111"})
		check("filtered", "filter=on&realname=ivan*", "1", []string{"staff1055"})

		id := e.get("func=employee&filter=on&name=staff1055&auth=" + root).ok().column("id")[0]
		elsewhere.get("func=employee.edit&sok=ok&elid=" + id + "&realname=Petrov+Pyotr&auth=" + rootElsewhere).ok()
		check("after a rename elsewhere", "filter=on&realname=ivan*", "0", nil)
		elsewhere.get("func=employee.suspend&sok=ok&elid=" + id + "&auth=" + rootElsewhere).ok()
		check("after a suspension elsewhere", "filter=on&status=disabled", "1", []string{"staff1055"})
		elsewhere.get("func=employee.delete&sok=ok&elid=" + id + "&auth=" + rootElsewhere).ok()
		check("after a deletion elsewhere", deep, "13", []string{"staff109", "staff110", "staff111"})
		check("after a deletion elsewhere", "filter=on&status=disabled", "0", nil)

		dept := e.get("func=department&filter=on&name=Sales*&auth=" + root).ok().column("id")[0]
		member := e.get("func=employee&filter=on&name=staff100&auth=" + root).ok().column("id")[0]
		check("before a membership", "filter=on&department=sales*", "0", nil)
		elsewhere.get("func=employee.edit&sok=ok&elid=" + member + "&department=" + dept + "&auth=" + rootElsewhere).ok()
		check("after a membership elsewhere", "filter=on&department=sales*", "1", []string{"staff100"})

		// The page size root chooses through the other server is the one this
		// server's next list uses, though it keeps page sizes between requests.
		// (the deep page's p_cnt=5 was kept)
		check("before a page size elsewhere", "p_col=name", "13", []string{"root", "staff100", "staff101", "staff102", "staff103"})
		elsewhere.get("func=employee&p_cnt=2&auth=" + rootElsewhere).ok()
		check("after a page size elsewhere", "p_col=name", "13", []string{"root", "staff100"})
	})
}

// A request that changes nothing leaves its session's row unwritten while the row
// is fresh; one that changes the session writes it, and a session ended by another
// process is over for the next request.
func TestSessionTouch(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		e := newEnv(t, db)
		elsewhere := newServer(t, other, nil)
		sid := e.login("root")
		seen := func() time.Time {
			t.Helper()
			var row session.Row
			if err := db.Where("account_id IS NOT NULL").Order("created_at").Take(&row).Error; err != nil {
				t.Fatal(err)
			}
			return row.LastSeen
		}
		first := seen()
		time.Sleep(5 * time.Millisecond)
		e.get("func=whoami&auth=" + sid).ok()
		e.get("func=employee&auth=" + sid).ok()
		if got := seen(); !got.Equal(first) {
			t.Errorf("reading requests wrote the fresh session: last_seen %v, was %v", got, first)
		}
		e.get("func=employee.filter&sok=ok&name=ro*&auth=" + sid).ok()
		if got := seen(); !got.After(first) {
			t.Errorf("a request that stored a filter did not write the session: last_seen %v, was %v", got, first)
		}
		var id string
		if err := other.Raw("SELECT id FROM sessions").Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		elsewhere.get("func=session.delete&sok=ok&elid=" + id + "&authinfo=root:" + Password).ok()
		e.get("func=whoami&auth="+sid).fails("access", "session")
	})
}

// TestSuSessionAcrossProcesses: the opener of an su session is read afresh with the
// session on every request, so a change made to the opener or the account through
// another process ends the su session at its next request.
func TestSuSessionAcrossProcesses(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		e := newEnv(t, db)
		elsewhere := newServer(t, other, nil)
		root := elsewhere.login("root")
		opener := MustCreateEmployee(t, db, "opener", rights.Admin)
		elsewhere.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=employee.su&sok=ok&auth=%s", opener.ID, root)).ok()
		n := 0
		var target int64
		open := func() string {
			t.Helper()
			n++
			target = MustCreateEmployee(t, db, fmt.Sprintf("target-%d", n), rights.Admin).ID
			su := e.su(e.login("opener"), target)
			e.get("func=whoami&auth=" + su).ok()
			return su
		}

		// The opener loses employee.su, then gets it back.
		su := open()
		elsewhere.get(fmt.Sprintf("func=rights2.user.suspend&plid=%d&elid=employee.su&sok=ok&auth=%s", opener.ID, root)).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")
		elsewhere.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=employee.su&sok=ok&auth=%s", opener.ID, root)).ok()

		// The account gains a right the opener has not.
		su = open()
		elsewhere.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=journal&sok=ok&auth=%s", target, root)).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")

		// The opener is disabled behind the server's back, with no session ended.
		su = open()
		if err := other.Exec("UPDATE accounts SET enabled = ? WHERE id = ?", false, opener.ID).Error; err != nil {
			t.Fatal(err)
		}
		e.get("func=whoami&auth="+su).fails("access", "session")
		if err := other.Exec("UPDATE accounts SET enabled = ? WHERE id = ?", true, opener.ID).Error; err != nil {
			t.Fatal(err)
		}

		// The opener is suspended, then deleted.
		su = open()
		elsewhere.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", opener.ID, root)).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")
		elsewhere.get(fmt.Sprintf("func=employee.resume&elid=%d&sok=ok&auth=%s", opener.ID, root)).ok()
		su = open()
		elsewhere.get(fmt.Sprintf("func=employee.delete&elid=%d&sok=ok&auth=%s", opener.ID, root)).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")
	})
}
