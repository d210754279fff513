package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/rights"
)

// errParam is the named param of an error answer, "" when absent.
func (r *resp) errParam(name string) string {
	e, _ := r.doc["error"].(map[string]any)
	params, _ := e["param"].([]any)
	for _, p := range params {
		if m, _ := p.(map[string]any); m["$name"] == name {
			s, _ := m["$"].(string)
			return s
		}
	}
	return ""
}

// newKey registers a one-time login key for login, as the session sid.
func (e *env) newKey(sid, login, key string) *resp {
	e.t.Helper()
	return e.get("func=session.newkey&username=" + url.QueryEscape(login) + "&key=" + url.QueryEscape(key) + "&auth=" + sid)
}

// keyLogin logs in with a one-time key.
func (e *env) keyLogin(login, key string) *resp {
	e.t.Helper()
	return e.get("func=auth&username=" + url.QueryEscape(login) + "&key=" + url.QueryEscape(key))
}

// su opens an su session as the employee id from the session sid and returns its id.
func (e *env) su(sid string, id int64) string {
	e.t.Helper()
	return e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", id, sid)).ok().obj("auth")["$id"].(string)
}

// setPassword sets the password of the employee id, as the session sid.
func (e *env) setPassword(sid string, id int64, password string) *resp {
	e.t.Helper()
	p := url.QueryEscape(password)
	return e.get(fmt.Sprintf("func=employee.edit&elid=%d&passwd=%s&confirm=%s&sok=ok&auth=%s", id, p, p, sid))
}

// stateDigest is a digest of everything a refused call must leave as it was: the
// accounts, departments, memberships, rights, keys, support settings and the set of
// live sessions (not their last use).
func stateDigest(t *testing.T, e *env) string {
	t.Helper()
	var all strings.Builder
	for _, q := range []string{
		"SELECT id, login, level, password_hash, enabled, realname, position, email, phone, mobile, default_access_allow, all_ip_access, ip_access, department_names FROM accounts ORDER BY id",
		"SELECT id, name, description, show_in_support, default_responsible FROM departments ORDER BY id",
		"SELECT account_id, department_id, active FROM department_members ORDER BY account_id, department_id",
		"SELECT account_id, func, allow FROM account_rights ORDER BY account_id, func",
		"SELECT department_id, func FROM department_rights ORDER BY department_id, func",
		"SELECT account_id, key_hash FROM auth_keys ORDER BY key_hash",
		"SELECT * FROM support_settings ORDER BY 1",
		"SELECT id, account_id FROM sessions ORDER BY id",
		"SELECT id, name, type, account_id, secret_hash FROM api_keys ORDER BY id",
		"SELECT * FROM employee_telephony ORDER BY account_id",
		"SELECT * FROM employee_numbers ORDER BY id",
	} {
		all.WriteString(queryDigest(t, e.db, q))
	}
	return all.String()
}

// touching is how the dominance table classifies each func: a call template that
// acts on the target account, or why the func touches no other account. A new func
// fails TestDominanceCoversEveryFunc until it is classified here.
//
// In a template, {T} is the target employee's id, {TL} its login, {D} the department
// that grants the target a right the caller lacks, {P} a department that grants
// nothing, {S} a session of the target, {R} the right the caller holds.
var touching = map[string]string{
	"employee.edit":                  "elid={T}&realname=Changed&sok=ok",
	"employee.delete":                "elid={T}&sok=ok",
	"employee.suspend":               "elid={T}&sok=ok",
	"employee.resume":                "elid={T}&sok=ok",
	"employee.logout":                "elid={T}&sok=ok",
	"employee.unlock":                "elid={T}&sok=ok",
	"employee.department.resume":     "plid={T}&elid={P}&sok=ok",
	"employee.department.suspend":    "plid={T}&elid={D}&sok=ok",
	"employee.department.delete":     "plid={T}&elid={D}&sok=ok",
	"employee.su":                    "elid={T}",
	"employee.support_tool_settings": "elid={T}&signature=Hi&sok=ok",
	"rights2.user.resume":            "plid={T}&elid={R}&sok=ok",
	"rights2.user.suspend":           "plid={T}&elid=journal&sok=ok",
	"rights2.user.delete":            "plid={T}&elid=journal&sok=ok",
	"rights2.group.resume":           "plid={D}&elid={R}&sok=ok",
	"rights2.group.suspend":          "plid={D}&elid=journal&sok=ok",
	"department.delete":              "elid={D}&force=on&sok=ok",
	"session.newkey":                 "username={TL}&key=a-key-of-twenty-chars",
	"session.delete":                 "elid={S}&sok=ok",
	"apikey.edit":                    "account={TL}&name=Crm&type=uis_token&sok=ok",
	"apikey.delete":                  "elid={K}&sok=ok",
	"employee.telephony":             "elid={T}&status=break&sok=ok",
	"employee.phone.edit":            "plid={T}&number=1234567&sok=ok",
	"employee.phone.delete":          "plid={T}&elid={PH}&sok=ok",
	"department.number.edit":         "plid={D}&elid={PH}&position=1&available=off&sok=ok",
	"department.number.resume":       "plid={D}&elid={PH}&sok=ok",
	"department.number.suspend":      "plid={D}&elid={PH}&sok=ok",
	"employee.voximplant":            "elid={T}&user_custom_data=x&sok=ok",
}

