package handlers

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
	"staffmgr/session"
)

// The departments the staff migration seeds.
const (
	salesID   = 1 // Sales department
	supportID = 2 // Technical support
)

// card is the fields of an employee card as columns of accounts.
type card map[string]any

// mustEmployee creates an admin-level employee with the test password, writes the
// card's columns (default_access_allow is off unless the card turns it on) and
// makes them a member of the departments; it returns the id.
func mustEmployee(t *testing.T, e *env, login string, c card, departments ...int64) int64 {
	t.Helper()
	a := MustCreateAccount(t, e.db, login, rights.Admin)
	columns := map[string]any{"default_access_allow": false}
	for k, v := range c {
		columns[k] = v
	}
	if err := e.db.Model(&models.Account{}).Where("id = ?", a.ID).Updates(columns).Error; err != nil {
		t.Fatalf("card of %s: %v", login, err)
	}
	if len(departments) > 0 {
		if err := models.SetDepartments(context.Background(), e.db, a.ID, departments); err != nil {
			t.Fatalf("departments of %s: %v", login, err)
		}
	}
	return a.ID
}

// mustAccount reads an account as stored.
func mustAccount(t *testing.T, e *env, id int64) *models.Account {
	t.Helper()
	a, err := models.FindAccount(context.Background(), e.db, id)
	if err != nil {
		t.Fatalf("account %d: %v", id, err)
	}
	return a
}

// accountExists reports whether an account with the login is stored.
func accountExists(t *testing.T, e *env, login string) bool {
	t.Helper()
	var n int64
	if err := e.db.Model(&models.Account{}).Where("login = ?", login).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// setSession writes one column of the stored session sid. The session must not be
// used afterwards: its next request would write the column back.
func setSession(t *testing.T, e *env, sid, column string, v any) {
	t.Helper()
	res := e.db.Model(&session.Row{}).Where("id = ?", models.Digest(sid)).Update(column, v)
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("session %s: %v (%d rows)", column, res.Error, res.RowsAffected)
	}
}

