package main

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// TestBrowserLogin: a wrong password shows the API's message on the login form and
// opens nothing; the right one opens the panel as root.
func TestBrowserLogin(t *testing.T) {
	t.Parallel()
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := openPanel(t, kind)
			p.open("/")
			p.fill(`input[name="username"]`, "root")
			p.fill(`input[name="password"]`, "Wrong-pass1")
			p.click(`button[type="submit"]`)
			p.sees("Invalid username or password")
			if p.count(`input[name="password"]`) != 1 {
				t.Fatalf("a refused login left the login form:\n%s", p.bodyText())
			}
			if v := p.value(`input[name="password"]`); v != "" {
				t.Errorf("the login form came back with the password typed: %q", v)
			}
			p.login("root", rootPassword)
			p.sees("root")
		})
	}
}

// TestBrowserKeyboardLogin: the login form works with the keyboard alone, tabbing
// from the top of the page, and the focused field shows that it has the focus.
func TestBrowserKeyboardLogin(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	p.open("/")
	p.tabTo(`input[name="username"]`)
	p.noteFocusVisible()
	p.do("type the login", chromedp.KeyEvent("root"))
	p.tabTo(`input[name="password"]`)
	p.do("type the password", chromedp.KeyEvent(rootPassword))
	p.navigating("press Enter", chromedp.KeyEvent(kb.Enter))
	if p.count(`input[name="password"]`) != 0 {
		t.Fatalf("the keyboard login did not open the panel:\n%s", p.bodyText())
	}
	p.sees("root")
	// On to the staff list with Tab and Enter.
	p.tabTo(`#menu a[data-func="employee"]`)
	p.noteFocusVisible()
	p.navigating("press Enter on Staff", chromedp.KeyEvent(kb.Enter))
	if got := p.attr("body", "data-func"); got != "employee" {
		t.Errorf("Enter on Staff opened %q", got)
	}
}

// TestBrowserLogout: Log out ends the session on the server and shows the login
// form; a page asked for afterwards is the login form, and the login returns there.
func TestBrowserLogout(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	p.open("/")
	p.login("root", rootPassword)
	p.click(`#menu a[data-func="employee"]`)
	p.click("#logout")
	if p.count("#password") != 1 || p.count("#account") != 0 {
		t.Fatalf("after Log out:\n%s", p.bodyText())
	}
	var sessions int64
	if err := p.m.DB.Table("sessions").Count(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	if sessions != 0 {
		t.Errorf("%d sessions remain after Log out", sessions)
	}
	p.open("/billmgr?func=department")
	if p.count("#password") != 1 {
		t.Fatalf("a page asked for after Log out:\n%s", p.bodyText())
	}
	p.login("root", rootPassword)
	if got := p.attr("body", "data-func"); got != "department" {
		t.Errorf("after the login the panel shows %q, not the departments asked for", got)
	}

	// A session that ended on the server (expired) while the page was open: the next
	// click shows the login form, and the login returns to the page clicked.
	if err := p.m.DB.Exec("DELETE FROM sessions").Error; err != nil {
		t.Fatal(err)
	}
	p.click(`#menu a[data-func="user"]`)
	if p.count("#password") != 1 {
		t.Fatalf("a click after the session expired:\n%s", p.bodyText())
	}
	p.login("root", rootPassword)
	if got := p.attr("body", "data-func"); got != "user" {
		t.Errorf("after the login the panel shows %q, not the clients clicked", got)
	}
}

// TestBrowserNarrow: at 390 px wide (a phone) the main pages fit the width: the page
// itself never scrolls sideways (a wide table may scroll in its own box).
func TestBrowserNarrow(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	support, _ := supportDesk(p)
	p.apiAs("carol", testPassword, url.Values{"func": {"clientticket.edit"}, "sok": {"ok"}, "subject": {"Narrow screens"},
		"message": {"See https://example.com/" + strings.Repeat("x", 200)}, "client_department": {strconv.FormatInt(support, 10)}})
	ticket := p.ticketBySubject("Narrow screens")
	p.do("narrow the window", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	p.open("/")
	p.fits("the login page")
	p.login("root", rootPassword)
	for _, path := range []string{
		"/billmgr?func=employee",
		"/billmgr?func=employee.edit",
		"/billmgr?func=ticket.edit&elid=" + strconv.FormatInt(ticket, 10),
		"/billmgr?func=rights2.user&plid=" + strconv.FormatInt(p.mustAccount("sam").ID, 10),
	} {
		p.open(path)
		p.fits(path)
	}
	// A session's id is 64 hex digits: it is cut short, so whose session it is
	// stays in sight without scrolling the table.
	p.open("/billmgr?func=session")
	var right, inner float64
	p.eval(`document.querySelector('tbody td[data-col="account"]').getBoundingClientRect().right`, &right)
	p.eval(`window.innerWidth`, &inner)
	if right > inner {
		t.Errorf("the sessions' account column ends at %.0f px in a %.0f px window", right, inner)
	}
	p.open("/billmgr?func=employee")
	p.shot("panel-staff-list-narrow")
}

// fits fails when the page is wider than the window.
func (p *panel) fits(what string) {
	p.t.Helper()
	var m struct{ Scroll, Inner int }
	p.eval(`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`, &m)
	if m.Scroll > m.Inner {
		var wide []string
		p.eval(`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
			.slice(0, 5).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className)`, &wide)
		p.t.Errorf("%s is %d px wide in a %d px window; too wide: %v", what, m.Scroll, m.Inner, wide)
	}
}

// TestBrowserKeyLogin: a one-time key link logs in once and opens the page it names;
// the same link again is refused.
func TestBrowserKeyLogin(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	p.mkEmployee("anna", "default_access_allow", "on")
	const key = "a-one-time-key-0123456789"
	p.api(url.Values{"func": {"session.newkey"}, "username": {"anna"}, "key": {key}})
	link := "/billmgr?func=auth&username=anna&key=" + key + "&next=" + url.QueryEscape("/billmgr?func=department")
	p.open(link)
	if got := p.attr("#account", "data-login"); got != "anna" {
		t.Fatalf("the key link logged in as %q", got)
	}
	if got := p.attr("body", "data-func"); got != "department" {
		t.Errorf("the key link opened %q, not the departments it names", got)
	}
	p.click("#logout")
	p.open(link)
	if p.count("#account") != 0 || p.count("#error") != 1 {
		t.Errorf("a used key logged in again:\n%s", p.bodyText())
	}
}
