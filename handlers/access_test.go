package handlers

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"staffmgr/rights"
)

// grant gives login a personal allow of right, as root.
func (e *env) grant(root string, id int64, right string) {
	e.t.Helper()
	e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=%s&sok=ok&auth=%s", id, right, root)).ok()
}

// TestEveryAdminFuncNeedsItsRight walks the func table: an employee without the
// right is refused with an access error naming the func, and with it the call
// gets past the check.
func TestEveryAdminFuncNeedsItsRight(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		for _, f := range e.app.ordered {
			if f.Level != rights.Admin {
				continue
			}
			login := "emp-" + strings.ReplaceAll(f.Name, ".", "-")
			if len(login) > 50 {
				login = login[:50]
			}
			emp := MustCreateEmployee(t, e.db, login, rights.Admin)
			sid := e.login(login)
			q := fmt.Sprintf("func=%s&elid=999999&plid=999999&auth=%s", f.Name, sid)
			r := e.get(q).fails("access", f.Name)
			if r.errValue() != f.Name {
				t.Errorf("%s: error value %q, want the func", f.Name, r.errValue())
			}
			e.grant(root, emp.ID, f.right())
			if got := e.get(q); isAccessError(got, f.Name) {
				t.Errorf("%s: still refused with its right %s: %s", f.Name, f.right(), got.body)
			}
		}
	})
}

func isAccessError(r *resp, object string) bool {
	e, ok := r.doc["error"].(map[string]any)
	return ok && e["$type"] == "access" && (object == "" || e["$object"] == object)
}

func TestOpenFuncsNeedNoRight(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateEmployee(t, e.db, "plain", rights.Admin)
		sid := e.login("plain")
		for _, f := range []string{"whoami", "keepalive"} {
			e.get("func=" + f + "&auth=" + sid).ok()
		}
		e.get("func=chlevel&lp=1&auth="+sid).fails("value", "lp")
		e.get("func=logout&auth=" + sid).ok()
	})
}

// TestEmployeeFilterOpenToEveryAccount: employee.filter is open to level user, as
// in the reference, and to staff without the right employee. It stores the
// caller's own session filter and reads nothing of the staff; the staff list stays
// admin, and the filter's fields are checked as for anyone.
func TestEmployeeFilterOpenToEveryAccount(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "carol", rights.User)
		MustCreateEmployee(t, e.db, "olga", rights.Admin) // no rights at all
		for _, login := range []string{"carol", "olga"} {
			sid := e.login(login)
			form := e.get("func=employee.filter&auth=" + sid).ok()
			if _, ok := form.doc["status"]; !ok {
				t.Errorf("%s: the filter form: %s", login, form.body)
			}
			if r := e.get("func=employee.filter&name=a*&status=enabled&sok=ok&auth=" + sid).ok(); r.text("name") != "a*" || r.text("status") != "enabled" {
				t.Errorf("%s: the stored filter: %s", login, r.body)
			}
			if got := e.get("func=employee.filter&auth=" + sid).text("name"); got != "a*" {
				t.Errorf("%s: the form after storing shows name %q", login, got)
			}
			xmlError(t, e.xml("func=employee.filter&status=bogus&sok=ok&auth="+sid), "value", "status", "bogus")
			e.get("func=employee&auth="+sid).fails("access", "employee")
			e.get("func=employee&filter=on&name=*&auth="+sid).fails("access", "employee")
			if got := e.get("func=employee.filter&reset=on&sok=ok&auth=" + sid).ok().text("name"); got != "" {
				t.Errorf("%s: after reset the form shows name %q", login, got)
			}
			e.get("func=employee.filter&name=a*&sok=ok&authinfo="+login+":"+Password).fails("value", "session")
		}
		// Each confirmed call is journaled: per account the store, the refused
		// status, the reset and the store without a session.
		rows := e.get("func=journal&filter=on&funcname=employee.filter&authinfo=root:" + Password).rows()
		if len(rows) != 8 || rows[0]["account"] != "olga" || rows[7]["account"] != "carol" || rows[7]["result"] != "ok" {
			t.Errorf("journal rows: %v", rows)
		}
	})
}

