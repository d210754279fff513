package handlers

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// departmentRows returns the department list as name → row.
func departmentRows(t *testing.T, e *env, sid string) map[string]map[string]string {
	t.Helper()
	return byName(e.get("func=department&auth=" + sid).rows())
}

// mustDepartment reads a department as stored.
func mustDepartment(t *testing.T, e *env, id int64) *models.Department {
	t.Helper()
	d, err := models.FindDepartment(context.Background(), e.db, fmt.Sprint(id))
	if err != nil {
		t.Fatalf("department %d: %v", id, err)
	}
	return d
}

func TestDepartmentList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mustEmployee(t, e, "ivan", card{"default_access_allow": true}, salesID, supportID)
		mustEmployee(t, e, "boris", nil, salesID)
		anna := mustEmployee(t, e, "anna", nil)
		if err := models.SetMembership(ctx, e.db, anna, supportID, false); err != nil {
			t.Fatal(err)
		}
		root := e.login("root")

		r := e.get("func=department&auth=" + root)
		if r.text("p_elems") != "2" || r.text("p_sort") != "name" {
			t.Errorf("department list: %s", r.body)
		}
		want := []map[string]string{
			{"id": "1", "name": "Sales department", "members": "2"},  // an empty description is left out
			{"id": "2", "name": "Technical support", "members": "1"}, // anna's association is inactive
		}
		if got := r.rows(); !reflect.DeepEqual(got, want) {
			t.Errorf("rows %v, want %v", got, want)
		}
		for query, want := range map[string][]string{
			"sort=-name":                 {"Technical support", "Sales department"},
			"sort=id":                    {"Sales department", "Technical support"},
			"p_col=-id":                  {"Technical support", "Sales department"},
			"sort=members":               {"Technical support", "Sales department"},
			"filter=on&name=tech*":       {"Technical support"},
			"filter=on&name=*DEPART*":    {"Sales department"},
			"filter=on&name=sales":       nil,
			"filter=on&description=x*":   nil,
			"filter=on&name=*&p_cnt=30":  {"Sales department", "Technical support"},
			"filter=on&name=technical_*": nil,
		} {
			if got := e.get("func=department&auth=" + root + "&" + query).column("name"); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v, want %v", query, got, want)
			}
		}
		e.get("func=department&sort=description&auth="+root).fails("value", "sort")
		if r := e.get("func=department&p_cnt=1&p_num=2&sort=name&auth=" + root); !reflect.DeepEqual(r.column("name"), []string{"Technical support"}) || r.text("p_elems") != "2" {
			t.Errorf("p_cnt=1&p_num=2: %s", r.body)
		}
		if got := e.get("func=department&pagesize=1&startidx=0&sort=-name&auth=" + root).column("name"); !reflect.DeepEqual(got, []string{"Technical support"}) {
			t.Errorf("pagesize=1&startidx=0: %v", got)
		}
		e.get("func=department&p_cnt=30&auth=" + root).ok()

		if got := e.get("func=department&authinfo=ivan:" + Password).column("members"); !reflect.DeepEqual(got, []string{"2", "1"}) {
			t.Errorf("the list for an admin: %v", got)
		}
		doc := e.xml("func=department&auth=" + root)
		elems := doc.all("elem")
		if len(elems) != 2 || elems[0].text("name") != "Sales department" || elems[0].text("members") != "2" ||
			elems[0].has("description") || doc.text("p_elems") != "2" {
			t.Errorf("xml department list: %+v", doc)
		}
	})
}