// sessionsOf counts the stored sessions of an account.
func sessionsOf(t *testing.T, e *env, id int64) int64 {
	t.Helper()
	var n int64
	if err := e.db.Model(&session.Row{}).Where("account_id = ?", id).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// vals builds request parameters from name, value pairs; a later pair replaces an
// earlier one of the same name.
func vals(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

// byName indexes list rows by their name column.
func byName(rows []map[string]string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range rows {
		out[r["name"]] = r
	}
	return out
}

// flags returns which of the named flags a row carries.
func flags(row map[string]string, names ...string) []string {
	var on []string
	for _, n := range names {
		if _, ok := row[n]; ok {
			on = append(on, n)
		}
	}
	return on
}

var employeeFlags = []string{"enabled", "default_access_allow", "all_ip_access", "ip_access",
	"has_session", "onsite", "another_session"}

// xmlAnswer is an out=xml answer read as a tree of elements.
type xmlAnswer struct {
	XMLName xml.Name
	Attrs   []xml.Attr  `xml:",any,attr"`
	Text    string      `xml:",chardata"`
	Kids    []xmlAnswer `xml:",any"`
}

// xml calls the API with out=xml and parses the document, which must be one.
func (e *env) xml(query string) *xmlAnswer {
	e.t.Helper()
	r := e.get(query + "&out=xml")
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") || !bytes.HasPrefix(r.body, []byte(render.XMLHeader)) {
		e.t.Fatalf("%s: not an xml document (%s): %s", query, ct, r.body)
	}
	var doc xmlAnswer
	if err := xml.Unmarshal(r.body, &doc); err != nil || doc.XMLName.Local != "doc" {
		e.t.Fatalf("%s: bad xml (%v): %s", query, err, r.body)
	}
	return &doc
}

// all returns the children with the name.
func (n *xmlAnswer) all(name string) []*xmlAnswer {
	var out []*xmlAnswer
	for i := range n.Kids {
		if n.Kids[i].XMLName.Local == name {
			out = append(out, &n.Kids[i])
		}
	}
	return out
}

// has reports whether a child with the name exists.
func (n *xmlAnswer) has(name string) bool { return len(n.all(name)) > 0 }

// text returns the text of the first child with the name, "" when there is none.
func (n *xmlAnswer) text(name string) string {
	if c := n.all(name); len(c) > 0 {
		return c[0].Text
	}
	return ""
}

// attr returns an attribute's value.
func (n *xmlAnswer) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// xmlError checks that an xml answer is the error typ/object with the value.
func xmlError(t *testing.T, doc *xmlAnswer, typ, object, value string) {
	t.Helper()
	errs := doc.all("error")
	if len(errs) != 1 {
		t.Fatalf("want one <error>, got %+v", doc)
	}
	e := errs[0]
	if e.attr("type") != typ || e.attr("object") != object {
		t.Errorf("<error type=%q object=%q>, want %s/%s", e.attr("type"), e.attr("object"), typ, object)
	}
	var got string
	for _, p := range e.all("param") {
		if p.attr("name") == "value" {
			got = p.Text
		}
	}
	if got != value || e.text("msg") == "" {
		t.Errorf("<error> value %q msg %q, want value %q and a message", got, e.text("msg"), value)
	}
}

func TestEmployeeList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", card{"realname": "Ivan Petrov", "email": "ivan@example.com",
			"phone": "+79990001122", "position": "Engineer", "default_access_allow": true}, supportID)
		anna := mustEmployee(t, e, "anna", card{"realname": "Anna Smirnova", "email": "zz@example.com"}, salesID, supportID)
		mustEmployee(t, e, "boris", card{"realname": "Boris", "email": "boris@example.com", "enabled": false})
		mustEmployee(t, e, "dima", card{"realname": "Dmitry", "email": "dima@example.com"})
		MustCreateAccount(t, e.db, "client", rights.User)
		e.login("client")

		// ivan: two live sessions from two addresses; anna: one idle session; dima: an
		// expired one.
		e.login("ivan")
		setSession(t, e, e.login("ivan"), "ip", "192.0.2.7")
		setSession(t, e, e.login("anna"), "last_seen", models.Now().Add(-time.Hour))
		setSession(t, e, e.login("dima"), "expiry", models.Now().Add(-time.Minute))
		if err := e.db.Model(&models.Account{}).Where("id = ?", anna).
			Updates(map[string]any{"all_ip_access": false, "ip_access": "10.0.0.0/8"}).Error; err != nil {
			t.Fatal(err)
		}
		root := e.login("root")

		r := e.get("func=employee&auth=" + root)
		if r.text("p_elems") != "5" || r.text("p_sort") != "id" || r.text("p_order") != "asc" {
			t.Errorf("list totals and sort: %s", r.body)
		}
		rows := r.rows()
		if got := r.column("name"); !reflect.DeepEqual(got, []string{"root", "ivan", "anna", "boris", "dima"}) {
			t.Errorf("default order (clients never listed): %v", got)
		}
		iv := rows[1]
		want := map[string]string{"id": fmt.Sprint(ivan), "name": "ivan", "realname": "Ivan Petrov", "position": "Engineer",
			"email": "ivan@example.com", "phone": "+79990001122", "department": "Technical support"}
		for col, v := range want {
			if iv[col] != v {
				t.Errorf("ivan's %s = %q, want %q", col, iv[col], v)
			}
		}
		wantFlags := map[string][]string{
			"root":  {"enabled", "all_ip_access", "has_session", "onsite"},
			"ivan":  {"enabled", "default_access_allow", "all_ip_access", "has_session", "onsite", "another_session"},
			"anna":  {"enabled", "ip_access", "has_session"},
			"boris": {"all_ip_access"},
			"dima":  {"enabled", "all_ip_access"},
		}
		named := byName(rows)
		for name, w := range wantFlags {
			if got := flags(named[name], employeeFlags...); !reflect.DeepEqual(got, w) {
				t.Errorf("%s's flags %v, want %v", name, got, w)
			}
		}
		if named["anna"]["department"] != "Sales department, Technical support" {
			t.Errorf("anna's departments %q", named["anna"]["department"])
		}

		for query, want := range map[string][]string{
			"sort=id":            {"root", "ivan", "anna", "boris", "dima"},
			"sort=-id":           {"dima", "boris", "anna", "ivan", "root"},
			"sort=name":          {"anna", "boris", "dima", "ivan", "root"},
			"p_col=-name":        {"root", "ivan", "dima", "boris", "anna"},
			"p_col=%2Brealname":  {"root", "anna", "boris", "dima", "ivan"},
			"sort=email":         {"root", "boris", "dima", "ivan", "anna"},
			"p_col=-email":       {"anna", "ivan", "dima", "boris", "root"},
			"sort=department":    {"root", "boris", "dima", "anna", "ivan"},
			"p_col=-department":  {"ivan", "anna", "dima", "boris", "root"},
			"sort=%2Brealname":   {"root", "anna", "boris", "dima", "ivan"},
			"p_col=name&sort=id": {"anna", "boris", "dima", "ivan", "root"}, // p_col wins
		} {
			if got := e.get("func=employee&auth=" + root + "&" + query).column("name"); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v, want %v", query, got, want)
			}
		}
		for _, q := range []struct{ query, object string }{
			{"sort=position", "sort"},
			{"p_col=-password_hash", "p_col"},
			{"sort=a.login", "sort"},
			{"status=bogus", "status"},
			{"session=idle", "session"},
		} {
			e.get("func=employee&auth="+root+"&"+q.query).fails("value", q.object)
		}

		// Choice filters: status and session.
		for query, want := range map[string][]string{
			"status=enabled":                             {"root", "ivan", "anna", "dima"},
			"status=disabled":                            {"boris"},
			"status=default_access_allow":                {"ivan"},
			"status=all_ip_access":                       {"root", "ivan", "boris", "dima"},
			"status=ip_access":                           {"anna"},
			"session=has_session":                        {"root", "ivan", "anna"},
			"session=onsite":                             {"root", "ivan"},
			"session=another_session":                    {"ivan"},
			"session=onsite&status=default_access_allow": {"ivan"},
		} {
			r := e.get("func=employee&filter=on&sort=id&auth=" + root + "&" + query)
			if got := r.column("name"); !reflect.DeepEqual(got, want) || r.text("p_elems") != fmt.Sprint(len(want)) {
				t.Errorf("%s: %v (p_elems %s), want %v", query, got, r.text("p_elems"), want)
			}
		}

		// An admin sees the same list.
		if got := e.get("func=employee&sort=id&authinfo=ivan:" + Password).column("name"); !reflect.DeepEqual(got, []string{"root", "ivan", "anna", "boris", "dima"}) {
			t.Errorf("the list for an admin: %v", got)
		}

		// The same list in xml: rows, flags as empty elements, the total.
		doc := e.xml("func=employee&sort=id&auth=" + root)
		elems := doc.all("elem")
		if len(elems) != 5 || doc.text("p_elems") != "5" || doc.text("p_sort") != "id" {
			t.Fatalf("xml list: %+v", doc)
		}
		x := elems[1]
		if x.text("name") != "ivan" || x.text("department") != "Technical support" || !x.has("another_session") ||
			!x.has("default_access_allow") || x.has("ip_access") {
			t.Errorf("ivan in xml: %+v", x)
		}
		if b := elems[3]; b.text("name") != "boris" || b.has("enabled") || b.has("has_session") {
			t.Errorf("boris in xml: %+v", b)
		}

		// Paging: p_cnt/p_num and pagesize/startidx; the total stays on every page.
		var paged []string
		for page := 1; page <= 3; page++ {
			r := e.get(fmt.Sprintf("func=employee&sort=name&p_cnt=2&p_num=%d&auth=%s", page, root))
			if r.text("p_elems") != "5" || r.text("p_num") != fmt.Sprint(page) || r.text("p_cnt") != "2" {
				t.Errorf("page %d: %s", page, r.body)
			}
			paged = append(paged, r.column("name")...)
		}
		if want := []string{"anna", "boris", "dima", "ivan", "root"}; !reflect.DeepEqual(paged, want) {
			t.Errorf("pages %v, want %v", paged, want)
		}
		r = e.get("func=employee&sort=name&pagesize=2&startidx=2&auth=" + root)
		if got := r.column("name"); !reflect.DeepEqual(got, []string{"dima", "ivan"}) || r.text("p_num") != "2" || r.text("p_elems") != "5" {
			t.Errorf("startidx=2&pagesize=2: %v %s", got, r.body)
		}
		if got := e.get("func=employee&sort=name&pagesize=3&startidx=1&auth=" + root).column("name"); !reflect.DeepEqual(got, []string{"boris", "dima", "ivan"}) {
			t.Errorf("startidx=1&pagesize=3: %v", got)
		}
		if got := e.get("func=employee&p_cnt=2&p_num=9&auth=" + root); len(got.rows()) != 0 || got.text("p_elems") != "5" {
			t.Errorf("a page past the end: %s", got.body)
		}
		e.get("func=employee&p_cnt=0&auth="+root).fails("value", "p_cnt")
		e.get("func=employee&startidx=-1&auth="+root).fails("value", "startidx")
	})
}

