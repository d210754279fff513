package handlers

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"

	"staffmgr/rights"
)

// dialling is a department's dialling order through department.number, as
// "employee:number:available" in order, and the entries' ids.
func (e *env) dialling(auth, department string) (got []string, ids []string) {
	e.t.Helper()
	for i, r := range e.get("func=department.number&plid=" + department + "&auth=" + auth).rows() {
		if r["position"] != fmt.Sprint(i+1) {
			e.t.Errorf("row %d has position %q", i, r["position"])
		}
		got = append(got, r["employee"]+":"+r["number"]+":"+r["available"])
		ids = append(ids, r["id"])
	}
	return got, ids
}

func mustInt(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDepartmentNumbers: a department's dialling order and its member numbers'
// availability, which update.group_employees_numbers sets, read and set through
// the form API, the same through both.
func TestDepartmentNumbers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		ann := MustCreateEmployee(t, e.db, "ann", rights.Admin)
		bob := MustCreateEmployee(t, e.db, "bob", rights.Admin)
		for _, n := range []struct {
			id     int64
			number string
		}{{ann.ID, "111"}, {ann.ID, "112"}, {bob.ID, "221"}} {
			e.get(fmt.Sprintf("func=employee.phone.edit&plid=%d&number=%s&sok=ok&auth=%s", n.id, n.number, root)).ok()
		}
		dep := e.get("func=department.edit&name=Hotline&sok=ok&auth=" + root).ok().text("id")
		for _, a := range []int64{ann.ID, bob.ID} {
			e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", a, dep, root)).ok()
		}

		got, ids := e.dialling(root, dep)
		if want := []string{"ann:111:on", "ann:112:on", "bob:221:on"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("dialling order %v, want %v", got, want)
		}
		if f := e.get("func=department.number.edit&plid=" + dep + "&elid=" + ids[1] + "&auth=" + root).ok(); f.text("position") != "2" ||
			f.text("available") != "on" || f.text("number") != "112" || f.text("employee") != "ann" {
			t.Errorf("form: %s", f.body)
		}

		// bob's number first and unavailable; then ann's second suspended and resumed.
		e.get("func=department.number.edit&plid=" + dep + "&elid=" + ids[2] + "&position=1&available=off&sok=ok&auth=" + root).ok()
		e.get("func=department.number.suspend&plid=" + dep + "&elid=" + ids[0] + ",+" + ids[1] + "&sok=ok&auth=" + root).ok()
		e.get("func=department.number.resume&plid=" + dep + "&elid=" + ids[1] + "&sok=ok&auth=" + root).ok()
		want := []string{"bob:221:off", "ann:111:off", "ann:112:on"}
		if got, _ := e.dialling(root, dep); !reflect.DeepEqual(got, want) {
			t.Errorf("dialling order %v, want %v", got, want)
		}
		// A position past the end is the last place.
		e.get("func=department.number.edit&plid=" + dep + "&elid=" + ids[2] + "&position=50&sok=ok&auth=" + root).ok()
		want = []string{"ann:111:off", "ann:112:on", "bob:221:off"}
		if got, _ := e.dialling(root, dep); !reflect.DeepEqual(got, want) {
			t.Errorf("dialling order %v, want %v", got, want)
		}
		// The Data API reads the same order.
		if got, _ := groupNumbers(e.group(token, mustInt(t, dep))); !reflect.DeepEqual(got, []string{"111:false", "112:true", "221:false"}) {
			t.Errorf("get.group_employees: %v", got)
		}

		e.get("func=department.number.edit&plid="+dep+"&elid=999999&position=1&sok=ok&auth="+root).fails("missed", "elid")
		e.get("func=department.number.edit&plid="+dep+"&elid="+ids[0]+"&position=0&sok=ok&auth="+root).fails("value", "position")
		e.get("func=department.number.edit&plid=999999&elid="+ids[0]+"&position=1&sok=ok&auth="+root).fails("missed", "plid")
		e.get("func=department.number.edit&plid="+dep+"&position=1&sok=ok&auth="+root).fails("value", "elid")
		e.get("func=department.number.suspend&plid="+dep+"&elid=999999&sok=ok&auth="+root).fails("missed", "elid")
		// A number of someone who is not a member is not the department's.
		carl := MustCreateEmployee(t, e.db, "carl", rights.Admin)
		e.get(fmt.Sprintf("func=employee.phone.edit&plid=%d&number=331&sok=ok&auth=%s", carl.ID, root)).ok()
		_, carls := e.dialling(root, dep)
		if len(carls) != 3 {
			t.Errorf("a non-member's number is in the order: %v", carls)
		}
		if got, _ := e.dialling(root, dep); !reflect.DeepEqual(got, want) {
			t.Errorf("refused changes changed the order: %v", got)
		}
	})
}