func TestDepartmentEdit(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", nil, salesID, supportID)
		root := e.login("root")
		save := func(pairs ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"func", "department.edit", "sok", "ok", "auth", root}, pairs...)...))
		}

		// Forms: empty for a new department, the values of an existing one.
		f := e.get("func=department.edit&auth=" + root).ok()
		if _, ok := f.doc["elid"]; ok || f.text("name") != "" || f.text("description") != "" {
			t.Errorf("new department form: %s", f.body)
		}
		if _, ok := f.doc["name"]; !ok {
			t.Errorf("new department form without name: %s", f.body)
		}
		f = e.get("func=department.edit&elid=1&auth=" + root).ok()
		if f.text("elid") != "1" || f.text("name") != "Sales department" {
			t.Errorf("department form: %s", f.body)
		}
		e.get("func=department.edit&elid=99&auth="+root).fails("missed", "elid")

		// Create.
		r := save("name", "  Quality  ", "description", "Testing\nand review")
		id := r.ok().text("id")
		if id == "" {
			t.Fatalf("create answer: %s", r.body)
		}
		var created models.Department
		if err := e.db.Where("name = ?", "Quality").First(&created).Error; err != nil {
			t.Fatal(err)
		}
		if created.Name != "Quality" || created.Description != "Testing\nand review" {
			t.Errorf("created %+v", created)
		}
		if fmt.Sprint(created.ID) != id {
			t.Errorf("created id %d, answered %s", created.ID, id)
		}
		if row := departmentRows(t, e, root)["Quality"]; row["id"] != id || row["members"] != "0" || row["description"] != "Testing\nand review" {
			t.Errorf("Quality in the list: %v", row)
		}
		doc := e.xml("func=department.edit&sok=ok&name=Legal&auth=" + root)
		if !doc.has("ok") || doc.text("id") == "" {
			t.Errorf("xml create: %+v", doc)
		}
		x := e.xml("func=department.edit&elid=" + id + "&auth=" + root)
		if x.text("name") != "Quality" || x.text("elid") != id {
			t.Errorf("xml form: %+v", x)
		}

		// Every refusal names its field and changes nothing.
		count := len(departmentRows(t, e, root))
		for _, c := range []struct {
			pairs              []string
			typ, object, value string
		}{
			{[]string{"name", ""}, "value", "name", ""},
			{[]string{"name", "   "}, "value", "name", ""},
			{[]string{"description", "no name"}, "value", "name", ""},
			{[]string{"name", "sales DEPARTMENT"}, "exists", "name", "sales DEPARTMENT"},
			{[]string{"name", "Quality"}, "exists", "name", "Quality"},
			{[]string{"name", "Sales, Marketing"}, "value", "name", "Sales, Marketing"},
			{[]string{"name", strings.Repeat("n", models.MaxDepartmentName+1)}, "value", "name", strings.Repeat("n", models.MaxDepartmentName+1)},
			{[]string{"name", "Bad\x07name"}, "value", "name", "Bad\x07name"},
			{[]string{"name", "Long", "description", strings.Repeat("d", models.MaxDepartmentDescription+1)}, "value", "description", ""},
			{[]string{"elid", "1", "name", "technical support"}, "exists", "name", "technical support"},
			{[]string{"elid", "1", "name", ""}, "value", "name", ""},
			{[]string{"elid", "99", "name", "Ghost"}, "missed", "elid", "99"},
			{[]string{"elid", "x", "name", "Ghost"}, "missed", "elid", "x"},
		} {
			r := save(c.pairs...).fails(c.typ, c.object)
			if r.errValue() != c.value {
				t.Errorf("%q: error value %q, want %q", c.pairs, r.errValue(), c.value)
			}
		}
		if got := departmentRows(t, e, root); len(got) != count || got["Sales department"]["id"] != "1" {
			t.Errorf("refused saves changed the departments: %v", got)
		}
		xmlError(t, e.xml("func=department.edit&sok=ok&name=Sales%20Department&auth="+root), "exists", "name", "Sales Department")
		save("name", "Ok, "+strings.Repeat("d", 10)).fails("value", "name")
		save("name", "Max", "description", strings.Repeat("ж", models.MaxDepartmentDescription)).ok()
		save("name", strings.Repeat("н", models.MaxDepartmentName)).ok()

		// Edit: a field not sent keeps its value; without sok nothing changes.
		save("elid", id, "description", "Only this").ok()
		if d := mustDepartment(t, e, created.ID); d.Name != "Quality" || d.Description != "Only this" {
			t.Errorf("description edit: %+v", d)
		}
		e.get("func=department.edit&elid=" + id + "&name=Unsaved&auth=" + root).ok()
		if d := mustDepartment(t, e, created.ID); d.Name != "Quality" {
			t.Errorf("an edit without sok renamed: %+v", d)
		}
		save("elid", id, "name", "QUALITY").ok() // its own name in another case
		if d := mustDepartment(t, e, created.ID); d.Name != "QUALITY" {
			t.Errorf("case rename: %+v", d)
		}

		// A rename shows in the staff list, in name order.
		ivanRow := func() string {
			t.Helper()
			return byName(e.get("func=employee&auth=" + root).rows())["ivan"]["department"]
		}
		if got := ivanRow(); got != "Sales department, Technical support" {
			t.Fatalf("ivan's departments %q", got)
		}
		save("elid", "2", "name", "Alpha support").ok()
		if got := ivanRow(); got != "Alpha support, Sales department" {
			t.Errorf("after a rename: %q", got)
		}
		if got := e.get("func=employee&filter=on&department=alpha*&auth=" + root).column("name"); !reflect.DeepEqual(got, []string{"ivan"}) {
			t.Errorf("filter by the new name: %v", got)
		}
		if got := e.get("func=employee&filter=on&department=technical*&auth=" + root).column("name"); len(got) != 0 {
			t.Errorf("filter by the old name: %v", got)
		}
		if got := e.get("func=employee.department&elid=" + fmt.Sprint(ivan) + "&auth=" + root).column("name"); len(got) == 0 || got[0] != "Alpha support" {
			t.Errorf("employee.department after a rename: %v", got)
		}
	})
}