// alsoTouching are the ways to reach an account that are not a func's own target:
// a create that would hand out a right, a membership that would, and the su parameter.
var alsoTouching = map[string]struct{ fn, query, right string }{
	"employee.edit creating":                    {"employee.edit", "name=fresh-{N}&passwd=Fresh-pass1&confirm=Fresh-pass1&department={D}&sok=ok", ""},
	"employee.edit into a department":           {"employee.edit", "elid={U}&department={D}&sok=ok", ""},
	"employee.department.resume granting":       {"employee.department.resume", "plid={U}&elid={D}&sok=ok", ""},
	"employee.department.resume by association": {"employee.department.resume", "elid={U}:{D}&sok=ok", ""},
	"employee.department.delete by association": {"employee.department.delete", "elid={T}:{D}&sok=ok", ""},
	"su parameter":         {"whoami", "su={TL}", "employee.su"},
	"apikey.edit renaming": {"apikey.edit", "elid={K}&name=Renamed&sok=ok", ""},
}

// untouching says why the other funcs need no dominance check.
var untouching = map[string]string{
	"auth": "own session", "logon": "own session", "logout": "own session", "keepalive": "own session",
	"whoami": "own account", "chlevel": "own su session", "help": "reads the func table",
	"session": "list", "session.filter": "own filter",
	"employee": "list", "employee.filter": "own filter",
	"employee.department": "list", "employee.department.filter": "own filter",
	"employee.sms": "texts an employee; changes no account",
	"rights2.user": "list", "rights2.user.filter": "own filter",
	"rights2.group": "list", "rights2.group.filter": "own filter",
	"department": "list", "department.filter": "own filter",
	"department.edit": "a department's card; grants nothing",
	"user":            "list", "user.filter": "own filter",
	"user.edit":    "clients hold no rights: every employee dominates them",
	"user.delete":  "clients hold no rights: every employee dominates them",
	"user.suspend": "clients hold no rights: every employee dominates them",
	"user.resume":  "clients hold no rights: every employee dominates them",
	"user.su":      "clients hold no rights: every employee dominates them; the su guards apply as for employee.su",
	"clientticket": "client side", "clientticket.filter": "own filter", "clientticket.edit": "client side",
	"ticket_all": "list", "ticket_all.filter": "own filter",
	"ticket": "list", "ticket.filter": "own filter", "ticket.edit": "a ticket",
	"support_tool_responsible": "a ticket's holder; changes no account",
	"journal":                  "list", "journal.filter": "own filter",
	"apikey": "list", "apikey.filter": "own filter",
	"position": "list", "position.filter": "own filter", "position.edit": "a record; grants nothing",
	"position.delete": "a record; grants nothing",
	"schedule":        "list", "schedule.filter": "own filter", "schedule.edit": "a record; grants nothing",
	"schedule.delete": "a record; grants nothing",
	"site":            "list", "site.filter": "own filter", "site.edit": "a record; grants nothing", "site.delete": "a record; grants nothing",
	"employee.phone": "list", "employee.phone.filter": "own filter",
	"department.telephony": "a department's dialling settings; grants nothing",
	"department.number":    "list", "department.number.filter": "own filter",
	"application": "list", "application.filter": "own filter", "application.edit": "a record; grants nothing",
	"application.delete": "an application without users; grants nothing",
	"acd_queue":          "list", "acd_queue.filter": "own filter", "acd_queue.edit": "a record; grants nothing",
	"acd_queue.delete": "a record; grants nothing",
	"skill":            "list", "skill.filter": "own filter", "skill.edit": "a record; grants nothing", "skill.delete": "a record; grants nothing",
	"balance": "list", "balance.filter": "own filter", "balance.topup": "root only; the account's money",
}

