package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"staffmgr/models"
)

// TestBrowserHeaders: every page of the panel carries a Content-Security-Policy that
// allows no inline script, refuses framing, and sets a Referrer-Policy; no page holds
// an inline script; the session cookie is out of the page's reach.
func TestBrowserHeaders(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	check := func(path string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(p.tab, stepTimeout)
		defer cancel()
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.base+path))
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		h := map[string]string{}
		for k, v := range resp.Headers {
			h[strings.ToLower(k)] = fmt.Sprint(v)
		}
		csp := h["content-security-policy"]
		scripts := directive(csp, "script-src")
		if scripts == "" {
			scripts = directive(csp, "default-src")
		}
		if scripts == "" || strings.Contains(scripts, "'unsafe-inline'") || strings.Contains(scripts, "*") {
			t.Errorf("%s: the policy lets other scripts run: %q", path, csp)
		}
		if fa := directive(csp, "frame-ancestors"); fa != "'none'" && fa != "'self'" {
			if xfo := strings.ToUpper(h["x-frame-options"]); xfo != "DENY" && xfo != "SAMEORIGIN" {
				t.Errorf("%s: framing is not refused: CSP %q, X-Frame-Options %q", path, csp, h["x-frame-options"])
			}
		}
		if h["referrer-policy"] == "" {
			t.Errorf("%s: no Referrer-Policy", path)
		}
		if n := p.count("script:not([src])"); n != 0 {
			t.Errorf("%s: %d inline scripts", path, n)
		}
	}
	check("/")
	p.login("root", rootPassword)
	var cookies string
	p.eval(`document.cookie`, &cookies)
	if strings.Contains(cookies, "billmgrses5") {
		t.Errorf("the page's script can read the session cookie: %q", cookies)
	}
	for _, path := range []string{"/billmgr?func=employee", "/billmgr?func=employee.edit", "/billmgr?func=ticket_all"} {
		check(path)
	}
}

// directive is the value of one directive of a Content-Security-Policy.
func directive(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		fields := strings.Fields(d)
		if len(fields) > 0 && strings.EqualFold(fields[0], name) {
			return strings.Join(fields[1:], " ")
		}
	}
	return ""
}

// TestBrowserCSRF: a change whose form lost its CSRF token is refused, and so is a
// form another site posts to the panel while the admin is logged in.
func TestBrowserCSRF(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	victim := p.mkEmployee("victim")
	p.open("/")
	p.login("root", rootPassword)

	// The confirmation page's token removed before Confirm.
	p.open("/billmgr?func=employee")
	p.check(fmt.Sprintf(`#sel-%d`, victim))
	p.click(`#toolbar [data-action="employee.suspend"]`)
	p.eval(`document.querySelectorAll('input[name="csrf_token"]').forEach(e => e.remove())`, nil)
	p.click("#confirm-ok")
	if p.count("#error") != 1 || p.attr("#error", "data-object") != "csrf" {
		t.Errorf("a change without the token was not refused for it:\n%s", p.bodyText())
	}
	if !p.mustAccount("victim").Enabled {
		t.Fatal("a change without the CSRF token suspended the employee")
	}

	// A link that names the change (a GET with sok=ok) only shows a page.
	p.open(fmt.Sprintf("/billmgr?func=employee.suspend&elid=%d&sok=ok", victim))
	if !p.mustAccount("victim").Enabled {
		t.Fatal("a GET link suspended the employee")
	}

	// Another site's page (another origin) posts the same change.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><form id="f" method="post" action="%s/billmgr">
<input name="func" value="employee.suspend"><input name="elid" value="%d"><input name="sok" value="ok">
<input name="csrf_token" value="guessed"><button id="go">Win a prize</button></form>`, p.base, victim)
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) // another site
	p.do("open the other site", chromedp.Navigate(evilURL))
	p.click("#go")
	if !p.mustAccount("victim").Enabled {
		t.Fatal("another site's form suspended the employee")
	}
}

// TestBrowserEscaping: names that hold markup are shown as text on every page that
// shows them, never run or parsed.
func TestBrowserEscaping(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	const evilName = `<img src=x id=xss1 onerror="document.title='owned'">`
	const evilDept = `<svg id=xss2 onload="document.title='owned'"></svg>`
	dept := p.mkDepartment(evilDept)
	id := p.mkEmployee("mallory", "realname", evilName, "position", `"><b id=xss3>x</b>`, "department", strconv.FormatInt(dept, 10))
	p.open("/")
	p.login("root", rootPassword)
	pages := []string{
		"/billmgr?func=employee",
		"/billmgr?func=employee.edit&elid=" + strconv.FormatInt(id, 10),
		"/billmgr?func=department",
		"/billmgr?func=rights2.group&plid=" + strconv.FormatInt(dept, 10),
		"/billmgr?func=rights2.user&elid=" + strconv.FormatInt(id, 10) + "&plid=" + strconv.FormatInt(id, 10),
		"/billmgr?func=employee.department&plid=" + strconv.FormatInt(id, 10),
		"/billmgr?func=employee.su&elid=" + strconv.FormatInt(id, 10),
	}
	for _, path := range pages {
		p.open(path)
		if n := p.count("#xss1, #xss2, #xss3"); n != 0 {
			t.Errorf("%s: the markup of a name became %d elements", path, n)
		}
		var title string
		p.eval(`document.title`, &title)
		if title == "owned" {
			t.Errorf("%s: a name's script ran", path)
		}
	}
	p.open("/billmgr?func=employee")
	p.sees(evilName)
	// A filter typed with markup comes back in its field as typed, and only there.
	const evilFilter = `"><img id=xss4 src=x>`
	p.expand("#filter-panel")
	p.fill("#filter-realname", evilFilter)
	p.click("#filter-apply")
	if n := p.count("#xss1, #xss2, #xss3, #xss4"); n != 0 {
		t.Errorf("the stored filter's markup became %d elements", n)
	}
	if got := p.value("#filter-realname"); got != evilFilter {
		t.Errorf("the filter field shows %q", got)
	}
	p.expand("#filter-panel")
	p.click("#filter-reset")
	// The confirmation page names the rows it acts on.
	p.check(fmt.Sprintf(`#sel-%d`, id))
	p.click(`#toolbar [data-action="employee.suspend"]`)
	if n := p.count("#xss1, #xss2, #xss3"); n != 0 {
		t.Errorf("the confirmation page: the markup of a name became %d elements", n)
	}
}

