package handlers

import (
	"staffmgr/models/errs"
	"staffmgr/models/list"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
)

// listQuery normalises a list request with what the caller's account and session
// keep of the list: the page size they chose and the filter they stored.
func (a *App) listQuery(c *Ctx, name string, spec *list.Spec) (*list.Query, error) {
	var st list.State
	if c.Actor != nil {
		size, err := models.PageSize(c, a.db, c.Actor.ID, name)
		if err != nil {
			return nil, err
		}
		st.PageSize = size
	}
	if c.HasSession() {
		st.Filter = a.sessions.ListState(c, name)
	}
	st.Inline = c.Params.On("filter")
	return spec.Parse(c.Params, st)
}

// rememberPageSize stores the page size the list was answered with, when the
// request named a new one.
func (a *App) rememberPageSize(c *Ctx, name string, q *list.Query) error {
	size, ok := q.NewPageSize()
	if !ok || c.Actor == nil {
		return nil
	}
	return models.SavePageSize(c, a.db, c.Actor.ID, name, size)
}

// listPage is the answer of a list: its rows are added by the handler.
func listPage(q *list.Query, total int64) *render.List {
	return &render.List{Total: total, Page: q.Page, PageSize: q.PageSize, Sort: q.Sort, Desc: q.Desc}
}

// memoryList pages rows computed in memory and answers the spec's columns of each,
// in order.
func memoryList(q *list.Query, spec *list.Spec, rows []map[string]string) *render.List {
	page, total := q.Memory(rows)
	out := listPage(q, total)
	columns := spec.Answered()
	for _, r := range page {
		cells := make([]*render.Node, len(columns))
		for k, col := range columns {
			cells[k] = render.Text(col.Name, r[col.Name])
		}
		out.Rows = append(out.Rows, render.Row(cells...))
	}
	return out
}

// selectOptions are a filter's choices as a select shows them.
func selectOptions(choices []list.Option) []render.Option {
	out := make([]render.Option, len(choices))
	for i, o := range choices {
		out[i] = render.Option{Key: o.Key, Label: o.Label}
	}
	return out
}

// filterForm shows a list's filter: its fields with the stored values, and the
// options of choice fields.
func filterForm(c *Ctx, name string, spec *list.Spec) (render.Result, error) {
	var stored map[string]string
	if c.HasSession() {
		stored = c.App.sessions.ListState(c, name)
	}
	f := &render.Form{}
	for _, col := range spec.Columns {
		if col.Filter == list.NoFilter {
			continue
		}
		f.Fields = append(f.Fields, render.Text(col.Name, stored[col.Name]))
		if col.Filter == list.Choice {
			f.Fields = append(f.Fields, render.Select(col.Name, selectOptions(col.Choices)...))
		}
	}
	return f, nil
}

// filterInput is what X.filter reads: a value for each filter of the list, and
// reset.
func filterInput(spec *list.Spec) *form.Def {
	var fields []form.Field
	for i := range spec.Columns {
		col := &spec.Columns[i]
		if col.Filter == list.NoFilter {
			continue
		}
		f := form.Field{Name: col.Name, Caption: col.Caption, Type: form.Any, Check: col.CheckFilter}
		switch col.Filter {
		case list.Choice:
			f.Type, f.Choices = form.Select, selectOptions(col.Choices)
		case list.Wildcard:
			f.Help = "* matches any run of characters; without it the value matches whole, in any case"
		}
		fields = append(fields, f)
	}
	fields = append(fields, form.Field{Name: "reset", Caption: "Reset", Type: form.Flag, Unshown: true,
		Help: "Clears the stored filter, as clicked_button=reset does"})
	def := form.New(fields...)
	def.Reset = "reset"
	return def
}

// filterSave stores a list's filter in the caller's session, or clears it with
// reset=on or clicked_button=reset, and answers with the filter form.
func filterSave(c *Ctx, name string, spec *list.Spec, in *form.Input) (render.Result, error) {
	if !c.HasSession() {
		return nil, errs.Invalid("session", "",
			"A filter is stored in a session: log in with func=auth and pass auth=SID, "+
				"or filter inline: func=%s&filter=on&field=value", name)
	}
	filter := map[string]string{}
	for _, col := range spec.Columns {
		if col.Filter == list.NoFilter {
			continue
		}
		if v, _ := in.Text(col.Name); v != "" { // none after a reset, which reads no field
			filter[col.Name] = v
		}
	}
	c.App.sessions.SetListState(c, name, filter)
	return filterForm(c, name, spec)
}