func TestDominanceCoversEveryFunc(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for _, f := range e.app.ordered {
			_, a := touching[f.Name]
			_, b := untouching[f.Name]
			if a == b {
				t.Errorf("%s: classify it in touching (with a call) or in untouching (with why)", f.Name)
			}
		}
		for name := range touching {
			if e.app.funcs[name] == nil {
				t.Errorf("touching names %s, which is no func", name)
			}
		}
		for name := range untouching {
			if e.app.funcs[name] == nil {
				t.Errorf("untouching names %s, which is no func", name)
			}
		}
	})
}

// TestDominance walks every way to touch another account: an admin holding the func's
// right but lacking the right "journal" that the target holds (or would hold) is
// refused with an access error naming it, and nothing changes; given "journal", the
// same admin gets past the check.
func TestDominance(t *testing.T) {
	t.Parallel()
	type scenario struct{ name, fn, query, right string }
	var scenarios []scenario
	for fn, q := range touching {
		scenarios = append(scenarios, scenario{fn, fn, q, ""})
	}
	for name, s := range alsoTouching {
		scenarios = append(scenarios, scenario{name, s.fn, s.query, s.right})
	}
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		plain := e.get("func=department.edit&name=Plain&sok=ok&auth=" + root).ok().text("id")
		// No subtests: the env's helpers fail the test that made the env.
		for i, s := range scenarios {
			func() {
				wide := e.get(fmt.Sprintf("func=department.edit&name=Wide-%d&sok=ok&auth=%s", i, root)).ok().text("id")
				e.get("func=rights2.group.resume&plid=" + wide + "&elid=journal&sok=ok&auth=" + root).ok()
				target := MustCreateEmployee(t, e.db, fmt.Sprintf("target-%d", i), rights.Admin)
				plainTarget := MustCreateEmployee(t, e.db, fmt.Sprintf("plain-%d", i), rights.Admin)
				e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", target.ID, wide, root)).ok()
				caller := MustCreateEmployee(t, e.db, fmt.Sprintf("caller-%d", i), rights.Admin)
				callerRight := s.right
				if callerRight == "" {
					callerRight = e.app.funcs[s.fn].right()
				}
				e.grant(root, caller.ID, callerRight)
				sid := e.login(caller.Login)
				targetSession := e.login(target.Login)
				targetKey := e.get("func=apikey.edit&name=Target&type=uis_token&account=" + target.Login + "&sok=ok&auth=" + root).ok().text("id")
				e.get(fmt.Sprintf("func=employee.phone.edit&plid=%d&number=5550001&sok=ok&auth=%s", target.ID, root)).ok()
				var targetPhone int64
				if err := e.db.Raw("SELECT id FROM employee_numbers WHERE account_id = ?", target.ID).Scan(&targetPhone).Error; err != nil {
					t.Fatal(err)
				}
				var sessionID string
				for _, row := range e.get("func=session&p_cnt=1000&auth=" + root).rows() {
					if row["account"] == target.Login {
						sessionID = row["id"]
					}
				}
				q := strings.NewReplacer("{T}", fmt.Sprint(target.ID), "{TL}", target.Login, "{U}", fmt.Sprint(plainTarget.ID),
					"{D}", wide, "{P}", plain, "{S}", sessionID, "{R}", callerRight, "{N}", fmt.Sprint(i), "{K}", targetKey, "{PH}", fmt.Sprint(targetPhone)).Replace(s.query)
				call := func() *resp {
					return e.get("func=" + s.fn + "&" + q + "&auth=" + sid)
				}

				before := stateDigest(t, e)
				r := call()
				if !isAccessError(r, "") || r.errParam("lacks") != "journal" {
					t.Errorf("%s: want an access error lacking journal, got %s", s.name, r.body)
				}
				if after := stateDigest(t, e); after != before {
					t.Errorf("%s: a refused call changed the database", s.name)
				}
				if r := e.get("func=keepalive&auth=" + targetSession); r.doc["error"] != nil {
					t.Errorf("%s: a refused call ended the target's session: %s", s.name, r.body)
				}

				// With the right, the same call is no longer refused for lack of it.
				e.grant(root, caller.ID, "journal")
				if r := call(); r.errParam("lacks") != "" {
					t.Errorf("%s: still refused with the right: %s", s.name, r.body)
				}
			}()
		}
	})
}