func TestEmployeeFilter(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		mustEmployee(t, e, "ivan", card{"realname": "Ivan Petrov", "email": "ivan@example.com"}, supportID)
		mustEmployee(t, e, "ivanova", card{"realname": "Maria Ivanova", "email": "m_iv@example.com"}, salesID)
		mustEmployee(t, e, "petr", card{"realname": "Petr 100% Sidorov", "email": "mxiv@example.com"}, salesID, supportID)
		olga := mustEmployee(t, e, "olga", card{"realname": "Olga", "email": "olga@corp.example"})
		if err := models.SetMembership(context.Background(), e.db, olga, salesID, false); err != nil {
			t.Fatal(err)
		}
		root := e.login("root")
		names := func(query string) []string {
			t.Helper()
			return e.get("func=employee&sort=name&auth=" + root + "&" + query).column("name")
		}

		for query, want := range map[string][]string{
			"name=iv*":                       {"ivan", "ivanova"},
			"name=IV*":                       {"ivan", "ivanova"},
			"name=*nov*":                     {"ivanova"},
			"name=*R":                        {"petr"},
			"name=ivan":                      {"ivan"},
			"name=Ivan":                      {"ivan"},
			"name=iva":                       nil,
			"name=*":                         {"ivan", "ivanova", "olga", "petr", "root"},
			"name=i*a":                       {"ivanova"},
			"realname=*ivanov*":              {"ivanova"},
			"realname=maria%20ivanova":       {"ivanova"},
			"realname=*100%25*":              {"petr"},
			"realname=*100_*":                nil,
			"realname=%25":                   nil,
			"realname=*0%25%20s*":            {"petr"},
			"email=m_iv*":                    {"ivanova"},
			"email=m%25*":                    nil,
			"email=*@CORP.example":           {"olga"},
			"email=m*iv@example.com":         {"ivanova", "petr"},
			"department=sales*":              {"ivanova", "petr"}, // olga's association is inactive
			"department=*SUPPORT":            {"ivan", "petr"},
			"department=technical%20support": {"ivan", "petr"},
			"department=technical":           nil,
			"name=*v*&department=sales*":     {"ivanova"},
			"realname=*o*&email=*@example*":  {"ivan", "ivanova", "petr"},
		} {
			if got := names("filter=on&" + query); !reflect.DeepEqual(got, want) {
				t.Errorf("inline %s: %v, want %v", query, got, want)
			}
		}

		// The filter form without sok shows the stored values and stores nothing.
		form := e.get("func=employee.filter&auth=" + root).ok()
		for _, f := range []string{"name", "realname", "email", "department", "status", "session"} {
			if _, ok := form.doc[f]; !ok || form.text(f) != "" {
				t.Errorf("empty filter form field %s: %s", f, form.body)
			}
		}
		e.get("func=employee.filter&name=iv*&auth=" + root).ok()
		if got := names(""); len(got) != 5 {
			t.Errorf("a filter without sok filtered: %v", got)
		}

		saved := e.get("func=employee.filter&sok=ok&name=iv*&auth=" + root).ok()
		if saved.text("name") != "iv*" {
			t.Errorf("the answer does not show the stored filter: %s", saved.body)
		}
		r := e.get("func=employee&sort=name&auth=" + root)
		if got := r.column("name"); !reflect.DeepEqual(got, []string{"ivan", "ivanova"}) || r.text("p_elems") != "2" {
			t.Errorf("stored name=iv*: %v, p_elems %s", got, r.text("p_elems"))
		}
		if got := names("p_col=-name"); !reflect.DeepEqual(got, []string{"ivanova", "ivan"}) {
			t.Errorf("the stored filter with another sort: %v", got)
		}
		doc := e.xml("func=employee.filter&auth=" + root)
		if doc.text("name") != "iv*" || doc.text("realname") != "" {
			t.Errorf("xml filter form: %+v", doc)
		}
		var choices []string
		for _, s := range doc.all("slist") {
			if s.attr("name") == "status" {
				for _, v := range s.all("val") {
					choices = append(choices, v.attr("key"))
				}
			}
		}
		if want := []string{"enabled", "disabled", "default_access_allow", "all_ip_access", "ip_access"}; !reflect.DeepEqual(choices, want) {
			t.Errorf("status choices %v, want %v", choices, want)
		}

		// Another session of root is not filtered; an unknown choice stores nothing.
		if got := e.get("func=employee&auth=" + e.login("root")).rows(); len(got) != 5 {
			t.Errorf("another session is filtered too: %d rows", len(got))
		}
		e.get("func=employee.filter&sok=ok&status=bogus&auth="+root).fails("value", "status")
		e.get("func=employee.filter&sok=ok&session=bogus&auth="+root).fails("value", "session")
		if got := names(""); !reflect.DeepEqual(got, []string{"ivan", "ivanova"}) {
			t.Errorf("a refused filter changed the stored one: %v", got)
		}

		// A new filter replaces the old one entirely.
		e.get("func=employee.filter&sok=ok&realname=*100%25*&auth=" + root).ok()
		if got := names(""); !reflect.DeepEqual(got, []string{"petr"}) {
			t.Errorf("stored realname=*100%%*: %v", got)
		}
		e.get("func=employee.filter&sok=ok&department=sales*&status=enabled&auth=" + root).ok()
		if got := names(""); !reflect.DeepEqual(got, []string{"ivanova", "petr"}) {
			t.Errorf("stored department and status: %v", got)
		}
		e.get("func=employee.filter&sok=ok&reset=on&auth=" + root).ok()
		if got := names(""); len(got) != 5 {
			t.Errorf("after reset=on: %v", got)
		}
		if f := e.get("func=employee.filter&auth=" + root); f.text("department") != "" || f.text("status") != "" {
			t.Errorf("the form after reset: %s", f.body)
		}
		e.get("func=employee.filter&sok=ok&email=*corp*&auth=" + root).ok()
		e.get("func=employee.filter&sok=ok&clicked_button=reset&auth=" + root).ok()
		if got := names(""); len(got) != 5 {
			t.Errorf("after clicked_button=reset: %v", got)
		}

		// Without a session: no stored filter, but the inline one works.
		info := "authinfo=root:" + Password
		e.get("func=employee.filter&sok=ok&name=iv*&"+info).fails("value", "session")
		if got := e.get("func=employee&filter=on&name=iv*&sort=name&" + info).column("name"); !reflect.DeepEqual(got, []string{"ivan", "ivanova"}) {
			t.Errorf("inline filter with authinfo: %v", got)
		}
		if got := e.get("func=employee&name=petr&" + info).column("name"); !reflect.DeepEqual(got, []string{"petr"}) {
			t.Errorf("inline filter without filter=on: %v", got)
		}
		xmlError(t, e.xml("func=employee.filter&sok=ok&name=iv*&"+info), "value", "session", "")
	})
}

func TestEmployeeForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", card{"realname": "Ivan Petrov", "email": "ivan@example.com", "phone": "+7999",
			"position": "Engineer", "default_access_allow": true, "all_ip_access": false, "ip_access": "10.0.0.0/8,127.0.0.1"}, supportID)
		client := MustCreateAccount(t, e.db, "client", rights.User)
		root := e.login("root")
		id := fmt.Sprint(ivan)

		f := e.get("func=employee.edit&elid=" + id + "&auth=" + root).ok()
		for field, want := range map[string]string{"elid": id, "name": "ivan", "realname": "Ivan Petrov",
			"email": "ivan@example.com", "phone": "+7999", "position": "Engineer", "department": fmt.Sprint(supportID),
			"default_access_allow": "on", "all_ip_access": "off", "ip_access": "10.0.0.0/8,127.0.0.1", "passwd": "", "confirm": ""} {
			if got := f.text(field); got != want {
				t.Errorf("form %s = %q, want %q", field, got, want)
			}
		}
		if strings.Contains(string(f.body), "argon2") || strings.Contains(string(f.body), Password) {
			t.Errorf("the form shows a password: %s", f.body)
		}
		doc := e.xml("func=employee.edit&elid=" + id + "&auth=" + root)
		if doc.text("name") != "ivan" || doc.text("default_access_allow") != "on" || doc.text("passwd") != "" {
			t.Errorf("xml form: %+v", doc)
		}
		var options []string
		for _, s := range doc.all("slist") {
			if s.attr("name") == "department" {
				for _, v := range s.all("val") {
					options = append(options, v.attr("key")+"="+v.Text)
				}
			}
		}
		if want := []string{"1=Sales department", "2=Technical support"}; !reflect.DeepEqual(options, want) {
			t.Errorf("department select %v, want %v", options, want)
		}

		// A new employee's form: defaults, no elid.
		n := e.get("func=employee.edit&auth=" + root).ok()
		if _, ok := n.doc["elid"]; ok || n.text("name") != "" || n.text("all_ip_access") != "on" ||
			n.text("default_access_allow") != "off" || n.text("department") != "" {
			t.Errorf("new employee form: %s", n.body)
		}
		if _, ok := n.doc["slist"]; !ok {
			t.Errorf("new employee form without the department select: %s", n.body)
		}

		e.get("func=employee.edit&elid=999&auth="+root).fails("missed", "elid")
		e.get("func=employee.edit&elid="+fmt.Sprint(client.ID)+"&auth="+root).fails("missed", "elid")
		e.get("func=employee.edit&elid=abc&auth="+root).fails("missed", "elid")

		// Without sok=ok nothing changes, whatever the request carries.
		before := mustAccount(t, e, ivan)
		e.post(vals("func", "employee.edit", "elid", id, "realname", "Changed", "passwd", "New-pass1!",
			"confirm", "New-pass1!", "department", "1", "default_access_allow", "", "auth", root)).ok()
		e.post(vals("func", "employee.edit", "name", "newbie", "passwd", "New-pass1!", "confirm", "New-pass1!", "auth", root)).ok()
		if after := mustAccount(t, e, ivan); !reflect.DeepEqual(after, before) {
			t.Errorf("the form changed the account:\n%+v\n%+v", before, after)
		}
		if accountExists(t, e, "newbie") {
			t.Error("the form created an account")
		}
		if got := e.get("func=employee.edit&elid=" + id + "&auth=" + root).text("department"); got != fmt.Sprint(supportID) {
			t.Errorf("departments after a form: %q", got)
		}
		e.get("func=whoami&authinfo=ivan:" + Password).ok()
	})
}

