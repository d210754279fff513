package handlers

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// mustClient creates a client (user level) with the test password and writes the
// card's columns; it returns the id.
func mustClient(t *testing.T, e *env, login string, c card) int64 {
	t.Helper()
	a := MustCreateAccount(t, e.db, login, rights.User)
	if len(c) > 0 {
		if err := e.db.Model(&models.Account{}).Where("id = ?", a.ID).Updates(map[string]any(c)).Error; err != nil {
			t.Fatalf("card of %s: %v", login, err)
		}
	}
	return a.ID
}

var clientFlags = []string{"enabled", "has_session"}

func TestUserList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		mustEmployee(t, e, "ivan", card{"realname": "Ivan Petrov", "email": "ivan@example.com"})
		alice := mustClient(t, e, "alice", card{"realname": "Alice Brown", "email": "alice@example.com"})
		mustClient(t, e, "bob", card{"realname": "Bob 100% Smith", "email": "zz@shop.example", "enabled": false})
		mustClient(t, e, "carol", card{"realname": "Carol Ivanova", "email": "carol@example.com"})
		mustClient(t, e, "dave", nil)
		e.login("alice")
		setSession(t, e, e.login("carol"), "expiry", models.Now().Add(-time.Minute))
		root := e.login("root")
		names := func(query string) []string {
			t.Helper()
			return e.get("func=user&auth=" + root + "&" + query).column("name")
		}

		r := e.get("func=user&auth=" + root)
		if r.text("p_elems") != "4" || r.text("p_sort") != "id" || r.text("p_order") != "asc" {
			t.Errorf("list totals and sort: %s", r.body)
		}
		rows := r.rows()
		if got := r.column("name"); !reflect.DeepEqual(got, []string{"alice", "bob", "carol", "dave"}) {
			t.Errorf("default order (staff never listed): %v", got)
		}
		want := map[string]string{"id": fmt.Sprint(alice), "name": "alice", "realname": "Alice Brown", "email": "alice@example.com"}
		for col, v := range want {
			if rows[0][col] != v {
				t.Errorf("alice's %s = %q, want %q", col, rows[0][col], v)
			}
		}
		named := byName(rows)
		for name, w := range map[string][]string{
			"alice": {"enabled", "has_session"},
			"bob":   nil,
			"carol": {"enabled"},
			"dave":  {"enabled"},
		} {
			if got := flags(named[name], clientFlags...); !reflect.DeepEqual(got, w) {
				t.Errorf("%s's flags %v, want %v", name, got, w)
			}
		}
		if _, ok := named["dave"]["realname"]; ok {
			t.Errorf("an empty realname is listed: %v", named["dave"])
		}

		// Clients never appear among staff, nor staff among clients.
		if got := e.get("func=employee&auth=" + root).column("name"); !reflect.DeepEqual(got, []string{"root", "ivan"}) {
			t.Errorf("the staff list: %v", got)
		}
		if got := names("name=*"); !reflect.DeepEqual(got, []string{"alice", "bob", "carol", "dave"}) {
			t.Errorf("name=*: %v", got)
		}
		if got := names("filter=on&name=ivan"); got != nil {
			t.Errorf("an employee in the client list: %v", got)
		}

		for query, want := range map[string][]string{
			"sort=-id":          {"dave", "carol", "bob", "alice"},
			"sort=name":         {"alice", "bob", "carol", "dave"},
			"p_col=-name":       {"dave", "carol", "bob", "alice"},
			"p_col=%2Brealname": {"dave", "alice", "bob", "carol"},
			"sort=-realname":    {"carol", "bob", "alice", "dave"},
			"sort=email":        {"dave", "alice", "carol", "bob"},
			"p_col=-email":      {"bob", "carol", "alice", "dave"},
		} {
			if got := names(query); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v, want %v", query, got, want)
			}
		}
		for _, q := range []struct{ query, object string }{
			{"sort=password_hash", "sort"},
			{"p_col=level", "p_col"},
			{"sort=a.login", "sort"},
			{"status=default_access_allow", "status"},
			{"status=bogus", "status"},
		} {
			e.get("func=user&auth="+root+"&"+q.query).fails("value", q.object)
		}

		// Filters: * is the wildcard, % and _ are plain, case does not matter.
		for query, want := range map[string][]string{
			"name=*A*":                    {"alice", "carol", "dave"},
			"name=ca*":                    {"carol"},
			"name=bob":                    {"bob"},
			"name=bo":                     nil,
			"realname=*ivanov*":           {"carol"},
			"realname=*100%25*":           {"bob"},
			"realname=*100_*":             nil,
			"email=*@EXAMPLE.com":         {"alice", "carol"},
			"email=zz@shop.example":       {"bob"},
			"status=enabled":              {"alice", "carol", "dave"},
			"status=disabled":             {"bob"},
			"status=enabled&email=*com":   {"alice", "carol"},
			"realname=*o*&name=*o*":       {"bob", "carol"},
			"realname=*o*&status=enabled": {"alice", "carol"},
		} {
			r := e.get("func=user&filter=on&sort=name&auth=" + root + "&" + query)
			if got := r.column("name"); !reflect.DeepEqual(got, want) || r.text("p_elems") != fmt.Sprint(len(want)) {
				t.Errorf("%s: %v (p_elems %s), want %v", query, got, r.text("p_elems"), want)
			}
		}

		// A stored filter: user.filter without sok stores nothing, with sok it does.
		e.get("func=user.filter&name=a*&auth=" + root).ok()
		if got := names(""); len(got) != 4 {
			t.Errorf("a filter without sok filtered: %v", got)
		}
		e.get("func=user.filter&sok=ok&status=disabled&auth=" + root).ok()
		if got := names(""); !reflect.DeepEqual(got, []string{"bob"}) {
			t.Errorf("stored status=disabled: %v", got)
		}
		if f := e.get("func=user.filter&auth=" + root); f.text("status") != "disabled" || f.text("name") != "" {
			t.Errorf("the filter form: %s", f.body)
		}
		if got := e.get("func=employee&auth=" + root).column("name"); len(got) != 2 {
			t.Errorf("the client filter filtered the staff list: %v", got)
		}
		e.get("func=user.filter&sok=ok&reset=on&auth=" + root).ok()
		if got := names(""); len(got) != 4 {
			t.Errorf("after reset: %v", got)
		}
		e.get("func=user.filter&sok=ok&name=a*&authinfo=root:"+Password).fails("value", "session")

		// Paging: p_cnt/p_num and pagesize/startidx; the total on every page.
		var paged []string
		for page := 1; page <= 2; page++ {
			r := e.get(fmt.Sprintf("func=user&sort=name&p_cnt=3&p_num=%d&auth=%s", page, root))
			if r.text("p_elems") != "4" || r.text("p_num") != fmt.Sprint(page) || r.text("p_cnt") != "3" {
				t.Errorf("page %d: %s", page, r.body)
			}
			paged = append(paged, r.column("name")...)
		}
		if want := []string{"alice", "bob", "carol", "dave"}; !reflect.DeepEqual(paged, want) {
			t.Errorf("pages %v, want %v", paged, want)
		}
		if got := names("sort=name&pagesize=2&startidx=1"); !reflect.DeepEqual(got, []string{"bob", "carol"}) {
			t.Errorf("startidx=1&pagesize=2: %v", got)
		}

		// The same list in xml: flags as empty elements.
		doc := e.xml("func=user&sort=id&p_cnt=30&auth=" + root)
		elems := doc.all("elem")
		if len(elems) != 4 || doc.text("p_elems") != "4" {
			t.Fatalf("xml list: %+v", doc)
		}
		if x := elems[0]; x.text("name") != "alice" || x.text("email") != "alice@example.com" || !x.has("enabled") || !x.has("has_session") {
			t.Errorf("alice in xml: %+v", x)
		}
		if x := elems[1]; x.text("name") != "bob" || x.has("enabled") || x.has("has_session") {
			t.Errorf("bob in xml: %+v", x)
		}
	})
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		mustEmployee(t, e, "ivan", nil)
		mustClient(t, e, "alice", nil)
		root := e.login("root")
		const pw = "Good-pass1!"

		r := e.post(vals("func", "user.edit", "sok", "ok", "auth", root, "name", "newcli", "realname", " New Client ",
			"email", "new@example.com", "passwd", pw, "confirm", pw)).ok()
		id := r.text("id")
		if _, ok := r.doc["ok"]; !ok || id == "" {
			t.Fatalf("create answer: %s", r.body)
		}
		var created models.Account
		if err := e.db.Where("login = ?", "newcli").First(&created).Error; err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(created.ID) != id || created.Level != rights.User || !created.Enabled || created.Realname != "New Client" ||
			created.Email != "new@example.com" || !created.AllIPAccess || created.DefaultAccessAllow {
			t.Errorf("created %+v", created)
		}

		// The new client logs in at level 16, as a client.
		auth := e.xml("func=auth&username=newcli&password=" + url.QueryEscape(pw)).all("auth")
		if len(auth) != 1 || auth[0].attr("level") != "16" || auth[0].Text == "" {
			t.Fatalf("newcli's login: %+v", auth)
		}
		sid := auth[0].Text
		if u := e.get("func=whoami&auth=" + sid).obj("user"); u["$level"] != "16" || u["$"] != "newcli" {
			t.Errorf("whoami: %v", u)
		}
		e.get("func=user&auth="+sid).fails("access", "user")
		row := byName(e.get("func=user&auth=" + root).rows())["newcli"]
		if row["id"] != id || row["realname"] != "New Client" {
			t.Errorf("newcli in the list: %v", row)
		}
		if _, ok := byName(e.get("func=employee&auth=" + root).rows())["newcli"]; ok {
			t.Error("a client in the staff list")
		}

		// In xml: <ok/> and <id>, and never the password.
		doc := e.xml("func=user.edit&sok=ok&name=xmlcli&passwd=" + url.QueryEscape(pw) + "&confirm=" + url.QueryEscape(pw) + "&auth=" + root)
		if !doc.has("ok") || doc.text("id") == "" || doc.text("id") == id {
			t.Errorf("xml create: %+v", doc)
		}
		if strings.Contains(fmt.Sprint(doc), pw) {
			t.Error("the answer echoes the password")
		}
		e.get("func=whoami&authinfo=xmlcli:" + url.QueryEscape(pw)).ok()

		// The checks are employee.edit's, field by field.
		count := dbtest.MustCount(t, e.db.Model(&models.Account{}))
		long := strings.Repeat("ю", models.MaxRealname+1)
		for _, c := range []struct {
			params      []string
			typ, object string
			value       string
		}{
			{[]string{"name", ""}, "value", "name", ""},
			{[]string{"name", "  "}, "value", "name", ""},
			{[]string{"name", "Fresh"}, "value", "name", "Fresh"},
			{[]string{"name", "ab"}, "value", "name", "ab"},
			{[]string{"name", "_abc"}, "value", "name", "_abc"},
			{[]string{"name", "fr esh"}, "value", "name", "fr esh"},
			{[]string{"name", "иван"}, "value", "name", "иван"},
			{[]string{"name", strings.Repeat("x", 51)}, "value", "name", strings.Repeat("x", 51)},
			{[]string{"name", "alice"}, "exists", "name", "alice"},
			{[]string{"name", "ivan"}, "exists", "name", "ivan"},
			{[]string{"name", "root"}, "exists", "name", "root"},
			{[]string{"realname", long}, "value", "realname", long},
			{[]string{"realname", "Bad\x01"}, "value", "realname", "Bad\x01"},
			{[]string{"email", "bad"}, "value", "email", "bad"},
			{[]string{"email", "a@b"}, "value", "email", "a@b"},
			{[]string{"email", "Fresh <f@example.com>"}, "value", "email", "Fresh <f@example.com>"},
			{[]string{"passwd", ""}, "value", "passwd", ""},
			{[]string{"passwd", "Sh0rt!", "confirm", "Sh0rt!"}, "value", "passwd", ""},
			{[]string{"passwd", "alllower1!", "confirm", "alllower1!"}, "value", "passwd", ""},
			{[]string{"passwd", "NoSymbol11", "confirm", "NoSymbol11"}, "value", "passwd", ""},
			{[]string{"confirm", "Good-pass2!"}, "value", "confirm", ""},
			{[]string{"confirm", ""}, "value", "confirm", ""},
		} {
			p := vals("func", "user.edit", "sok", "ok", "auth", root, "name", "fresh", "passwd", pw, "confirm", pw)
			for j := 0; j+1 < len(c.params); j += 2 {
				p.Set(c.params[j], c.params[j+1])
			}
			r := e.post(p)
			r.fails(c.typ, c.object)
			if r.errValue() != c.value {
				t.Errorf("%q: error value %q, want %q", c.params, r.errValue(), c.value)
			}
			if strings.Contains(string(r.body), pw) {
				t.Errorf("%q: the answer shows the password: %s", c.params, r.body)
			}
		}
		e.post(vals("func", "user.edit", "sok", "ok", "auth", root, "passwd", pw, "confirm", pw)).fails("value", "name")
		xmlError(t, e.xml("func=user.edit&sok=ok&name=Bad&auth="+root), "value", "name", "Bad")
		if after := dbtest.MustCount(t, e.db.Model(&models.Account{})); after != count || accountExists(t, e, "fresh") {
			t.Errorf("failed creates left accounts: %d before, %d after", count, after)
		}
	})
}

