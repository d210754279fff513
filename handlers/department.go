package handlers

import (
	"errors"
	"strconv"
	"strings"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"gorm.io/gorm"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
)

// departmentSpec is the department list, declared with its query in models.
var departmentSpec = models.DepartmentList

func departmentList(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListDepartments(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("name", r.Name),
			render.Cell("description", r.Description),
			render.Text("members", strconv.FormatInt(r.Members, 10)),
		))
	}
	return out, nil
}

// departmentForm is department.edit without sok: the department's fields.
func departmentForm(c *Ctx) (render.Result, error) {
	d := &models.Department{ShowInSupport: true}
	f := &render.Form{}
	if elid := c.Params.Get("elid"); elid != "" {
		var err error
		if d, err = models.FindDepartment(c, c.DB, elid); err != nil {
			return nil, errs.At("elid", err)
		}
		f.Fields = append(f.Fields, render.Text("elid", elid))
	}
	responsible := ""
	if d.DefaultResponsible != nil {
		responsible = strconv.FormatInt(*d.DefaultResponsible, 10)
	}
	var staff []struct {
		ID    int64
		Login string
	}
	if err := models.Staff(c, c.DB).Select("a.id, a.login").Where("a.enabled").Order("a.login").Scan(&staff).Error; err != nil {
		return nil, err
	}
	options := []render.Option{{Key: "", Label: c.Lang.T("Department queue")}}
	for _, s := range staff {
		options = append(options, render.Option{Key: strconv.FormatInt(s.ID, 10), Label: s.Login})
	}
	f.Fields = append(f.Fields,
		render.Text("name", d.Name),
		render.Text("description", d.Description),
		render.Text("show_in_support", render.OnOff(d.ShowInSupport)),
		render.Text("default_responsible", responsible),
		render.Select("default_responsible", options...),
	)
	return f, nil
}

// departmentInput is what department.edit reads.
var departmentInput = form.Creating(
	form.Field{Name: "name", Caption: "Name", Need: form.Required, Max: models.MaxDepartmentName,
		Check: models.CheckDepartmentName, Help: "Unique, without commas"},
	form.Field{Name: "description", Caption: "Description", Type: form.TextArea, Max: models.MaxDepartmentDescription, Raw: true,
		Unrepeated: true},
	form.Field{Name: "show_in_support", Caption: "Clients may write to it", Type: form.Flag},
	form.Field{Name: "default_responsible", Caption: "Default responsible", Type: form.Select, ChoicesFrom: "employee",
		Help: "The employee who gets its new tickets; empty: the department's queue"},
)

// departmentSave is department.edit&sok=ok: create without elid, edit with it. A
// field the request leaves out keeps its value.
func departmentSave(c *Ctx, in *form.Input) (render.Result, error) {
	d := &models.Department{ShowInSupport: true}
	if !in.Creating() {
		var err error
		if d, err = models.FindDepartment(c, c.DB, c.Params.Get("elid")); err != nil {
			return nil, errs.At("elid", err)
		}
	}
	setText(in, "name", &d.Name)
	setText(in, "description", &d.Description)
	setFlag(in, "show_in_support", &d.ShowInSupport)
	if v, given := in.Text("default_responsible"); given {
		d.DefaultResponsible = nil
		if v != "" {
			a, err := models.FindEmployee(c, c.DB, v)
			if errors.Is(err, errs.Missed) {
				return nil, errs.Invalid("default_responsible", v, "There is no employee %s", v)
			} else if err != nil {
				return nil, err
			}
			if !a.Enabled {
				return nil, errs.Invalid("default_responsible", v, "%s is suspended", a.Login)
			}
			d.DefaultResponsible = &a.ID
		}
	}
	if err := models.SaveDepartment(c, c.DB, d); err != nil {
		return nil, err
	}
	if in.Creating() {
		return &render.OK{ID: strconv.FormatInt(d.ID, 10)}, nil
	}
	return &render.OK{}, nil
}

