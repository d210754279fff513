package handlers

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"staffmgr/handlers/form"
	"staffmgr/models"
	"staffmgr/rights"
	"staffmgr/session"
)

// browser is a web browser on the panel: it keeps its cookies, asks for pages, and
// does not follow redirects, so that a test sees where each one leads.
type browser struct {
	e      *env
	client *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) *resp {
	b.e.t.Helper()
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	hr, err := b.client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer hr.Body.Close()
	raw, _ := io.ReadAll(hr.Body)
	return &resp{t: b.e.t, status: hr.StatusCode, header: hr.Header, body: raw}
}

func (b *browser) get(path string) *resp {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(v url.Values) *resp {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+"/billmgr", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login logs the browser in and returns the CSRF token of its pages.
func (b *browser) login(login string) string {
	b.e.t.Helper()
	r := b.post(url.Values{"func": {"auth"}, "username": {login}, "password": {Password}})
	if r.status != http.StatusSeeOther {
		b.e.t.Fatalf("login %s answered %d: %s", login, r.status, r.body)
	}
	return csrfOf(b.e.t, b.get("/billmgr"))
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func csrfOf(t *testing.T, r *resp) string {
	t.Helper()
	m := csrfInput.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("the page carries no CSRF token:\n%s", r.body)
	}
	return string(m[1])
}

func (r *resp) has(parts ...string) *resp {
	r.t.Helper()
	for _, p := range parts {
		if !strings.Contains(string(r.body), p) {
			r.t.Errorf("the page lacks %q:\n%s", p, r.body)
		}
	}
	return r
}

func (r *resp) lacks(parts ...string) *resp {
	r.t.Helper()
	for _, p := range parts {
		if strings.Contains(string(r.body), p) {
			r.t.Errorf("the page shows %q:\n%s", p, r.body)
		}
	}
	return r
}

func (r *resp) redirects(to string) *resp {
	r.t.Helper()
	if r.status != http.StatusSeeOther || r.header.Get("Location") != to {
		r.t.Fatalf("want a redirect to %s, got %d %q:\n%s", to, r.status, r.header.Get("Location"), r.body)
	}
	return r
}

func TestPanelLoginAndHeaders(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		b.get("/?func=department").has(`name="next" value="/billmgr?func=department"`)
		page := b.get("/billmgr?func=employee")
		page.has(`form id="login"`, `name="next" value="/billmgr?func=employee"`, `<title>Log in · staffmgr</title>`)
		h := page.header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") ||
			!strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("Content-Security-Policy: %q", csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("security headers: %v", h)
		}
		if regexp.MustCompile(`(?i)<script>|style="|<style|\son[a-z]+="`).Match(page.body) {
			t.Errorf("the page has inline script or style:\n%s", page.body)
		}

		// A wrong password shows the API's message on the login page.
		b.post(url.Values{"func": {"auth"}, "username": {"root"}, "password": {"wrong"}, "next": {"/billmgr?func=employee"}}).
			has(`form id="login"`, `data-type="auth"`, `name="next" value="/billmgr?func=employee"`)

		// After the login, the page that was asked for; another site's address is never followed.
		r := b.post(url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}, "next": {"/billmgr?func=employee"}})
		r.redirects("/billmgr?func=employee")
		var cookie *http.Cookie
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			if c.Name == session.CookieName {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
			t.Errorf("session cookie %+v", cookie)
		}
		e.browser().post(url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}, "next": {"https://evil.example/"}}).
			redirects("/billmgr")
		e.browser().post(url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}, "next": {"/billmgr?func=logout"}}).
			redirects("/billmgr")

		home := b.get("/billmgr")
		home.has(`id="account" data-login="root" data-level="root"`, `id="logout"`, `data-func="employee"`)

		for name, ct := range map[string]string{"panel.css": "text/css", "panel.js": "javascript"} {
			a := e.do(http.MethodGet, "/assets/"+name, "", nil, nil)
			if a.status != 200 || !strings.Contains(a.header.Get("Content-Type"), ct) || len(a.body) == 0 {
				t.Errorf("asset %s: %d %q", name, a.status, a.header.Get("Content-Type"))
			}
		}
		if a := e.do(http.MethodGet, "/assets/..%2fpage.html", "", nil, nil); a.status != http.StatusNotFound {
			t.Errorf("an asset outside the assets answered %d", a.status)
		}

		// Logging out ends the session: the next page is the login form.
		b.post(url.Values{"func": {"logout"}, "csrf_token": {csrfOf(t, home)}}).redirects("/billmgr")
		b.get("/billmgr?func=employee").has(`form id="login"`)
	})
}