// TestDepartmentNumbersGuards: changing the order needs department.edit and
// dominance over every member, as update.group_employees_numbers does; reading it
// needs department.
func TestDepartmentNumbersGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		ann := MustCreateEmployee(t, e.db, "ann", rights.Admin)
		e.get(fmt.Sprintf("func=employee.phone.edit&plid=%d&number=111&sok=ok&auth=%s", ann.ID, root)).ok()
		dep := e.get("func=department.edit&name=Hotline&sok=ok&auth=" + root).ok().text("id")
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", ann.ID, dep, root)).ok()
		_, ids := e.dialling(root, dep)

		reader := MustCreateEmployee(t, e.db, "reader", rights.Admin)
		e.grant(root, reader.ID, "department")
		narrow := MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		e.grant(root, narrow.ID, "department")
		e.grant(root, narrow.ID, "department.edit")
		rsid, nsid := e.login("reader"), e.login("narrow")

		if got, _ := e.dialling(rsid, dep); len(got) != 1 {
			t.Errorf("reader sees %v", got)
		}
		if r := e.get("func=department.number.edit&plid=" + dep + "&elid=" + ids[0] + "&available=off&sok=ok&auth=" + rsid); !isAccessError(r, "") {
			t.Errorf("without department.edit: %s", r.body)
		}
		if r := e.get("func=department.number.suspend&plid=" + dep + "&elid=" + ids[0] + "&sok=ok&auth=" + rsid); !isAccessError(r, "") {
			t.Errorf("without department.edit: %s", r.body)
		}
		// The narrow admin dominates ann.
		e.get("func=department.number.suspend&plid=" + dep + "&elid=" + ids[0] + "&sok=ok&auth=" + nsid).ok()

		// With root in the group, nothing of its order is the narrow admin's.
		var rootID int64
		if err := e.db.Raw("SELECT id FROM accounts WHERE login = ?", "root").Scan(&rootID).Error; err != nil {
			t.Fatal(err)
		}
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", rootID, dep, root)).ok()
		e.get(fmt.Sprintf("func=employee.phone.edit&plid=%d&number=999&sok=ok&auth=%s", rootID, root)).ok()
		before, ids := e.dialling(root, dep)
		e.get("func=department.number.resume&plid="+dep+"&elid="+ids[0]+"&sok=ok&auth="+nsid).fails("access", "plid")
		e.get("func=department.number.edit&plid="+dep+"&elid="+ids[1]+"&position=1&sok=ok&auth="+nsid).fails("access", "plid")
		if after, _ := e.dialling(root, dep); !reflect.DeepEqual(after, before) {
			t.Errorf("refused changes changed the order: %v, was %v", after, before)
		}
		// root may.
		e.get("func=department.number.edit&plid=" + dep + "&elid=" + ids[1] + "&position=1&sok=ok&auth=" + root).ok()
		if after, _ := e.dialling(root, dep); after[0] != before[1] {
			t.Errorf("root's move: %v", after)
		}
	})
}
