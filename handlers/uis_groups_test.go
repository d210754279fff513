package handlers

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"staffmgr/rights"
)

// group reads one group through get.group_employees.
func (e *env) group(token string, id any) map[string]any {
	e.t.Helper()
	rows := e.call(token, "get.group_employees", map[string]any{"filter": map[string]any{"field": "id", "operator": "=", "value": id}}).data()
	if len(rows) != 1 {
		e.t.Fatalf("group %v: %v", id, rows)
	}
	return rows[0]
}

// groupNumbers are a group's numbers as "number:available", in order, and their ids.
func groupNumbers(g map[string]any) (got []string, ids []any) {
	for _, n := range g["phone_numbers"].([]any) {
		m := n.(map[string]any)
		got = append(got, fmt.Sprintf("%v:%v", m["employee_phone_number"], m["available"]))
		ids = append(ids, m["employee_phone_number_id"])
	}
	return got, ids
}

func TestUISGroups(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		ann := e.call(token, "create.employees", map[string]any{"last_name": "Ann", "phone_numbers": []any{number("111"), number("112")}}).ok().Result["id"]
		bob := e.call(token, "create.employees", map[string]any{"last_name": "Bob", "phone_numbers": []any{number("221")}}).ok().Result["id"]

		id := e.call(token, "create.group_employees", map[string]any{"name": "Hotline", "members": []any{ann, bob},
			"group_phone_number": 300, "queue_enabled": true, "channels_count": 5}).ok().Result["id"]
		g := e.group(token, id)
		want := map[string]any{"id": id, "name": "Hotline", "group_phone_number": float64(300), "queue_enabled": true, "channels_count": float64(5),
			"members": []any{map[string]any{"employee_id": ann, "employee_full_name": "Ann"}, map[string]any{"employee_id": bob, "employee_full_name": "Bob"}}}
		numbers, ids := groupNumbers(g)
		delete(g, "phone_numbers")
		if !reflect.DeepEqual(g, want) {
			t.Errorf("group:\n%v\nwant\n%v", g, want)
		}
		if fmt.Sprint(numbers) != "[111:true 112:true 221:true]" {
			t.Errorf("numbers: %v", numbers)
		}
		// The same department through the form API, and the same members.
		if rows := e.get("func=employee&filter=on&department=Hotline&auth=" + root).rows(); len(rows) != 2 {
			t.Errorf("func=employee in Hotline: %v", rows)
		}
		if g := e.call(token, "get.employees", map[string]any{"filter": map[string]any{"field": "id", "operator": "=", "value": ann}}).data()[0]; len(g["groups"].([]any)) != 1 {
			t.Errorf("ann's groups: %v", g["groups"])
		}

		// Dialling order and availability of every number.
		e.call(token, "update.group_employees_numbers", map[string]any{"id": id, "phone_numbers": []any{
			map[string]any{"employee_phone_number_id": ids[2], "available": true},
			map[string]any{"employe_phone_number_id": ids[0], "available": false},
			map[string]any{"employee_phone_number_id": ids[1], "available": true},
		}}).ok()
		if got, _ := groupNumbers(e.group(token, id)); fmt.Sprint(got) != "[221:true 111:false 112:true]" {
			t.Errorf("after ordering: %v", got)
		}
		before := uisDigest(t, e)
		for name, list := range map[string][]any{
			"one left out": {map[string]any{"employee_phone_number_id": ids[2], "available": true}, map[string]any{"employee_phone_number_id": ids[0], "available": true}},
			"one twice": {map[string]any{"employee_phone_number_id": ids[2], "available": true}, map[string]any{"employee_phone_number_id": ids[2], "available": true},
				map[string]any{"employee_phone_number_id": ids[0], "available": true}, map[string]any{"employee_phone_number_id": ids[1], "available": true}},
			"a stranger": {map[string]any{"employee_phone_number_id": 9999, "available": true}},
		} {
			e.call(token, "update.group_employees_numbers", map[string]any{"id": id, "phone_numbers": list}).
				fails(-32602, "invalid_parameter_value", "phone_numbers")
			_ = name
		}
		e.call(token, "update.group_employees_numbers", map[string]any{"id": id, "phone_numbers": []any{map[string]any{"employee_phone_number_id": ids[0]}}}).
			fails(-32602, "required_parameter_missed", "phone_numbers[0].available")
		e.call(token, "update.group_employees_numbers", map[string]any{"id": id}).fails(-32602, "required_parameter_missed", "phone_numbers")
		e.call(token, "update.group_employees_numbers", map[string]any{"id": 999, "phone_numbers": []any{}}).fails(-32004, "entity_not_found", "id")
		if uisDigest(t, e) != before {
			t.Error("refused orders changed the database")
		}
		// A new number of a member comes last, available.
		e.call(token, "update.employees", map[string]any{"id": bob, "phone_numbers": []any{number("221"), number("222")}}).ok()
		if got, _ := groupNumbers(e.group(token, id)); fmt.Sprint(got) != "[221:true 111:false 112:true 222:true]" {
			t.Errorf("after bob's new number: %v", got)
		}

		// Members replaced: ann leaves.
		e.call(token, "update.group_employees", map[string]any{"id": id, "members": []any{bob}, "name": "Hot line", "group_phone_number": nil}).ok()
		g = e.group(token, id)
		if g["name"] != "Hot line" || g["group_phone_number"] != nil || len(g["members"].([]any)) != 1 || g["channels_count"] != float64(5) {
			t.Errorf("after the update: %v", g)
		}
		if got, _ := groupNumbers(g); fmt.Sprint(got) != "[221:true 222:true]" {
			t.Errorf("numbers after ann left: %v", got)
		}

		// Lists, filters, sorting.
		e.call(token, "create.group_employees", map[string]any{"name": "Back office", "group_phone_number": "301"}).ok()
		names := func(params map[string]any) string {
			var out []string
			for _, r := range e.call(token, "get.group_employees", params).data() {
				out = append(out, r["name"].(string))
			}
			return fmt.Sprint(out)
		}
		for query, want := range map[string]string{
			`{"sort":[{"field":"name","order":"asc"}],"filter":{"field":"id","operator":">","value":2}}`:                                    "[Back office Hot line]",
			`{"filter":{"field":"group_phone_number","operator":">=","value":301}}`:                                                         "[Back office]",
			`{"filter":{"field":"phone_number","operator":"=","value":"222"}}`:                                                              "[Hot line]",
			`{"filter":{"field":"queue_enabled","operator":"=","value":true}}`:                                                              "[Hot line]",
			`{"filter":{"field":"channels_count","operator":"in","value":[5,6]}}`:                                                           "[Hot line]",
			`{"filter":{"field":"name","operator":"like","value":"%office"}}`:                                                               "[Back office]",
			`{"sort":[{"field":"group_phone_number","order":"desc"}],"filter":{"field":"group_phone_number","operator":"!=","value":null}}`: "[Back office]",
		} {
			var params map[string]any
			if err := jsonUnmarshal(query, &params); err != nil {
				t.Fatal(err)
			}
			if got := names(params); got != want {
				t.Errorf("%s: %s, want %s", query, got, want)
			}
		}
		rows := e.call(token, "get.group_employees", map[string]any{"fields": []any{"name", "phone_number"}, "filter": map[string]any{"field": "id", "operator": "=", "value": id}}).data()
		if len(rows) != 1 || len(rows[0]) != 2 || rows[0]["phone_numbers"] == nil {
			t.Errorf("fields: %v", rows)
		}

		// Refusals.
		before = uisDigest(t, e)
		e.call(token, "create.group_employees", map[string]any{}).fails(-32602, "required_parameter_missed", "name")
		e.call(token, "create.group_employees", map[string]any{"name": "Hot line"}).fails(-32602, "duplicate_value", "name")
		e.call(token, "create.group_employees", map[string]any{"name": "A,B"}).fails(-32602, "invalid_parameter_value", "name")
		e.call(token, "create.group_employees", map[string]any{"name": "X", "group_phone_number": "301"}).fails(-32602, "duplicate_value", "group_phone_number")
		e.call(token, "create.group_employees", map[string]any{"name": "X", "group_phone_number": "012"}).fails(-32602, "invalid_parameter_value", "group_phone_number")
		e.call(token, "create.group_employees", map[string]any{"name": "X", "channels_count": 200}).fails(-32602, "invalid_parameter_value", "channels_count")
		e.call(token, "create.group_employees", map[string]any{"name": "X", "members": []any{999}}).fails(-32602, "invalid_parameter_value", "members")
		e.call(token, "update.group_employees", map[string]any{"id": 999, "name": "X"}).fails(-32004, "entity_not_found", "id")
		e.call(token, "update.group_employees", map[string]any{"id": id, "name": ""}).fails(-32602, "required_parameter_missed", "name")
		e.call(token, "get.group_employees", map[string]any{"sort": []any{map[string]any{"field": "channels_count", "order": "asc"}}}).
			fails(-32602, "invalid_parameter_value", "sort")
		if uisDigest(t, e) != before {
			t.Error("refused group calls changed the database")
		}

		// Deleting a group with members: they leave it.
		e.call(token, "delete.group_employees", map[string]any{"id": id}).ok()
		e.call(token, "delete.group_employees", map[string]any{"id": id}).fails(-32004, "entity_not_found", "id")
		if g := e.employee(token, bob); len(g["groups"].([]any)) != 0 {
			t.Errorf("bob's groups after the delete: %v", g["groups"])
		}
	})
}

