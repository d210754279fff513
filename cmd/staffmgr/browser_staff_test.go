package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"staffmgr/models/dbtest"
)

// TestBrowserStaff: an admin who has never read the API works the staff list: sorts
// it, pages it, filters it and resets the filter, creates an employee (first with
// an address the server refuses, which shows at the field and creates nothing), and
// suspends two employees from the toolbar through the confirmation page.
func TestBrowserStaff(t *testing.T) {
	t.Parallel()
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := openPanel(t, kind)
			for i := 1; i <= 12; i++ {
				p.mkEmployee(fmt.Sprintf("emp%02d", i), "realname", fmt.Sprintf("Employee %02d", i))
			}
			p.open("/")
			p.login("root", rootPassword)
			if got := p.textOf("#account"); !strings.Contains(got, "root") {
				t.Errorf("the header names %q, not root", got)
			}

			// The menu leads to the staff list: every employee and root, in all.
			p.click(`#menu a[data-func="employee"]`)
			p.sees("Staff", "Employee 01", "emp12")
			if got := p.attr("#total", "data-total"); got != "13" {
				t.Errorf("the total is %q, want 13", got)
			}

			// A click on the Login header sorts by it; a second reverses.
			p.click(`th[data-col="name"] a`)
			if got := p.attr(`th[data-col="name"]`, "aria-sort"); got != "ascending" {
				t.Errorf("after one click the Login column is sorted %q", got)
			}
			logins := p.rowNames()
			if !slices.IsSorted(logins) || len(logins) == 0 || logins[0] != "emp01" {
				t.Errorf("sorted by login: %v", logins)
			}
			p.click(`th[data-col="name"] a`)
			logins = p.rowNames()
			if got := p.attr(`th[data-col="name"]`, "aria-sort"); got != "descending" || len(logins) == 0 || logins[0] != "root" ||
				!slices.IsSortedFunc(logins, func(a, b string) int { return strings.Compare(b, a) }) {
				t.Errorf("after a second click (%s): %v", got, logins)
			}

			// Ten rows a page: two pages, the second with the last three.
			p.click(`#pager a[data-size="10"]`)
			if n := len(p.rowNames()); n != 10 {
				t.Errorf("a page of 10 shows %d rows", n)
			}
			p.sees("Page 1 of 2")
			p.click("#pager #next")
			p.sees("Page 2 of 2")
			if got := p.rowNames(); !slices.Equal(got, []string{"emp03", "emp02", "emp01"}) {
				t.Errorf("the second page, by login descending: %v", got)
			}

			// A filter on the login keeps the matching rows, says that the list is
			// filtered, and stays until it is reset.
			p.expand("#filter-panel")
			p.fill("#filter-name", "emp1*")
			p.click("#filter-apply")
			if got := p.rowNames(); !slices.Equal(slices.Sorted(slices.Values(got)), []string{"emp10", "emp11", "emp12"}) {
				t.Errorf("filtered on emp1*: %v", got)
			}
			p.sees("filtered")
			if got := p.value("#filter-name"); got != "emp1*" {
				t.Errorf("the filter panel shows the stored login filter as %q", got)
			}
			p.open("/billmgr?func=employee")
			if got := p.attr("#total", "data-total"); got != "3" {
				t.Errorf("the filter was not kept: the list shows %s", got)
			}
			p.expand("#filter-panel")
			p.click("#filter-reset")
			if got := p.attr("#total", "data-total"); got != "13" {
				t.Errorf("after the reset the total is %q, want 13", got)
			}
			p.seesNot("filtered")
			p.shot("panel-staff-list")

			// A new employee with an address the server refuses: the form comes back
			// with what was typed, the error at the email field, and nobody created.
			p.click("#create")
			if got := p.textOf("#title"); got != "New employee" {
				t.Errorf("the new employee's form is headed %q", got)
			}
			p.fill("#f-name", "newbie")
			p.fill("#f-realname", "New Bie")
			p.fill("#f-email", "newbie@localhost")
			p.fill("#f-passwd", testPassword)
			p.fill("#f-confirm", testPassword)
			p.click("#save")
			if got := p.textOf(`.field-error[data-field="email"]`); !strings.Contains(got, "email address") {
				t.Errorf("the email field's error says %q", got)
			}
			if p.value("#f-name") != "newbie" || p.value("#f-realname") != "New Bie" || p.value("#f-email") != "newbie@localhost" {
				t.Errorf("the refused form lost what was typed: %q %q %q", p.value("#f-name"), p.value("#f-realname"), p.value("#f-email"))
			}
			if p.value("#f-passwd") != "" || p.value("#f-confirm") != "" {
				t.Error("the refused form came back with the password")
			}
			if _, ok := p.account("newbie"); ok {
				t.Fatal("a refused form created the employee")
			}
			p.shot("panel-employee-form-error")

			// Corrected, with a department and full access, it is saved: a message,
			// the list, and the row.
			p.fill("#f-email", "newbie@example.com")
			p.selectOption("#f-department", "Technical support")
			p.check("#f-default_access_allow")
			p.fill("#f-passwd", testPassword)
			p.fill("#f-confirm", testPassword)
			p.click("#save")
			p.seesNot("email address such as")
			if p.count("#flash") != 1 || p.count("form#list") != 1 {
				t.Fatalf("after the save: no message and list:\n%s", p.bodyText())
			}
			p.sees("Done")
			p.open("/billmgr?func=employee&p_cnt=30")
			p.sees("New Bie", "newbie@example.com")
			p.open("/billmgr?func=employee.edit&elid=" + strconv.FormatInt(p.mustAccount("newbie").ID, 10))
			if got := p.textOf("#title"); got != "Employee newbie" {
				t.Errorf("the employee's form is headed %q", got)
			}
			// A row that is not there, and a page that does not exist, are said as a
			// person would say them; a mistyped address keeps the session.
			p.open("/billmgr?func=employee.edit&elid=999999")
			if got := p.textOf("#error"); got != "There is no such employee (999999)" {
				t.Errorf("a missing employee is said as %q", got)
			}
			p.open("/billmgr?func=nosuch")
			if got := p.textOf("#error"); got != "There is no such page (nosuch)" || !strings.Contains(p.textOf("#account"), "root") {
				t.Errorf("an unknown page says %q, under the account %q", got, p.textOf("#account"))
			}
			p.open("/billmgr?func=employee")
			if p.count("form#list") != 1 {
				t.Fatalf("after an unknown page the session is gone:\n%s", p.bodyText())
			}
			if a := p.mustAccount("newbie"); a.Email != "newbie@example.com" || a.Realname != "New Bie" || !a.Enabled ||
				!a.DefaultAccessAllow || a.DepartmentNames != "Technical support" {
				t.Errorf("saved as %+v", a)
			}

			// Two employees suspended from the toolbar: the confirmation names them,
			// and only they are suspended.
			p.open("/billmgr?func=employee")
			emp03, emp05 := p.mustAccount("emp03").ID, p.mustAccount("emp05").ID
			p.check(fmt.Sprintf(`#sel-%d`, emp03))
			p.check(fmt.Sprintf(`#sel-%d`, emp05))
			p.click(`#toolbar [data-action="employee.suspend"]`)
			if got := p.texts("#confirm-items li"); !slices.Equal(got, []string{"emp03", "emp05"}) &&
				!slices.Equal(got, []string{"Employee 03", "Employee 05"}) &&
				!(len(got) == 2 && strings.Contains(got[0], "emp03") && strings.Contains(got[1], "emp05")) {
				t.Errorf("the confirmation names %q", got)
			}
			if !p.mustAccount("emp03").Enabled {
				t.Fatal("the confirmation page suspended before it was confirmed")
			}
			p.click("#confirm-ok")
			if p.count("#flash") != 1 {
				t.Errorf("no message after the suspension:\n%s", p.bodyText())
			}
			for _, login := range []string{"emp03", "emp05"} {
				if p.mustAccount(login).Enabled {
					t.Errorf("%s is still enabled", login)
				}
				if p.count(fmt.Sprintf(`tr[data-name=%q] [data-badge="suspended"]`, login)) != 1 {
					t.Errorf("the list shows no suspended badge on %s:\n%s", login, p.bodyText())
				}
			}
			if !p.mustAccount("emp04").Enabled {
				t.Error("emp04, not selected, was suspended")
			}

			// The panel's script (allowed by the policy) ticks every row at once.
			p.do("select all", chromedp.Click(chromedp.CSS("#select-all"), chromedp.NodeVisible))
			var ticked, rows int
			p.eval(`document.querySelectorAll('#list-table tbody input[name="elid"]:checked').length`, &ticked)
			p.eval(`document.querySelectorAll('#list-table tbody input[name="elid"]').length`, &rows)
			if ticked != rows || rows == 0 {
				t.Errorf("select all ticked %d of %d rows", ticked, rows)
			}
		})
	}
}

