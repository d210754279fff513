package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/errs"
)

// The browser tests drive Chromium through the DevTools protocol against the real
// server. One browser serves the whole test process; each test gets a tab in a
// browser context of its own, so cookies never leak between tests (every server
// listens on 127.0.0.1, and cookies ignore the port).
//
// Where no Chromium is installed they are skipped, and the process says so once in
// the file named by STAFFMGR_TEST_BROWSER_REPORT (.ci/test prints it);
// STAFFMGR_TEST_BROWSER_REQUIRED=1 makes that a failure. STAFFMGR_TEST_CHROMIUM
// names the browser when it is not on the PATH as chromium.

// screenshots, when set, is the folder where the browser tests save pictures of the
// main pages of the panel (make screenshots).
var screenshots = flag.String("screenshots", "", "save screenshots of the panel's main pages into this folder")

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	shared.close()
	os.Exit(code)
}

// browserProcess is the one Chromium of the test process, started by the first test
// that asks for it.
type browserProcess struct {
	once    sync.Once
	ctx     context.Context // the browser's chromedp context; tabs are made from it
	cancel  func()
	dataDir string
	skip    string // why there is no browser, when none could be found
	err     error  // why the browser found did not start
}

var shared browserProcess

// chromiumPath finds the browser: STAFFMGR_TEST_CHROMIUM, or a chromium on the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("STAFFMGR_TEST_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("STAFFMGR_TEST_CHROMIUM: %w", err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium on the PATH (Debian: apt-get install chromium chromium-driver)")
}

func (b *browserProcess) start() {
	path, err := chromiumPath()
	if err != nil {
		b.skip = err.Error()
		return
	}
	if b.dataDir, err = os.MkdirTemp("", "staffmgr-chromium-"); err != nil {
		b.err = err
		return
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers have a small /dev/shm
		// Tests run in parallel tabs, all but one in the background: none may be slowed.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(b.dataDir),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	b.ctx = ctx
	b.cancel = func() { cancel(); cancelAlloc() }
	// The first run starts the browser; it must have no deadline of its own, or the
	// deadline would end the browser, so a watchdog ends a start that hangs.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(time.Minute):
		err = errors.New("the browser did not start within a minute")
	}
	if err != nil {
		b.err = fmt.Errorf("start %s: %w", path, err)
	}
}

func (b *browserProcess) close() {
	if b.cancel != nil {
		b.cancel()
	}
	if b.dataDir != "" {
		os.RemoveAll(b.dataDir)
	}
}

// browserReport records once per process whether the browser tests ran.
var browserReport sync.Once

func reportBrowser(outcome string) {
	browserReport.Do(func() {
		path := os.Getenv("STAFFMGR_TEST_BROWSER_REPORT")
		if path == "" {
			return
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return
		}
		defer f.Close()
		fmt.Fprintln(f, outcome)
	})
}

// browserTab opens a tab in a fresh browser context, or skips the test when there
// is no browser (a failure under STAFFMGR_TEST_BROWSER_REQUIRED=1).
func browserTab(t *testing.T) context.Context {
	t.Helper()
	shared.once.Do(shared.start)
	switch {
	case shared.skip != "":
		if os.Getenv("STAFFMGR_TEST_BROWSER_REQUIRED") == "1" {
			reportBrowser("failed\t" + shared.skip + " (STAFFMGR_TEST_BROWSER_REQUIRED=1)")
			t.Fatalf("STAFFMGR_TEST_BROWSER_REQUIRED=1: %s", shared.skip)
		}
		reportBrowser("skipped\t" + shared.skip)
		t.Skip(shared.skip)
	case shared.err != nil:
		reportBrowser("failed\t" + shared.err.Error())
		t.Fatal(shared.err)
	}
	reportBrowser("ran")
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// rootPassword is root's password on every server the browser tests start.
const rootPassword = "Root-pass1"

// panel is one test's server and browser tab.
type panel struct {
	t    *testing.T
	m    *Main
	base string // http://127.0.0.1:port
	tab  context.Context
	kind string // the database's kind
}

// openPanel starts the real server on a fresh database of the given kind and opens
// a browser tab for it.
func openPanel(t *testing.T, kind string) *panel {
	t.Helper()
	tab := browserTab(t)
	m, _ := startMain(t, dbtest.NewDSN(t, kind), rootPassword)
	return &panel{t: t, m: m, base: "http://" + m.Addr(), tab: tab, kind: kind}
}

// stepTimeout bounds one browser step, so a page that never comes ends the test
// with a message instead of hanging it.
const stepTimeout = 30 * time.Second

func (p *panel) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.tab, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v\npage %s:\n%s", what, err, p.location(), p.bodyText())
	}
}