// TestNarrowEditorCannotWidenAccess: an admin holding only employee and
// employee.edit cannot make an account with more than their own rights and log in
// as it, nor take over a full-access admin by their password.
func TestNarrowEditorCannotWidenAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		editor := MustCreateEmployee(t, e.db, "editor", rights.Admin)
		e.grant(root, editor.ID, "employee")
		e.grant(root, editor.ID, "employee.edit")
		boss := MustCreateAccount(t, e.db, "boss", rights.Admin) // full access
		other := MustCreateEmployee(t, e.db, "other", rights.Admin)
		sales := e.get("func=department.edit&name=Sales&sok=ok&auth=" + root).ok().text("id")
		e.get("func=rights2.group.resume&plid=" + sales + "&elid=journal&sok=ok&auth=" + root).ok()
		sid := e.login("editor")
		newPass := url.QueryEscape("Mine-pass1!")
		before := stateDigest(t, e)

		e.get("func=employee.edit&name=mole&passwd="+newPass+"&confirm="+newPass+"&default_access_allow=on&sok=ok&auth="+sid).
			fails("access", "default_access_allow")
		e.get("func=employee.edit&name=mole&passwd="+newPass+"&confirm="+newPass+"&department="+sales+"&sok=ok&auth="+sid).
			fails("access", "department")
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&default_access_allow=on&sok=ok&auth=%s", other.ID, sid)).
			fails("access", "default_access_allow")
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&passwd=%s&confirm=%s&sok=ok&auth=%s", boss.ID, newPass, newPass, sid)).
			fails("access", "elid")
		if after := stateDigest(t, e); after != before {
			t.Error("refused edits changed the database")
		}
		e.get("func=whoami&authinfo=mole:"+newPass).fails("auth", "badpassword")
		e.get("func=whoami&authinfo=boss:"+newPass).fails("auth", "badpassword")

		// What stays the editor's: an employee with no more than their rights.
		id := e.get("func=employee.edit&name=helper&passwd=" + newPass + "&confirm=" + newPass + "&sok=ok&auth=" + sid).ok().text("id")
		e.get("func=employee.edit&elid=" + id + "&realname=Helper&sok=ok&auth=" + sid).ok()
	})
}

// TestKeysNeedDominance: session.newkey cannot register a key for an account its
// holder does not dominate, so it cannot become a login as a full-access admin; and a
// key logs in only while whoever registered it still dominates the account: not after
// the account was given more rights, nor after the registrar was suspended.
func TestKeysNeedDominance(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		keeper := MustCreateEmployee(t, e.db, "keeper", rights.Admin)
		e.grant(root, keeper.ID, "session.newkey")
		MustCreateAccount(t, e.db, "boss", rights.Admin)
		plain := MustCreateEmployee(t, e.db, "plain", rights.Admin)
		sid := e.login("keeper")
		first, second, third := strings.Repeat("a", 20), strings.Repeat("b", 20), strings.Repeat("c", 20)
		e.newKey(sid, "boss", first).fails("access", "username")
		e.keyLogin("boss", first).fails("auth", "badpassword")

		e.newKey(sid, "plain", first).ok()
		e.newKey(sid, "plain", second).ok()
		e.grant(root, plain.ID, "journal")
		e.keyLogin("plain", first).fails("auth", "badpassword")

		e.get(fmt.Sprintf("func=rights2.user.delete&plid=%d&elid=journal&sok=ok&auth=%s", plain.ID, root)).ok()
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", keeper.ID, root)).ok()
		e.keyLogin("plain", second).fails("auth", "badpassword")

		// Root's keys, and the keeper's while nothing changed, work.
		e.get(fmt.Sprintf("func=employee.resume&elid=%d&sok=ok&auth=%s", keeper.ID, root)).ok()
		e.newKey(e.login("keeper"), "plain", third).ok()
		e.keyLogin("plain", third).ok()
		e.newKey(root, "plain", first).ok()
		e.keyLogin("plain", first).ok()
	})
}

