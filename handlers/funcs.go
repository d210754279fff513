package handlers

import (
	"staffmgr/handlers/render"
	"staffmgr/models/list"
	"staffmgr/rights"
)

// Func is one function of the API: what it is called, who may call it and what runs.
//
// The dispatcher picks the handler by the func's shape:
//   - List: a list; the dispatcher normalises paging, sorting and filters by Spec.
//   - Form and Save: without sok=ok only Form runs, and changes nothing; with sok=ok
//     Save runs inside one transaction.
//   - Form and Send: the same sok rule, for a change that waits on an outside service
//     (the SMS gateway): Send runs outside any transaction, so that the wait holds no
//     database lock, and returns what to keep; the dispatcher keeps it in one short
//     transaction with the journal row, also when the service failed.
//   - Each: a group operation on elid; without sok=ok it answers a confirmation form,
//     with sok=ok it runs once per element inside one transaction: all or none.
//   - Run: a session operation with no sok rule (log in, log out, keep alive). Writes
//     puts it in a transaction and, for cookie sessions, behind the CSRF check.
//
// Every Save, every Each and every Run with Writes leaves one row in the journal,
// written by the dispatcher in the change's transaction (or, when it fails, a row
// with the error); no handler writes the journal itself.
type Func struct {
	Name    string
	Caption string
	Level   rights.Level
	// Right names the right that opens an admin-level func for employees without full
	// access; empty means a right of the func's own name. X.filter goes with X.
	Right string
	// Only admits accounts of exactly Level and none above: the client side, which
	// staff reach only by acting as a client (su).
	Only bool

	Spec *list.Spec
	List func(c *Ctx, q *list.Query) (*render.List, error)

	Form func(c *Ctx) (render.Result, error)
	Save func(c *Ctx) (render.Result, error)
	Send func(c *Ctx) (keep func(*Ctx) error, res render.Result, err error)
	Each func(c *Ctx, elid string) error

	Run    func(c *Ctx) (render.Result, error)
	Writes bool

	// NewPassword says the form sets a password (passwd with its confirm). A valid
	// one is hashed before the change's transaction opens, so that the slow hash,
	// which may wait for a slot, holds no database lock.
	NewPassword bool
}

// right is the name of the right that opens the func.
func (f *Func) right() string {
	if f.Right != "" {
		return f.Right
	}
	return f.Name
}

// changes reports whether the func changes data when confirmed: it needs sok=ok.
func (f *Func) changes() bool { return f.Save != nil || f.Send != nil || f.Each != nil }