// departmentDelete deletes a department; one with members only with force=on.
func departmentDelete(c *Ctx, elid string) error {
	d, err := models.FindDepartment(c, c.DB, elid)
	if err != nil {
		return errs.At("elid", err)
	}
	// Its members lose what it grants: they must be the caller's to change.
	if err := c.dominateMembers("elid", d.ID, false); err != nil {
		return err
	}
	return errs.At("elid", models.DeleteDepartment(c, c.DB, d, c.Params.On("force")))
}

// employeeDepartmentSpec is the list of every department with one employee's
// association to it, declared with its query in models.
var employeeDepartmentSpec = models.EmployeeDepartmentList

// parentEmployee is the employee a nested list or its action is for: plid (which may
// be spelled ID/OBJECT, as the panel does) or, when listing, elid as the panel passes
// it from the staff list. An action's elid names its elements, never the employee.
func parentEmployee(c *Ctx, listing bool) (a *models.Account, fromElid bool, err error) {
	id, fromElid := parentID(c, listing)
	if id == "" {
		return nil, false, errs.Invalid("plid", "", "Name the employee: plid=ID")
	}
	a, err = models.FindEmployee(c, c.DB, id)
	if errors.Is(err, errs.Missed) {
		return nil, false, parentMissing(c, id, fromElid)
	}
	return a, fromElid, err
}

// An employee's association with a department is named by both ids,
// EMPLOYEE:DEPARTMENT (5:2), which is the association record's key: the reference's
// "association record ids", which the list answers in its association column. An
// action's elid takes these or, with plid naming the employee, department ids.

// parseAssociation reads an association id; assoc is false for an element without
// a colon (a department id), and a colon without two ids is a value error.
func parseAssociation(elid string) (employee, department int64, assoc bool, err error) {
	e, d, assoc := strings.Cut(elid, ":")
	if !assoc {
		return 0, 0, false, nil
	}
	employee, eerr := strconv.ParseInt(strings.TrimSpace(e), 10, 64)
	department, derr := strconv.ParseInt(strings.TrimSpace(d), 10, 64)
	if eerr != nil || derr != nil || employee <= 0 || department <= 0 {
		return 0, 0, true, errs.Invalid("elid", elid, "An association id is EMPLOYEE:DEPARTMENT, two ids (5:2)")
	}
	return employee, department, true, nil
}

// associationID spells the association of an account with a department.
func associationID(account, department int64) string {
	return strconv.FormatInt(account, 10) + ":" + strconv.FormatInt(department, 10)
}

// findAssociated is the employee an association id names: missed on elid, with
// the element, when there is none.
func findAssociated(c *Ctx, employee int64, elid string) (*models.Account, error) {
	a, err := models.FindEmployee(c, c.DB, strconv.FormatInt(employee, 10))
	if errors.Is(err, errs.Missed) {
		return nil, errs.Missing("elid", elid)
	}
	return a, err
}

// membershipList is what an employee.department list is about: the employee, and
// the departments its elid keeps (nil: every one). With plid naming the employee,
// elid keeps departments by id or association id, as the reference's filter does.
// Without plid, elid names the employee (as the panel passes it from the staff
// list), or association ids name the employee and the departments together.
func membershipList(c *Ctx) (*models.Account, []int64, error) {
	elids := c.Params.Elids()
	var a *models.Account
	if c.Params.Get("plid") != "" {
		var err error
		if a, _, err = parentEmployee(c, false); err != nil {
			return nil, nil, err
		}
	} else if len(elids) <= 1 {
		if _, _, assoc, _ := parseAssociation(c.Params.Get("elid")); !assoc {
			a, _, err := parentEmployee(c, true)
			return a, nil, err
		}
	}
	departments := []int64{}
	for _, elid := range elids {
		employee, department, assoc, err := parseAssociation(elid)
		switch {
		case err != nil:
			return nil, nil, err
		case !assoc && a == nil:
			return nil, nil, errs.Invalid("elid", elid,
				"Name one employee: plid=EMPLOYEE, or elid=EMPLOYEE, or association ids EMPLOYEE:DEPARTMENT")
		case !assoc:
			if department, err = strconv.ParseInt(elid, 10, 64); err != nil || department <= 0 {
				return nil, nil, errs.Invalid("elid", elid, "%q is no department id", elid)
			}
		case a == nil:
			if a, err = findAssociated(c, employee, elid); err != nil {
				return nil, nil, err
			}
		case employee != a.ID:
			return nil, nil, errs.Invalid("elid", elid, "%s names employee %d; the list is of %s (%d)", elid, employee, a.Login, a.ID)
		}
		departments = append(departments, department)
	}
	if len(elids) == 0 {
		departments = nil
	}
	return a, departments, nil
}

