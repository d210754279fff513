package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"staffmgr/models"
)

// TestBrowserRights: root grants a right to a department from its rights page and
// sees it on a member's rights page, allowed, decided by that department; then acts
// as the member, who sees the section the right opens and no other, and returns.
func TestBrowserRights(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	billing := p.mkDepartment("Billing")
	anna := p.mkEmployee("anna", "realname", "Anna Accounts", "department", strconv.FormatInt(billing, 10))

	p.open("/")
	p.login("root", rootPassword)
	p.click(`#menu a[data-func="department"]`)
	p.follow(fmt.Sprintf(`tr[data-elid="%d"]`, billing), "rights2.group")
	p.sees("Billing")
	p.click(`#pager a[data-size="100"]`) // every right on one page
	p.check(`input[name="elid"][value="user"]`)
	p.click(`#toolbar [data-action="rights2.group.resume"]`)
	if got := p.texts("#confirm-items li"); len(got) != 1 || !strings.Contains(got[0], "user") {
		t.Errorf("the confirmation names %q", got)
	}
	p.click("#confirm-ok")
	if p.count("#error") != 0 {
		t.Fatalf("the grant was refused: %s", p.textOf("#error"))
	}
	if got := p.textOf(`tr[data-name="user"] td[data-col="access"]`); got != "Allowed" {
		t.Errorf("the department's page shows the granted right as %q", got)
	}
	grants, err := models.DepartmentGrants(context.Background(), p.m.DB, billing)
	if err != nil {
		t.Fatal(err)
	}
	if !grants["user"] || len(grants) != 1 {
		t.Errorf("the department's grants: %v", grants)
	}

	// On anna's rights page: allowed, decided by the department; others are not.
	p.click(`#menu a[data-func="employee"]`)
	p.follow(fmt.Sprintf(`tr[data-elid="%d"]`, anna), "rights2.user")
	p.sees("anna")
	if p.count(`#pager a[data-size="100"]`) == 1 {
		p.click(`#pager a[data-size="100"]`)
	}
	if got := p.textOf(`tr[data-name="user"] td[data-col="access"]`); got != "Allowed" {
		t.Errorf("anna's page shows the right as %q", got)
	}
	if got := p.textOf(`tr[data-name="user"] td[data-col="source"]`); !strings.EqualFold(got, "department Billing") {
		t.Errorf("anna's page says the right is decided by %q", got)
	}
	if got := p.textOf(`tr[data-name="employee"] td[data-col="access"]`); got == "Allowed" || got == "" {
		t.Errorf("a right nobody granted shows as %q", got)
	}
	// Sorted by what decided them, the department's grant comes first.
	p.click(`th[data-col="source"] a`)
	if got := p.rowNames(); len(got) == 0 || got[0] != "user" {
		t.Errorf("sorted by Decided by, the rights start %.3q", got)
	}
	p.shot("panel-rights")

	// Acting as anna: the banner names both, the menu is hers.
	p.click(`#menu a[data-func="employee"]`)
	p.follow(fmt.Sprintf(`tr[data-elid="%d"]`, anna), "employee.su")
	p.sees("anna")
	p.click("#act-submit")
	if got := p.textOf("#su-banner"); !strings.Contains(got, "root") || !strings.Contains(got, "anna") {
		t.Errorf("the banner says %q", got)
	}
	if got := p.attr("#account", "data-login"); got != "anna" {
		t.Errorf("acting as anna, the header names %q", got)
	}
	if p.count(`#menu a[data-func="user"]`) != 1 || p.count(`#menu a[data-func="employee"]`) != 0 {
		t.Errorf("anna's menu:\n%s", p.textOf("#menu"))
	}
	p.click(`#menu a[data-func="user"]`)
	p.sees("Clients")
	if p.count("#su-banner") != 1 {
		t.Error("the banner is gone on the next page")
	}
	// Acting as anna opens no more than anna may: root's staff list is refused.
	p.open("/billmgr?func=employee")
	if p.count("#error") != 1 || p.count("form#list") != 0 {
		t.Errorf("acting as anna, the staff list opened:\n%s", p.bodyText())
	}

	// Return: root again, no banner, root's menu.
	p.click("#su-return")
	if p.count("#su-banner") != 0 {
		t.Errorf("the banner stays after the return:\n%s", p.bodyText())
	}
	if got := p.attr("#account", "data-login"); got != "root" {
		t.Errorf("after the return the header names %q", got)
	}
	if p.count(`#menu a[data-func="employee"]`) != 1 {
		t.Errorf("after the return root's menu lacks Staff:\n%s", p.textOf("#menu"))
	}
}