func TestEffectiveRights(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		emp := MustCreateEmployee(t, e.db, "olga", rights.Admin)
		sid := e.login("olga")
		dep := e.get("func=department.edit&name=Billing&sok=ok&auth=" + root).ok().text("id")
		e.get("func=employee&auth="+sid).fails("access", "employee")

		// A department grant reaches active members from their very next request.
		e.get("func=rights2.group.resume&plid=" + dep + "&elid=employee&sok=ok&auth=" + root).ok()
		e.get("func=employee&auth="+sid).fails("access", "employee")
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", emp.ID, dep, root)).ok()
		e.get("func=employee&auth=" + sid).ok()

		// An excluded (inactive) membership grants nothing.
		e.get(fmt.Sprintf("func=employee.department.suspend&plid=%d&elid=%s&sok=ok&auth=%s", emp.ID, dep, root)).ok()
		e.get("func=employee&auth="+sid).fails("access", "employee")
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", emp.ID, dep, root)).ok()

		// A personal deny wins over the department; deleting it lets the department decide.
		e.get(fmt.Sprintf("func=rights2.user.suspend&plid=%d&elid=employee&sok=ok&auth=%s", emp.ID, root)).ok()
		e.get("func=employee&auth="+sid).fails("access", "employee")
		rows := e.get(fmt.Sprintf("func=rights2.user&plid=%d&elid=employee&auth=%s", emp.ID, root)).rows()
		if len(rows) != 1 || rows[0]["access"] != "off" || rows[0]["source"] != "personal" {
			t.Errorf("after a personal deny: %v", rows)
		}
		e.get(fmt.Sprintf("func=rights2.user.delete&plid=%d/employee&elid=employee&sok=ok&auth=%s", emp.ID, root)).ok()
		e.get("func=employee&auth=" + sid).ok()
		rows = e.get(fmt.Sprintf("func=rights2.user&plid=%d&elid=employee&auth=%s", emp.ID, root)).rows()
		if rows[0]["access"] != "on" || rows[0]["source"] != "department Billing" {
			t.Errorf("from the department: %v", rows)
		}

		// A personal allow adds to what departments grant.
		e.get("func=session&auth="+sid).fails("access", "session")
		e.get("func=session.filter&auth="+sid).fails("access", "session.filter")
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=session&sok=ok&auth=%s", emp.ID, root)).ok()
		e.get("func=session&auth=" + sid).ok()
		e.get("func=session.filter&auth=" + sid).ok() // X.filter goes with X

		// Withdrawing the department's grant applies at once.
		e.get("func=rights2.group.suspend&plid=" + dep + "&elid=employee&sok=ok&auth=" + root).ok()
		e.get("func=employee&auth="+sid).fails("access", "employee")
		if rows := e.get("func=rights2.group&plid=" + dep + "&filter=on&access=on&auth=" + root).rows(); len(rows) != 0 {
			t.Errorf("department still grants %v", rows)
		}

		// Full access opens everything, and its rights cannot change one by one.
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&default_access_allow=on&sok=ok&auth=%s", emp.ID, root)).ok()
		e.get("func=employee&auth=" + sid).ok()
		e.get(fmt.Sprintf("func=rights2.user.suspend&plid=%d&elid=employee&sok=ok&auth=%s", emp.ID, root)).fails("value", "plid")
		for _, row := range e.get(fmt.Sprintf("func=rights2.user&plid=%d&auth=%s&p_cnt=1000", emp.ID, root)).rows() {
			if row["access"] != "on" || row["source"] != "full access" {
				t.Fatalf("full access row %v", row)
			}
		}
	})
}

func TestRightsListAndGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		emp := MustCreateEmployee(t, e.db, "petr", rights.Admin)
		all := e.get(fmt.Sprintf("func=rights2.user&elid=%d&p_cnt=1000&auth=%s", emp.ID, root))
		if all.text("plid") != fmt.Sprint(emp.ID) || all.text("plname") != "petr" {
			t.Errorf("plid/plname: %s", all.body)
		}
		names := map[string]bool{}
		for _, row := range all.rows() {
			names[row["name"]] = true
			if row["access"] != "off" || row["source"] != "none" || row["caption"] == "" || row["object"] != strings.Split(row["name"], ".")[0] {
				t.Errorf("row of a new employee: %v", row)
			}
		}
		if !names["employee.edit"] || names["employee.filter"] || names["whoami"] || names["auth"] {
			t.Errorf("catalog %v", names)
		}
		if got := e.get(fmt.Sprintf("func=rights2.user&plid=%d&filter=on&caption=*sessions*&auth=%s", emp.ID, root)).column("name"); len(got) == 0 {
			t.Error("caption filter found nothing")
		} else {
			for _, n := range got {
				if !strings.HasPrefix(n, "session") && !strings.HasPrefix(n, "employee") {
					t.Errorf("caption *sessions* matched %s", n)
				}
			}
		}
		e.get(fmt.Sprintf("func=rights2.user&plid=%d&filter=on&access=maybe&auth=%s", emp.ID, root)).fails("value", "access")
		e.get("func=rights2.user&plid=999999&auth="+root).fails("missed", "plid")
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=nosuch&sok=ok&auth=%s", emp.ID, root)).fails("missed", "elid")
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=whoami&sok=ok&auth=%s", emp.ID, root)).fails("missed", "elid")
		// Without sok nothing changes.
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=employee&auth=%s", emp.ID, root)).ok()
		if rows := e.get(fmt.Sprintf("func=rights2.user&plid=%d&elid=employee&auth=%s", emp.ID, root)).rows(); rows[0]["access"] != "off" {
			t.Errorf("changed without sok: %v", rows)
		}
		// A group change is all or nothing.
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=employee,nosuch&sok=ok&auth=%s", emp.ID, root)).fails("missed", "elid")
		if rows := e.get(fmt.Sprintf("func=rights2.user&plid=%d&elid=employee&auth=%s", emp.ID, root)).rows(); rows[0]["access"] != "off" {
			t.Errorf("half a group change stayed: %v", rows)
		}

		// An employee with the rights to manage rights still cannot change their own,
		// nor hand out a right they do not hold.
		for _, r := range []string{"rights2.user", "rights2.user.resume", "rights2.group.resume"} {
			e.grant(root, emp.ID, r)
		}
		other := MustCreateEmployee(t, e.db, "vera", rights.Admin)
		sid := e.login("petr")
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=employee&sok=ok&auth=%s", emp.ID, sid)).fails("access", "plid")
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=employee&sok=ok&auth=%s", other.ID, sid)).fails("access", "elid")
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=rights2.user&sok=ok&auth=%s", other.ID, sid)).ok()
		e.get("func=rights2.group.resume&plid=1&elid=employee.delete&sok=ok&auth="+sid).fails("access", "elid")
		// Nobody below root manages root's rights.
		e.get("func=rights2.user&plid=1&auth="+sid).fails("access", "plid")
	})
}