func TestDepartmentDelete(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ivan := mustEmployee(t, e, "ivan", nil, salesID)
		anna := mustEmployee(t, e, "anna", nil)
		if err := models.SetMembership(ctx, e.db, anna, supportID, false); err != nil {
			t.Fatal(err)
		}
		root := e.login("root")
		del := func(elid string, extra ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"func", "department.delete", "sok", "ok", "elid", elid, "auth", root}, extra...)...))
		}
		qa := e.get("func=department.edit&sok=ok&name=QA&auth=" + root).ok().text("id")

		// Without sok: a confirmation. A department with members: refused, unless force.
		if c := e.get("func=department.delete&elid=1&auth=" + root).ok(); c.text("elid") != "1" {
			t.Errorf("confirmation: %s", c.body)
		}
		r := del("1").fails("value", "elid")
		msg, _ := r.obj("error")["msg"].(map[string]any)
		if text, _ := msg["$"].(string); r.errValue() != "1" || !strings.Contains(text, "force") {
			t.Errorf("refusal: %s", r.body)
		}
		xmlError(t, e.xml("func=department.delete&sok=ok&elid=1&auth="+root), "value", "elid", "1")
		del("1", "force", "off").fails("value", "elid")
		// All or nothing: QA would go, but Sales refuses, then an unknown id.
		del(qa+", 1").fails("value", "elid")
		r = del(qa+", 99").fails("missed", "elid")
		if r.errValue() != "99" {
			t.Errorf("error value %q, want 99", r.errValue())
		}
		if got := departmentRows(t, e, root); len(got) != 3 {
			t.Fatalf("refused deletes removed departments: %v", got)
		}

		// Only an inactive association: no members, deleted without force.
		del(qa + ", " + fmt.Sprint(supportID)).ok()
		if left := dbtest.MustCount(t, e.db.Model(&models.Membership{}).Where("department_id = ?", supportID)); left != 0 {
			t.Errorf("%d associations with a deleted department", left)
		}
		doc := e.xml("func=department.delete&sok=ok&force=on&elid=1&auth=" + root)
		if !doc.has("ok") || doc.has("error") {
			t.Fatalf("forced delete: %+v", doc)
		}
		if got := departmentRows(t, e, root); len(got) != 0 {
			t.Errorf("departments left: %v", got)
		}
		if a := mustAccount(t, e, ivan); a.DepartmentNames != "" {
			t.Errorf("ivan's departments after the delete: %q", a.DepartmentNames)
		}
		if got := byName(e.get("func=employee&auth=" + root).rows())["ivan"]; got["department"] != "" {
			t.Errorf("ivan in the list: %v", got)
		}
		del("1").fails("missed", "elid")
		e.get("func=whoami&authinfo=ivan:" + Password).ok() // members stay employees
	})
}