// TestUISGroupGuards: members are memberships, under the rights and the dominance
// rule of employee.department.*.
func TestUISGroupGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		mgr := MustCreateEmployee(t, e.db, "mgr", rights.Admin)
		for _, r := range []string{"department", "department.edit"} {
			e.grant(root, mgr.ID, r)
		}
		plain := MustCreateEmployee(t, e.db, "plain", rights.Admin)
		wider := MustCreateEmployee(t, e.db, "wider", rights.Admin)
		e.grant(root, wider.ID, "journal")
		token := e.rpcLogin("mgr")
		e.call(token, "get.group_employees", nil).ok()
		id := e.call(token, "create.group_employees", map[string]any{"name": "Own"}).ok().Result["id"]
		e.call(token, "create.group_employees", map[string]any{"name": "X", "members": []any{plain.ID}}).fails(-32003, "forbidden", "members")
		e.call(token, "delete.group_employees", map[string]any{"id": id}).fails(-32003, "forbidden", "")
		for _, r := range []string{"employee.department.resume", "employee.department.delete", "department.delete"} {
			e.grant(root, mgr.ID, r)
		}
		before := uisDigest(t, e)
		r := e.call(token, "update.group_employees", map[string]any{"id": id, "members": []any{plain.ID, wider.ID}})
		r.fails(-32003, "forbidden", "members")
		if r.Error.Data["lacks"] != "journal" {
			t.Errorf("lacks: %s", r.body)
		}
		e.call(token, "update.group_employees", map[string]any{"id": id, "members": []any{mgr.ID}}).fails(-32003, "forbidden", "members")
		if uisDigest(t, e) != before {
			t.Error("refused member changes changed the database")
		}
		// A group that grants a right the caller lacks cannot take members from them.
		wide := e.get("func=department.edit&name=Wide&sok=ok&auth=" + root).ok().text("id")
		e.get("func=rights2.group.resume&plid=" + wide + "&elid=journal&sok=ok&auth=" + root).ok()
		e.call(token, "update.group_employees", map[string]any{"id": wide, "members": []any{plain.ID}}).fails(-32003, "forbidden", "members")
		e.call(token, "update.group_employees", map[string]any{"id": id, "members": []any{plain.ID}}).ok()
		e.call(token, "delete.group_employees", map[string]any{"id": id}).ok()
	})
}

