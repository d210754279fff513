package handlers

import (
	"strconv"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// Positions, schedules and sites are simple named records that employees refer to
// (their position, the schedule they work to, the sites they answer chats on). Each
// kind has the same four funcs: X (the list, with how many employees refer to each),
// X.filter, X.edit (create or rename) and X.delete.

// recordList is the list of a kind of record.
func recordList(kind *models.RecordKind) *List {
	return &List{Spec: kind.List, Rows: func(c *Ctx, q *list.Query) (*render.List, error) {
		rows, total, err := kind.ListRecords(c, c.DB, q)
		if err != nil {
			return nil, err
		}
		out := listPage(q, total)
		for _, r := range rows {
			out.Rows = append(out.Rows, render.Row(
				render.Text("id", strconv.FormatInt(r.ID, 10)),
				render.Text("name", r.Name),
				render.Text("employees", strconv.FormatInt(r.Employees, 10)),
			))
		}
		return out, nil
	}}
}

// recordForm is X.edit: without elid it creates a record, with elid it renames one.
func recordForm(kind *models.RecordKind, help string) *Form {
	input := form.Creating(form.Field{Name: "name", Caption: "Name", Need: form.Required, Max: kind.Max, Check: kind.Check, Help: help})
	return &Form{
		Input: input,
		Show: func(c *Ctx) (render.Result, error) {
			f := &render.Form{}
			name := ""
			if elid := c.Params.Get("elid"); elid != "" {
				r, err := kind.Find(c, c.DB, elid)
				if err != nil {
					return nil, errs.At("elid", err)
				}
				name = r.Name
				f.Fields = append(f.Fields, render.Text("elid", elid))
			}
			f.Fields = append(f.Fields, render.Text("name", name))
			return f, nil
		},
		Save: func(c *Ctx, in *form.Input) (render.Result, error) {
			r := &models.Record{}
			if !in.Creating() {
				var err error
				if r, err = kind.Find(c, c.DB, c.Params.Get("elid")); err != nil {
					return nil, errs.At("elid", err)
				}
			}
			name, given := in.Text("name")
			if !given {
				return &render.OK{}, nil
			}
			r.Name = name
			if err := saveRecord(c, "elid", kind, r); err != nil {
				return nil, err
			}
			if in.Creating() {
				return &render.OK{ID: strconv.FormatInt(r.ID, 10)}, nil
			}
			return &render.OK{}, nil
		},
	}
}

// saveRecord creates or renames a record. A rename changes what the employees that
// refer to it show, so the caller must dominate each of them.
func saveRecord(c *Ctx, object string, kind *models.RecordKind, r *models.Record) error {
	if r.ID != 0 {
		if err := dominateHolders(c, object, kind, r.ID); err != nil {
			return err
		}
	}
	return kind.Save(c, c.DB, r)
}

// dominateHolders refuses a change to a record unless the person behind the request
// dominates every employee that refers to it: a rename or a delete changes their data.
func dominateHolders(c *Ctx, object string, kind *models.RecordKind, id int64) error {
	holders, err := kind.Holders(c, c.DB, id)
	if err != nil {
		return err
	}
	return c.dominateAll(object, holders, false)
}

// recordDelete is X.delete: the employees that referred to a record lose the
// reference.
func recordDelete(kind *models.RecordKind) *Group {
	return &Group{Each: func(c *Ctx, elid string) error {
		r, err := kind.Find(c, c.DB, elid)
		if err != nil {
			return errs.At("elid", err)
		}
		if err := dominateHolders(c, "elid", kind, r.ID); err != nil {
			return err
		}
		return errs.At("elid", kind.Delete(c, c.DB, r.ID))
	}}
}