func TestEmployeeDepartment(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", nil)
		alice := mustEmployee(t, e, "alice", card{"default_access_allow": true}, salesID)
		client := MustCreateAccount(t, e.db, "client", rights.User)
		root := e.login("root")
		admin := e.login("alice")
		id := fmt.Sprint(ivan)
		statuses := func(query string) map[string]string {
			t.Helper()
			out := map[string]string{}
			for _, r := range e.get("func=employee.department&auth=" + root + "&" + query).rows() {
				out[r["name"]] = r["status"]
			}
			return out
		}
		member := func(pairs ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"sok", "ok", "plid", id, "auth", admin}, pairs...)...))
		}
		members := func() map[string]string {
			t.Helper()
			out := map[string]string{}
			for name, r := range departmentRows(t, e, root) {
				out[name] = r["members"]
			}
			return out
		}
		ivanDepartments := func() string {
			t.Helper()
			return byName(e.get("func=employee&auth=" + root).rows())["ivan"]["department"]
		}

		// Opened with elid (as the panel does) or plid: every department, with plid and plname.
		for _, open := range []string{"elid=" + id, "plid=" + id} {
			r := e.get("func=employee.department&" + open + "&auth=" + root)
			want := []map[string]string{
				{"id": "1", "name": "Sales department", "status": "none", "association": id + ":1"},
				{"id": "2", "name": "Technical support", "status": "none", "association": id + ":2"},
			}
			if got := r.rows(); !reflect.DeepEqual(got, want) || r.text("plid") != id || r.text("plname") != "ivan" || r.text("p_elems") != "2" {
				t.Errorf("%s: %s", open, r.body)
			}
		}
		if got := statuses("plid=" + fmt.Sprint(alice)); got["Sales department"] != "on" || got["Technical support"] != "none" {
			t.Errorf("alice's departments: %v", got)
		}

		// resume includes, several at once.
		member("func", "employee.department.resume", "elid", "1, 2").ok()
		if got := statuses("plid=" + id); got["Sales department"] != "on" || got["Technical support"] != "on" {
			t.Errorf("after resume: %v", got)
		}
		if got := ivanDepartments(); got != "Sales department, Technical support" {
			t.Errorf("ivan's departments after resume: %q", got)
		}
		if got := members(); got["Sales department"] != "2" || got["Technical support"] != "1" {
			t.Errorf("members after resume: %v", got)
		}
		member("func", "employee.department.resume", "elid", "1").ok() // again: no change
		if got := members(); got["Sales department"] != "2" {
			t.Errorf("members after a second resume: %v", got)
		}

		// suspend excludes; the association stays, inactive, and counts nowhere.
		member("func", "employee.department.suspend", "elid", "2").ok()
		if got := statuses("plid=" + id); got["Sales department"] != "on" || got["Technical support"] != "off" {
			t.Errorf("after suspend: %v", got)
		}
		var m models.Membership
		if err := e.db.Where("account_id = ? AND department_id = ?", ivan, supportID).First(&m).Error; err != nil || m.Active {
			t.Errorf("suspended association %+v, %v", m, err)
		}
		if got := ivanDepartments(); got != "Sales department" {
			t.Errorf("ivan's departments after suspend: %q", got)
		}
		if got := members(); got["Technical support"] != "0" {
			t.Errorf("members after suspend: %v", got)
		}
		if got := e.get("func=employee&filter=on&department=tech*&auth=" + root).column("name"); len(got) != 0 {
			t.Errorf("an excluded employee matches the department filter: %v", got)
		}

		// Filters: by name with *, by status; inline and stored.
		for query, want := range map[string][]string{
			"filter=on&status=on":                  {"Sales department"},
			"filter=on&status=off":                 {"Technical support"},
			"filter=on&status=none":                nil,
			"filter=on&name=tech*":                 {"Technical support"},
			"filter=on&name=*DEPARTMENT":           {"Sales department"},
			"filter=on&name=*e*&status=off":        {"Technical support"},
			"filter=on&name=sales_*":               nil,
			"sort=-name":                           {"Technical support", "Sales department"},
			"sort=status":                          {"Technical support", "Sales department"}, // off < on
			"filter=on&status=on&sort=id&p_cnt=30": {"Sales department"},
		} {
			if got := e.get("func=employee.department&plid=" + id + "&auth=" + root + "&" + query).column("name"); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v, want %v", query, got, want)
			}
		}
		e.get("func=employee.department&plid="+id+"&status=maybe&auth="+root).fails("value", "status")
		if r := e.get("func=employee.department&plid=" + id + "&pagesize=1&startidx=1&auth=" + root); !reflect.DeepEqual(r.column("name"), []string{"Technical support"}) || r.text("p_elems") != "2" {
			t.Errorf("pagesize=1&startidx=1: %s", r.body)
		}
		e.get("func=employee.department&plid=" + id + "&p_cnt=30&auth=" + root).ok()
		e.get("func=employee.department.filter&sok=ok&status=off&auth=" + root).ok()
		if got := statuses("plid=" + id); !reflect.DeepEqual(got, map[string]string{"Technical support": "off"}) {
			t.Errorf("stored status=off: %v", got)
		}
		e.get("func=employee.department.filter&sok=ok&reset=on&auth=" + root).ok()
		if got := statuses("plid=" + id); len(got) != 2 {
			t.Errorf("after reset: %v", got)
		}

		member("func", "employee.department.resume", "elid", "2").ok()
		if got := statuses("plid=" + id); got["Technical support"] != "on" {
			t.Errorf("resume of an excluded association: %v", got)
		}

		// delete removes the record; a missing one is a missed error, all or nothing.
		member("func", "employee.department.delete", "elid", "2").ok()
		if got := statuses("plid=" + id); got["Technical support"] != "none" || got["Sales department"] != "on" {
			t.Errorf("after delete: %v", got)
		}
		if dbtest.MustCount(t, e.db.Model(&models.Membership{}).Where("account_id = ? AND department_id = ?", ivan, supportID)) != 0 {
			t.Error("the deleted association remains")
		}
		r := member("func", "employee.department.delete", "elid", "1, 2").fails("missed", "elid")
		if r.errValue() != "2" {
			t.Errorf("error value %q, want 2", r.errValue())
		}
		if got := statuses("plid=" + id); got["Sales department"] != "on" {
			t.Errorf("a failed group delete changed: %v", got)
		}
		member("func", "employee.department.suspend", "elid", "2").ok() // no association: nothing to exclude
		member("func", "employee.department.suspend", "elid", "1").ok()
		member("func", "employee.department.delete", "elid", "1").ok() // an inactive one goes too
		if got := statuses("plid=" + id); got["Sales department"] != "none" || ivanDepartments() != "" {
			t.Errorf("after deleting the inactive association: %v %q", got, ivanDepartments())
		}

		// Guards.
		for _, fn := range []string{"employee.department.resume", "employee.department.suspend", "employee.department.delete"} {
			member("func", fn, "plid", "999", "elid", "1").fails("missed", "plid")
			member("func", fn, "plid", fmt.Sprint(client.ID), "elid", "1").fails("missed", "plid")
			r := member("func", fn, "elid", "1, 99").fails("missed", "elid")
			if want := map[bool]string{true: "1", false: "99"}[fn == "employee.department.delete"]; r.errValue() != want {
				t.Errorf("%s: error value %q, want %s", fn, r.errValue(), want)
			}
			member("func", fn, "plid", fmt.Sprint(alice), "elid", "2").fails("access", "plid") // own departments
			member("func", fn, "plid", "1", "elid", "2").fails("access", "plid")               // root
			member("func", fn, "plid", "", "elid", "2").fails("value", "plid")
			member("func", fn, "elid", "").fails("value", "elid")
		}
		if got := statuses("plid=" + fmt.Sprint(alice)); got["Sales department"] != "on" || got["Technical support"] != "none" {
			t.Errorf("refused changes of alice: %v", got)
		}
		if got := statuses("plid=" + id); got["Sales department"] != "none" {
			t.Errorf("refused changes of ivan: %v", got)
		}
		e.get("func=employee.department&plid=999&auth="+root).fails("missed", "plid")
		e.get("func=employee.department&elid="+fmt.Sprint(client.ID)+"&auth="+root).fails("missed", "plid")
		e.get("func=employee.department&auth="+root).fails("value", "plid")

		// Root may change their own departments and anyone's.
		e.get("func=employee.department.resume&sok=ok&plid=1&elid=2&auth=" + root).ok()
		e.get("func=employee.department.resume&sok=ok&plid=" + fmt.Sprint(alice) + "&elid=2&auth=" + root).ok()
		if got := members(); got["Technical support"] != "2" {
			t.Errorf("members after root's changes: %v", got)
		}
		// Without sok: a confirmation only.
		c := e.get("func=employee.department.delete&plid=1&elid=2&auth=" + root).ok()
		if c.text("elid") != "2" || statuses("plid=1")["Technical support"] != "on" {
			t.Errorf("delete without sok: %s", c.body)
		}

		// xml: the nested list carries plid and plname; a change answers <ok/>.
		doc := e.xml("func=employee.department&elid=" + fmt.Sprint(alice) + "&auth=" + root)
		elems := doc.all("elem")
		if len(elems) != 2 || doc.text("plid") != fmt.Sprint(alice) || doc.text("plname") != "alice" ||
			elems[0].text("status") != "on" || elems[1].text("status") != "on" || elems[0].text("id") != "1" {
			t.Errorf("xml nested list: %+v", doc)
		}
		if d := e.xml("func=employee.department.suspend&sok=ok&plid=" + fmt.Sprint(alice) + "&elid=1&auth=" + root); !d.has("ok") {
			t.Errorf("xml suspend: %+v", d)
		}
		xmlError(t, e.xml("func=employee.department.delete&sok=ok&plid="+id+"&elid="+url.QueryEscape("1, 2")+"&auth="+root), "missed", "elid", "1")
	})
}

