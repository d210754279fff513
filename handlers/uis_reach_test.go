package handlers

import (
	"fmt"
	"testing"

	"staffmgr/rights"
)

// TestUISReachesOnlyDominatedHolders: what one employee shares with others (a phone
// number's settings, a position's name, a group's dialling) changes only when the
// caller dominates every one of them; a refused call is journaled with its cause.
func TestUISReachesOnlyDominatedHolders(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, rootToken := e.newToken(root, "")
		narrow := MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		for _, right := range []string{"employee", "employee.edit", "position", "position.edit", "department", "department.edit",
			"employee.phone.edit", "employee.phone.delete"} {
			e.grant(root, narrow.ID, right)
		}
		low := MustCreateEmployee(t, e.db, "low", rights.Admin)
		e.grant(root, low.ID, "employee")
		token := e.rpcLogin("narrow")

		// A number root holds too: its settings are root's as much as low's.
		e.call(rootToken, "update.employees", map[string]any{"id": 1, "phone_numbers": []any{number("74950000001")}}).ok()
		e.call(rootToken, "update.employees", map[string]any{"id": low.ID, "phone_numbers": []any{number("74950000001")}}).ok()
		shared := map[string]any{"phone_number": "74950000001", "dial_time": 5}
		e.call(token, "update.employees", map[string]any{"id": low.ID, "phone_numbers": []any{shared}}).
			fails(-32003, "forbidden", "phone_numbers")
		if got := fmt.Sprint(e.employee(rootToken, 1)["phone_numbers"]); got != "[map[channels_count:1 dial_time:60 phone_number:74950000001 status:active]]" {
			t.Errorf("root's number after a refused change: %s", got)
		}
		// The same list, settings unchanged, is low's to keep.
		e.call(token, "update.employees", map[string]any{"id": low.ID, "phone_numbers": []any{number("74950000001")}}).ok()

		// A position root holds: renaming it changes root's card.
		pos := e.call(rootToken, "create.employee_positions", map[string]any{"name": "Chief"}).ok().Result["id"]
		e.get("func=employee.edit&elid=1&position=Chief&sok=ok&auth=" + root).ok()
		e.call(token, "update.employee_positions", map[string]any{"id": pos, "name": "Intern"}).fails(-32003, "forbidden", "id")
		e.grant(root, narrow.ID, "position.delete")
		e.call(token, "delete.employee_positions", map[string]any{"id": pos}).fails(-32003, "forbidden", "id")
		if rows := e.get("func=employee&filter=on&name=root&auth=" + root).rows(); len(rows) != 1 || rows[0]["position"] != "Chief" {
			t.Errorf("root's position after a refused rename: %v", rows)
		}

		// A group with root in it: the dialling of root's number is root's.
		group := e.call(rootToken, "create.group_employees", map[string]any{"name": "Top", "members": []any{1}}).ok().Result["id"]
		_, ids := groupNumbers(e.group(rootToken, group))
		e.call(token, "update.group_employees_numbers", map[string]any{"id": group, "phone_numbers": []any{
			map[string]any{"employee_phone_number_id": ids[0], "available": false}}}).fails(-32003, "forbidden", "id")
		if got, _ := groupNumbers(e.group(rootToken, group)); fmt.Sprint(got) != "[74950000001:true]" {
			t.Errorf("root's dialling after a refused change: %v", got)
		}

		// A param that a form-API func of its own changes needs that func's right too.
		plain := MustCreateEmployee(t, e.db, "plain", rights.Admin)
		for _, right := range []string{"employee", "employee.edit"} {
			e.grant(root, plain.ID, right)
		}
		plainToken := e.rpcLogin("plain")
		e.call(plainToken, "update.employees", map[string]any{"id": low.ID, "status": "break"}).fails(-32003, "forbidden", "status")
		e.call(plainToken, "update.employees", map[string]any{"id": low.ID, "phone_numbers": []any{}}).
			fails(-32003, "forbidden", "phone_numbers")
		e.call(plainToken, "update.employees", map[string]any{"id": low.ID, "first_name": "Low"}).ok()

		// A refused parameter is journaled as the value error it is, not as internal.
		e.call(token, "update.employees", map[string]any{"id": low.ID, "first_name": 5}).fails(-32602, "invalid_parameter_value", "first_name")
		rows := e.get("func=journal&p_cnt=1&auth=" + root).rows()
		if len(rows) != 1 || rows[0]["result"] != "value" || rows[0]["error_object"] != "first_name" {
			t.Errorf("journal row of a refused parameter: %v", rows)
		}
	})
}