func TestUserEdit(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", nil)
		alice := mustClient(t, e, "alice", card{"realname": "Alice Brown", "email": "alice@example.com"})
		mustClient(t, e, "bob", nil)
		root := e.login("root")
		el := fmt.Sprint(alice)
		edit := func(pairs ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"func", "user.edit", "sok", "ok", "elid", el, "auth", root}, pairs...)...))
		}

		// The form: the card, never a password.
		f := e.get("func=user.edit&elid=" + el + "&auth=" + root).ok()
		for field, want := range map[string]string{"elid": el, "name": "alice", "realname": "Alice Brown",
			"email": "alice@example.com", "passwd": "", "confirm": ""} {
			if got := f.text(field); got != want {
				t.Errorf("form %s = %q, want %q", field, got, want)
			}
		}
		if strings.Contains(string(f.body), "argon2") || strings.Contains(string(f.body), Password) {
			t.Errorf("the form shows a password: %s", f.body)
		}
		if n := e.get("func=user.edit&auth=" + root).ok(); n.doc["elid"] != nil || n.text("name") != "" || n.doc["passwd"] == nil {
			t.Errorf("new client form: %s", n.body)
		}

		// Without sok=ok nothing changes, whatever the request carries.
		before := mustAccount(t, e, alice)
		e.post(vals("func", "user.edit", "elid", el, "realname", "Changed", "passwd", "New-pass1!", "confirm", "New-pass1!", "auth", root)).ok()
		e.post(vals("func", "user.edit", "name", "newbie", "passwd", "New-pass1!", "confirm", "New-pass1!", "auth", root)).ok()
		e.get("func=user.delete&elid=" + el + "&auth=" + root).ok()
		e.get("func=user.suspend&elid=" + el + "&auth=" + root).ok()
		if after := mustAccount(t, e, alice); !reflect.DeepEqual(after, before) {
			t.Errorf("calls without sok changed the account:\n%+v\n%+v", before, after)
		}
		if accountExists(t, e, "newbie") {
			t.Error("the form created an account")
		}

		// Fields left out keep their values; an empty one is cleared. The password
		// stays, and so do the client's sessions.
		sid := e.login("alice")
		edit("realname", "Alice B. Brown").ok()
		a := mustAccount(t, e, alice)
		if a.Login != "alice" || a.Realname != "Alice B. Brown" || a.Email != "alice@example.com" || a.PasswordHash != before.PasswordHash || a.Level != rights.User {
			t.Errorf("after editing realname: %+v", a)
		}
		edit("email", "").ok()
		if a := mustAccount(t, e, alice); a.Email != "" || a.Realname != "Alice B. Brown" {
			t.Errorf("after clearing email: %+v", a)
		}
		edit("name", "alice2", "email", "a2@example.com").ok()
		e.get("func=whoami&auth=" + sid).ok()
		e.get("func=whoami&authinfo=alice2:" + Password).ok()

		edit("name", "bob").fails("exists", "name")
		edit("name", "ivan").fails("exists", "name")
		edit("name", "").fails("value", "name")
		edit("email", "x@y").fails("value", "email")
		edit("passwd", "New-pass1!", "confirm", "Other-pass1!").fails("value", "confirm")
		edit("passwd", "short").fails("value", "passwd")
		if a := mustAccount(t, e, alice); a.Login != "alice2" || a.Email != "a2@example.com" {
			t.Errorf("failed edits changed the account: %+v", a)
		}

		// A new password ends the client's sessions; the old one no longer works.
		const pw = "New-pass1!"
		edit("passwd", pw, "confirm", pw).ok()
		if n := sessionsOf(t, e, alice); n != 0 {
			t.Errorf("%d sessions left after a password change", n)
		}
		e.get("func=whoami&auth="+sid).fails("access", "session")
		e.get("func=whoami&authinfo=alice2:"+Password).fails("auth", "badpassword")
		e.get("func=whoami&authinfo=alice2:" + url.QueryEscape(pw)).ok()

		// Employees, root and unknown ids are not clients.
		for _, id := range []string{fmt.Sprint(ivan), "1", "999", "abc"} {
			e.get("func=user.edit&elid="+id+"&auth="+root).fails("missed", "elid")
			r := edit("elid", id, "realname", "Hacked").fails("missed", "elid")
			if r.errValue() != id {
				t.Errorf("elid %s: error value %q", id, r.errValue())
			}
		}
		if a := mustAccount(t, e, ivan); a.Realname != "" || a.Level != rights.Admin {
			t.Errorf("user.edit changed an employee: %+v", a)
		}
		// employee.edit does not reach clients either.
		e.get("func=employee.edit&elid="+el+"&auth="+root).fails("missed", "elid")
	})
}

