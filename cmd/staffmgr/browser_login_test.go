package main

import (
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
}