func TestEmployeeCreate(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "client", rights.User)
		mustEmployee(t, e, "ivan", nil)
		root := e.login("root")
		const pw = "Good-pass1!"

		r := e.post(vals("func", "employee.edit", "sok", "ok", "auth", root, "name", "newbie", "realname", "New Bie",
			"position", "Intern", "email", "newbie@example.com", "phone", "+1555123 x12", "passwd", pw, "confirm", pw,
			"department", "1, 2", "default_access_allow", "on", "all_ip_access", "off",
			"ip_access", "192.0.2.1, 2001:DB8::1\n10.1.2.3/8 127.0.0.1")).ok()
		id := r.text("id")
		if _, ok := r.doc["ok"]; !ok || id == "" {
			t.Fatalf("create answer: %s", r.body)
		}
		var created models.Account
		if err := e.db.Where("login = ?", "newbie").First(&created).Error; err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(created.ID) != id || created.Level != rights.Admin || !created.Enabled || created.Realname != "New Bie" ||
			created.Position != "Intern" || created.Email != "newbie@example.com" || created.Phone != "+1555123x12" ||
			!created.DefaultAccessAllow || created.AllIPAccess || created.IPAccess != "192.0.2.1,2001:db8::1,10.0.0.0/8,127.0.0.1" {
			t.Errorf("created %+v", created)
		}
		auth := e.get("func=auth&username=newbie&password=" + url.QueryEscape(pw)).ok().obj("auth")
		if auth["$level"] != "28" {
			t.Errorf("newbie logs in at level %v", auth["$level"])
		}
		row := byName(e.get("func=employee&auth=" + root).rows())["newbie"]
		if row["id"] != id || row["department"] != "Sales department, Technical support" {
			t.Errorf("newbie in the list: %v", row)
		}

		// The same in xml: <ok/> and <id>.
		doc := e.xml("func=employee.edit&sok=ok&name=xmlbie&passwd=" + url.QueryEscape(pw) + "&confirm=" + url.QueryEscape(pw) + "&auth=" + root)
		if !doc.has("ok") || doc.text("id") == "" || doc.text("id") == id {
			t.Errorf("xml create: %+v", doc)
		}
		if strings.Contains(fmt.Sprint(doc), pw) {
			t.Error("the answer echoes the password")
		}
		e.get("func=whoami&authinfo=xmlbie:" + url.QueryEscape(pw)).ok()

		// Other valid values.
		for _, extra := range [][]string{
			{"name", "a.b-c_9"},
			{"name", strings.Repeat("x", 50)},
			{"name", "007"},
			{"name", "ph1", "phone", "79991234567"},
			{"name", "ph2", "phone", "555 ext. 12"},
			{"name", "ph3", "phone", "+79991234567x123"},
			{"name", "ph4", "email", ""},
			{"name", "ph5", "ip_access", "::1, 192.0.2.0/24", "all_ip_access", "off"},
			{"name", "ph6", "passwd", "Пароль-123", "confirm", "Пароль-123"},
		} {
			p := vals("func", "employee.edit", "sok", "ok", "auth", root, "passwd", pw, "confirm", pw)
			for j := 0; j+1 < len(extra); j += 2 {
				p.Set(extra[j], extra[j+1])
			}
			e.post(p).ok()
			if p.Get("name") == "ph6" {
				e.get("func=whoami&authinfo=ph6:" + url.QueryEscape("Пароль-123")).ok()
			}
		}

		count := dbtest.MustCount(t, e.db.Model(&models.Account{}))
		long := strings.Repeat("ю", models.MaxRealname+1)
		for _, c := range []struct {
			params      []string
			typ, object string
			value       string
		}{
			{[]string{"name", ""}, "value", "name", ""},
			{[]string{"name", "   "}, "value", "name", ""},
			{[]string{"name", "Ivan2"}, "value", "name", "Ivan2"},
			{[]string{"name", "ab"}, "value", "name", "ab"},
			{[]string{"name", "_abc"}, "value", "name", "_abc"},
			{[]string{"name", ".abc"}, "value", "name", ".abc"},
			{[]string{"name", "iv an"}, "value", "name", "iv an"},
			{[]string{"name", "ivan@x"}, "value", "name", "ivan@x"},
			{[]string{"name", "иван"}, "value", "name", "иван"},
			{[]string{"name", strings.Repeat("x", 51)}, "value", "name", strings.Repeat("x", 51)},
			{[]string{"name", "ivan"}, "exists", "name", "ivan"},
			{[]string{"name", "client"}, "exists", "name", "client"},
			{[]string{"name", "root"}, "exists", "name", "root"},
			{[]string{"passwd", ""}, "value", "passwd", ""},
			{[]string{"passwd", "Sh0rt!", "confirm", "Sh0rt!"}, "value", "passwd", ""},
			{[]string{"passwd", "alllower1!", "confirm", "alllower1!"}, "value", "passwd", ""},
			{[]string{"passwd", "ALLUPPER1!", "confirm", "ALLUPPER1!"}, "value", "passwd", ""},
			{[]string{"passwd", "No-digits!", "confirm", "No-digits!"}, "value", "passwd", ""},
			{[]string{"passwd", "NoSymbol11", "confirm", "NoSymbol11"}, "value", "passwd", ""},
			{[]string{"confirm", "Good-pass2!"}, "value", "confirm", ""},
			{[]string{"confirm", ""}, "value", "confirm", ""},
			{[]string{"email", "bad"}, "value", "email", "bad"},
			{[]string{"email", "a@b"}, "value", "email", "a@b"},
			{[]string{"email", "a@@example.com"}, "value", "email", "a@@example.com"},
			{[]string{"email", "Ivan <i@example.com>"}, "value", "email", "Ivan <i@example.com>"},
			{[]string{"email", "i@example..com"}, "value", "email", "i@example..com"},
			{[]string{"phone", "1-2"}, "value", "phone", "1-2"},
			{[]string{"phone", "abc"}, "value", "phone", "abc"},
			{[]string{"phone", "++7999"}, "value", "phone", "++7999"},
			{[]string{"phone", "7999+"}, "value", "phone", "7999+"},
			{[]string{"phone", "+7 (999) (123)"}, "value", "phone", "+7 (999) (123)"},
			{[]string{"phone", "12"}, "value", "phone", "12"},
			{[]string{"phone", "79991234567 x"}, "value", "phone", "79991234567 x"},
			{[]string{"ip_access", "10.0.0.300"}, "value", "ip_access", "10.0.0.300"},
			{[]string{"ip_access", "192.0.2.1, 10.0.0.0/33"}, "value", "ip_access", "10.0.0.0/33"},
			{[]string{"ip_access", "example.com"}, "value", "ip_access", "example.com"},
			{[]string{"ip_access", "2001:db8::g"}, "value", "ip_access", "2001:db8::g"},
			{[]string{"ip_access", "fe80::1%eth0"}, "value", "ip_access", "fe80::1%eth0"},
			{[]string{"all_ip_access", "off"}, "value", "ip_access", ""},
			{[]string{"all_ip_access", "off", "ip_access", " , "}, "value", "ip_access", ""},
			{[]string{"all_ip_access", ""}, "value", "ip_access", ""},
			{[]string{"department", "99"}, "value", "department", "99"},
			{[]string{"department", "1, 99"}, "value", "department", "99"},
			{[]string{"department", "abc"}, "value", "department", "abc"},
			{[]string{"department", "-1"}, "value", "department", "-1"},
			{[]string{"realname", long}, "value", "realname", long},
			{[]string{"realname", "Ivan\x01"}, "value", "realname", "Ivan\x01"},
			{[]string{"position", strings.Repeat("p", models.MaxPosition+1)}, "value", "position", strings.Repeat("p", models.MaxPosition+1)},
		} {
			p := vals("func", "employee.edit", "sok", "ok", "auth", root, "name", "fresh", "passwd", pw, "confirm", pw)
			for j := 0; j+1 < len(c.params); j += 2 {
				p.Set(c.params[j], c.params[j+1])
			}
			r := e.post(p)
			r.fails(c.typ, c.object)
			if r.errValue() != c.value {
				t.Errorf("%v: error value %q, want %q", c.params, r.errValue(), c.value)
			}
			if strings.Contains(string(r.body), pw) || (p.Get("passwd") != "" && strings.Contains(string(r.body), p.Get("passwd"))) {
				t.Errorf("%v: the answer shows the password: %s", c.params, r.body)
			}
		}
		p := vals("func", "employee.edit", "sok", "ok", "auth", root, "passwd", pw, "confirm", pw)
		e.post(p).fails("value", "name") // no name at all
		xmlError(t, e.xml("func=employee.edit&sok=ok&name=Bad&auth="+root), "value", "name", "Bad")
		xmlError(t, e.xml("func=employee.edit&sok=ok&name=ivan&passwd="+url.QueryEscape(pw)+"&confirm="+url.QueryEscape(pw)+"&auth="+root),
			"exists", "name", "ivan")
		if after := dbtest.MustCount(t, e.db.Model(&models.Account{})); after != count || accountExists(t, e, "fresh") {
			t.Errorf("failed creates left accounts: %d before, %d after", count, after)
		}
	})
}

