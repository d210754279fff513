package handlers

import (
	"slices"
	"strconv"
	"strings"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/rights"
	"staffmgr/session"
)

// employeeSpec is the staff list, declared with its query in models.
var employeeSpec = models.StaffList

// employeeList is func=employee: one page of staff with their activity, which comes
// from the session store in one more query for the whole page, and their lockout
// (the locked flag) in one more.
func employeeList(c *Ctx, q *list.Query) (*render.List, error) {
	versions, err := c.versions()
	if err != nil {
		return nil, err
	}
	rows, total, err := models.ListStaff(c, c.DB, q, models.StaffPage{Ranked: c.App.staffKeys, Pages: c.App.staffPages,
		Versions: versions, Lockout: c.App.cfg.Lockout})
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		live := r.Sessions > 0
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("name", r.Login),
			render.Cell("realname", r.Realname),
			render.Cell("position", r.Position),
			render.Cell("email", r.Email),
			render.Cell("phone", r.Phone),
			render.Cell("mobile", r.Mobile),
			render.Cell("department", r.DepartmentNames),
			render.FlagIf("enabled", r.Enabled),
			render.FlagIf("default_access_allow", r.DefaultAccessAllow),
			render.FlagIf("all_ip_access", r.AllIPAccess),
			render.FlagIf("ip_access", !r.AllIPAccess),
			render.FlagIf("has_session", live),
			render.FlagIf("onsite", live && r.Onsite),
			render.FlagIf("another_session", live && r.IPs > 1),
			render.FlagIf("locked", r.Locked),
		))
	}
	return out, nil
}

// employeeForm is employee.edit without sok: the employee's card (or the defaults of
// a new one) and the department select. Passwords are never shown.
func employeeForm(c *Ctx) (render.Result, error) {
	a := &models.Account{AllIPAccess: true}
	var member map[int64]bool
	if elid := c.Params.Get("elid"); elid != "" {
		var err error
		if a, err = manageable(c, elid); err != nil {
			return nil, err
		}
		if member, err = models.Memberships(c, c.DB, a.ID); err != nil {
			return nil, err
		}
	}
	departments, err := models.AllDepartments(c, c.DB)
	if err != nil {
		return nil, err
	}
	var selected []string
	options := make([]render.Option, len(departments))
	for i, d := range departments {
		id := strconv.FormatInt(d.ID, 10)
		options[i] = render.Option{Key: id, Label: d.Name}
		if member[d.ID] {
			selected = append(selected, id)
		}
	}
	f := &render.Form{}
	if a.ID != 0 {
		f.Fields = append(f.Fields, render.Text("elid", strconv.FormatInt(a.ID, 10)))
	}
	f.Fields = append(f.Fields,
		render.Text("name", a.Login),
		render.Text("realname", a.Realname),
		render.Text("position", a.Position),
		render.Text("email", a.Email),
		render.Text("phone", a.Phone),
		render.Text("mobile", a.Mobile),
		render.Text("department", strings.Join(selected, ",")),
		render.Text("default_access_allow", render.OnOff(a.DefaultAccessAllow)),
		render.Text("all_ip_access", render.OnOff(a.AllIPAccess)),
		render.Text("ip_access", a.IPAccess),
		render.Text("passwd", ""),
		render.Text("confirm", ""),
		render.Select("department", options...),
	)
	return f, nil
}

// employeeInput is what employee.edit reads.
var employeeInput = form.Creating(
	loginInput,
	realnameInput,
	form.Field{Name: "position", Caption: "Position", Max: models.MaxPosition},
	emailInput,
	form.Field{Name: "phone", Caption: "Phone", Type: form.Phone},
	form.Field{Name: "mobile", Caption: "Mobile phone", Type: form.Phone, Help: "Where text messages to the employee go by default"},
	form.Field{Name: "department", Caption: "Departments", Type: form.Multi, ChoicesFrom: "department"},
	form.Field{Name: "default_access_allow", Caption: "Full access", Type: form.Flag,
		Help: "Every right, whatever the departments grant"},
	form.Field{Name: "all_ip_access", Caption: "Access from any address", Type: form.Flag},
	form.Field{Name: "ip_access", Caption: "Addresses allowed", Type: form.Addresses,
		Help: "IPv4 and IPv6 addresses and networks, used when access from any address is off"},
	passwordInput,
	confirmInput,
)