// funcTable lists every function the server answers.
func funcTable() []*Func {
	return []*Func{
		// Sessions: open to anyone, or to every logged-in account.
		{Name: "auth", Caption: "Log in", Level: rights.Guest, Run: authLogin},
		{Name: "logon", Caption: "Log out", Level: rights.Guest, Run: authLogout},
		{Name: "logout", Caption: "Log out", Level: rights.Guest, Run: authLogout},
		{Name: "keepalive", Caption: "Keep the session alive", Level: rights.User, Run: keepalive},
		{Name: "whoami", Caption: "Current account", Level: rights.User, Run: whoami},
		{Name: "chlevel", Caption: "Return from acting as another account", Level: rights.User, Run: chlevel},

		// Active sessions and one-time keys: root and admin.
		{Name: "session", Caption: "Active sessions", Level: rights.Admin, Spec: sessionSpec, List: sessionList},
		filterFunc("session", "Filter active sessions", rights.Admin, sessionSpec),
		{Name: "session.delete", Caption: "End sessions", Level: rights.Admin, Each: sessionDelete},
		{Name: "session.newkey", Caption: "Register a one-time login key", Level: rights.Admin, Run: sessionNewKey, Writes: true},

		// Staff.
		{Name: "employee", Caption: "Staff", Level: rights.Admin, Spec: employeeSpec, List: employeeList},
		filterFunc("employee", "Filter staff", rights.Admin, employeeSpec),
		{Name: "employee.edit", Caption: "Create or edit an employee", Level: rights.Admin, Form: employeeForm, Save: employeeSave,
			NewPassword: true},
		{Name: "employee.delete", Caption: "Delete employees", Level: rights.Admin, Each: employeeDelete},
		{Name: "employee.suspend", Caption: "Suspend employees", Level: rights.Admin, Each: employeeSuspend},
		{Name: "employee.resume", Caption: "Resume employees", Level: rights.Admin, Each: employeeResume},
		{Name: "employee.logout", Caption: "End the sessions of employees", Level: rights.Admin, Each: employeeLogout},
		{Name: "employee.unlock", Caption: "Unlock employees blocked by failed logins", Level: rights.Admin, Each: employeeUnlock},
		{Name: "employee.department", Caption: "Departments of an employee", Level: rights.Admin,
			Spec: employeeDepartmentSpec, List: employeeDepartmentList},
		filterFunc("employee.department", "Filter departments of an employee", rights.Admin, employeeDepartmentSpec),
		{Name: "employee.department.resume", Caption: "Include an employee in departments", Level: rights.Admin, Each: membershipResume},
		{Name: "employee.department.suspend", Caption: "Exclude an employee from departments", Level: rights.Admin, Each: membershipSuspend},
		{Name: "employee.department.delete", Caption: "Remove an employee's associations with departments", Level: rights.Admin, Each: membershipDelete},

		{Name: "employee.su", Caption: "Act as an employee", Level: rights.Admin, Run: employeeSu, Writes: true},
		{Name: "employee.support_tool_settings", Caption: "Support settings of an employee", Level: rights.Admin,
			Form: supportSettingsForm, Save: supportSettingsSave},
		{Name: "employee.sms", Caption: "Text an employee", Level: rights.Admin, Form: employeeSMSForm, Send: employeeSMS},

		// Rights: of one employee, and the grants of one department.
		{Name: "rights2.user", Caption: "Rights of an employee", Level: rights.Admin, Spec: rightsUserSpec, List: rightsUserList},
		filterFunc("rights2.user", "Filter rights of an employee", rights.Admin, rightsUserSpec),
		{Name: "rights2.user.resume", Caption: "Allow rights to an employee", Level: rights.Admin, Each: rightsUserResume},
		{Name: "rights2.user.suspend", Caption: "Deny rights to an employee", Level: rights.Admin, Each: rightsUserSuspend},
		{Name: "rights2.user.delete", Caption: "Reset an employee's rights to their departments'", Level: rights.Admin, Each: rightsUserDelete},
		{Name: "rights2.group", Caption: "Rights of a department", Level: rights.Admin, Spec: rightsGroupSpec, List: rightsGroupList},
		filterFunc("rights2.group", "Filter rights of a department", rights.Admin, rightsGroupSpec),
		{Name: "rights2.group.resume", Caption: "Grant rights to a department", Level: rights.Admin, Each: departmentRight(true)},
		{Name: "rights2.group.suspend", Caption: "Withdraw rights from a department", Level: rights.Admin, Each: departmentRight(false)},

		// Departments.
		{Name: "department", Caption: "Departments", Level: rights.Admin, Spec: departmentSpec, List: departmentList},
		filterFunc("department", "Filter departments", rights.Admin, departmentSpec),
		{Name: "department.edit", Caption: "Create or edit a department", Level: rights.Admin, Form: departmentForm, Save: departmentSave},
		{Name: "department.delete", Caption: "Delete departments", Level: rights.Admin, Each: departmentDelete},

		// Clients: accounts of user level.
		{Name: "user", Caption: "Clients", Level: rights.Admin, Spec: userSpec, List: userList},
		filterFunc("user", "Filter clients", rights.Admin, userSpec),
		{Name: "user.edit", Caption: "Create or edit a client", Level: rights.Admin, Form: userForm, Save: userSave, NewPassword: true},
		{Name: "user.delete", Caption: "Delete clients", Level: rights.Admin, Each: userDelete},
		{Name: "user.suspend", Caption: "Suspend clients", Level: rights.Admin, Each: userSuspend},
		{Name: "user.resume", Caption: "Resume clients", Level: rights.Admin, Each: userResume},

		// The support desk: clients' side, then staff's.
		{Name: "clientticket", Caption: "My tickets", Level: rights.User, Only: true, Spec: clientTicketSpec, List: clientTicketList},
		only(filterFunc("clientticket", "Filter my tickets", rights.User, clientTicketSpec)),
		{Name: "clientticket.edit", Caption: "Open or answer a ticket", Level: rights.User, Only: true, Form: clientTicketForm, Save: clientTicketSave},
		{Name: "ticket_all", Caption: "All tickets", Level: rights.Admin, Spec: ticketAllSpec, List: ticketAll},
		filterFunc("ticket_all", "Filter all tickets", rights.Admin, ticketAllSpec),
		{Name: "ticket", Caption: "My ticket queue", Level: rights.Admin, Spec: ticketQueueSpec, List: ticketQueue},
		filterFunc("ticket", "Filter my ticket queue", rights.Admin, ticketQueueSpec),
		{Name: "ticket.edit", Caption: "Answer a ticket", Level: rights.Admin, Form: ticketEditForm, Save: ticketEditSave},
		{Name: "support_tool_responsible", Caption: "Hand a ticket to an employee or a department", Level: rights.Admin,
			Form: transferForm, Save: transferSave},

		// The audit journal: every confirmed change, written by the dispatcher.
		{Name: "journal", Caption: "Journal", Level: rights.Admin, Spec: journalSpec, List: journalList},
		filterFunc("journal", "Filter the journal", rights.Admin, journalSpec),
	}
}

// only restricts f to accounts of exactly its level.
func only(f *Func) *Func {
	f.Only = true
	return f
}

// filterFunc is X.filter for the list X: its form shows the stored filter, and with
// sok=ok it stores a new one in the caller's session.
func filterFunc(list, caption string, level rights.Level, spec *list.Spec) *Func {
	return &Func{
		Name: list + ".filter", Caption: caption, Level: level, Right: list,
		Form: func(c *Ctx) (render.Result, error) { return filterForm(c, list, spec) },
		Save: func(c *Ctx) (render.Result, error) { return filterSave(c, list, spec) },
	}
}
