package handlers

import (
	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/list"
	"staffmgr/rights"
)

// Func is one function of the API: what it is called, who may call it and what it
// does. Its Shape is exactly one of List, Form, Send, Group or Op, and the
// dispatcher runs it by that shape.
//
// Every confirmed Form, Send and Group, and every Op that writes, leaves one row in
// the journal, written by the dispatcher in the change's transaction (or, when it
// fails, a row with the error); no handler writes the journal itself.
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
	// Own says the func's elid is optional and names the caller's own account when
	// left out; its form on that account opens without the right, since one's own
	// account is always one's own to read. A confirmed change needs the right.
	Own bool
	// Mine is the caption of an Own func on the caller's own account, under which
	// the panel's menu offers it to everyone it admits ("My support settings").
	Mine string
	// Of names the lists whose rows the func acts on, when its name does not say
	// so: a func X.verb acts on the rows of the list X (the longest such prefix
	// that is a list), and the panel shows it there as a toolbar action, a row
	// link or a nested list.
	Of []string
	// Item names one row of a list in the singular ("employee"): the panel says
	// "New employee" and "Employee sam" over the list's create-or-edit form, and
	// "There is no such employee (7)" when a page names a row that is not there.
	Item  string
	Shape Shape
	// Section is the heading of the func table the func is listed under, as the API
	// reference groups it; the table's heading rows set it.
	Section string
}

// right is the name of the right that opens the func.
func (f *Func) right() string {
	if f.Right != "" {
		return f.Right
	}
	return f.Name
}

// neededRight is the right the dispatcher asks of an employee without full
// access before running the func; "" below admin level, where none is needed.
func (f *Func) neededRight() string {
	if f.Level < rights.Admin {
		return ""
	}
	return f.right()
}

// changes reports whether the func changes data when confirmed: it needs sok=ok.
func (f *Func) changes() bool {
	switch f.Shape.(type) {
	case *Form, *Send, *Group:
		return true
	}
	return false
}

// writes reports whether the request, as it came, changes data: a confirmed change
// or an Op that writes.
func (f *Func) writes(sok bool) bool {
	if op, ok := f.Shape.(*Op); ok {
		return op.Writes
	}
	return f.changes() && sok
}