// rowNames are the names (data-name) of the rows of the list shown, in order.
func (p *panel) rowNames() []string {
	p.t.Helper()
	var names []string
	p.eval(`[...document.querySelectorAll("#list-table tbody tr[data-elid]")].map(r => r.dataset.name)`, &names)
	return names
}

// texts are the shown texts of the elements matching a CSS selector.
func (p *panel) texts(sel string) []string {
	p.t.Helper()
	var out []string
	p.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.innerText.trim())`, sel), &out)
	return out
}

// attr is an attribute of the first element matching a CSS selector, "" when the
// element lacks it; the element must exist.
func (p *panel) attr(sel, name string) string {
	p.t.Helper()
	var v *string
	p.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e === null ? null : (e.getAttribute(%q) ?? ""); })()`, sel, name), &v)
	if v == nil {
		p.t.Fatalf("no %s on %s:\n%s", sel, p.location(), p.bodyText())
	}
	return *v
}

// check ticks the checkbox matching a CSS selector with a click, as a user does.
func (p *panel) check(sel string) {
	p.t.Helper()
	var checked bool
	p.do("tick "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	p.eval(fmt.Sprintf(`document.querySelector(%q).checked`, sel), &checked)
	if !checked {
		p.t.Fatalf("%s is not ticked after a click", sel)
	}
}