// TestPanelDrawsTheTable opens, as root, the page of every list, form and group
// operation of the func table that needs no parent, and finds on it what the
// table declares: each column of a list, each field of a form.
func TestPanelDrawsTheTable(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		emp := MustCreateEmployee(t, e.db, "alice", rights.Admin)
		id := itoa(emp.ID)
		b := e.browser()
		b.login("root")
		home := b.get("/billmgr")
		for _, fn := range e.app.ordered {
			switch s := fn.Shape.(type) {
			case *List:
				if len(e.app.homes(fn)) > 0 || fn.Only {
					continue
				}
				if !strings.Contains(string(home.body), `data-func="`+fn.Name+`"`) {
					t.Errorf("the menu lacks %s", fn.Name)
				}
				page := b.get("/billmgr?func=" + fn.Name)
				page.has(`data-list="`+fn.Name+`"`, `data-kind="list"`)
				for _, col := range s.Spec.Answered() {
					if col.Kind.String() == "flag" || strings.HasSuffix(col.Name, "_id") {
						continue
					}
					page.has(`th scope="col" data-col="` + col.Name + `"`)
				}
			case *Form:
				if s.Input == nil || !s.Input.Creates || fn.Only || strings.HasSuffix(fn.Name, ".filter") || nested(e.app, fn) {
					continue
				}
				page := b.get("/billmgr?func=" + fn.Name)
				page.has(`form id="form"`, `data-func="`+fn.Name+`"`)
				for _, f := range s.Input.Fields {
					if !f.Unshown {
						page.has(`id="f-` + f.Name + `"`)
					}
				}
			}
		}
		b.get("/billmgr?func=employee.suspend&elid="+id).has(`form id="confirm"`, `<li data-elid="`+id+`">alice (`+id+`)</li>`)
		b.get("/billmgr?func=employee.edit&elid="+id).has(`value="alice"`, `id="f-passwd" name="passwd" type="password"`)
	})
}

func TestPanelFormRefusedAndSaved(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		csrf := b.login("root")
		v := url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "csrf_token": {csrf}, "name": {"newbie"},
			"realname": {"New Person"}, "email": {"not-an-email"}, "passwd": {"Secret-pass-9"}, "confirm": {"Secret-pass-9"},
			"default_access_allow": {"off"}}
		r := b.post(v)
		r.has(`data-kind="form"`, `id="err-email"`, `data-field="email" role="alert"`, `value="New Person"`, `value="not-an-email"`).
			lacks("Secret-pass-9")
		if _, err := models.FindAccountByLogin(t.Context(), e.db, "newbie"); err == nil {
			t.Fatal("a refused save created the employee")
		}
		v.Set("email", "new@example.com")
		b.post(v).redirects("/billmgr?func=employee&done=employee.edit")
		if _, err := models.FindAccountByLogin(t.Context(), e.db, "newbie"); err != nil {
			t.Fatalf("the employee was not created: %v", err)
		}
		b.get("/billmgr?func=employee&done=employee.edit").has(`id="flash"`, `data-done="employee.edit"`, `data-name="newbie"`)

		// Without the token nothing is saved.
		v.Del("csrf_token")
		v.Set("name", "another")
		b.post(v).has(`data-object="csrf"`)
	})
}

func TestPanelFilterIsShown(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateEmployee(t, e.db, "alice", rights.Admin)
		b := e.browser()
		csrf := b.login("root")
		b.post(url.Values{"func": {"employee.filter"}, "sok": {"ok"}, "csrf_token": {csrf}, "name": {"ali*"}, "p_col": {"-name"}}).
			redirects("/billmgr?func=employee&p_col=-name")
		b.get("/billmgr?func=employee&p_col=-name").has(`data-badge="filtered"`, `id="filter-name" name="name" type="text" value="ali*"`,
			`data-name="alice"`, `data-total="1"`).lacks(`data-name="root"`)
		b.post(url.Values{"func": {"employee.filter"}, "sok": {"ok"}, "csrf_token": {csrf}, "clicked_button": {"reset"}}).redirects("/billmgr?func=employee")
		b.get("/billmgr?func=employee").has(`data-name="root"`, `id="filter-name" name="name" type="text" value=""`).lacks(`data-badge="filtered"`)
	})
}