func TestIPAllowList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		emp := MustCreateAccount(t, e.db, "irina", rights.Admin)
		sid := e.login("irina")
		e.get(fmt.Sprintf("func=session.newkey&username=irina&key=%s&auth=%s", strings.Repeat("k", 20), root)).ok()

		e.get(fmt.Sprintf("func=employee.edit&elid=%d&all_ip_access=off&ip_access=192.0.2.0/24&sok=ok&auth=%s", emp.ID, root)).ok()
		// Every method of logging in, and the session already open, are refused from 127.0.0.1.
		e.get("func=whoami&auth="+sid).fails("access", "ip")
		e.get("func=auth&username=irina&password="+url.QueryEscape(Password)).fails("access", "ip")
		e.get("func=whoami&authinfo=irina:"+url.QueryEscape(Password)).fails("access", "ip")
		e.get("func=auth&username=irina&key="+strings.Repeat("k", 20)).fails("access", "ip")

		// Allowing the address lets the same session work again: nothing was cached.
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&ip_access=192.0.2.0/24,%%20127.0.0.1&sok=ok&auth=%s", emp.ID, root)).ok()
		e.get("func=whoami&auth=" + sid).ok()
		e.get("func=whoami&authinfo=irina:" + url.QueryEscape(Password)).ok()

		// Root cannot save a list of its own that leaves out its current address.
		e.get("func=employee.edit&elid=1&all_ip_access=off&ip_access=192.0.2.1&sok=ok&auth="+root).fails("value", "ip_access")
		e.get("func=employee.edit&elid=1&all_ip_access=off&ip_access=127.0.0.0/8&sok=ok&auth=" + root).ok()
		e.get("func=whoami&auth=" + root).ok()
	})
}

// TestForwardedFor: X-Forwarded-For names the client only when the connection comes
// from a trusted proxy.
func TestForwardedFor(t *testing.T) {
	t.Parallel()
	whoFrom := func(e *env, xff string) *resp {
		e.t.Helper()
		req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/billmgr?out=json&func=whoami&authinfo=irina:"+url.QueryEscape(Password), nil)
		if err != nil {
			e.t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-For", xff)
		return e.request(req)
	}
	setup := func(t *testing.T, e *env) {
		emp := MustCreateAccount(t, e.db, "irina", rights.Admin)
		if err := e.db.Model(emp).Updates(map[string]any{"all_ip_access": false, "ip_access": "198.51.100.7"}).Error; err != nil {
			t.Fatal(err)
		}
	}
	eachEnv(t, func(t *testing.T, e *env) {
		setup(t, e)
		whoFrom(e, "198.51.100.7").fails("access", "ip") // no proxy is trusted: the header is ignored
	})
	eachEnvConfig(t, func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} }, func(t *testing.T, e *env) {
		setup(t, e)
		whoFrom(e, "198.51.100.7").ok()
		whoFrom(e, "198.51.100.7").ok()                               // the credential is clear from this address now
		whoFrom(e, "198.51.100.7, 203.0.113.9").fails("access", "ip") // the proxy saw 203.0.113.9
	})
}