// funcTable lists every function the server answers, in sections: a heading row
// names the section of the funcs after it.
func funcTable() []*Func {
	return sectioned([]*Func{
		heading("Sessions"),
		{Name: "auth", Caption: "Log in", Level: rights.Guest, Shape: &Op{Run: authLogin}},
		{Name: "logon", Caption: "Log out", Level: rights.Guest, Shape: &Op{Run: authLogout}},
		{Name: "logout", Caption: "Log out", Level: rights.Guest, Shape: &Op{Run: authLogout}},
		{Name: "keepalive", Caption: "Keep the session alive", Level: rights.User, Shape: &Op{Run: keepalive}},
		{Name: "whoami", Caption: "Current account", Level: rights.User, Shape: &Op{Run: whoami}},
		{Name: "chlevel", Caption: "Return from acting as another account", Level: rights.User, Shape: &Op{Run: chlevel}},

		heading("Active sessions and one-time keys"),
		{Name: "session", Caption: "Active sessions", Level: rights.Admin, Item: "session", Shape: &List{Spec: sessionSpec, Rows: sessionList}},
		filterFunc("session", "Filter active sessions", rights.Admin, sessionSpec),
		{Name: "session.delete", Caption: "End sessions", Level: rights.Admin, Shape: &Group{Each: sessionDelete}},
		{Name: "session.newkey", Caption: "Register a one-time login key", Level: rights.Admin, Shape: &Op{Run: sessionNewKey, Writes: true}},

		heading("API keys"),
		{Name: "apikey", Caption: "API keys", Level: rights.Admin, Item: "API key", Shape: &List{Spec: apikeySpec, Rows: apikeyList}},
		filterFunc("apikey", "Filter API keys", rights.Admin, apikeySpec),
		{Name: "apikey.edit", Caption: "Create an API key or rename one", Level: rights.Admin, Shape: &Form{Input: apikeyInput, Show: apikeyForm, Save: apikeySave}},
		{Name: "apikey.delete", Caption: "Revoke API keys", Level: rights.Admin, Shape: &Group{Each: apikeyDelete}},

		heading("Staff"),
		{Name: "employee", Caption: "Staff", Level: rights.Admin, Item: "employee", Shape: &List{Spec: employeeSpec, Rows: employeeList}},
		// Open to every account, as in the reference: it stores only the caller's
		// session filter; the staff list itself stays admin.
		filterFunc("employee", "Filter staff", rights.User, employeeSpec),
		{Name: "employee.edit", Caption: "Create or edit an employee", Level: rights.Admin, Shape: &Form{Input: employeeInput, Show: employeeForm, Save: employeeSave}},
		{Name: "employee.delete", Caption: "Delete employees", Level: rights.Admin, Shape: &Group{Each: employeeDelete, Accounts: true}},
		{Name: "employee.suspend", Caption: "Suspend employees", Level: rights.Admin, Shape: &Group{Each: employeeSuspend, Accounts: true}},
		{Name: "employee.resume", Caption: "Resume employees", Level: rights.Admin, Shape: &Group{Each: employeeResume, Accounts: true}},
		{Name: "employee.logout", Caption: "End the sessions of employees", Level: rights.Admin, Shape: &Group{Each: employeeLogout, Accounts: true}},
		{Name: "employee.unlock", Caption: "Unlock employees blocked by failed logins", Level: rights.Admin, Shape: &Group{Each: employeeUnlock, Accounts: true}},
		{Name: "employee.department", Caption: "Departments of an employee", Level: rights.Admin,
			Shape: &List{Spec: employeeDepartmentSpec, Rows: employeeDepartmentList}},
		filterFunc("employee.department", "Filter departments of an employee", rights.Admin, employeeDepartmentSpec),
		{Name: "employee.department.resume", Caption: "Include an employee in departments", Level: rights.Admin, Shape: &Group{Each: membershipResume}},
		{Name: "employee.department.suspend", Caption: "Exclude an employee from departments", Level: rights.Admin, Shape: &Group{Each: membershipSuspend}},
		{Name: "employee.department.delete", Caption: "Remove an employee's associations with departments", Level: rights.Admin, Shape: &Group{Each: membershipDelete}},

		{Name: "employee.su", Caption: "Act as an employee", Level: rights.Admin, Of: []string{"employee"}, Shape: &Op{Run: employeeSu, Writes: true}},
		{Name: "employee.support_tool_settings", Caption: "Support settings of an employee", Level: rights.Admin, Own: true, Mine: "My support settings",
			Shape: &Form{Input: supportSettingsInput, Show: supportSettingsForm, Save: supportSettingsSave}},
		{Name: "employee.sms", Caption: "Text an employee", Level: rights.Admin, Own: true,
			Shape: &Send{Input: employeeSMSInput, Ready: smsReady, Show: employeeSMSForm, Deliver: employeeSMS}},

		heading("Positions, work schedules and sites"),
		{Name: "position", Caption: "Positions", Level: rights.Admin, Item: "position", Shape: recordList(models.Positions)},
		filterFunc("position", "Filter positions", rights.Admin, models.Positions.List),
		{Name: "position.edit", Caption: "Create or rename a position", Level: rights.Admin,
			Shape: recordForm(models.Positions, "Unique in any case; employees of this position show its name")},
		{Name: "position.delete", Caption: "Delete positions", Level: rights.Admin, Shape: recordDelete(models.Positions)},
		{Name: "schedule", Caption: "Work schedules", Level: rights.Admin, Item: "work schedule", Shape: recordList(models.Schedules)},
		filterFunc("schedule", "Filter work schedules", rights.Admin, models.Schedules.List),
		{Name: "schedule.edit", Caption: "Create or rename a work schedule", Level: rights.Admin,
			Shape: recordForm(models.Schedules, "Unique in any case")},
		{Name: "schedule.delete", Caption: "Delete work schedules", Level: rights.Admin, Shape: recordDelete(models.Schedules)},
		{Name: "site", Caption: "Sites of chats", Level: rights.Admin, Item: "site", Shape: recordList(models.Sites)},
		filterFunc("site", "Filter sites", rights.Admin, models.Sites.List),
		{Name: "site.edit", Caption: "Add or rename a site", Level: rights.Admin,
			Shape: recordForm(models.Sites, "A domain name without http:// or https://")},
		{Name: "site.delete", Caption: "Delete sites", Level: rights.Admin, Shape: recordDelete(models.Sites)},

		heading("Telephony"),
		{Name: "employee.telephony", Caption: "Telephony settings of an employee", Level: rights.Admin,
			Shape: &Form{Input: employeeTelephonyInput, Show: employeeTelephonyForm, Save: employeeTelephonySave}},
		{Name: "employee.phone", Caption: "Phone numbers of an employee", Level: rights.Admin, Item: "phone number", Shape: &List{Spec: employeePhoneSpec, Rows: employeePhoneList}},
		filterFunc("employee.phone", "Filter phone numbers of an employee", rights.Admin, employeePhoneSpec),
		{Name: "employee.phone.edit", Caption: "Add or change a phone number of an employee", Level: rights.Admin,
			Shape: &Form{Input: employeePhoneInput, Show: employeePhoneForm, Save: employeePhoneSave}},
		{Name: "employee.phone.delete", Caption: "Remove phone numbers of an employee", Level: rights.Admin, Shape: &Group{Each: employeePhoneDelete}},
		{Name: "department.telephony", Caption: "Dialling settings of a department", Level: rights.Admin,
			Shape: &Form{Input: departmentTelephonyInput, Show: departmentTelephonyForm, Save: departmentTelephonySave}},
		{Name: "department.number", Caption: "Dialling order of a department's member numbers", Level: rights.Admin, Right: "department",
			Shape: &List{Spec: departmentNumberSpec, Rows: departmentNumberList}},
		needing("department", filterFunc("department.number", "Filter the dialling order of a department", rights.Admin, departmentNumberSpec)),
		{Name: "department.number.edit", Caption: "Move a member number in a department's dialling order", Level: rights.Admin, Right: "department.edit",
			Shape: &Form{Input: departmentNumberInput, Show: departmentNumberForm, Save: departmentNumberSave}},
		{Name: "department.number.resume", Caption: "Make member numbers available to a department's calls", Level: rights.Admin, Right: "department.edit",
			Shape: &Group{Each: departmentNumberAvailable(true)}},
		{Name: "department.number.suspend", Caption: "Make member numbers unavailable to a department's calls", Level: rights.Admin, Right: "department.edit",
			Shape: &Group{Each: departmentNumberAvailable(false)}},

		heading("Voximplant"),
		{Name: "application", Caption: "Voximplant applications", Level: rights.Admin, Shape: recordList(models.Applications)},
		filterFunc("application", "Filter Voximplant applications", rights.Admin, models.Applications.List),
		{Name: "application.edit", Caption: "Create or rename a Voximplant application", Level: rights.Admin,
			Shape: recordForm(models.Applications, "Lower-case latin letters, digits, . and -; unique in any case; its users show its name")},
		{Name: "application.delete", Caption: "Delete Voximplant applications without users", Level: rights.Admin, Shape: applicationDelete},
		{Name: "acd_queue", Caption: "ACD queues", Level: rights.Admin, Shape: recordList(models.ACDQueues)},
		filterFunc("acd_queue", "Filter ACD queues", rights.Admin, models.ACDQueues.List),
		{Name: "acd_queue.edit", Caption: "Create or rename an ACD queue", Level: rights.Admin,
			Shape: recordForm(models.ACDQueues, "Unique in any case")},
		{Name: "acd_queue.delete", Caption: "Delete ACD queues", Level: rights.Admin, Shape: recordDelete(models.ACDQueues)},
		{Name: "skill", Caption: "ACD skills", Level: rights.Admin, Shape: recordList(models.Skills)},
		filterFunc("skill", "Filter ACD skills", rights.Admin, models.Skills.List),
		{Name: "skill.edit", Caption: "Create or rename an ACD skill", Level: rights.Admin,
			Shape: recordForm(models.Skills, "Unique in any case")},
		{Name: "skill.delete", Caption: "Delete ACD skills", Level: rights.Admin, Shape: recordDelete(models.Skills)},
		{Name: "employee.voximplant", Caption: "Voximplant identity of an employee", Level: rights.Admin,
			Shape: &Form{Input: employeeVoximplantInput, Show: employeeVoximplantForm, Save: employeeVoximplantSave}},
		{Name: "balance", Caption: "Voximplant ledger and balances", Level: rights.Admin, Shape: &List{Spec: balanceSpec, Rows: balanceList}},
		filterFunc("balance", "Filter the Voximplant ledger", rights.Admin, balanceSpec),
		{Name: "balance.topup", Caption: "Top up the Voximplant account", Level: rights.Root,
			Shape: &Form{Input: balanceTopupInput, Show: balanceTopupForm, Save: balanceTopupSave, Whole: true}},

		heading("Rights"),
		{Name: "rights2.user", Caption: "Rights of an employee", Level: rights.Admin, Of: []string{"employee"}, Shape: &List{Spec: rightsUserSpec, Rows: rightsUserList}},
		filterFunc("rights2.user", "Filter rights of an employee", rights.Admin, rightsUserSpec),
		{Name: "rights2.user.resume", Caption: "Allow rights to an employee", Level: rights.Admin, Shape: &Group{Each: rightsUserResume}},
		{Name: "rights2.user.suspend", Caption: "Deny rights to an employee", Level: rights.Admin, Shape: &Group{Each: rightsUserSuspend}},
		{Name: "rights2.user.delete", Caption: "Reset an employee's rights to their departments'", Level: rights.Admin, Shape: &Group{Each: rightsUserDelete}},
		{Name: "rights2.group", Caption: "Rights of a department", Level: rights.Admin, Of: []string{"department"}, Shape: &List{Spec: rightsGroupSpec, Rows: rightsGroupList}},
		filterFunc("rights2.group", "Filter rights of a department", rights.Admin, rightsGroupSpec),
		{Name: "rights2.group.resume", Caption: "Grant rights to a department", Level: rights.Admin, Shape: &Group{Each: departmentRight(true)}},
		{Name: "rights2.group.suspend", Caption: "Withdraw rights from a department", Level: rights.Admin, Shape: &Group{Each: departmentRight(false)}},

		heading("Departments"),
		{Name: "department", Caption: "Departments", Level: rights.Admin, Item: "department", Shape: &List{Spec: departmentSpec, Rows: departmentList}},
		filterFunc("department", "Filter departments", rights.Admin, departmentSpec),
		{Name: "department.edit", Caption: "Create or edit a department", Level: rights.Admin, Shape: &Form{Input: departmentInput, Show: departmentForm, Save: departmentSave}},
		{Name: "department.delete", Caption: "Delete departments", Level: rights.Admin, Shape: &Group{Each: departmentDelete}},

		heading("Clients"),
		{Name: "user", Caption: "Clients", Level: rights.Admin, Item: "client", Shape: &List{Spec: userSpec, Rows: userList}},
		filterFunc("user", "Filter clients", rights.Admin, userSpec),
		{Name: "user.edit", Caption: "Create or edit a client", Level: rights.Admin, Shape: &Form{Input: userInput, Show: userForm, Save: userSave}},
		{Name: "user.delete", Caption: "Delete clients", Level: rights.Admin, Shape: &Group{Each: userDelete}},
		{Name: "user.suspend", Caption: "Suspend clients", Level: rights.Admin, Shape: &Group{Each: userSuspend}},
		{Name: "user.resume", Caption: "Resume clients", Level: rights.Admin, Shape: &Group{Each: userResume}},
		{Name: "user.su", Caption: "Act as a client", Level: rights.Admin, Right: "employee.su", Of: []string{"user"},
			Shape: &Op{Run: userSu, Writes: true}},

		heading("The support desk"),
		{Name: "clientticket", Caption: "My tickets", Level: rights.User, Only: true, Item: "ticket", Shape: &List{Spec: clientTicketSpec, Rows: clientTicketList}},
		only(filterFunc("clientticket", "Filter my tickets", rights.User, clientTicketSpec)),
		{Name: "clientticket.edit", Caption: "Open or answer a ticket", Level: rights.User, Only: true, Shape: &Form{Input: clientTicketInput, Show: clientTicketForm, Save: clientTicketSave}},
		{Name: "ticket_all", Caption: "All tickets", Level: rights.Admin, Item: "ticket", Shape: &List{Spec: ticketAllSpec, Rows: ticketAll}},
		filterFunc("ticket_all", "Filter all tickets", rights.Admin, ticketAllSpec),
		{Name: "ticket", Caption: "My ticket queue", Level: rights.Admin, Item: "ticket", Shape: &List{Spec: ticketQueueSpec, Rows: ticketQueue, Key: "ticket"}},
		filterFunc("ticket", "Filter my ticket queue", rights.Admin, ticketQueueSpec),
		{Name: "ticket.edit", Caption: "Answer a ticket", Level: rights.Admin, Of: []string{"ticket", "ticket_all"}, Shape: &Form{Input: ticketEditInput, Show: ticketEditForm, Save: ticketEditSave}},
		{Name: "support_tool_responsible", Caption: "Hand a ticket to an employee or a department", Level: rights.Admin, Of: []string{"ticket", "ticket_all"},
			Shape: &Form{Input: transferInput, Show: transferForm, Save: transferSave}},

		heading("The audit journal"),
		{Name: "journal", Caption: "Journal", Level: rights.Admin, Shape: &List{Spec: journalSpec, Rows: journalList}},
		filterFunc("journal", "Filter the journal", rights.Admin, journalSpec),

		heading("The API reference"),
		{Name: "help", Caption: "The funcs the caller may call", Level: rights.Guest, Shape: &Op{Run: help}},
	})
}

