package handlers

import (
	"encoding/json"

	"staffmgr/models"
)

// uisMethodTable lists every method of the UIS Data API and the form-API func whose
// level and right each needs: reading it tells what the Data API can do and who may
// do it, in the terms of the func table.
func uisMethodTable() []*uisMethod {
	return []*uisMethod{
		// Tokens of a session: login.user opens one, logout.user ends it.
		{Name: "login.user", Func: "auth", Open: true, Params: []string{"login", "password"}, Run: uisLogin},
		{Name: "logout.user", Func: "logout", Run: uisLogout},

		// Employees: the staff.
		{Name: "get.employees", Func: "employee", Params: listParams, Run: uisGetEmployees},
		{Name: "create.employees", Func: "employee.edit", Params: employeeParams, Writes: true, Run: uisCreateEmployee,
			Also: employeeAlso("employee.department.resume")},
		{Name: "update.employees", Func: "employee.edit", Params: append([]string{"id"}, employeeParams...), Writes: true, Run: uisUpdateEmployee,
			Also: employeeAlso("employee.department.resume", "employee.department.delete", "employee.phone.delete")},
		{Name: "delete.employees", Func: "employee.delete", Params: []string{"id"}, Writes: true, Run: uisDeleteEmployee},

		// Groups of employees: departments. Changing members is changing memberships.
		{Name: "get.group_employees", Func: "department", Params: listParams, Run: uisGetGroups},
		{Name: "create.group_employees", Func: "department.edit", Params: groupParams, Writes: true, Run: uisCreateGroup,
			Also: groupAlso("employee.department.resume")},
		{Name: "update.group_employees", Func: "department.edit", Params: append([]string{"id"}, groupParams...), Writes: true, Run: uisUpdateGroup,
			Also: groupAlso("employee.department.resume", "employee.department.delete")},
		{Name: "delete.group_employees", Func: "department.delete", Params: []string{"id"}, Writes: true, Run: uisDeleteGroup},
		{Name: "update.group_employees_numbers", Func: "department.edit", Params: []string{"id", "phone_numbers"}, Writes: true, Run: uisGroupNumbers},

		// Positions: the position records.
		{Name: "get.employee_positions", Func: "position", Params: listParams, Run: uisGetPositions},
		{Name: "create.employee_positions", Func: "position.edit", Params: []string{"name"}, Writes: true, Run: uisSavePosition(true)},
		{Name: "update.employee_positions", Func: "position.edit", Params: []string{"id", "name"}, Writes: true, Run: uisSavePosition(false)},
		{Name: "delete.employee_positions", Func: "position.delete", Params: []string{"id"}, Writes: true, Run: uisDeletePosition},
	}
}

// employeeAlso are the rights the params of an employee's create or update need
// beyond employee.edit: those of the form-API funcs that change the same things.
// membership names what changing groups needs: joining, and, on an update, leaving
// too; an update's numbers may also remove some.
func employeeAlso(membership ...string) map[string][]string {
	also := map[string][]string{"groups": membership}
	for _, param := range []string{"status", "allowed_in_call_types", "allowed_out_call_types", "call_recording",
		"calls_available", "schedule_id", "coach", "extension"} {
		also[param] = []string{"employee.telephony"}
	}
	numbers := []string{"employee.phone.edit"}
	if len(membership) > 1 {
		numbers = append(numbers, "employee.phone.delete")
	}
	also["phone_numbers"], also["phone_number"] = numbers, numbers
	return also
}

// groupAlso are the rights the params of a group's create or update need beyond
// department.edit: its dialling is department.telephony's, its members are
// memberships.
func groupAlso(membership ...string) map[string][]string {
	also := map[string][]string{"members": membership}
	for _, param := range []string{"group_phone_number", "queue_enabled", "channels_count"} {
		also[param] = []string{"department.telephony"}
	}
	return also
}

// maxPassword bounds a password read from the Data API, as a login form would.
const maxPassword = 1024

// secretParam reads a credential as it was sent, untrimmed: a string of 1 to
// maxPassword bytes. Its value is never shown back.
func (p *rpcParams) secretParam(name string) (string, error) {
	if !p.has(name) || p.null(name) {
		return "", paramMissed(p.field(name))
	}
	var s string
	if err := json.Unmarshal(p.raw[name], &s); err != nil {
		return "", paramInvalid(p.field(name), nil, "%s must be a string", p.field(name))
	}
	if s == "" {
		return "", paramMissed(p.field(name))
	}
	if len(s) > maxPassword || textError(name, s, false) != nil {
		return "", paramInvalid(p.field(name), nil, "%s must be text of at most %d bytes", p.field(name), maxPassword)
	}
	return s, nil
}

// uisLogin is login.user: a login and password open a session, whose token the
// answer carries as access_token with its expiry (expire_at, Unix seconds). It is
// a login like func=auth: counted by the lockout, refused from an address the
// account may not use, and the token is a session that the session list shows and
// that ends as sessions do.
func uisLogin(c *Ctx, p *rpcParams) (uisApply, error) {
	login, _, err := p.str("login", 64, true)
	if err != nil {
		return nil, err
	}
	password, err := p.secretParam("password")
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		acc, err := c.App.guardLogin(c, login, func() (*models.Account, error) {
			return c.App.cfg.checkPassword(c, c.DB, login, password)
		})
		if err != nil {
			return nil, err
		}
		if !acc.AllowsIP(c.IP) {
			return nil, addressRefused(acc, c.IP)
		}
		token, err := c.Login(acc)
		if err != nil {
			return nil, err
		}
		_, expiry, err := c.App.sessions.Commit(c)
		if err != nil {
			return nil, err
		}
		return map[string]any{"data": map[string]any{"access_token": token, "expire_at": expiry.Unix()}}, nil
	}, nil
}

// uisLogout is logout.user: it ends the session of access_token, and the su
// sessions its person opened, as func=logout does. A permanent token is revoked
// with apikey.delete, not by a logout.
func uisLogout(c *Ctx, p *rpcParams) (uisApply, error) {
	return func(c *Ctx) (any, error) {
		if c.via == viaAPIKey {
			return nil, paramInvalid("access_token", nil, "A permanent token ends only when it is revoked (apikey.delete)")
		}
		if err := endThisSession(c); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}, nil
}