func TestEmployeeSu(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		anna := MustCreateEmployee(t, e.db, "anna", rights.Admin)
		full := MustCreateAccount(t, e.db, "fedor", rights.Admin) // full access
		boss := MustCreateEmployee(t, e.db, "boss", rights.Admin)
		for _, r := range []string{"employee.su", "employee", "department"} {
			e.grant(root, boss.ID, r)
		}
		bossSID := e.login("boss")

		r := e.get(fmt.Sprintf("func=employee.su&elid=%d&reason=ticket%%2042&auth=%s", anna.ID, bossSID)).ok()
		if _, ok := r.doc["ok"]; !ok {
			t.Fatalf("no ok: %s", r.body)
		}
		auth := r.obj("auth")
		suSID, _ := auth["$id"].(string)
		if suSID == "" || auth["$"] != suSID {
			t.Fatalf("auth %v", auth)
		}
		if got := e.get("func=whoami&auth=" + suSID).obj("user")["$name"]; got != "anna" {
			t.Errorf("su session acts as %v", got)
		}
		// The journal keeps who opened it and why.
		opened := e.get("func=journal&filter=on&funcname=employee.su&auth=" + root).rows()
		if len(opened) != 1 || opened[0]["account"] != "boss" || !strings.Contains(opened[0]["params"], "ticket 42") {
			t.Errorf("journal of employee.su: %v", opened)
		}
		// What the su session does is recorded with both accounts.
		e.get(fmt.Sprintf("func=department.filter&name=x*&sok=ok&auth=%s", suSID)).fails("access", "department.filter")
		e.grant(root, anna.ID, "department")
		e.get(fmt.Sprintf("func=department.filter&name=x*&sok=ok&auth=%s", suSID)).ok()
		done := e.get("func=journal&filter=on&funcname=department.filter&auth=" + root).rows()
		if len(done) != 1 || done[0]["account"] != "anna" || done[0]["real_account"] != "boss" {
			t.Errorf("journal inside the su session: %v", done)
		}
		e.get(fmt.Sprintf("func=rights2.user.delete&plid=%d&elid=employee&sok=ok&auth=%s", anna.ID, root)).ok()
		// The su session has anna's rights, not the opener's.
		e.get("func=employee&auth="+suSID).fails("access", "employee")
		// The opener's own session is untouched.
		if got := e.get("func=whoami&auth=" + bossSID).obj("user")["$name"]; got != "boss" {
			t.Errorf("opener's session acts as %v", got)
		}
		// No su from inside an su session, by func or by parameter.
		e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", boss.ID, suSID)).fails("access", "")
		// chlevel&lp=1 ends it.
		e.get("func=chlevel&lp=1&auth=" + suSID).ok()
		e.get("func=whoami&auth="+suSID).fails("access", "session")
		e.get("func=whoami&auth=" + bossSID).ok()

		// Guards.
		e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", full.ID, bossSID)).fails("access", "elid")
		e.get("func=employee.su&elid=1&auth="+bossSID).fails("access", "elid")
		e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", boss.ID, bossSID)).fails("value", "elid")
		e.get("func=employee.su&elid=999999&auth="+bossSID).fails("missed", "elid")
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", anna.ID, root)).ok()
		e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", anna.ID, bossSID)).fails("value", "elid")
		e.get(fmt.Sprintf("func=employee.resume&elid=%d&sok=ok&auth=%s", anna.ID, root)).ok()
		// Root may act as a full-access employee.
		e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", full.ID, root)).ok()
		// Without the right, no su.
		MustCreateEmployee(t, e.db, "nobody", rights.Admin)
		e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", anna.ID, e.login("nobody"))).fails("access", "employee.su")

		// An su session ends when its opener is suspended.
		suSID = e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", anna.ID, bossSID)).ok().obj("auth")["$id"].(string)
		e.get("func=whoami&auth=" + suSID).ok()
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", boss.ID, root)).ok()
		e.get("func=whoami&auth="+suSID).fails("access", "session")
	})
}

func TestSuParameter(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		anna := MustCreateEmployee(t, e.db, "anna", rights.Admin)
		MustCreateAccount(t, e.db, "fedor", rights.Admin)
		boss := MustCreateEmployee(t, e.db, "boss", rights.Admin)
		e.grant(root, boss.ID, "employee.su")
		bossSID := e.login("boss")

		if got := e.get("func=whoami&su=anna&auth=" + bossSID).obj("user")["$name"]; got != "anna" {
			t.Errorf("su=anna acts as %v", got)
		}
		if got := e.get(fmt.Sprintf("func=whoami&su=%d&auth=%s", anna.ID, bossSID)).obj("user")["$name"]; got != "anna" {
			t.Errorf("su=ID acts as %v", got)
		}
		// One request only: the session still acts as boss.
		if got := e.get("func=whoami&auth=" + bossSID).obj("user")["$name"]; got != "boss" {
			t.Errorf("after su=: %v", got)
		}
		// The request runs with anna's rights.
		e.get("func=session&su=anna&auth="+root).fails("access", "session")
		e.get("func=whoami&su=fedor&auth="+bossSID).fails("access", "su")
		e.get("func=whoami&su=root&auth="+bossSID).fails("access", "su")
		e.get("func=whoami&su=nosuch&auth="+bossSID).fails("missed", "su")
		MustCreateEmployee(t, e.db, "nobody", rights.Admin)
		e.get("func=whoami&su=anna&auth="+e.login("nobody")).fails("access", "su")
		MustCreateAccount(t, e.db, "client", rights.User)
		e.get("func=whoami&su=anna&authinfo=client:"+url.QueryEscape(Password)).fails("access", "su")
	})
}

