package handlers

import (
	"sync"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
)

// versions are the versions as the request first read them: with its session, or
// else once now. Whatever the request reads after them is at least as new.
func (c *Ctx) versions() (models.Versions, error) {
	if c.hasVersions {
		return c.readVersions, nil
	}
	v, ok := models.Versions{}, false
	if c.HasSession() {
		v, ok = c.App.sessions.Versions(c)
	}
	if !ok {
		var err error
		if v, err = models.ReadVersions(c, c.App.db); err != nil {
			return models.Versions{}, err
		}
	}
	c.readVersions, c.hasVersions = v, true
	return v, nil
}

// pageSizes keeps the page sizes accounts chose (list_prefs) at a data version,
// which every change of them moves on: a list request then reads none.
type pageSizes struct {
	mu      sync.Mutex
	version int64
	sizes   map[pageSizeKey]int
}

type pageSizeKey struct {
	account int64
	list    string
}

// maxPageSizes bounds the page sizes kept; past it they are read afresh.
const maxPageSizes = 100_000

// get returns the page size account chose for list, reading it when none is kept
// at version.
func (p *pageSizes) get(c *Ctx, version, account int64, list string) (int, error) {
	key := pageSizeKey{account, list}
	p.mu.Lock()
	if p.version == version {
		if size, ok := p.sizes[key]; ok {
			p.mu.Unlock()
			return size, nil
		}
	}
	p.mu.Unlock()
	size, err := models.PageSize(c, c.App.db, account, list)
	if err != nil {
		return 0, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if version > p.version || p.sizes == nil || len(p.sizes) >= maxPageSizes {
		p.version, p.sizes = version, map[pageSizeKey]int{}
	}
	if version == p.version {
		p.sizes[key] = size
	}
	return size, nil
}

// listQuery normalises a list request with what the caller's account and session
// keep of the list: the page size they chose and the filter they stored.
func (a *App) listQuery(c *Ctx, name string, spec *list.Spec) (*list.Query, error) {
	var st list.State
	if c.Actor != nil {
		v, err := c.versions()
		if err != nil {
			return nil, err
		}
		if st.PageSize, err = a.pageSizes.get(c, v.Data, c.Actor.ID, name); err != nil {
			return nil, err
		}
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