// TestEmployeeDepartmentAssociations: the reference's association record ids,
// spelled EMPLOYEE:DEPARTMENT and answered by the list, name the employee and the
// department together: the actions take them without plid (or with a plid that
// agrees), and the list's elid keeps the departments it names, by id or
// association id.
func TestEmployeeDepartmentAssociations(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ivan := mustEmployee(t, e, "ivan", nil)
		olga := mustEmployee(t, e, "olga", nil, supportID)
		alice := mustEmployee(t, e, "alice", card{"default_access_allow": true})
		root := e.login("root")
		admin := e.login("alice")
		iv, ol := fmt.Sprint(ivan), fmt.Sprint(olga)
		assoc := func(employee string, department int64) string { return fmt.Sprintf("%s:%d", employee, department) }
		list := func(query string) *resp {
			t.Helper()
			return e.get("func=employee.department&auth=" + root + "&" + query)
		}
		statuses := func(employee string) map[string]string {
			t.Helper()
			out := map[string]string{}
			for _, r := range list("plid=" + employee).rows() {
				out[r["association"]] = r["status"]
			}
			return out
		}
		act := func(fn string, pairs ...string) *resp {
			t.Helper()
			return e.post(vals(append([]string{"func", fn, "sok", "ok", "auth", admin}, pairs...)...))
		}

		// The list answers each row's association id; elid keeps rows.
		for query, want := range map[string][]string{
			"plid=" + iv:             {assoc(iv, salesID), assoc(iv, supportID)},
			"plid=" + iv + "&elid=2": {assoc(iv, supportID)},
			"plid=" + iv + "&elid=" + url.QueryEscape("1, 2"):     {assoc(iv, salesID), assoc(iv, supportID)},
			"plid=" + iv + "&elid=" + assoc(iv, salesID):          {assoc(iv, salesID)},
			"plid=" + iv + "&elid=99":                             nil,
			"elid=" + assoc(ol, supportID):                        {assoc(ol, supportID)},
			"elid=" + assoc(ol, salesID) + "," + assoc(ol, 2):     {assoc(ol, salesID), assoc(ol, supportID)},
			"elid=" + assoc(ol, supportID) + "&status=on":         {assoc(ol, supportID)},
			"elid=" + assoc(ol, salesID) + "&filter=on&status=on": nil,
		} {
			r := list(query)
			if got := r.column("association"); !reflect.DeepEqual(got, want) || r.text("p_elems") != fmt.Sprint(len(want)) {
				t.Errorf("%s: %v, want %v: %s", query, got, want, r.body)
			}
		}
		if r := list("elid=" + assoc(ol, supportID)); r.text("plid") != ol || r.text("plname") != "olga" {
			t.Errorf("plid and plname of a list opened by association: %s", r.body)
		}
		for query, object := range map[string]string{
			"plid=" + iv + "&elid=" + assoc(ol, salesID):              "elid", // another employee's
			"elid=" + assoc(iv, salesID) + "," + assoc(ol, supportID): "elid", // two employees
			"elid=" + url.QueryEscape("1, 2"):                         "elid", // departments of whom?
			"plid=" + iv + "&elid=abc":                                "elid",
			"elid=" + iv + ":abc":                                     "elid",
			"elid=" + iv + ":":                                        "elid",
		} {
			r := list(query).fails("value", object)
			if r.errValue() == "" {
				t.Errorf("%s: no value: %s", query, r.body)
			}
		}
		list("elid=999:1").fails("missed", "elid")

		// The actions take association ids without plid, of several employees at once.
		act("employee.department.resume", "elid", assoc(iv, salesID)+", "+assoc(iv, supportID)+", "+assoc(ol, salesID)).ok()
		if got := statuses(iv); got[assoc(iv, salesID)] != "on" || got[assoc(iv, supportID)] != "on" {
			t.Errorf("ivan after resume: %v", got)
		}
		if got := statuses(ol); got[assoc(ol, salesID)] != "on" || got[assoc(ol, supportID)] != "on" {
			t.Errorf("olga after resume: %v", got)
		}
		act("employee.department.suspend", "elid", assoc(iv, supportID)).ok()
		act("employee.department.delete", "elid", assoc(ol, salesID), "plid", ol).ok() // a plid that agrees
		if got := statuses(iv)[assoc(iv, supportID)]; got != "off" {
			t.Errorf("ivan's support after suspend: %s", got)
		}
		if got := statuses(ol)[assoc(ol, salesID)]; got != "none" {
			t.Errorf("olga's sales after delete: %s", got)
		}
		// Association ids and department ids mix under a plid.
		act("employee.department.resume", "plid", iv, "elid", "2, "+assoc(iv, salesID)).ok()
		if got := statuses(iv); got[assoc(iv, supportID)] != "on" {
			t.Errorf("ivan after a mixed resume: %v", got)
		}

		// Refusals, all or nothing: the element is the error's value.
		before := stateDigest(t, e)
		for _, tc := range []struct {
			fn, elid, plid, typ, object, value string
		}{
			{"employee.department.suspend", assoc(iv, salesID) + ", 999:1", "", "missed", "elid", "999:1"},
			{"employee.department.suspend", assoc(iv, salesID) + ", " + assoc(iv, 99), "", "missed", "elid", assoc(iv, 99)},
			{"employee.department.suspend", assoc(ol, supportID), iv, "value", "elid", assoc(ol, supportID)},
			{"employee.department.suspend", assoc(iv, salesID) + ", " + iv + ":x", "", "value", "elid", iv + ":x"},
			{"employee.department.suspend", "1", "", "value", "plid", ""},
			{"employee.department.suspend", assoc(iv, salesID), "999", "missed", "plid", "999"},
			{"employee.department.resume", assoc(fmt.Sprint(alice), salesID), "", "access", "elid", assoc(fmt.Sprint(alice), salesID)}, // own
			{"employee.department.resume", "1:" + fmt.Sprint(salesID), "", "access", "elid", "1:1"},                                    // root
			{"employee.department.delete", assoc(ol, salesID), "", "missed", "elid", assoc(ol, salesID)},                               // no record
		} {
			pairs := []string{"elid", tc.elid}
			if tc.plid != "" {
				pairs = append(pairs, "plid", tc.plid)
			}
			r := act(tc.fn, pairs...).fails(tc.typ, tc.object)
			if r.errValue() != tc.value {
				t.Errorf("%s elid=%s plid=%s: value %q, want %q", tc.fn, tc.elid, tc.plid, r.errValue(), tc.value)
			}
		}
		xmlError(t, e.xml("func=employee.department.suspend&sok=ok&elid="+url.QueryEscape(assoc(iv, salesID)+", 999:1")+"&auth="+admin),
			"missed", "elid", "999:1")
		if after := stateDigest(t, e); after != before {
			t.Error("a refused action changed the database")
		}
		// Without sok, the confirmation names the association ids.
		if c := e.get("func=employee.department.delete&elid=" + assoc(iv, salesID) + "&auth=" + admin).ok(); c.text("elid") != assoc(iv, salesID) {
			t.Errorf("confirmation: %s", c.body)
		}
	})
}
