package handlers

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"testing"

	"staffmgr/models"
	"staffmgr/rights"
)

// mustSessions opens sessions for admin1..adminN and user1 and returns root's.
func mustSessions(t *testing.T, e *env, admins int) (root string) {
	t.Helper()
	for i := 1; i <= admins; i++ {
		login := fmt.Sprintf("admin%d", i)
		MustCreateAccount(t, e.db, login, rights.Admin)
		e.login(login)
	}
	MustCreateAccount(t, e.db, "user1", rights.User)
	e.login("user1")
	return e.login("root")
}

func TestSessionList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := mustSessions(t, e, 3)
		r := e.get("func=session&auth=" + root)
		if got := r.text("p_elems"); got != "5" {
			t.Fatalf("p_elems = %s, want 5", got)
		}
		var current int
		for _, row := range r.rows() {
			if _, ok := row["current"]; ok {
				current++
				if row["account"] != "root" || row["id"] != models.Digest(root) {
					t.Errorf("current row %v", row)
				}
			}
			for _, col := range []string{"id", "account", "level", "ip", "started", "last_activity"} {
				if _, ok := row[col]; !ok {
					t.Errorf("row lacks %s: %v", col, row)
				}
			}
		}
		if current != 1 {
			t.Errorf("%d rows flagged current, want 1", current)
		}

		asc := e.get("func=session&p_col=%2Baccount&auth=" + root).column("account")
		if want := []string{"admin1", "admin2", "admin3", "root", "user1"}; !reflect.DeepEqual(asc, want) {
			t.Errorf("p_col=+account: %v", asc)
		}
		// An unescaped + in a query string arrives as a space: still ascending.
		if got := e.get("func=session&p_col=+account&auth=" + root).column("account"); !reflect.DeepEqual(got, asc) {
			t.Errorf("p_col= account: %v", got)
		}
		desc := e.get("func=session&sort=-account&auth=" + root)
		if got := desc.column("account"); got[0] != "user1" || desc.text("p_order") != "desc" || desc.text("p_sort") != "account" {
			t.Errorf("sort=-account: %v %s", got, desc.body)
		}

		// Paging: p_num/p_cnt and startidx/pagesize address the same rows; the total stays.
		var paged []string
		for page := 1; page <= 3; page++ {
			r := e.get(fmt.Sprintf("func=session&p_col=%%2Baccount&p_cnt=2&p_num=%d&auth=%s", page, root))
			if r.text("p_elems") != "5" || r.text("p_num") != fmt.Sprint(page) || r.text("p_cnt") != "2" {
				t.Errorf("page %d: %s", page, r.body)
			}
			paged = append(paged, r.column("account")...)
		}
		if !reflect.DeepEqual(paged, asc) {
			t.Errorf("pages %v, want %v", paged, asc)
		}
		if got := e.get("func=session&sort=account&pagesize=2&startidx=2&auth=" + root).column("account"); !reflect.DeepEqual(got, asc[2:4]) {
			t.Errorf("startidx=2: %v", got)
		}
		if rows := e.get("func=session&p_cnt=2&p_num=9&auth=" + root).rows(); len(rows) != 0 {
			t.Errorf("a page past the end has %d rows", len(rows))
		}
		// p_cnt is remembered for the account and the list; pagesize sizes its own
		// page only, as a script's paging must not change the panel's setting.
		if got := e.get("func=session&auth=" + root).text("p_cnt"); got != "2" {
			t.Errorf("remembered p_cnt = %s, want 2", got)
		}
		if got := e.get("func=session&pagesize=3&auth=" + root); got.text("p_cnt") != "3" || len(got.rows()) != 3 {
			t.Errorf("pagesize=3: %s", got.body)
		}
		if got := e.get("func=session&auth=" + root).text("p_cnt"); got != "2" {
			t.Errorf("after pagesize=3 the remembered p_cnt is %s, want 2", got)
		}
		e.get("func=session&pagesize=0&auth="+root).fails("value", "pagesize")
		if got := e.get("func=session&auth=" + root).text("p_cnt"); got != "2" {
			t.Errorf("after a refused pagesize the remembered p_cnt is %s, want 2", got)
		}

		for _, q := range []struct{ query, object string }{
			{"p_col=-password_hash", "p_col"},
			{"sort=s.id", "sort"},
			{"sort=account%3Bdrop", "sort"},
			{"p_cnt=0", "p_cnt"},
			{"p_cnt=abc", "p_cnt"},
			{"p_cnt=100000", "p_cnt"},
			{"p_num=0", "p_num"},
			{"startidx=-1", "startidx"},
			{"level=99", "level"},
		} {
			e.get("func=session&auth="+root+"&"+q.query).fails("value", q.object)
		}
	})
}