func TestSuPolicy(t *testing.T) {
	t.Parallel()
	eachEnvConfig(t, func(c *Config) {
		c.Su = SuPolicy{Lifetime: time.Nanosecond, AdminToAdmin: true, ReasonRequired: true}
	}, func(t *testing.T, e *env) {
		anna := MustCreateEmployee(t, e.db, "anna", rights.Admin)
		full := MustCreateAccount(t, e.db, "fedor", rights.Admin)
		MustCreateAccount(t, e.db, "boss", rights.Admin)
		boss := e.login("boss")
		e.get(fmt.Sprintf("func=employee.su&elid=%d&auth=%s", anna.ID, boss)).fails("value", "reason")
		e.get(fmt.Sprintf("func=employee.su&elid=%d&reason=%s&auth=%s", anna.ID, strings.Repeat("x", 501), boss)).fails("value", "reason")
		// Admins may act as full-access employees when the restriction is off.
		e.get(fmt.Sprintf("func=employee.su&elid=%d&reason=audit&auth=%s", full.ID, boss)).ok()
		// An su session past its lifetime is over.
		sid := e.get(fmt.Sprintf("func=employee.su&elid=%d&reason=audit&auth=%s", anna.ID, boss)).ok().obj("auth")["$id"].(string)
		e.get("func=whoami&auth="+sid).fails("access", "session")
		if n, err := countSessions(e, anna.ID); err != nil || n != 0 {
			t.Errorf("expired su session still stored: %d %v", n, err)
		}
	})
}

func countSessions(e *env, account int64) (int64, error) {
	var n int64
	err := e.db.Table("sessions").Where("account_id = ?", account).Count(&n).Error
	return n, err
}