func TestUserDelete(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", nil)
		alice := mustClient(t, e, "alice", nil)
		bob := mustClient(t, e, "bob", nil)
		carol := mustClient(t, e, "carol", nil)
		root := e.login("root")
		sid := e.login("alice")
		del := func(elid string) *resp {
			t.Helper()
			return e.get("func=user.delete&sok=ok&elid=" + url.QueryEscape(elid) + "&auth=" + root)
		}

		// All or nothing: an employee or an unknown id in the list keeps everyone.
		for _, bad := range []string{fmt.Sprint(ivan), "1", "999"} {
			r := del(fmt.Sprintf("%d, %d, %s", alice, bob, bad)).fails("missed", "elid")
			if r.errValue() != bad {
				t.Errorf("error value %q, want %s", r.errValue(), bad)
			}
		}
		for _, login := range []string{"alice", "bob", "ivan", "root"} {
			if !accountExists(t, e, login) {
				t.Errorf("%s gone after a failed group delete", login)
			}
		}
		e.get("func=whoami&auth=" + sid).ok()

		del(fmt.Sprintf("%d,%d", alice, bob)).ok()
		if accountExists(t, e, "alice") || accountExists(t, e, "bob") || !accountExists(t, e, "carol") {
			t.Error("user.delete deleted the wrong accounts")
		}
		e.get("func=whoami&auth="+sid).fails("access", "session")
		e.get("func=auth&username=alice&password="+Password).fails("auth", "badpassword")
		del(fmt.Sprint(alice)).fails("missed", "elid")
		if got := e.get("func=user&auth=" + root).column("name"); !reflect.DeepEqual(got, []string{"carol"}) {
			t.Errorf("the list after delete: %v", got)
		}
		e.get("func=user.delete&sok=ok&elid="+fmt.Sprint(carol)+"&auth="+e.login("carol")).fails("access", "user.delete")
	})
}