func TestEmployeeEdit(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", card{"realname": "Ivan", "email": "ivan@example.com", "phone": "+7999",
			"position": "Engineer"}, salesID)
		mustEmployee(t, e, "anna", nil)
		client := MustCreateAccount(t, e.db, "client", rights.User)
		root := e.login("root")
		id := fmt.Sprint(ivan)
		edit := func(pairs ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"func", "employee.edit", "sok", "ok", "elid", id, "auth", root}, pairs...)...))
		}
		departments := func() string {
			t.Helper()
			return byName(e.get("func=employee&auth=" + root).rows())["ivan"]["department"]
		}
		statuses := func() map[string]string {
			t.Helper()
			out := map[string]string{}
			for _, r := range e.get("func=employee.department&elid=" + id + "&auth=" + root).rows() {
				out[r["id"]] = r["status"]
			}
			return out
		}

		// Fields not sent keep their values; an edit without passwd keeps the password.
		r := edit("realname", "Ivan Petrov")
		if _, ok := r.ok().doc["id"]; ok {
			t.Errorf("an edit answers an id: %s", r.body)
		}
		a := mustAccount(t, e, ivan)
		if a.Realname != "Ivan Petrov" || a.Email != "ivan@example.com" || a.Phone != "+7999" || a.Position != "Engineer" ||
			a.Login != "ivan" || a.DefaultAccessAllow || !a.AllIPAccess || !a.Enabled {
			t.Errorf("after a realname edit: %+v", a)
		}
		if departments() != "Sales department" {
			t.Errorf("departments after an edit without them: %q", departments())
		}
		e.get("func=whoami&authinfo=ivan:" + Password).ok()

		// Flags: on, then off by an empty value.
		edit("default_access_allow", "on").ok()
		if !mustAccount(t, e, ivan).DefaultAccessAllow {
			t.Error("default_access_allow=on did not turn it on")
		}
		edit("default_access_allow", "").ok()
		if mustAccount(t, e, ivan).DefaultAccessAllow {
			t.Error("default_access_allow= did not turn it off")
		}
		edit("all_ip_access", "", "ip_access", "192.0.2.0/24").ok()
		if a := mustAccount(t, e, ivan); a.AllIPAccess || a.IPAccess != "192.0.2.0/24" {
			t.Errorf("ip restriction: %+v", a)
		}
		if row := byName(e.get("func=employee&auth=" + root).rows())["ivan"]; !reflect.DeepEqual(flags(row, employeeFlags...), []string{"enabled", "ip_access"}) {
			t.Errorf("ivan's flags: %v", row)
		}
		edit("all_ip_access", "on").ok()
		if a := mustAccount(t, e, ivan); !a.AllIPAccess || a.IPAccess != "192.0.2.0/24" {
			t.Errorf("all_ip_access=on: %+v", a)
		}
		edit("all_ip_access", "off").ok() // the stored list still holds an address
		edit("email", "", "phone", "", "position", "").ok()
		if a := mustAccount(t, e, ivan); a.Email != "" || a.Phone != "" || a.Position != "" || a.AllIPAccess {
			t.Errorf("cleared fields: %+v", a)
		}
		edit("all_ip_access", "on").ok()

		// The department list sets the memberships exactly.
		edit("department", fmt.Sprint(supportID)).ok()
		if got := statuses(); got["1"] != "none" || got["2"] != "on" || departments() != "Technical support" {
			t.Errorf("department=2: %v %q", got, departments())
		}
		edit("department", "2,1").ok()
		if got := statuses(); got["1"] != "on" || got["2"] != "on" || departments() != "Sales department, Technical support" {
			t.Errorf("department=2,1: %v %q", got, departments())
		}
		if got := e.get("func=employee.edit&elid=" + id + "&auth=" + root).text("department"); got != "1,2" {
			t.Errorf("the form's departments %q", got)
		}
		edit("department", "").ok()
		if got := statuses(); got["1"] != "none" || got["2"] != "none" || departments() != "" {
			t.Errorf("department=: %v %q", got, departments())
		}

		// A failed save changes nothing, even when it fails after the checks.
		edit("department", "1").ok()
		before := mustAccount(t, e, ivan)
		for _, c := range []struct {
			pairs       []string
			typ, object string
		}{
			{[]string{"realname", "Changed", "email", "bad"}, "value", "email"},
			{[]string{"realname", "Changed", "department", "2", "phone", "x"}, "value", "phone"},
			{[]string{"realname", "Changed", "department", "2", "name", "anna"}, "exists", "name"},
			{[]string{"realname", "Changed", "name", "client"}, "exists", "name"},
			{[]string{"realname", "Changed", "passwd", "New-pass2!", "confirm", "other"}, "value", "confirm"},
			{[]string{"realname", "Changed", "passwd", "weak"}, "value", "passwd"},
			{[]string{"realname", "Changed", "all_ip_access", "off", "ip_access", ""}, "value", "ip_access"},
			{[]string{"realname", "Changed", "department", "2,3"}, "value", "department"},
			{[]string{"realname", "Changed", "name", ""}, "value", "name"},
		} {
			edit(c.pairs...).fails(c.typ, c.object)
			if after := mustAccount(t, e, ivan); !reflect.DeepEqual(after, before) {
				t.Errorf("%v changed the account:\n%+v\n%+v", c.pairs, before, after)
			}
			if got := statuses(); got["1"] != "on" || got["2"] != "none" {
				t.Errorf("%v changed the departments: %v", c.pairs, got)
			}
		}
		e.get("func=whoami&authinfo=ivan:" + Password).ok()

		// A password set by another account ends the target's sessions; one set by
		// the employee keeps theirs.
		edit("default_access_allow", "on").ok()
		s1, s2 := e.login("ivan"), e.login("ivan")
		edit("passwd", "New-pass2!", "confirm", "New-pass2!").ok()
		e.get("func=keepalive&auth="+s1).fails("access", "session")
		e.get("func=keepalive&auth="+s2).fails("access", "session")
		e.get("func=auth&username=ivan&password="+Password).fails("auth", "badpassword")
		own := e.get("func=auth&username=ivan&password=" + url.QueryEscape("New-pass2!")).ok().obj("auth")["$id"].(string)
		e.post(vals("func", "employee.edit", "sok", "ok", "elid", id, "auth", own,
			"passwd", "Own-pass3!", "confirm", "Own-pass3!")).ok()
		e.get("func=keepalive&auth=" + own).ok()
		e.get("func=whoami&authinfo=ivan:" + url.QueryEscape("Own-pass3!")).ok()
		// ... and root's sessions survive a change of ivan's password.
		e.get("func=keepalive&auth=" + root).ok()

		// A rename: the new login logs in, the old one is free.
		edit("name", "ivan2").ok()
		e.get("func=whoami&authinfo=ivan2:" + url.QueryEscape("Own-pass3!")).ok()
		e.get("func=whoami&authinfo=ivan:"+url.QueryEscape("Own-pass3!")).fails("auth", "badpassword")

		// Unknown elements.
		for _, elid := range []string{"999", fmt.Sprint(client.ID), "abc", "0"} {
			r := e.post(vals("func", "employee.edit", "sok", "ok", "elid", elid, "realname", "X", "auth", root))
			r.fails("missed", "elid")
			if r.errValue() != elid {
				t.Errorf("elid %s: error value %q", elid, r.errValue())
			}
		}
		if mustAccount(t, e, client.ID).Realname != "" {
			t.Error("a client's card was written")
		}
		doc := e.xml("func=employee.edit&sok=ok&elid=" + id + "&realname=Ivan%20X&auth=" + root)
		if !doc.has("ok") || doc.has("error") || doc.has("id") {
			t.Errorf("xml edit answer: %+v", doc)
		}
		xmlError(t, e.xml("func=employee.edit&sok=ok&elid="+id+"&phone=1-2&auth="+root), "value", "phone", "1-2")
	})
}

func TestEmployeeEditGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := mustEmployee(t, e, "alice", card{"realname": "Alice", "default_access_allow": true}, salesID)
		bob := mustEmployee(t, e, "bob", nil)
		root := e.login("root")
		admin := e.login("alice")
		as := func(sid string, elid int64, pairs ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"func", "employee.edit", "sok", "ok", "elid", fmt.Sprint(elid), "auth", sid}, pairs...)...))
		}

		// An admin cannot touch root, neither the form nor a save.
		rootBefore := mustAccount(t, e, 1)
		e.get("func=employee.edit&elid=1&auth="+admin).fails("access", "elid")
		as(admin, 1, "realname", "Hacked").fails("access", "elid")
		as(admin, 1, "passwd", "Hacked-1!", "confirm", "Hacked-1!").fails("access", "elid")
		xmlError(t, e.xml("func=employee.edit&sok=ok&elid=1&realname=Hacked&auth="+admin), "access", "elid", "1")
		if after := mustAccount(t, e, 1); !reflect.DeepEqual(after, rootBefore) {
			t.Errorf("an admin changed root: %+v", after)
		}
		e.get("func=whoami&authinfo=root:" + Password).ok()

		// Root's login cannot change; the rest of root's card can.
		as(root, 1, "name", "boss").fails("value", "name")
		as(root, 1, "name", "root", "realname", "The Root", "default_access_allow", "on").ok()
		if a := mustAccount(t, e, 1); a.Login != "root" || a.Realname != "The Root" || !a.DefaultAccessAllow {
			t.Errorf("root's own edit: %+v", a)
		}
		as(root, 1, "department", "1").ok() // root may change their own departments

		// An admin may edit another admin entirely; a new password ends their sessions.
		bobSession := e.login("bob")
		as(admin, bob, "passwd", "Bobs-pass2!", "confirm", "Bobs-pass2!").ok()
		e.get("func=keepalive&auth="+bobSession).fails("access", "session")
		e.get("func=whoami&authinfo=bob:" + url.QueryEscape("Bobs-pass2!")).ok()
		e.get("func=keepalive&auth=" + admin).ok()
		// Full access for another is root's to give (not_admin_to_admin): refused whole.
		bobBefore := mustAccount(t, e, bob)
		as(admin, bob, "default_access_allow", "on", "department", "2", "all_ip_access", "off", "ip_access", "10.0.0.1").
			fails("access", "default_access_allow")
		if a := mustAccount(t, e, bob); !reflect.DeepEqual(a, bobBefore) {
			t.Errorf("a refused edit changed bob:\n%+v\n%+v", bobBefore, a)
		}
		as(admin, bob, "department", "2", "all_ip_access", "off", "ip_access", "10.0.0.1").ok()
		as(root, bob, "default_access_allow", "on").ok()
		if a := mustAccount(t, e, bob); !a.DefaultAccessAllow || a.AllIPAccess || a.IPAccess != "10.0.0.1" || a.DepartmentNames != "Technical support" {
			t.Errorf("alice's and root's edits of bob: %+v", a)
		}
		// Now bob has full access too: alice may no longer change him.
		as(admin, bob, "realname", "Robert").fails("access", "elid")

		// An admin's own card: the realname yes, access, addresses and departments no.
		before := mustAccount(t, e, alice)
		for _, c := range []struct {
			pairs  []string
			object string
		}{
			{[]string{"default_access_allow", "off"}, "default_access_allow"},
			{[]string{"realname", "Changed", "default_access_allow", ""}, "default_access_allow"},
			{[]string{"all_ip_access", "off", "ip_access", "10.0.0.1, 127.0.0.1"}, "ip_access"},
			{[]string{"ip_access", "10.0.0.1"}, "ip_access"},
			{[]string{"department", "1,2"}, "department"},
			{[]string{"department", ""}, "department"},
			{[]string{"realname", "Changed", "department", "2"}, "department"},
		} {
			as(admin, alice, c.pairs...).fails("access", c.object)
			if after := mustAccount(t, e, alice); !reflect.DeepEqual(after, before) {
				t.Errorf("%v changed alice:\n%+v\n%+v", c.pairs, before, after)
			}
		}
		if got := byName(e.get("func=employee&auth=" + root).rows())["alice"]["department"]; got != "Sales department" {
			t.Errorf("alice's departments after refused edits: %q", got)
		}
		// Sending the current values is not a change.
		as(admin, alice, "realname", "Alice Liddell", "department", "1", "all_ip_access", "on", "default_access_allow", "on").ok()
		if a := mustAccount(t, e, alice); a.Realname != "Alice Liddell" {
			t.Errorf("alice's own realname: %+v", a)
		}
		e.get("func=keepalive&auth=" + admin).ok()

		// Root changes alice's access.
		as(root, alice, "default_access_allow", "off").ok()
		if mustAccount(t, e, alice).DefaultAccessAllow {
			t.Error("root could not change alice's access")
		}
	})
}

func TestEmployeeGroupActions(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := mustEmployee(t, e, "alice", card{"default_access_allow": true})
		bob := mustEmployee(t, e, "bob", nil, salesID)
		carol := mustEmployee(t, e, "carol", nil)
		erin := mustEmployee(t, e, "erin", nil)
		client := MustCreateAccount(t, e.db, "client", rights.User)
		root := e.login("root")
		admin := e.login("alice")
		bobSession := e.login("bob")
		call := func(sid, fn, elid string, extra ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"func", fn, "elid", elid, "sok", "ok", "auth", sid}, extra...)...))
		}
		refused := func(r *resp, typ, object, value string) {
			t.Helper()
			r.fails(typ, object)
			if r.errValue() != value {
				t.Errorf("error value %q, want %q", r.errValue(), value)
			}
		}
		ids := func(n ...int64) string {
			s := make([]string, len(n))
			for i, id := range n {
				s[i] = fmt.Sprint(id)
			}
			return strings.Join(s, ", ")
		}

		for _, fn := range []string{"employee.delete", "employee.suspend", "employee.resume", "employee.logout"} {
			// Without sok: a confirmation, nothing changed.
			c := e.get("func=" + fn + "&elid=" + url.QueryEscape(ids(bob, carol)) + "&auth=" + admin).ok()
			if c.text("elid") != ids(bob, carol) || c.text("confirm_count") != "2" {
				t.Errorf("%s confirmation: %s", fn, c.body)
			}
			// One bad element: nothing changes and the error names it.
			refused(call(admin, fn, ids(bob, 999)), "missed", "elid", "999")
			refused(call(admin, fn, ids(bob, client.ID)), "missed", "elid", fmt.Sprint(client.ID))
			refused(call(admin, fn, ids(bob, alice)), "value", "elid", fmt.Sprint(alice)) // own account
			refused(call(admin, fn, ids(bob, 1)), "access", "elid", "1")                  // root, above an admin
			refused(call(root, fn, ids(bob, 1)), "value", "elid", "1")                    // root's own
			call(admin, fn, "").fails("value", "elid")
			if !accountExists(t, e, "bob") || !mustAccount(t, e, bob).Enabled {
				t.Fatalf("%s: a refused group changed bob", fn)
			}
			e.get("func=keepalive&auth=" + bobSession).ok()
		}
		e.get("func=keepalive&auth=" + admin).ok()
		xmlError(t, e.xml("func=employee.delete&sok=ok&elid="+url.QueryEscape(ids(bob, 999))+"&auth="+admin), "missed", "elid", "999")

		// logout: every session of each listed employee; the accounts stay usable.
		e.login("erin")
		e.login("erin")
		call(admin, "employee.logout", ids(bob, erin)).ok()
		if sessionsOf(t, e, bob) != 0 || sessionsOf(t, e, erin) != 0 {
			t.Error("employee.logout left sessions")
		}
		e.get("func=keepalive&auth="+bobSession).fails("access", "session")
		e.get("func=keepalive&auth=" + admin).ok()
		bobSession = e.login("bob")
		call(root, "employee.logout", fmt.Sprint(alice)).ok() // root may log out an admin
		e.get("func=keepalive&auth="+admin).fails("access", "session")
		admin = e.login("alice")

		// suspend and resume: both at once.
		call(admin, "employee.suspend", ids(bob, carol)).ok()
		for _, id := range []int64{bob, carol} {
			if a := mustAccount(t, e, id); a.Enabled {
				t.Errorf("%s still enabled", a.Login)
			}
		}
		e.get("func=keepalive&auth="+bobSession).fails("access", "session")
		rows := byName(e.get("func=employee&auth=" + root).rows())
		if _, on := rows["bob"]["enabled"]; on {
			t.Errorf("bob listed as enabled: %v", rows["bob"])
		}
		if _, on := rows["erin"]["enabled"]; !on {
			t.Errorf("erin listed as suspended: %v", rows["erin"])
		}
		call(admin, "employee.resume", ids(bob, carol)).ok()
		e.get("func=whoami&authinfo=bob:" + Password).ok()
		e.get("func=whoami&authinfo=carol:" + Password).ok()

		// delete: both at once; sessions and memberships go with the accounts.
		bobSession = e.login("bob")
		doc := e.xml("func=employee.delete&sok=ok&elid=" + url.QueryEscape(ids(bob, carol)) + "&auth=" + admin)
		if !doc.has("ok") || doc.has("error") {
			t.Fatalf("xml delete: %+v", doc)
		}
		if accountExists(t, e, "bob") || accountExists(t, e, "carol") || sessionsOf(t, e, bob) != 0 {
			t.Error("deleted employees remain")
		}
		if memberships := dbtest.MustCount(t, e.db.Model(&models.Membership{}).Where("account_id = ?", bob)); memberships != 0 {
			t.Errorf("%d memberships of a deleted employee", memberships)
		}
		e.get("func=keepalive&auth="+bobSession).fails("access", "session")
		if got := e.get("func=employee&sort=id&auth=" + root).column("name"); !reflect.DeepEqual(got, []string{"root", "alice", "erin"}) {
			t.Errorf("after delete: %v", got)
		}
		if got := e.get("func=department&auth=" + root).rows(); got[0]["members"] != "0" {
			t.Errorf("a deleted employee still counts as a member: %v", got)
		}
		refused(call(admin, "employee.delete", fmt.Sprint(bob)), "missed", "elid", fmt.Sprint(bob))
		call(root, "employee.delete", fmt.Sprint(alice)).ok() // root deletes an admin
		if accountExists(t, e, "alice") {
			t.Error("root could not delete alice")
		}
	})
}