// TestSuCannotPromoteItsOpener: inside an su session the person behind it is still
// themselves: they cannot use the impersonated account's rights on their own account.
func TestSuCannotPromoteItsOpener(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		opener := MustCreateEmployee(t, e.db, "opener", rights.Admin)
		actor := MustCreateEmployee(t, e.db, "actor", rights.Admin)
		for _, r := range []string{"employee", "employee.edit", "employee.su", "rights2.user.resume", "employee.department.resume"} {
			e.grant(root, opener.ID, r)
		}
		for _, r := range []string{"employee", "employee.edit", "rights2.user.resume", "employee.department.resume"} {
			e.grant(root, actor.ID, r)
		}
		dep := e.get("func=department.edit&name=Ops&sok=ok&auth=" + root).ok().text("id")
		sid := e.login("opener")
		su := e.su(sid, actor.ID)
		e.get("func=whoami&auth=" + su).ok()
		before := stateDigest(t, e)

		e.get(fmt.Sprintf("func=employee.edit&elid=%d&default_access_allow=on&sok=ok&auth=%s", opener.ID, su)).
			fails("access", "default_access_allow")
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&department=%s&sok=ok&auth=%s", opener.ID, dep, su)).
			fails("access", "department")
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=employee&sok=ok&auth=%s", opener.ID, su)).
			fails("access", "plid")
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", opener.ID, dep, su)).
			fails("access", "plid")
		// The su parameter is the same person too.
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&default_access_allow=on&sok=ok&su=actor&auth=%s", opener.ID, sid)).
			fails("access", "default_access_allow")
		if after := stateDigest(t, e); after != before {
			t.Error("the opener changed their own account through su")
		}
	})
}

// TestSuSessionEndsWithItsOpener: an su session ends when its opener logs out, changes
// their password, or is suspended; a password change ends one's other sessions.
func TestSuSessionEndsWithItsOpener(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		opener := MustCreateAccount(t, e.db, "opener", rights.Admin)
		target := MustCreateEmployee(t, e.db, "target", rights.Admin)

		// Logout.
		sid := e.login("opener")
		su := e.su(sid, target.ID)
		e.get("func=whoami&auth=" + su).ok()
		e.get("func=logout&auth=" + sid).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")
		e.get("func=whoami&auth=" + e.login("target")).ok() // the target's own sessions stay

		// Own password change: the other sessions and the su sessions end, the current stays.
		sid, other := e.login("opener"), e.login("opener")
		su = e.su(other, target.ID)
		e.setPassword(sid, opener.ID, "Newer-pass1!").ok()
		e.get("func=whoami&auth=" + sid).ok()
		e.get("func=whoami&auth="+other).fails("access", "session")
		e.get("func=whoami&auth="+su).fails("access", "session")

		// A password set by root, and a suspension.
		su = e.su(sid, target.ID)
		e.setPassword(root, opener.ID, Password).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")
		sid = e.login("opener")
		su = e.su(sid, target.ID)
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", opener.ID, root)).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")
	})
}

// TestCrossSiteLogin: another site's page can neither log a browser in nor out.
func TestCrossSiteLogin(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		login := func(header ...string) *resp {
			t.Helper()
			form := url.Values{"func": {"auth"}, "username": {"alice"}, "password": {Password}, "out": {"json"}}
			req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/billmgr", strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			return e.request(req)
		}
		login("Origin", "https://evil.example").fails("access", "origin")
		login("Origin", "null").fails("access", "origin")
		login("Sec-Fetch-Site", "cross-site").fails("access", "origin")
		login("Sec-Fetch-Site", "same-site").fails("access", "origin")
		login("Origin", e.srv.URL).ok()
		login("Sec-Fetch-Site", "same-origin").ok()
		login().ok() // a script

		// A key link followed from a mail is a cross-site navigation, and works.
		root := e.login("root")
		key := strings.Repeat("q", 24)
		e.newKey(root, "alice", key).ok()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/billmgr?func=auth&out=json&username=alice&key="+key, nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Sec-Fetch-Mode", "navigate")
		e.request(req).ok()

		// Logging a browser out takes a POST with the page's token.
		cookie := login("Origin", e.srv.URL).cookie("billmgrses5")
		if cookie == nil {
			t.Fatal("no session cookie")
		}
		e.do(http.MethodGet, "/billmgr?func=logout&out=json", "", nil, []*http.Cookie{cookie}).fails("access", "csrf")
		token := e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{cookie}).ok().text("csrf_token")
		e.post(url.Values{"func": {"logout"}, "csrf_token": {token}}, cookie).ok()
		e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{cookie}).fails("access", "session")
	})
}

