package handlers

import (
	"errors"
	"strconv"

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
	options := []render.Option{{Key: "", Label: "Department queue"}}
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
		return nil, false, errs.Missing("plid", id)
	}
	return a, fromElid, err
}

func employeeDepartmentList(c *Ctx, q *list.Query) (*render.List, error) {
	a, _, err := parentEmployee(c, true)
	if err != nil {
		return nil, err
	}
	rows, total, err := models.ListEmployeeDepartments(c, c.DB, a.ID, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("name", r.Name),
			render.Text("status", r.Status),
		))
	}
	out.Plid, out.Plname = strconv.FormatInt(a.ID, 10), a.Login
	return out, nil
}

// membershipAction is employee.department.resume, .suspend or .delete: plid is the
// employee, each elid a department.
func membershipAction(change func(c *Ctx, db *gorm.DB, account, department int64) error) func(c *Ctx, elid string) error {
	return func(c *Ctx, elid string) error {
		a, _, err := parentEmployee(c, false)
		if err != nil {
			return err
		}
		if c.ownAccount(a.ID) {
			return errs.New(errs.Access, "plid", strconv.FormatInt(a.ID, 10),
				"You cannot change your own departments: ask root or another admin")
		}
		if err := c.dominate("plid", a.ID, false); err != nil {
			return err
		}
		d, err := models.FindDepartment(c, c.DB, elid)
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