func TestEmployeeSuspend(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		dave := mustEmployee(t, e, "dave", nil)
		root := e.login("root")
		s1, s2 := e.login("dave"), e.login("dave")
		const key = "dave-one-time-key-0001"
		e.get("func=session.newkey&username=dave&key=" + key + "&auth=" + root).ok()

		doc := e.xml("func=employee.suspend&sok=ok&elid=" + fmt.Sprint(dave) + "&auth=" + root)
		if !doc.has("ok") || doc.has("error") {
			t.Fatalf("xml suspend: %+v", doc)
		}
		if n := sessionsOf(t, e, dave); n != 0 {
			t.Errorf("a suspended employee keeps %d sessions", n)
		}
		e.get("func=keepalive&auth="+s1).fails("access", "session")
		e.get("func=whoami&auth="+s2).fails("access", "session")
		e.get("func=auth&username=dave&password="+Password).fails("auth", "badpassword")
		e.get("func=whoami&authinfo=dave:"+Password).fails("auth", "badpassword")
		e.get("func=auth&username=dave&key="+key).fails("auth", "badpassword")
		if n := sessionsOf(t, e, dave); n != 0 {
			t.Errorf("a suspended employee opened %d sessions", n)
		}
		// Suspending again is harmless; resume lets every method in again.
		e.get("func=employee.suspend&sok=ok&elid=" + fmt.Sprint(dave) + "&auth=" + root).ok()
		e.get("func=employee.resume&sok=ok&elid=" + fmt.Sprint(dave) + "&auth=" + root).ok()
		e.get("func=keepalive&auth="+s1).fails("access", "session") // ended sessions stay ended
		e.get("func=whoami&authinfo=dave:" + Password).ok()
		e.get("func=keepalive&auth=" + e.login("dave")).ok()
		const key2 = "dave-one-time-key-0002"
		e.get("func=session.newkey&username=dave&key=" + key2 + "&auth=" + root).ok()
		e.get("func=auth&username=dave&key=" + key2).ok()
	})
}

// TestStaffFuncsRefuseUsers calls every staff func as a client: each is refused
// before it runs, and nothing changes. employee.filter is open to clients
// (TestEmployeeFilterOpenToEveryAccount).
func TestStaffFuncsRefuseUsers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", card{"realname": "Ivan"}, salesID)
		MustCreateAccount(t, e.db, "client", rights.User)
		user := e.login("client")
		before := mustAccount(t, e, ivan)
		el := fmt.Sprint(ivan)
		for _, q := range []string{
			"func=employee",
			"func=employee.edit&elid=" + el,
			"func=employee.edit&sok=ok&elid=" + el + "&realname=Hacked",
			"func=employee.edit&sok=ok&name=hacker&passwd=Hack-pass1!&confirm=Hack-pass1!",
			"func=employee.delete&sok=ok&elid=" + el,
			"func=employee.suspend&sok=ok&elid=" + el,
			"func=employee.resume&sok=ok&elid=" + el,
			"func=employee.logout&sok=ok&elid=" + el,
			"func=employee.department&elid=" + el,
			"func=employee.department.suspend&sok=ok&plid=" + el + "&elid=1",
			"func=employee.department.delete&sok=ok&plid=" + el + "&elid=1",
			"func=employee.department.resume&sok=ok&plid=" + el + "&elid=2",
			"func=department",
			"func=department.edit&sok=ok&name=Hackers",
			"func=department.edit&sok=ok&elid=1&name=Hacked",
			"func=department.delete&sok=ok&elid=1&force=on",
		} {
			fn, _, _ := strings.Cut(strings.TrimPrefix(q, "func="), "&")
			e.get(q+"&auth="+user).fails("access", fn)
			e.get(q+"&authinfo=client:"+Password).fails("access", fn)
		}
		xmlError(t, e.xml("func=employee.delete&sok=ok&elid="+el+"&auth="+user), "access", "employee.delete", "")
		if after := mustAccount(t, e, ivan); !reflect.DeepEqual(after, before) {
			t.Errorf("a client changed ivan: %+v", after)
		}
		if accountExists(t, e, "hacker") {
			t.Error("a client created an employee")
		}
		if dbtest.MustCount(t, e.db.Model(&models.Department{}).Where("name IN ?", []string{"Hackers", "Hacked"})) != 0 {
			t.Error("a client changed departments")
		}
		// Without credentials at all: a session error.
		e.get("func=employee").fails("access", "session")
	})
}