// heading is a row of the func table that starts a section: the funcs after it, up
// to the next heading, are listed under title.
func heading(title string) *Func { return &Func{Section: title} }

// sectioned drops the heading rows of a table, giving each func its section.
func sectioned(rows []*Func) []*Func {
	var out []*Func
	section := ""
	for _, f := range rows {
		if f.Name == "" && f.Shape == nil {
			section = f.Section
			continue
		}
		f.Section = section
		out = append(out, f)
	}
	return out
}

// only restricts f to accounts of exactly its level.
func only(f *Func) *Func {
	f.Only = true
	return f
}

// needing opens f with the right of another func: a filter of a list that does.
func needing(right string, f *Func) *Func {
	f.Right = right
	return f
}

// filterFunc is X.filter for the list X: its form shows the stored filter, and with
// sok=ok it stores a new one in the caller's session.
func filterFunc(list, caption string, level rights.Level, spec *list.Spec) *Func {
	return &Func{
		Name: list + ".filter", Caption: caption, Level: level, Right: list,
		Shape: &Form{
			Input: filterInput(spec),
			Show:  func(c *Ctx) (render.Result, error) { return filterForm(c, list, spec) },
			Save:  func(c *Ctx, in *form.Input) (render.Result, error) { return filterSave(c, list, spec, in) },
		},
	}
}
