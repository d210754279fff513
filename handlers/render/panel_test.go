package render_test

import (
	"bytes"
	"strings"
	"testing"

	"staffmgr/handlers/render"
)

func panelPage(t *testing.T, doc *render.Node, p *render.Panel) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.Page(&b, doc, p); err != nil {
		t.Fatalf("Page: %v", err)
	}
	return b.String()
}

func contains(t *testing.T, page string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(page, p) {
			t.Errorf("the page lacks %q:\n%s", p, page)
		}
	}
}

func TestPanelListPage(t *testing.T) {
	list := &render.List{Rows: []*render.Node{
		render.Row(render.Text("id", "7"), render.Text("name", "ivan"), render.Text("status", "new")),
		render.Row(render.Text("id", "8"), render.Text("name", "olga"), render.Flag("enabled"), render.Flag("locked")),
	}, Total: 42, Page: 2, PageSize: 10, Sort: "name", Desc: true}
	p := &render.Panel{Account: "root", Level: "root", CSRF: "tok", Func: "employee", Caption: "Staff", Kind: "list",
		Menu: []render.MenuSection{{Title: "Staff", Items: []render.MenuItem{{Func: "employee", Caption: "Staff", Current: true}}}},
		List: &render.ListMeta{Key: "id", MaxSize: 1000,
			Columns: []render.ColumnMeta{{Name: "id", Caption: "Id", Kind: "number", Sort: true}, {Name: "name", Caption: "Login", Kind: "text", Sort: true},
				{Name: "status", Caption: "Status", Kind: "status", Choices: []render.Option{{Key: "new", Label: "New"}}},
				{Name: "enabled", Caption: "Enabled", Kind: "flag"}, {Name: "locked", Caption: "Locked", Kind: "flag"}},
			Actions: []render.Action{{Func: "employee.suspend", Caption: "Suspend employees", Kind: "group"}},
			Create:  &render.Action{Func: "employee.edit", Caption: "Create", Kind: "form"},
			Links:   []render.Action{{Func: "employee.edit", Caption: "Edit", Kind: "form"}, {Func: "employee.department", Caption: "Departments", Kind: "list"}},
			Filter:  &render.FormMeta{Func: "employee.filter", Fields: []render.FieldMeta{{Name: "name", Caption: "Login", Type: "any"}}},
		}}
	s := panelPage(t, render.Document(render.Meta{Func: "employee", Lang: "en"}, list.Nodes()), p)
	contains(t, s,
		`data-list="employee"`, `data-total="42"`,
		`th scope="col" data-col="id"`, `th scope="col" data-col="name" aria-sort="descending"`,
		`href="/billmgr?func=employee&amp;p_cnt=10&amp;p_col=%2Bname"`, // the sorted column reverses
		`data-action="employee.suspend"`, `id="create"`, `name="csrf_token" value="tok"`,
		`<tr data-elid="7" data-name="ivan">`, `name="elid" value="7"`,
		`data-badge="suspended"`, `data-badge="locked"`, `data-badge="status-new">New<`,
		`href="/billmgr?back=%2Fbillmgr%3Ffunc%3Demployee%26p_cnt%3D10%26p_col%3D-name%26p_num%3D2&amp;elid=7&amp;func=employee.edit" data-link="edit"`,
		`href="/billmgr?func=employee.department&amp;plid=8" data-link="employee.department"`,
		`id="prev"`, `id="next"`, `data-page="2" data-pages="5"`, `data-size="10"`,
		`form id="filter"`, `id="filter-name"`, `id="filter-reset"`,
		`data-func="employee" aria-current="page"`, `id="logout"`,
		`<link rel="stylesheet" href="/assets/panel.css">`, `<script src="/assets/panel.js" defer></script>`)
	if strings.Contains(s, `data-col="enabled"`) {
		t.Error("a flag is drawn as a column instead of a badge")
	}
}