func TestPanelGroupActionConfirms(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := MustCreateEmployee(t, e.db, "alice", rights.Admin)
		c := MustCreateEmployee(t, e.db, "carol", rights.Admin)
		b := e.browser()
		csrf := b.login("root")
		list := b.get("/billmgr?func=employee")
		list.has(`button type="submit" name="func" value="employee.suspend" data-action="employee.suspend"`,
			`input type="checkbox" name="elid" value="`+itoa(a.ID)+`"`)
		sel := url.Values{"func": {"employee.suspend"}, "csrf_token": {csrf}, "elid": {itoa(a.ID), itoa(c.ID)}}
		b.post(sel).has(`form id="confirm"`, `alice (`+itoa(a.ID)+`)`, `carol (`+itoa(c.ID)+`)`, `name="sok" value="ok"`)
		for _, id := range []int64{a.ID, c.ID} {
			if acc, _ := models.FindAccount(t.Context(), e.db, id); !acc.Enabled {
				t.Fatal("the confirmation page changed something")
			}
		}
		sel.Set("sok", "ok")
		b.post(sel).redirects("/billmgr?func=employee&done=employee.suspend")
		for _, id := range []int64{a.ID, c.ID} {
			if acc, _ := models.FindAccount(t.Context(), e.db, id); acc.Enabled {
				t.Fatal("the employee was not suspended")
			}
		}
		b.get("/billmgr?func=employee").has(`data-badge="suspended"`)
	})
}

func TestPanelMenuFollowsRights(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateEmployee(t, e.db, "alice", rights.Admin)
		b := e.browser()
		b.login("alice")
		b.get("/billmgr").lacks(`data-func="employee"`, `data-func="journal"`).
			has(`href="/billmgr?func=employee.support_tool_settings" data-func="employee.support_tool_settings"`, ">My support settings<")
		b.get("/billmgr?func=employee.support_tool_settings").has(`name="notify_new_ticket"`)
		root := e.login("root")
		e.get("func=rights2.user.resume&sok=ok&elid=employee&plid=" + itoa(mustLogin(t, e, "alice")) + "&auth=" + root).ok()
		b.get("/billmgr").has(`data-func="employee"`).lacks(`data-func="journal"`)
		page := b.get("/billmgr?func=employee")
		page.has(`data-list="employee"`).lacks(`data-action="employee.suspend"`)
	})
}

func TestPanelActAsAndReturn(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := MustCreateEmployee(t, e.db, "alice", rights.Admin)
		b := e.browser()
		csrf := b.login("root")
		b.get("/billmgr?func=employee").has(`data-link="employee.su" data-kind="act"`)
		b.get("/billmgr?func=employee.su&elid="+itoa(a.ID)).has(`form id="act"`, `id="act-target">alice<`, `id="f-reason"`).lacks(`id="error"`)
		b.post(url.Values{"func": {"employee.su"}, "elid": {itoa(a.ID)}, "csrf_token": {csrf}}).redirects("/billmgr")
		page := b.get("/billmgr")
		page.has(`id="su-banner"`, `data-real="root" data-actor="alice"`, `id="account" data-login="alice"`)
		b.post(url.Values{"func": {"chlevel"}, "lp": {"1"}, "csrf_token": {csrfOf(t, page)}}).redirects("/billmgr")
		b.get("/billmgr").has(`id="account" data-login="root"`).lacks(`id="su-banner"`)

		// An su session that ends on its own hands the browser back to its opener.
		b.post(url.Values{"func": {"employee.su"}, "elid": {itoa(a.ID)}, "csrf_token": {csrf}}).redirects("/billmgr")
		if err := e.db.Exec("DELETE FROM sessions WHERE account_id = ?", a.ID).Error; err != nil {
			t.Fatal(err)
		}
		b.get("/billmgr?func=employee").redirects("/billmgr?func=employee")
		page = b.get("/billmgr?func=employee")
		page.has(`id="account" data-login="root"`).lacks(`id="su-banner"`)

		// Logging out of an su session logs the browser out: the opener's session is
		// not taken up again.
		b.post(url.Values{"func": {"employee.su"}, "elid": {itoa(a.ID)}, "csrf_token": {csrfOf(t, page)}}).redirects("/billmgr")
		b.post(url.Values{"func": {"logout"}, "csrf_token": {csrfOf(t, b.get("/billmgr"))}}).redirects("/billmgr")
		b.get("/billmgr?func=employee").has(`form id="login"`)
	})
}