// TestBrowserHiddenFuncs: an employee without rights sees no section they may not
// use, and reaching one by its address, or posting its form, is refused.
func TestBrowserHiddenFuncs(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	p.mkEmployee("plain")
	other := p.mkEmployee("other")
	p.open("/")
	p.login("plain", testPassword)
	if p.count(`#menu a[data-func="employee"]`) != 0 || p.count(`#menu a[data-func="journal"]`) != 0 {
		t.Errorf("the menu of an employee without rights:\n%s", p.textOf("#menu"))
	}
	refusals := map[string]string{
		"/billmgr?func=employee": "You have no right to open Staff",
		"/billmgr?func=employee.edit&elid=" + strconv.FormatInt(other, 10): "You have no right to this: Create or edit an employee",
		"/billmgr?func=journal": "You have no right to open Journal",
	}
	for path, says := range refusals {
		p.open(path)
		if p.count("#error") != 1 || p.count("form#list") != 0 || p.count("form#form") != 0 {
			t.Errorf("%s opened for an employee without rights:\n%s", path, p.bodyText())
		}
		if got := p.textOf("#error"); got != says {
			t.Errorf("%s is refused with %q, want %q", path, got, says)
		}
	}
	// A form of the panel's own, with the page's token, aimed at a func the menu hides.
	p.open("/billmgr?func=whoami")
	p.forge(url.Values{"func": {"employee.suspend"}, "elid": {strconv.FormatInt(other, 10)}, "sok": {"ok"}})
	if p.count("#error") != 1 || p.attr("#error", "data-type") != "access" {
		t.Errorf("a hidden func's change was not refused:\n%s", p.bodyText())
	}
	if !p.mustAccount("other").Enabled {
		t.Fatal("an employee without the right suspended another")
	}
}

// TestBrowserDominance: an employee allowed to suspend staff cannot suspend root or
// an employee with full access by changing the row a checkbox names.
func TestBrowserDominance(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	boss := p.mkEmployee("boss")
	p.api(url.Values{"func": {"rights2.user.resume"}, "sok": {"ok"}, "plid": {strconv.FormatInt(boss, 10)},
		"elid": {"employee, employee.suspend"}})
	p.mkEmployee("peer")
	chief := p.mkEmployee("chief", "default_access_allow", "on")
	root := p.mustAccount("root").ID
	p.open("/")
	p.login("boss", testPassword)
	p.click(`#menu a[data-func="employee"]`)
	for _, target := range []int64{root, chief} {
		p.open("/billmgr?func=employee")
		p.check(fmt.Sprintf(`#sel-%d`, p.mustAccount("peer").ID))
		p.eval(fmt.Sprintf(`document.querySelector("#sel-%d").value = "%d"`, p.mustAccount("peer").ID, target), nil)
		p.click(`#toolbar [data-action="employee.suspend"]`)
		if p.count("#confirm-ok") == 1 {
			p.click("#confirm-ok")
		}
		if p.count("#error") != 1 || p.attr("#error", "data-type") != "access" {
			t.Errorf("suspending %d was not refused:\n%s", target, p.bodyText())
		}
	}
	for _, login := range []string{"root", "chief", "peer"} {
		if !p.mustAccount(login).Enabled {
			t.Errorf("boss suspended %s", login)
		}
	}
}

// forge submits, from the page shown, a form of the given params with the page's
// own CSRF token, as a user who edits the page's forms would.
func (p *panel) forge(params url.Values) {
	p.t.Helper()
	var token string
	p.eval(`(document.querySelector('input[name="csrf_token"]') || {value: ""}).value`, &token)
	if token == "" {
		p.t.Fatalf("the page %s carries no CSRF token", p.location())
	}
	params.Set("csrf_token", token)
	js := `(() => { const f = document.createElement("form"); f.method = "post"; f.action = "/billmgr";`
	for k, vs := range params {
		for _, v := range vs {
			js += fmt.Sprintf(`{ const i = document.createElement("input"); i.type = "hidden"; i.name = %q; i.value = %q; f.appendChild(i); }`, k, v)
		}
	}
	js += `const b = document.createElement("button"); b.id = "forged"; f.appendChild(b); document.body.appendChild(f); })()`
	p.eval(js, nil)
	p.click("#forged")
}