// employeeSave is employee.edit&sok=ok: without elid it creates an employee, with
// elid it edits one. A field the request leaves out keeps its value; a flag sent
// empty is off. Every field was checked before anything is written.
func employeeSave(c *Ctx, in *form.Input) (render.Result, error) {
	creating := in.Creating()
	a := &models.Account{Level: rights.Admin, AllIPAccess: true}
	if !creating {
		var err error
		if a, err = manageable(c, c.Params.Get("elid")); err != nil {
			return nil, err
		}
		if err := c.dominate("elid", a.ID, false); err != nil {
			return nil, err
		}
	}
	before := *a

	if err := setLogin(in, a); err != nil {
		return nil, err
	}
	setText(in, "realname", &a.Realname)
	setText(in, "position", &a.Position)
	setText(in, "email", &a.Email)
	setText(in, "phone", &a.Phone)
	setText(in, "mobile", &a.Mobile)
	setFlag(in, "default_access_allow", &a.DefaultAccessAllow)
	setFlag(in, "all_ip_access", &a.AllIPAccess)
	setText(in, "ip_access", &a.IPAccess)
	if !a.AllIPAccess && a.IPAccess == "" {
		return nil, errs.Invalid("ip_access", "", "List the addresses the employee may log in from, or turn on all_ip_access")
	}

	departments, changeDepartments := in.IDs("department")
	if changeDepartments {
		if err := models.CheckDepartments(c, c.DB, departments); err != nil {
			return nil, errs.At("department", err)
		}
		if !creating {
			current, err := models.Memberships(c, c.DB, a.ID)
			if err != nil {
				return nil, err
			}
			changeDepartments = !sameDepartments(current, departments)
		}
	}
	password, hash := in.Password("passwd")

	person := c.person()
	self := !creating && a.ID == person.ID
	if self && person.Level < rights.Root {
		switch {
		case a.DefaultAccessAllow != before.DefaultAccessAllow:
			return nil, errs.Denied("default_access_allow", "You cannot change your own access: ask root or another admin")
		case a.AllIPAccess != before.AllIPAccess || a.IPAccess != before.IPAccess:
			return nil, errs.Denied("ip_access", "You cannot change your own address restrictions: ask root or another admin")
		case changeDepartments:
			return nil, errs.Denied("department", "You cannot change your own departments: ask root or another admin")
		}
	}
	if self && !a.AllowsIP(c.IP) {
		return nil, errs.Invalid("ip_access", a.IPAccess,
			"Your current address %s is not in the list: saving it would lock you out", c.IP)
	}

	var was *models.Account
	if creating {
		a.PasswordHash = hash
	} else {
		was = &before
	}
	if err := models.SaveEmployee(c, c.DB, a, was); err != nil {
		return nil, errs.At("name", err)
	}
	if changeDepartments {
		if err := models.SetDepartments(c, c.DB, a.ID, departments); err != nil {
			return nil, err
		}
	}
	if password != "" && !creating {
		if err := changePassword(c, a.ID, hash); err != nil {
			return nil, err
		}
	}
	// What the account may do after the change must still be the caller's to give.
	object := "department"
	if a.DefaultAccessAllow {
		object = "default_access_allow"
	}
	if err := c.dominate(object, a.ID, true); err != nil {
		return nil, err
	}
	if creating {
		return &render.OK{ID: strconv.FormatInt(a.ID, 10)}, nil
	}
	return &render.OK{}, nil
}

// sameDepartments reports whether the active memberships are exactly ids.
func sameDepartments(current map[int64]bool, ids []int64) bool {
	var active []int64
	for id, on := range current {
		if on {
			active = append(active, id)
		}
	}
	want := slices.Clone(ids)
	slices.Sort(active)
	slices.Sort(want)
	return slices.Equal(active, want)
}

// manageable returns the employee elid names when the person behind the request may
// see or manage them: nobody manages an account above their own level.
func manageable(c *Ctx, elid string) (*models.Account, error) {
	a, err := models.FindEmployee(c, c.DB, elid)
	if err != nil {
		return nil, errs.At("elid", err)
	}
	return a, canManage(c, "elid", a)
}

// canManage refuses an account above the level of the person behind the request,
// as an error on object.
func canManage(c *Ctx, object string, a *models.Account) error {
	if !rights.CanManage(c.person().Level, a.Level) {
		return dominanceError(object, a, rights.LacksRoot, false)
	}
	return nil
}

// other returns the employee elid names for an action that cannot apply to the
// account of the person behind the request, nor (unless allowRoot) to root, when
// that person dominates the employee.
func other(c *Ctx, elid, action string, allowRoot bool) (*models.Account, error) {
	a, err := manageable(c, elid)
	if err != nil {
		return nil, err
	}
	if a.ID == c.person().ID {
		return nil, errs.Invalid("elid", elid, "You cannot %s your own account", errs.Caption(action))
	}
	if a.Level == rights.Root && !allowRoot {
		return nil, errs.Invalid("elid", elid, "The account %s cannot be %s", a.Login, errs.Caption(pastTense[action]))
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return nil, err
	}
	return a, nil
}

var pastTense = map[string]string{"delete": "deleted", "suspend": "suspended", "resume": "resumed", "log out": "logged out"}

// employeeDelete deletes an employee; sessions and memberships go with the account,
// the open tickets they held go back to their departments' queues, and the money of
// a Voximplant user goes back to the account.
func employeeDelete(c *Ctx, elid string) error {
	a, err := other(c, elid, "delete", false)
	if err != nil {
		return err
	}
	// A Voximplant user's own money goes back to the account, not with the user.
	if err := models.ReturnUserMoney(c, c.DB, models.TransferTarget{ID: a.ID, Name: a.Login}, "To account: the user is deleted", c.Actor.Login); err != nil {
		return err
	}
	if err := models.ReleaseTickets(c, c.DB, a.ID, c.Actor.Login, realLogin(c), a.Login+" deleted"); err != nil {
		return err
	}
	return errs.At("elid", models.DeleteAccount(c, c.DB, a.ID))
}

// employeeSuspend disables an employee, ends all of their sessions at once and hands
// the open tickets they held back to their departments' queues.
func employeeSuspend(c *Ctx, elid string) error {
	a, err := other(c, elid, "suspend", false)
	if err != nil {
		return err
	}
	if err := models.ReleaseTickets(c, c.DB, a.ID, c.Actor.Login, realLogin(c), a.Login+" suspended"); err != nil {
		return err
	}
	return suspendAccount(c, a.ID)
}

// employeeResume enables an employee.
func employeeResume(c *Ctx, elid string) error {
	a, err := other(c, elid, "resume", false)
	if err != nil {
		return err
	}
	return models.SetEnabled(c, c.DB, a.ID, true)
}

// employeeLogout ends the sessions of an employee and the su sessions they opened; su
// sessions others opened to act as them are the others' (session.delete ends them).
func employeeLogout(c *Ctx, elid string) error {
	a, err := other(c, elid, "log out", true)
	if err != nil {
		return err
	}
	_, err = session.EndPerson(c, c.DB, a.ID, "")
	return err
}