// TestSuSessionIsRecheckedEveryRequest: an su session lasts only while its opener may
// still act as its account: given more rights, the account is out of reach, and so it
// is when the opener loses employee.su.
func TestSuSessionIsRecheckedEveryRequest(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		opener := MustCreateEmployee(t, e.db, "opener", rights.Admin)
		target := MustCreateEmployee(t, e.db, "target", rights.Admin)
		for _, r := range []string{"employee", "employee.su"} {
			e.grant(root, opener.ID, r)
		}
		e.grant(root, target.ID, "employee")
		sid := e.login("opener")
		su := e.su(sid, target.ID)
		e.get("func=employee&auth=" + su).ok()
		e.grant(root, target.ID, "journal")
		e.get("func=journal&auth="+su).fails("access", "session")

		e.get(fmt.Sprintf("func=rights2.user.delete&plid=%d&elid=journal&sok=ok&auth=%s", target.ID, root)).ok()
		su = e.su(sid, target.ID)
		e.get(fmt.Sprintf("func=rights2.user.suspend&plid=%d&elid=employee.su&sok=ok&auth=%s", opener.ID, root)).ok()
		e.get("func=employee&auth="+su).fails("access", "session")
	})
}

// TestSuSessionsEndWithTheirOpenerEveryWay: from inside an su session, with the su
// parameter, by session.delete, and while su sessions are being opened.
func TestSuSessionsEndWithTheirOpenerEveryWay(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		opener := MustCreateAccount(t, e.db, "opener", rights.Admin)
		target := MustCreateEmployee(t, e.db, "target", rights.Admin)
		e.grant(root, target.ID, "employee.edit")

		// A password changed from inside an su session ends that su session too.
		sid := e.login("opener")
		su := e.su(sid, target.ID)
		e.setPassword(su, opener.ID, "Other-pass1!").ok()
		e.get("func=whoami&auth="+su).fails("access", "session")
		e.get("func=whoami&auth="+sid).fails("access", "session")
		e.setPassword(root, opener.ID, Password).ok()

		// logout with the su parameter is still the opener's own session ending.
		sid = e.login("opener")
		su = e.su(sid, target.ID)
		e.get("func=logout&su=target&auth=" + sid).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")

		// session.delete of the opener's session.
		sid = e.login("opener")
		su = e.su(sid, target.ID)
		var id string
		for _, row := range e.get("func=session&p_cnt=1000&auth=" + root).rows() {
			if row["account"] == "opener" {
				id = row["id"]
			}
		}
		e.get("func=session.delete&elid=" + id + "&sok=ok&auth=" + root).ok()
		e.get("func=whoami&auth="+su).fails("access", "session")

		// su sessions opened while the opener's password changes never outlive it.
		for round := 0; round < 3; round++ {
			first, second := e.login("opener"), e.login("opener")
			var wg sync.WaitGroup
			for i := 0; i < 12; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", target.ID, first))
				}()
			}
			e.setPassword(second, opener.ID, fmt.Sprintf("Round-%d-pass!", round)).ok()
			wg.Wait()
			var left int64
			if err := e.db.Raw("SELECT COUNT(*) FROM sessions WHERE real_account_id = ?", opener.ID).Scan(&left).Error; err != nil {
				t.Fatal(err)
			}
			if left != 0 {
				t.Fatalf("round %d: %d su sessions outlived their opener's password change", round, left)
			}
			e.setPassword(root, opener.ID, Password).ok()
		}
	})
}

// TestKeysEndWithPasswords: a new password, or a suspension, ends the keys registered
// for the account and those it registered.
func TestKeysEndWithPasswords(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		ann := MustCreateAccount(t, e.db, "ann", rights.Admin)
		MustCreateEmployee(t, e.db, "bob", rights.Admin)
		for_, by := strings.Repeat("f", 20), strings.Repeat("b", 20)
		e.newKey(root, "ann", for_).ok()
		e.newKey(e.login("ann"), "bob", by).ok()
		e.setPassword(root, ann.ID, "Reset-pass1!").ok()
		e.keyLogin("ann", for_).fails("auth", "badpassword")
		e.keyLogin("bob", by).fails("auth", "badpassword")
	})
}