func TestPanelFieldInputs(t *testing.T) {
	def := form.Creating(
		form.Field{Name: "name", Caption: "Name", Need: form.Required},
		form.Field{Name: "passwd", Caption: "Password", Type: form.Password, Confirm: "confirm"},
		form.Field{Name: "confirm", Caption: "Confirm", Type: form.Password},
		form.Field{Name: "hidden", Type: form.Flag, Unshown: true},
		form.Field{Name: "subject", Need: form.CreateOnly},
	)
	m := formMeta("x.edit", def, true)
	if len(m.Fields) != 4 || !m.Fields[0].Required || m.Fields[1].Confirm != "confirm" || m.Fields[2].Confirms != "passwd" || !m.Fields[3].Required {
		t.Errorf("creating: %+v", m.Fields)
	}
	m = formMeta("x.edit", def, false)
	if len(m.Fields) != 3 || m.Fields[0].Required {
		t.Errorf("editing: %+v", m.Fields)
	}
}

func TestPanelSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/billmgr?func=employee":      "/billmgr?func=employee",
		"":                            "/billmgr",
		"//evil.example/billmgr?x":    "/billmgr",
		"https://evil.example/":       "/billmgr",
		"/billmgr?func=auth&x=1":      "/billmgr",
		"/billmgr?func=user\r\nX: y":  "/billmgr",
		"/billmgrx?func=employee":     "/billmgr",
		"/billmgr?func=employee.edit": "/billmgr?func=employee.edit",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustLogin(t *testing.T, e *env, login string) int64 {
	t.Helper()
	acc, err := models.FindAccountByLogin(t.Context(), e.db, login)
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// nested reports whether fn acts on a list that is itself nested in another, whose
// page needs a parent.
func nested(a *App, fn *Func) bool {
	for _, h := range a.homes(fn) {
		if len(a.homes(a.funcs[h])) > 0 {
			return true
		}
	}
	return false
}

func TestPanelActAsClient(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		client := MustCreateAccount(t, e.db, "carl", rights.User)
		staff := MustCreateEmployee(t, e.db, "sam", rights.Admin)
		b := e.browser()
		csrf := b.login("root")
		b.get("/billmgr?func=user").has(`data-link="user.su" data-kind="act"`)
		b.post(url.Values{"func": {"user.su"}, "elid": {itoa(client.ID)}, "csrf_token": {csrf}}).redirects("/billmgr")
		b.get("/billmgr").has(`data-real="root" data-actor="carl"`, `data-func="clientticket"`).lacks(`data-func="employee"`)

		// user.su acts only on clients, and needs employee.su like the su parameter.
		root := e.login("root")
		e.get("func=user.su&elid="+itoa(staff.ID)+"&auth="+root).fails("missed", "elid")
		sid := e.login("sam")
		e.get("func=user.su&elid="+itoa(client.ID)+"&auth="+sid).fails("access", "user.su")
		e.get("func=rights2.user.resume&sok=ok&elid=employee.su&plid=" + itoa(staff.ID) + "&auth=" + root).ok()
		e.get("func=user.su&elid=" + itoa(client.ID) + "&auth=" + sid).ok()
	})
}

// TestPanelReachesEveryFunc holds the panel to the func table: every list is in
// the menu or nested in a list, and every form, send and group operation acts on
// the rows of a list (its name extends the list's, or Of names it), where its page
// is linked from.
func TestPanelReachesEveryFunc(t *testing.T) {
	a := &App{funcs: map[string]*Func{}}
	for _, f := range funcTable() {
		a.funcs[f.Name] = f
	}
	for _, f := range funcTable() {
		homes := a.homes(f)
		for _, h := range homes {
			if _, ok := a.funcs[h].Shape.(*List); !ok {
				t.Errorf("%s acts on %s, which is no list", f.Name, h)
			}
		}
		switch f.Shape.(type) {
		case *Form, *Send, *Group:
			if len(homes) == 0 {
				t.Errorf("%s acts on no list: the panel has no page that leads to it; name it X.verb of a list X, or declare Of", f.Name)
			}
		}
	}
}