// eval runs a JavaScript expression in the page and decodes its value into out.
func (p *panel) eval(expr string, out any) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.tab, stepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.t.Fatalf("evaluate %s: %v: %s", expr, err, raw)
		}
	}
}

// open goes to a path of the server, such as "/billmgr?func=employee".
func (p *panel) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path))
}

// location is the address of the page shown, for messages.
func (p *panel) location() string {
	ctx, cancel := context.WithTimeout(p.tab, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return loc
}

// bodyText is what the page shows as text, or "" when it cannot be read.
func (p *panel) bodyText() string {
	ctx, cancel := context.WithTimeout(p.tab, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return ""
	}
	return s
}

// sees fails unless the page shows each text (innerText: hidden elements do not count).
func (p *panel) sees(texts ...string) {
	p.t.Helper()
	body := p.bodyText()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			p.t.Fatalf("the page %s does not show %q; it shows:\n%s", p.location(), s, body)
		}
	}
}

// seesNot fails when the page shows any of the texts.
func (p *panel) seesNot(texts ...string) {
	p.t.Helper()
	body := p.bodyText()
	for _, s := range texts {
		if strings.Contains(body, s) {
			p.t.Fatalf("the page %s shows %q; it shows:\n%s", p.location(), s, body)
		}
	}
}

// textOf is the shown text of the first element matching a CSS selector, waiting
// for it to appear.
func (p *panel) textOf(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.tab, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v\npage %s:\n%s", sel, err, p.location(), p.bodyText())
	}
	return strings.TrimSpace(s)
}

// count is how many elements match a CSS selector now.
func (p *panel) count(sel string) int {
	p.t.Helper()
	var n int
	p.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}