func TestPanelFormPage(t *testing.T) {
	doc := render.Document(render.Meta{Func: "employee.edit", Lang: "en"}, []*render.Node{
		render.Text("name", "ivan"), render.Text("default_access_allow", "on"), render.Text("department", "2"),
		render.Select("department", render.Option{Key: "1", Label: "Sales"}, render.Option{Key: "2", Label: "Support"}),
	})
	p := &render.Panel{Account: "root", Func: "employee.edit", Caption: "Edit", Kind: "form", Elid: "7", Back: "/billmgr?func=employee",
		Form: &render.FormMeta{Func: "employee.edit", Fields: []render.FieldMeta{
			{Name: "name", Caption: "Login", Type: "text", Required: true, Max: 50},
			{Name: "email", Caption: "Email", Type: "email"},
			{Name: "default_access_allow", Caption: "Full access", Type: "flag"},
			{Name: "department", Caption: "Departments", Type: "multiselect"},
			{Name: "ip_access", Caption: "Addresses", Type: "addresses"},
			{Name: "passwd", Caption: "Password", Type: "password", Confirm: "confirm"},
			{Name: "status", Caption: "Status", Type: "select", Options: []render.Option{{Key: "a", Label: "A"}}},
		}},
		FieldErrors: map[string]string{"email": "Enter an email address"},
		Typed:       map[string][]string{"email": {"bad"}, "passwd": {"secret-typed"}, "ip_access": {"10.0.0.1,10.0.0.2"}},
	}
	s := panelPage(t, doc, p)
	contains(t, s,
		`form id="form"`, `name="sok" value="ok"`, `name="elid" value="7"`,
		`<label for="f-name">Login <span class="req"`, `id="f-name" name="name" type="text" value="ivan" maxlength="50"`,
		`id="f-email" name="email" type="email" value="bad"`, `id="err-email" data-field="email" role="alert">Enter an email address<`,
		`type="checkbox" id="f-default_access_allow" name="default_access_allow" value="on" checked`,
		`<input type="hidden" name="default_access_allow" value="off">`,
		`multiple`, `<option value="2" selected>Support</option>`, `<option value="1">Sales</option>`,
		"<textarea id=\"f-ip_access\" name=\"ip_access\" rows=\"3\">10.0.0.1\n10.0.0.2</textarea>",
		`id="f-passwd" name="passwd" type="password" autocomplete="new-password"`,
		`<option value="">—</option><option value="a">A</option>`, `id="cancel"`)
	if strings.Contains(s, "secret-typed") {
		t.Error("a typed password is shown again")
	}
	for _, label := range []string{"f-name", "f-email", "f-default_access_allow", "f-department", "f-ip_access", "f-passwd", "f-status"} {
		contains(t, s, `for="`+label+`"`)
	}
}

func TestPanelOtherPages(t *testing.T) {
	login := panelPage(t, render.Document(render.Meta{Func: "employee", Lang: "en"}, nil),
		&render.Panel{Kind: "login", Next: "/billmgr?func=employee", Error: &render.ErrorView{Type: "auth", Object: "badpassword", Msg: "Wrong login or password"}})
	contains(t, login, `form id="login"`, `name="next" value="/billmgr?func=employee"`, `data-type="auth"`, "Wrong login or password")

	confirm := panelPage(t, render.Document(render.Meta{Func: "rights2.group.resume", Lang: "en"}, nil),
		&render.Panel{Account: "root", Kind: "confirm", Func: "rights2.group.resume", Caption: "Grant", Plid: "3", Plname: "Billing",
			Items: []render.Option{{Key: "user", Label: "user — Clients"}}, Back: "/billmgr?func=rights2.group&plid=3"})
	contains(t, confirm, `form id="confirm"`, `id="confirm-parent" data-plid="3">For Billing, the change applies to:`,
		`<li data-elid="user">user — Clients</li>`, `<input type="hidden" name="elid" value="user">`, `name="sok" value="ok"`, `id="confirm-cancel"`)

	su := panelPage(t, render.Document(render.Meta{Func: "whoami", Lang: "en"}, nil),
		&render.Panel{Account: "ivan", Real: "root", Kind: "home", CSRF: "t"})
	contains(t, su, `id="su-banner"`, `data-real="root" data-actor="ivan"`, `name="func" value="chlevel"`, `id="su-return"`, "Welcome, ivan")

	ticket := panelPage(t, render.Document(render.Meta{Func: "ticket.edit", Lang: "en"}, []*render.Node{
		render.Text("name", "Down"), render.Text("status", "new"),
		render.El("ticket_message", render.Text("author", "carl"), render.Text("body", "Help")),
		render.El("ticket_message", render.Text("author", "sam"), render.Text("body", "Looking"), render.Flag("note")),
	}), &render.Panel{Account: "sam", AccountID: "5", Kind: "ticket", Func: "ticket.edit", Elid: "1",
		StatusChoices: []render.Option{{Key: "new", Label: "New"}}, TransferTo: []render.Option{{Key: "d_2", Label: "Support"}},
		Form: &render.FormMeta{Func: "ticket.edit", Fields: []render.FieldMeta{{Name: "message", Caption: "Reply", Type: "textarea"}}}})
	contains(t, ticket, `id="ticket-status" data-badge="status-new" data-status="new">New<`,
		`class="message reply" data-kind="reply"`, `class="message note" data-kind="note"`,
		`form id="reply"`, `form id="transfer"`, `<option value="d_2">Support</option>`,
		`form id="take"`, `name="set_responsible" value="5"`)

	// Once the caller holds the ticket there is nothing to take, but it can still be handed on.
	mine := panelPage(t, render.Document(render.Meta{Func: "ticket.edit", Lang: "en"}, []*render.Node{
		render.Text("name", "Down"), render.Text("responsible_id", "5")}),
		&render.Panel{Account: "sam", AccountID: "5", Kind: "ticket", Func: "ticket.edit", Elid: "1",
			TransferTo: []render.Option{{Key: "d_2", Label: "Support"}}, Form: &render.FormMeta{Func: "ticket.edit"}})
	contains(t, mine, `form id="transfer"`)
	if strings.Contains(mine, `form id="take"`) {
		t.Error("the caller's own ticket offers to take it")
	}
}