// A change whose answer is to be read once, a new API key's token, is its own page.
func TestPanelShowsAnAnswerToRead(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		csrf := b.login("root")
		r := b.post(url.Values{"func": {"apikey.edit"}, "sok": {"ok"}, "csrf_token": {csrf}, "name": {"Crm"}, "type": {"uis_token"}})
		r.has(`id="flash"`, `data-done="apikey.edit"`, `<th scope="row">token</th><td>`)
		if r.status != http.StatusOK {
			t.Errorf("status %d", r.status)
		}
	})
}

func TestPanelSupportDesk(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		id := d.open("Disk full", d.techID)
		b := e.browser()
		csrf := b.login("alice")
		b.get("/billmgr?func=ticket_all").has(`data-count="new"`, `<tr data-elid="`+id+`"`)
		page := b.get("/billmgr?func=ticket.edit&elid=" + id + "&back=%2Fbillmgr%3Ffunc%3Dticket_all")
		page.has(`Disk full`, `form id="take"`, `form id="transfer"`, `id="up"`, `href="/billmgr?func=ticket_all"`)
		back := "/billmgr?back=%2Fbillmgr%3Ffunc%3Dticket_all&elid=" + id + "&func=ticket.edit"
		ticketPage := url.Values{"func": {"support_tool_responsible"}, "sok": {"ok"}, "csrf_token": {csrf}, "elid": {id},
			"set_responsible": {itoa(d.aliceID)}, "back": {back}}
		b.post(ticketPage).redirects(back + "&done=support_tool_responsible")
		if got := d.ticket(id)["responsible"]; got != "alice" {
			t.Fatalf("taken by %q", got)
		}
		page = b.get(back)
		page.has(`form id="transfer"`).lacks(`form id="take"`)

		b.post(url.Values{"func": {"ticket.edit"}, "sok": {"ok"}, "csrf_token": {csrf}, "elid": {id}, "message": {"Freed some space"},
			"note_message": {"Was the logs"}, "status": {""}, "back": {back}}).redirects(back + "&done=ticket.edit")
		page = b.get(back)
		page.has(`class="message reply" data-kind="reply"`, "Freed some space", `class="message note" data-kind="note"`, "Was the logs")

		ticketPage.Set("set_responsible", "d_"+d.salesID)
		b.post(ticketPage).redirects(back + "&done=support_tool_responsible")
		if got := d.ticket(id)["responsible_id"]; got != "d_"+d.salesID {
			t.Fatalf("handed to %q", got)
		}

		// The client sees the reply and not the note.
		c := e.browser()
		c.login("client")
		c.get("/billmgr?func=clientticket").has(`data-list="clientticket"`, `<tr data-elid="`+id+`"`)
		c.get("/billmgr?func=clientticket.edit&elid="+id).has("Freed some space", `form id="reply"`).lacks("Was the logs", `form id="transfer"`)
	})
}

// A login the API refuses for its address shows the API's message on the login page.
func TestPanelLoginOutsideTheAllowList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := MustCreateEmployee(t, e.db, "alice", rights.Admin)
		root := e.login("root")
		e.get("func=employee.edit&sok=ok&all_ip_access=off&ip_access=192.0.2.1&elid=" + itoa(a.ID) + "&auth=" + root).ok()
		b := e.browser()
		r := b.post(url.Values{"func": {"auth"}, "username": {"alice"}, "password": {Password}})
		r.has(`form id="login"`, `data-type="access" data-object="ip"`, "may not work from the address")
	})
}

// TestPanelWholeListForm checks that a form on a list as a whole, such as the top-up
// of the Voximplant ledger, is a toolbar button under its own caption and no row's
// action.
func TestPanelWholeListForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		e.get("func=balance.topup&sok=ok&amount=5&auth=" + root).ok()
		b := e.browser()
		b.login("root")
		b.get("/billmgr?func=balance").has(`data-action="balance.topup">Top up the Voximplant account</a>`).
			lacks(`elid=1&amp;func=balance.topup`)
	})
}