// TestRightsWithoutPlid: rights2.user, .resume, .suspend and .delete as the
// reference spells them, with no employee parameter and elid the right names. The
// list opened with elid=EMPLOYEE (the client area's spelling) or plid names the
// employee, and the session remembers them for the calls that name none; the
// implied plid is the request's, in the answer and the journal, and every guard
// applies to it.
func TestRightsWithoutPlid(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		emp := MustCreateEmployee(t, e.db, "olga", rights.Admin)
		other := MustCreateEmployee(t, e.db, "petr", rights.Admin)
		mgr := MustCreateEmployee(t, e.db, "mgr", rights.Admin)
		root := e.login("root")
		for _, r := range []string{"rights2.user", "rights2.user.resume", "ticket"} {
			e.grant(root, mgr.ID, r)
		}
		held := func(id int64) map[string]string {
			t.Helper()
			out := map[string]string{}
			for _, row := range e.get(fmt.Sprintf("func=rights2.user&plid=%d&p_cnt=1000&authinfo=root:%s", id, Password)).rows() {
				out[row["name"]] = row["source"]
			}
			return out
		}

		// Nothing names the employee yet: a value error on plid, with plid's (empty) value.
		for _, q := range []string{"func=rights2.user", "func=rights2.user&elid=ticket",
			"func=rights2.user.resume&elid=ticket&sok=ok", "func=rights2.user.suspend&elid=ticket&sok=ok"} {
			for _, auth := range []string{"&auth=" + root, "&authinfo=root:" + Password} {
				if r := e.get(q+auth).fails("value", "plid"); r.errValue() != "" {
					t.Errorf("%s: value %q", q, r.errValue())
				}
			}
		}

		// Opened for olga; elid is then a filter of right names, plid implied.
		if r := e.get(fmt.Sprintf("func=rights2.user&elid=%d&auth=%s", emp.ID, root)); r.text("plid") != fmt.Sprint(emp.ID) || len(r.rows()) < 10 {
			t.Fatalf("opened by elid: %s", r.body)
		}
		r := e.get("func=rights2.user&elid=" + url.QueryEscape("ticket, journal") + "&auth=" + root)
		if got := r.column("name"); fmt.Sprint(got) != "[journal ticket]" || r.text("plid") != fmt.Sprint(emp.ID) || r.text("plname") != "olga" {
			t.Errorf("the filter on the remembered employee: %s", r.body)
		}
		if tp, _ := r.doc["tparams"].(map[string]any); tp["plid"] == nil {
			t.Errorf("the implied plid is not in tparams: %s", r.body)
		}
		e.get("func=rights2.user.resume&elid=ticket&sok=ok&auth=" + root).ok()
		e.get("func=rights2.user.suspend&elid=journal&sok=ok&auth=" + root).ok()
		if got := held(emp.ID); got["ticket"] != "personal" || got["journal"] != "personal" {
			t.Errorf("olga's rights: %v", got)
		}
		var row struct{ Params string }
		if err := e.db.Table("journal").Where("func = ?", "rights2.user.resume").Order("id DESC").Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(row.Params, fmt.Sprintf(`"plid":"%d"`, emp.ID)) {
			t.Errorf("the journal does not name the employee: %s", row.Params)
		}
		e.get("func=rights2.user.delete&elid=" + url.QueryEscape("ticket, journal") + "&sok=ok&auth=" + root).ok()
		if got := held(emp.ID); got["ticket"] != "none" || got["journal"] != "none" {
			t.Errorf("olga's rights after delete: %v", got)
		}

		// An explicit plid wins and is not remembered; listing another remembers them.
		e.get(fmt.Sprintf("func=rights2.user.resume&plid=%d&elid=ticket&sok=ok&auth=%s", other.ID, root)).ok()
		e.get("func=rights2.user.resume&elid=journal&sok=ok&auth=" + root).ok()
		if got := held(emp.ID)["journal"]; got != "personal" {
			t.Errorf("the action without plid after an explicit one: olga's journal is %q", got)
		}
		e.get(fmt.Sprintf("func=rights2.user&plid=%d&auth=%s", other.ID, root)).ok()
		e.get("func=rights2.user.suspend&elid=ticket&sok=ok&auth=" + root).ok()
		if got := held(other.ID)["ticket"]; got != "personal" {
			t.Errorf("petr's ticket after listing him: %q", got)
		}
		// An id in elid names the employee, whatever the session remembers.
		if r := e.get(fmt.Sprintf("func=rights2.user&elid=%d&auth=%s", emp.ID, root)); r.text("plid") != fmt.Sprint(emp.ID) {
			t.Errorf("elid=ID with another remembered: %s", r.body)
		}

		// Another session of the same account remembers nothing.
		e.get("func=rights2.user.resume&elid=ticket&sok=ok&auth="+e.login("root")).fails("value", "plid")

		// The remembered employee is gone: missed on plid, with the implied plid.
		e.get(fmt.Sprintf("func=rights2.user&elid=%d&auth=%s", other.ID, root)).ok()
		e.get(fmt.Sprintf("func=employee.delete&elid=%d&sok=ok&auth=%s", other.ID, root)).ok()
		if r := e.get("func=rights2.user.resume&elid=ticket&sok=ok&auth="+root).fails("missed", "plid"); r.errValue() != fmt.Sprint(other.ID) {
			t.Errorf("value %q, want %d", r.errValue(), other.ID)
		}
		// A plid spelled ID/OBJECT is named as sent.
		if r := e.get("func=rights2.user.resume&plid=999/ticket&elid=ticket&sok=ok&auth="+root).fails("missed", "plid"); r.errValue() != "999/ticket" {
			t.Errorf("value %q, want 999/ticket", r.errValue())
		}

		// The guards apply to the implied plid: nobody changes their own rights.
		sid := e.login("mgr")
		e.get(fmt.Sprintf("func=rights2.user&elid=%d&auth=%s", mgr.ID, sid)).ok()
		if r := e.get("func=rights2.user.resume&elid=ticket&sok=ok&auth="+sid).fails("access", "plid"); r.errValue() != fmt.Sprint(mgr.ID) {
			t.Errorf("own rights: value %q", r.errValue())
		}
	})
}