func employeeDepartmentList(c *Ctx, q *list.Query) (*render.List, error) {
	a, departments, err := membershipList(c)
	if err != nil {
		return nil, err
	}
	rows, total, err := models.ListEmployeeDepartments(c, c.DB, a.ID, departments, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("name", r.Name),
			render.Text("status", r.Status),
			render.Text("association", associationID(a.ID, r.ID)),
		))
	}
	out.Plid, out.Plname = strconv.FormatInt(a.ID, 10), a.Login
	return out, nil
}

// membershipOf is the employee one element of an employee.department action is
// about, the department it names, and the parameter that names the employee: an
// association id names both (elid); a department id goes with plid's employee.
func membershipOf(c *Ctx, elid string) (a *models.Account, department, object string, err error) {
	employee, id, assoc, err := parseAssociation(elid)
	if err != nil {
		return nil, "", "", err
	}
	if !assoc {
		if c.Params.Get("plid") == "" {
			return nil, "", "", errs.Invalid("plid", "",
				"Name the employee: plid=EMPLOYEE with department ids, or association ids EMPLOYEE:DEPARTMENT in elid")
		}
		a, _, err = parentEmployee(c, false)
		return a, elid, "plid", err
	}
	if a, err = findAssociated(c, employee, elid); err != nil {
		return nil, "", "", err
	}
	if c.Params.Get("plid") != "" {
		p, _, err := parentEmployee(c, false)
		if err != nil {
			return nil, "", "", err
		}
		if p.ID != a.ID {
			return nil, "", "", errs.Invalid("elid", elid, "%s names employee %d, and plid names %s (%d)", elid, employee, p.Login, p.ID)
		}
	}
	return a, strconv.FormatInt(id, 10), "elid", nil
}

// membershipAction is employee.department.resume, .suspend or .delete: each elid an
// association id, or a department of the employee plid names.
func membershipAction(change func(c *Ctx, db *gorm.DB, account, department int64) error) func(c *Ctx, elid string) error {
	return func(c *Ctx, elid string) error {
		a, department, object, err := membershipOf(c, elid)
		if err != nil {
			return err
		}
		if c.ownAccount(a.ID) {
			return errs.New(errs.Access, object, strconv.FormatInt(a.ID, 10),
				"You cannot change your own departments: ask root or another admin")
		}
		if err := c.dominate(object, a.ID, false); err != nil {
			return err
		}
		d, err := models.FindDepartment(c, c.DB, department)
		if err != nil {
			return errs.At("elid", err)
		}
		if err := change(c, c.DB, a.ID, d.ID); err != nil {
			return err
		}
		return c.dominate("elid", a.ID, true)
	}
}

var (
	membershipResume = membershipAction(func(c *Ctx, db *gorm.DB, account, department int64) error {
		return models.SetMembership(c, db, account, department, true)
	})
	membershipSuspend = membershipAction(func(c *Ctx, db *gorm.DB, account, department int64) error {
		current, err := models.Memberships(c, db, account)
		if err != nil {
			return err
		}
		if _, ok := current[department]; !ok {
			return nil // not associated: already excluded
		}
		return models.SetMembership(c, db, account, department, false)
	})
	membershipDelete = membershipAction(func(c *Ctx, db *gorm.DB, account, department int64) error {
		return errs.At("elid", models.DeleteMembership(c, db, account, department))
	})
)