// TestRefusedGroupKeepsTheCookie: a group operation that fails ends nothing, so the
// browser keeps its session cookie.
func TestRefusedGroupKeepsTheCookie(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		form := url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}, "out": {"json"}}
		cookie := e.post(form).cookie("billmgrses5")
		if cookie == nil {
			t.Fatal("no session cookie")
		}
		token := e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{cookie}).ok().text("csrf_token")
		own := e.do(http.MethodGet, "/billmgr?func=session&out=json", "", nil, []*http.Cookie{cookie}).rows()[0]["id"]
		r := e.post(url.Values{"func": {"session.delete"}, "elid": {own + ",nosuch"}, "sok": {"ok"}, "csrf_token": {token}}, cookie)
		r.fails("missed", "session")
		if c := r.cookie("billmgrses5"); c != nil {
			t.Errorf("a refused group operation cleared the cookie: %v", c)
		}
		e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{cookie}).ok()
	})
}

// TestAddressRefusedBeforePassword: from outside an account's allow-list every login
// gets the same address refusal, right password or wrong, and none is counted.
func TestAddressRefusedBeforePassword(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		ann := MustCreateAccount(t, e.db, "ann", rights.Admin)
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&all_ip_access=off&ip_access=192.0.2.1&sok=ok&auth=%s", ann.ID, root)).ok()
		for i := 0; i < 12; i++ {
			e.get("func=auth&username=ann&password=wrong-"+fmt.Sprint(i)).fails("access", "ip")
		}
		e.get("func=auth&username=ann&password="+url.QueryEscape(Password)).fails("access", "ip")
		e.get("func=whoami&authinfo=ann:"+url.QueryEscape(Password)).fails("access", "ip")
		e.get("func=whoami&authinfo=ann:wrong").fails("access", "ip")
		var n int64
		if err := e.db.Raw("SELECT COUNT(*) FROM login_failures WHERE subject = 'ann'").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("refused addresses were counted as failed logins: %d", n)
		}
	})
}

// TestRepeatedElid: a group operation acts on every elid sent, so a forbidden one
// cannot hide behind an allowed one; a func of one element refuses a second.
func TestRepeatedElid(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		editor := MustCreateEmployee(t, e.db, "editor", rights.Admin)
		e.grant(root, editor.ID, "employee.suspend")
		e.grant(root, editor.ID, "employee.edit")
		plain := MustCreateEmployee(t, e.db, "plain", rights.Admin)
		boss := MustCreateAccount(t, e.db, "boss", rights.Admin)
		sid := e.login("editor")
		before := stateDigest(t, e)
		r := e.post(url.Values{"func": {"employee.suspend"}, "elid": {fmt.Sprint(plain.ID), fmt.Sprint(boss.ID)}, "sok": {"ok"}, "auth": {sid}})
		r.fails("access", "elid")
		if r.errValue() != fmt.Sprint(boss.ID) {
			t.Errorf("the refused element is %q, want boss", r.errValue())
		}
		e.post(url.Values{"func": {"employee.edit"}, "elid": {fmt.Sprint(plain.ID), fmt.Sprint(boss.ID)}, "realname": {"X"}, "sok": {"ok"}, "auth": {sid}}).
			fails("value", "elid")
		e.post(url.Values{"func": {"employee.department"}, "plid": {fmt.Sprint(plain.ID), fmt.Sprint(boss.ID)}, "auth": {root}}).
			fails("value", "plid")
		if after := stateDigest(t, e); after != before {
			t.Error("refused calls changed the database")
		}
		e.post(url.Values{"func": {"employee.suspend"}, "elid": {fmt.Sprint(plain.ID), fmt.Sprint(plain.ID)}, "sok": {"ok"}, "auth": {sid}}).ok()
		// One element however it is spelled.
		r = e.get(fmt.Sprintf("func=employee.resume&elid=%d,0%d,%%2B%d&auth=%s", plain.ID, plain.ID, plain.ID, root))
		if r.ok().text("confirm_count") != "1" {
			t.Errorf("one employee spelled three ways: %s", r.body)
		}
	})
}

// TestLogoutSparesOthersSu: employee.logout ends the employee's own sessions and the
// su sessions they opened, not an su session root opened to act as them.
func TestLogoutSparesOthersSu(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		mgr := MustCreateEmployee(t, e.db, "mgr", rights.Admin)
		e.grant(root, mgr.ID, "employee.logout")
		narrow := MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		own := e.login("narrow")
		su := e.su(root, narrow.ID)
		e.get(fmt.Sprintf("func=employee.logout&elid=%d&sok=ok&auth=%s", narrow.ID, e.login("mgr"))).ok()
		e.get("func=whoami&auth="+own).fails("access", "session")
		e.get("func=whoami&auth=" + su).ok()
	})
}