func TestSessionFilter(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := mustSessions(t, e, 2)
		accounts := func(query string) []string {
			got := e.get("func=session&auth=" + root + "&" + query).column("account")
			sort.Strings(got)
			return got
		}

		form := e.get("func=session.filter&auth=" + root).ok()
		if form.text("account") != "" {
			t.Errorf("empty filter form: %s", form.body)
		}
		e.get("func=session.filter&account=ADM*&auth=" + root).ok() // without sok: nothing stored
		if got := accounts(""); len(got) != 4 {
			t.Errorf("a filter form without sok filtered: %v", got)
		}
		saved := e.get("func=session.filter&sok=ok&account=ADM*&auth=" + root).ok()
		if saved.text("account") != "ADM*" {
			t.Errorf("the answer does not show the stored filter: %s", saved.body)
		}
		if got := accounts(""); !reflect.DeepEqual(got, []string{"admin1", "admin2"}) {
			t.Errorf("stored filter account=ADM*: %v", got)
		}
		if got := e.get("func=session&auth=" + root).text("p_elems"); got != "2" {
			t.Errorf("p_elems under a filter = %s", got)
		}
		if got := e.get("func=session.filter&auth=" + root).text("account"); got != "ADM*" {
			t.Errorf("filter form shows %q", got)
		}
		// Another session of the same account has its own filters.
		if got := e.get("func=session&auth=" + e.login("root")).rows(); len(got) != 5 {
			t.Errorf("another session is filtered too: %d rows", len(got))
		}
		e.get("func=session.filter&sok=ok&level=16&auth=" + root).ok()
		if got := accounts(""); !reflect.DeepEqual(got, []string{"user1"}) {
			t.Errorf("level=16: %v", got)
		}
		e.get("func=session.filter&sok=ok&reset=on&auth=" + root).ok()
		if got := accounts(""); len(got) != 5 {
			t.Errorf("after reset: %v", got)
		}
		e.get("func=session.filter&sok=ok&account=r*&auth=" + root).ok()
		e.get("func=session.filter&sok=ok&clicked_button=reset&auth=" + root).ok()
		if got := accounts(""); len(got) != 5 {
			t.Errorf("after clicked_button=reset: %v", got)
		}

		// Wildcards: only * is one; % and _ are plain characters.
		for query, want := range map[string]int{
			"filter=on&account=%25":       0,
			"filter=on&account=admin_":    0,
			"filter=on&account=*min*":     2,
			"filter=on&account=admin1":    1,
			"filter=on&account=*":         5,
			"filter=on&ip=127.0.0.1":      5,
			"filter=on&account=admin%252": 0,
		} {
			if got := accounts(query); len(got) != want {
				t.Errorf("%s: %v, want %d rows", query, got, want)
			}
		}
		e.get("func=session.filter&sok=ok&level=7&auth="+root).fails("value", "level")

		// Without a session a filter cannot be stored, but works inline.
		info := "authinfo=root:" + Password
		e.get("func=session.filter&sok=ok&account=root&"+info).fails("value", "session")
		if got := e.get("func=session&filter=on&account=root&" + info).column("account"); len(got) != 2 {
			t.Errorf("inline filter with authinfo: %v", got)
		}
	})
}

func TestSessionDelete(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		root := e.login("root")
		a1, a2 := e.login("alice"), e.login("alice")
		admin := e.login("alice")
		ids := models.Digest(a1) + ", " + models.Digest(a2)

		confirm := e.get("func=session.delete&elid=" + url.QueryEscape(ids) + "&auth=" + root).ok()
		if confirm.text("elid") != ids {
			t.Errorf("confirmation form: %s", confirm.body)
		}
		e.get("func=keepalive&auth=" + a1).ok()

		// One unknown element: nothing changes, and the error names it.
		r := e.get("func=session.delete&sok=ok&elid="+url.QueryEscape(ids+", nosuch")+"&auth="+root).fails("missed", "session")
		if r.errValue() != "nosuch" {
			t.Errorf("error value %q, want nosuch", r.errValue())
		}
		e.get("func=keepalive&auth=" + a1).ok()
		e.get("func=keepalive&auth=" + a2).ok()

		e.get("func=session.delete&sok=ok&elid=&auth="+root).fails("value", "elid")
		e.get("func=session.delete&sok=ok&elid="+models.Digest(root)+"&auth="+admin).fails("access", "session")
		e.get("func=keepalive&auth=" + root).ok()

		e.get("func=session.delete&sok=ok&elid=" + url.QueryEscape(models.Digest(a1)+","+models.Digest(a2)) + "&auth=" + root).ok()
		e.get("func=keepalive&auth="+a1).fails("access", "session")
		e.get("func=keepalive&auth="+a2).fails("access", "session")

		// Ending one's own session ends the request's session too.
		e.get("func=session.delete&sok=ok&elid=" + models.Digest(admin) + "&auth=" + admin).ok()
		e.get("func=keepalive&auth="+admin).fails("access", "session")
	})
}