func TestUISPositions(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		lead := e.call(token, "create.employee_positions", map[string]any{"name": "Lead"}).ok().Result["id"]
		e.call(token, "create.employee_positions", map[string]any{"name": "Agent"}).ok()
		e.call(token, "create.employee_positions", map[string]any{"name": "lead"}).fails(-32602, "duplicate_value", "name")
		e.call(token, "create.employee_positions", map[string]any{}).fails(-32602, "required_parameter_missed", "name")
		rows := e.call(token, "get.employee_positions", map[string]any{"sort": []any{map[string]any{"field": "name", "order": "asc"}}}).data()
		if len(rows) != 2 || rows[0]["name"] != "Agent" || rows[1]["id"] != lead {
			t.Errorf("positions: %v", rows)
		}
		e.call(token, "get.employee_positions", map[string]any{"sort": []any{map[string]any{"field": "id", "order": "asc"}}}).
			fails(-32602, "invalid_parameter_value", "sort")
		if rows := e.call(token, "get.employee_positions", map[string]any{"filter": map[string]any{"field": "name", "operator": "like", "value": "l%"}}).data(); len(rows) != 1 {
			t.Errorf("filtered: %v", rows)
		}

		// An operator holds it; the form API shows it as the position.
		emp := e.call(token, "create.employees", map[string]any{"last_name": "Op", "phone_numbers": []any{number("1")},
			"operator": map[string]any{"operator_login": "opr", "operator_password": "Str0ng-pass-1", "operator_position_id": lead}}).ok().Result["id"]
		e.call(token, "update.employee_positions", map[string]any{"id": lead, "name": "Team lead"}).ok()
		if rows := e.get("func=employee&filter=on&name=opr&auth=" + root).rows(); rows[0]["position"] != "Team lead" {
			t.Errorf("the form API's position: %v", rows)
		}
		if rows := e.get("func=position&auth=" + root).rows(); len(rows) != 2 || !strings.Contains(fmt.Sprint(rows), "employees:1") {
			t.Errorf("func=position: %v", rows)
		}
		e.call(token, "update.employee_positions", map[string]any{"id": 999, "name": "X"}).fails(-32004, "entity_not_found", "id")
		e.call(token, "delete.employee_positions", map[string]any{"id": lead}).ok()
		e.call(token, "delete.employee_positions", map[string]any{"id": lead}).fails(-32004, "entity_not_found", "id")
		op := e.employee(token, emp)["operator"].(map[string]any)
		if op["operator_position_id"] != nil || op["operator_position_name"] != "Team lead" {
			t.Errorf("after the position went: %v", op)
		}
		// The rights are position's.
		narrow := MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		e.grant(root, narrow.ID, "position")
		own := e.rpcLogin("narrow")
		e.call(own, "get.employee_positions", nil).ok()
		e.call(own, "create.employee_positions", map[string]any{"name": "X"}).fails(-32003, "forbidden", "")
	})
}