// fill types a value into the input matching a CSS selector, replacing what it held.
func (p *panel) fill(sel, value string) {
	p.t.Helper()
	var found bool
	p.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (e === null) return false; e.value = ""; return true; })()`, sel), &found)
	if !found {
		p.t.Fatalf("fill %s: no such field on %s:\n%s", sel, p.location(), p.bodyText())
	}
	p.do("fill "+sel, chromedp.SendKeys(chromedp.CSS(sel), value, chromedp.NodeVisible))
}

// navigating runs action, which makes the page go to another one (a click on a link
// or a submit button), and waits until the new page has loaded.
func (p *panel) navigating(what string, action chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	p.eval(`window.__staffmgrOld = true`, nil)
	p.do(what, action)
	deadline := time.Now().Add(stepTimeout)
	for {
		// The marker is gone once another document is shown; errors while the old one
		// is torn down are part of the wait.
		ctx, cancel := context.WithTimeout(p.tab, 2*time.Second)
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__staffmgrOld && document.readyState === "complete"`))
		cancel()
		if err == nil && loaded {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: no new page within %s; still at %s:\n%s", what, stepTimeout, p.location(), p.bodyText())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// click clicks the element matching a CSS selector and waits for the page it leads to.
func (p *panel) click(sel string) {
	p.t.Helper()
	p.navigating("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// open_ opens the details element matching a CSS selector with a click on its
// summary, unless it is open already.
func (p *panel) expand(sel string) {
	p.t.Helper()
	isOpen := func() bool {
		var open bool
		p.eval(fmt.Sprintf(`document.querySelector(%q).open`, sel), &open)
		return open
	}
	// A click that lands while the page still settles can miss; a person clicks again.
	for range 3 {
		if isOpen() {
			return
		}
		p.do("open "+sel, chromedp.Click(chromedp.CSS(sel+" > summary"), chromedp.NodeVisible))
		for wait := time.Now().Add(3 * time.Second); time.Now().Before(wait) && !isOpen(); {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !isOpen() {
		p.t.Fatalf("three clicks on %s > summary did not open it", sel)
	}
}

// shot saves a screenshot of what the window shows as NAME.png into the -screenshots
// folder, when one is given. A test that runs on several databases takes it on
// SQLite alone, so that one picture has one writer.
func (p *panel) shot(name string) {
	p.t.Helper()
	p.screenshot(name, chromedp.CaptureScreenshot())
}

// shotPage is shot of the whole page, however long.
func (p *panel) shotPage(name string) {
	p.t.Helper()
	p.screenshot(name, chromedp.FullScreenshot(100))
}

func (p *panel) screenshot(name string, capture chromedp.Action[[]byte]) {
	p.t.Helper()
	if *screenshots == "" || p.kind != models.SQLite {
		return
	}
	ctx, cancel := context.WithTimeout(p.tab, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(*screenshots, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// api calls the form API as root with its credentials, for a test's setup and its
// checks of what the panel did; it fails the test on an error answer.
func (p *panel) api(params url.Values) map[string]any {
	p.t.Helper()
	return p.apiAs("root", rootPassword, params)
}

// apiAs is api with the given account's credentials.
func (p *panel) apiAs(login, password string, params url.Values) map[string]any {
	p.t.Helper()
	params.Set("authinfo", login+":"+password)
	params.Set("out", "json")
	resp, err := http.PostForm(p.base+"/billmgr", params)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var top struct{ Doc map[string]any }
	if err := json.Unmarshal(body, &top); err != nil {
		p.t.Fatalf("%s: %v: %s", params.Get("func"), err, body)
	}
	if e := errorType(top.Doc); e != "" {
		p.t.Fatalf("%s as %s: %s error: %s", params.Get("func"), login, e, body)
	}
	return top.Doc
}

// value is the current value of the input matching a CSS selector.
func (p *panel) value(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.tab, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("value of %s: %v\npage %s:\n%s", sel, err, p.location(), p.bodyText())
	}
	return v
}

// login fills the login form shown and submits it.
func (p *panel) login(user, password string) {
	p.t.Helper()
	p.fill(`input[name="username"]`, user)
	p.fill(`input[name="password"]`, password)
	p.click(`form:has(input[name="password"]) [type="submit"]`)
	if p.count(`input[name="username"]`) != 0 {
		p.t.Fatalf("log in as %s: the login form is still shown:\n%s", user, p.bodyText())
	}
}

// tabTo presses Tab, as a keyboard user does, until the element matching a CSS
// selector has the focus; it fails after 30 presses.
func (p *panel) tabTo(sel string) {
	p.t.Helper()
	for range 30 {
		p.do("press Tab", chromedp.KeyEvent(kb.Tab))
		var here bool
		p.eval(fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, sel), &here)
		if here {
			return
		}
	}
	p.t.Fatalf("30 presses of Tab never reached %s on %s", sel, p.location())
}

// noteFocusVisible fails when the focused element is drawn with no outline and no
// box shadow, so a keyboard user cannot see where the focus is.
func (p *panel) noteFocusVisible() {
	p.t.Helper()
	var shown bool
	p.eval(`(() => { const s = getComputedStyle(document.activeElement);
		return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"; })()`, &shown)
	if !shown {
		p.t.Errorf("the focused element on %s has neither an outline nor a shadow", p.location())
	}
}

// account is the account with the login, read from the database; ok is false when
// there is none.
func (p *panel) account(login string) (a *models.Account, ok bool) {
	p.t.Helper()
	a, err := models.FindAccountByLogin(context.Background(), p.m.DB, login)
	if errors.Is(err, errs.Missed) {
		return nil, false
	}
	if err != nil {
		p.t.Fatalf("find %s: %v", login, err)
	}
	return a, true
}

// mustAccount is account for a login that must exist.
func (p *panel) mustAccount(login string) *models.Account {
	p.t.Helper()
	a, ok := p.account(login)
	if !ok {
		p.t.Fatalf("there is no account %s", login)
	}
	return a
}

// mkDepartment creates a department through the API; fields are name, value pairs
// of department.edit.
func (p *panel) mkDepartment(name string, fields ...string) int64 {
	p.t.Helper()
	params := url.Values{"func": {"department.edit"}, "sok": {"ok"}, "name": {name}}
	for i := 0; i+1 < len(fields); i += 2 {
		params.Add(fields[i], fields[i+1])
	}
	p.api(params)
	d, err := models.FindDepartmentByName(context.Background(), p.m.DB, name)
	if err != nil {
		p.t.Fatalf("department %s: %v", name, err)
	}
	return d.ID
}

// mkEmployee creates an employee with the test password through the API; fields
// are name, value pairs of employee.edit.
func (p *panel) mkEmployee(login string, fields ...string) int64 {
	p.t.Helper()
	params := url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "name": {login},
		"passwd": {testPassword}, "confirm": {testPassword}}
	for i := 0; i+1 < len(fields); i += 2 {
		params.Set(fields[i], fields[i+1])
	}
	p.api(params)
	return p.mustAccount(login).ID
}

// mkClient creates a client with the test password through the API.
func (p *panel) mkClient(login string, fields ...string) int64 {
	p.t.Helper()
	params := url.Values{"func": {"user.edit"}, "sok": {"ok"}, "name": {login},
		"passwd": {testPassword}, "confirm": {testPassword}}
	for i := 0; i+1 < len(fields); i += 2 {
		params.Set(fields[i], fields[i+1])
	}
	p.api(params)
	return p.mustAccount(login).ID
}

// testPassword is the password of the accounts the browser tests create.
const testPassword = "Test-pass1"

// selectOption chooses, in the select matching a CSS selector, the option shown as
// label (or, failing that, the one whose label starts with it).
func (p *panel) selectOption(sel, label string) {
	p.t.Helper()
	var ok bool
	p.eval(fmt.Sprintf(`(() => {
		const s = document.querySelector(%[1]q);
		if (s === null) return false;
		const opts = [...s.options];
		const o = opts.find(o => o.text.trim() === %[2]q) || opts.find(o => o.text.trim().startsWith(%[2]q));
		if (o === undefined) return false;
		s.focus(); o.selected = true;
		s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true; })()`, sel, label), &ok)
	if !ok {
		var opts []string
		p.eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q); return s === null ? [] : [...s.options].map(o => o.text); })()`, sel), &opts)
		p.t.Fatalf("%s has no option %q; it has %q", sel, label, opts)
	}
}

// follow opens the page a row of the list leads to (a[data-link=link] in the row
// matching rowSel), opening the row's menu first, as a user does, when the link is
// in one.
func (p *panel) follow(rowSel, link string) {
	p.t.Helper()
	sel := fmt.Sprintf(`%s a[data-link=%q]`, rowSel, link)
	if p.count(sel) == 0 {
		p.t.Fatalf("the row %s has no link to %s:\n%s", rowSel, link, p.bodyText())
	}
	var menu bool
	p.eval(fmt.Sprintf(`document.querySelector(%q).closest("details") !== null`, sel), &menu)
	if menu {
		p.do("open the menu of "+rowSel, chromedp.Click(chromedp.CSS(rowSel+" details > summary"), chromedp.NodeVisible))
	}
	p.click(sel)
}