func TestUserSuspendResume(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", nil)
		alice := mustClient(t, e, "alice", nil)
		bob := mustClient(t, e, "bob", nil)
		root := e.login("root")
		sid := e.login("alice")
		group := func(fn, elid string) *resp {
			t.Helper()
			return e.get("func=user." + fn + "&sok=ok&elid=" + url.QueryEscape(elid) + "&auth=" + root)
		}
		enabled := func(id int64) bool { t.Helper(); return mustAccount(t, e, id).Enabled }

		group("suspend", fmt.Sprintf("%d, %d", alice, ivan)).fails("missed", "elid")
		if !enabled(alice) || !enabled(ivan) {
			t.Fatal("a failed group suspend suspended someone")
		}
		e.get("func=whoami&auth=" + sid).ok()

		group("suspend", fmt.Sprintf("%d, %d", alice, bob)).ok()
		if enabled(alice) || enabled(bob) {
			t.Fatal("not suspended")
		}
		if n := sessionsOf(t, e, alice); n != 0 {
			t.Errorf("%d sessions left after suspend", n)
		}
		e.get("func=whoami&auth="+sid).fails("access", "session")
		e.get("func=auth&username=alice&password="+Password).fails("auth", "badpassword")
		e.get("func=whoami&authinfo=alice:"+Password).fails("auth", "badpassword")
		if got := e.get("func=user&filter=on&status=disabled&auth=" + root).column("name"); !reflect.DeepEqual(got, []string{"alice", "bob"}) {
			t.Errorf("suspended clients: %v", got)
		}
		group("suspend", fmt.Sprint(alice)).ok() // again: no change, no error

		group("resume", fmt.Sprintf("%d, %d", alice, ivan)).fails("missed", "elid")
		if enabled(alice) {
			t.Fatal("a failed group resume resumed someone")
		}
		group("resume", fmt.Sprint(alice)).ok()
		if !enabled(alice) || enabled(bob) {
			t.Error("resume changed the wrong accounts")
		}
		e.login("alice")
		if !enabled(ivan) {
			t.Error("an employee was touched")
		}
	})
}

func TestUserAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := mustClient(t, e, "alice", card{"realname": "Alice"})
		mustClient(t, e, "bob", nil)
		el := fmt.Sprint(alice)
		client := e.login("bob")
		before := mustAccount(t, e, alice)

		// Clients reach none of it.
		for _, q := range []string{
			"func=user",
			"func=user.filter&sok=ok&name=a*",
			"func=user.edit&elid=" + el,
			"func=user.edit&sok=ok&elid=" + el + "&realname=Hacked",
			"func=user.edit&sok=ok&name=hacker&passwd=Hack-pass1!&confirm=Hack-pass1!",
			"func=user.delete&sok=ok&elid=" + el,
			"func=user.suspend&sok=ok&elid=" + el,
			"func=user.resume&sok=ok&elid=" + el,
		} {
			fn, _, _ := strings.Cut(strings.TrimPrefix(q, "func="), "&")
			e.get(q+"&auth="+client).fails("access", fn)
			e.get(q+"&authinfo=bob:"+Password).fails("access", fn)
		}
		if after := mustAccount(t, e, alice); !reflect.DeepEqual(after, before) || accountExists(t, e, "hacker") {
			t.Errorf("a client changed clients: %+v", after)
		}

		// An employee without full access needs the rights; user.filter goes with user.
		emp := MustCreateEmployee(t, e.db, "plain", rights.Admin)
		sid := e.login("plain")
		e.get("func=user&auth="+sid).fails("access", "user")
		e.get("func=user.filter&auth="+sid).fails("access", "user.filter")
		root := e.login("root")
		e.grant(root, emp.ID, "user")
		if got := e.get("func=user&sort=name&auth=" + sid).column("name"); !reflect.DeepEqual(got, []string{"alice", "bob"}) {
			t.Errorf("the list with the right: %v", got)
		}
		e.get("func=user.filter&auth=" + sid).ok()
		e.get("func=user.edit&sok=ok&elid="+el+"&realname=X&auth="+sid).fails("access", "user.edit")
		e.grant(root, emp.ID, "user.edit")
		e.get("func=user.edit&sok=ok&elid=" + el + "&realname=X&auth=" + sid).ok()
		if a := mustAccount(t, e, alice); a.Realname != "X" {
			t.Errorf("realname %q after an edit with the right", a.Realname)
		}
	})
}