// TestParentRefusalsNameTheParent: a refusal about plid carries plid's id.
func TestParentRefusalsNameTheParent(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		mgr := MustCreateEmployee(t, e.db, "mgr", rights.Admin)
		for _, r := range []string{"rights2.user.suspend", "rights2.group.suspend", "employee.department.resume", "employee"} {
			e.grant(root, mgr.ID, r)
		}
		own := e.get("func=department.edit&name=Own&sok=ok&auth=" + root).ok().text("id")
		wide := e.get("func=department.edit&name=Wide&sok=ok&auth=" + root).ok().text("id")
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", mgr.ID, own, root)).ok()
		e.get("func=rights2.group.resume&plid=" + wide + "&elid=journal&sok=ok&auth=" + root).ok()
		member := MustCreateEmployee(t, e.db, "member", rights.Admin)
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", member.ID, wide, root)).ok()
		sid := e.login("mgr")
		me := fmt.Sprint(mgr.ID)
		for query, want := range map[string]string{
			"func=rights2.user.suspend&plid=" + me + "&elid=employee&sok=ok":           me,
			"func=rights2.group.suspend&plid=" + own + "&elid=employee&sok=ok":         own,
			"func=rights2.group.suspend&plid=" + wide + "&elid=journal&sok=ok":         wide,
			"func=employee.department.resume&plid=" + me + "&elid=" + wide + "&sok=ok": me,
			"func=rights2.user.suspend&plid=1&elid=employee&sok=ok":                    "1",
		} {
			if r := e.get(query+"&auth="+sid).fails("access", "plid"); r.errValue() != want {
				t.Errorf("%s: value %q, want %q", query, r.errValue(), want)
			}
		}
	})
}

// TestMissingParentNamesThePlid: every group func with a parent answers a plid that
// names nothing with plid as sent, and a missing plid with an empty value, never
// with the element being changed.
func TestMissingParentNamesThePlid(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for _, fn := range []string{"rights2.user.resume", "rights2.user.suspend", "rights2.user.delete",
			"rights2.group.resume", "rights2.group.suspend",
			"employee.department.resume", "employee.department.suspend", "employee.department.delete"} {
			elid := url.QueryEscape("journal, ticket")
			if strings.HasPrefix(fn, "employee.") {
				elid = url.QueryEscape("1, 2")
			}
			for plid, want := range map[string]string{"999999": "999999", "999999/employee": "999999/employee", "abc": "abc"} {
				if r := e.get("func="+fn+"&plid="+url.QueryEscape(plid)+"&elid="+elid+"&sok=ok"+rootAuth).fails("missed", "plid"); r.errValue() != want {
					t.Errorf("%s plid=%s: value %q, want %q", fn, plid, r.errValue(), want)
				}
			}
			if r := e.get("func="+fn+"&elid="+elid+"&sok=ok"+rootAuth).fails("value", "plid"); r.errValue() != "" {
				t.Errorf("%s without plid: value %q", fn, r.errValue())
			}
		}
	})
}

// TestPasswordHashedBeforeTheTransaction: a new password waiting for a hashing slot
// holds no database lock, so other changes go on meanwhile (on SQLite they would wait
// for the one writer otherwise). It sets the process's HashLimit, so it runs alone.
func TestPasswordHashedBeforeTheTransaction(t *testing.T) {
	eachEnvSerial(t, func(t *testing.T, e *env) {
		root := e.login("root")
		ann := MustCreateEmployee(t, e.db, "ann", rights.Admin)
		limit := models.NewHashLimit(1, 15*time.Second)
		prev := models.SetHashLimit(limit)
		t.Cleanup(func() { models.SetHashLimit(prev) })
		release, err := limit.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pass := url.QueryEscape("Waiting-pass1!")
		done := make(chan string)
		go func() {
			r := e.get(fmt.Sprintf("func=employee.edit&elid=%d&passwd=%s&confirm=%s&sok=ok&auth=%s", ann.ID, pass, pass, root))
			done <- string(r.body)
		}()
		for limit.Waiting() == 0 {
			runtime.Gosched()
		}
		e.get("func=department.edit&name=Meanwhile&sok=ok&auth=" + root).ok()
		release()
		if body := <-done; strings.Contains(body, `"error"`) {
			t.Fatalf("the password change: %s", body)
		}
		e.get("func=whoami&authinfo=ann:" + pass).ok()
	})
}
