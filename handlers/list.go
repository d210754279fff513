package handlers

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/handlers/render"
	"staffmgr/models"
)

// FilterKind says how a list column may be filtered.
type FilterKind int

// The ways a column may be filtered.
const (
	NoFilter FilterKind = iota
	// Wildcard compares without regard to case; * matches any run of characters,
	// while % and _ are plain characters.
	Wildcard
	// Exact compares the value as it is.
	Exact
	// Choice takes one of the column's Choices.
	Choice
)

// Column is one column of a list as the protocol names it.
type Column struct {
	Name string // the name in requests and rows
	SQL  string // its SQL expression
	Sort bool
	// Unique says no two rows share the value, so sorting by it needs no tie-breaker
	// and an index on the column alone serves the order.
	Unique  bool
	Filter  FilterKind
	Choices []render.Option
	// Where applies a filter value that no single expression holds (a Choice column
	// with a computed meaning). When nil, the filter compares SQL.
	Where func(q *Query, db *gorm.DB, value string) *gorm.DB
	// Check refuses a filter value the column cannot use (a value error naming the
	// column), before it is applied or stored.
	Check func(name, value string) error
}

// ListSpec declares what a list can do: the only columns that may sort or filter,
// the default order and the page size bounds. Nothing outside it reaches SQL.
type ListSpec struct {
	Columns     []Column
	DefaultSort string
	DefaultDesc bool
	// Key is a unique SQL expression that breaks ties, so that pages never overlap.
	Key             string
	DefaultPageSize int
	MaxPageSize     int
	// Memory marks a list computed in memory (Query.Memory) rather than read with SQL.
	Memory bool
}

func (s *ListSpec) column(name string) *Column {
	for i := range s.Columns {
		if s.Columns[i].Name == name {
			return &s.Columns[i]
		}
	}
	return nil
}

func (s *ListSpec) pageSizes() (def, max int) {
	def, max = s.DefaultPageSize, s.MaxPageSize
	if def == 0 {
		def = 30
	}
	if max == 0 {
		max = 1000
	}
	return def, max
}

// Query is a normalised list request: a page, a whitelisted sort and filter.
type Query struct {
	Page     int // 1-based
	PageSize int
	Offset   int
	Sort     string
	Desc     bool
	Filter   map[string]string // column name → value, only filterable columns
	spec     *ListSpec
	kind     string // the database, for the spelling of comparisons
	// remember is set when the request named a page size other than the stored one:
	// it is stored once the list is answered, so that a refused call changes nothing.
	remember bool
}

// listQuery reads paging, sorting and filters from the request and the session.
func (a *App) listQuery(c *Ctx, list string, spec *ListSpec) (*Query, error) {
	p := c.Params
	def, max := spec.pageSizes()
	q := &Query{Page: 1, PageSize: def, Sort: spec.DefaultSort, Desc: spec.DefaultDesc, spec: spec, kind: models.Kind(a.db)}

	size, given, err := p.Int("p_cnt", 1, max)
	if err != nil {
		return nil, err
	}
	if !given {
		if size, given, err = p.Int("pagesize", 1, max); err != nil {
			return nil, err
		}
	}
	if c.Actor != nil {
		stored, err := models.PageSize(c, a.db, c.Actor.ID, list)
		if err != nil {
			return nil, err
		}
		switch {
		case given && size != stored:
			q.remember = true
		case !given && stored > 0 && stored <= max:
			size = stored
		}
	}
	if size > 0 {
		q.PageSize = size
	}

	if start, ok, err := p.Int("startidx", 0, 1<<30); err != nil {
		return nil, err
	} else if ok {
		q.Offset = start
		q.Page = start/q.PageSize + 1
	} else if page, ok, err := p.Int("p_num", 1, 1<<30/q.PageSize); err != nil {
		return nil, err
	} else if ok {
		q.Page = page
		q.Offset = (page - 1) * q.PageSize
	}

	for _, param := range []string{"p_col", "sort"} {
		raw := p.Get(param)
		if raw == "" {
			continue
		}
		// In a query string an unescaped + arrives as a space.
		col, desc := strings.TrimLeft(raw, "+ "), false
		if strings.HasPrefix(col, "-") {
			col, desc = col[1:], true
		}
		if c := spec.column(col); c == nil || !c.Sort {
			return nil, errs.Invalid(param, raw, "The list cannot be sorted by %q", col)
		}
		q.Sort, q.Desc = col, desc
		break
	}

	inline, err := readFilter(p, spec)
	if err != nil {
		return nil, err
	}
	switch {
	case p.On("filter") || len(inline) > 0:
		q.Filter = inline
	case c.HasSession():
		q.Filter = a.sessions.ListState(c, list)
	}
	return q, nil
}

// rememberPageSize stores the page size the list was answered with, when the
// request named a new one.
func (a *App) rememberPageSize(c *Ctx, list string, q *Query) error {
	if !q.remember || c.Actor == nil {
		return nil
	}
	return models.SavePageSize(c, a.db, c.Actor.ID, list, q.PageSize)
}

// readFilter collects and checks the filter values a request names.
func readFilter(p Params, spec *ListSpec) (map[string]string, error) {
	out := map[string]string{}
	for _, col := range spec.Columns {
		if col.Filter == NoFilter {
			continue
		}
		v := strings.TrimSpace(p.Get(col.Name))
		if v == "" {
			continue
		}
		if len(v) > 200 {
			return nil, errs.Invalid(col.Name, v, "A filter value is at most 200 characters")
		}
		if col.Filter == Choice && !hasChoice(col.Choices, v) {
			return nil, errs.Invalid(col.Name, v, "Unknown value for filter %q", col.Name)
		}
		if col.Check != nil {
			if err := col.Check(col.Name, v); err != nil {
				return nil, err
			}
		}
		out[col.Name] = v
	}
	return out, nil
}

func hasChoice(options []render.Option, key string) bool {
	for _, o := range options {
		if o.Key == key {
			return true
		}
	}
	return false
}

// likePattern turns a filter value into a LIKE pattern: * is the wildcard, and the
// characters LIKE treats specially are escaped with \.
func likePattern(v string) string {
	v = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v)
	return strings.ReplaceAll(v, "*", "%")
}

// Apply adds the query's filters to base.
func (q *Query) Apply(base *gorm.DB) *gorm.DB {
	db := base
	for _, col := range q.spec.Columns {
		v, ok := q.Filter[col.Name]
		if !ok || col.Filter == NoFilter {
			continue
		}
		switch {
		case col.Where != nil:
			db = col.Where(q, db, v)
		case col.Filter == Wildcard:
			db = q.Wildcard(db, col.SQL, v)
		default:
			db = db.Where(col.SQL+" = ?", v)
		}
	}
	return db
}

// Wildcard filters expr by a value with * wildcards, without regard to case. The
// comparison is on LOWER(expr) in byte order, so that an index on that expression
// (the migrations' *_lower indexes) serves an exact value and a value's fixed
// prefix ("iv*") as a range; the rest of the pattern is checked by LIKE.
func (q *Query) Wildcard(db *gorm.DB, expr, value string) *gorm.DB {
	lower := "LOWER(" + expr + ")"
	if q.kind == models.Postgres {
		lower += ` COLLATE "C"`
		value = strings.ToLower(value)
	} else {
		value = asciiLower(value) // SQLite's LOWER folds only ASCII letters
	}
	prefix, _, wild := strings.Cut(value, "*")
	if !wild {
		return db.Where(lower+" = ?", value)
	}
	if prefix != "" {
		db = db.Where(lower+" >= ?", prefix)
		if next, ok := successor(prefix); ok {
			db = db.Where(lower+" < ?", next)
		}
	}
	if value == prefix+"*" {
		return db
	}
	return db.Where(lower+` LIKE ? ESCAPE '\'`, likePattern(value))
}

// successor is the least string greater than every string that starts with
// prefix, in byte (and so code point) order: prefix with its last character
// incremented. ok is false when no such string exists.
func successor(prefix string) (string, bool) {
	runes := []rune(prefix)
	for i := len(runes) - 1; i >= 0; i-- {
		r := runes[i] + 1
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000
		}
		if r <= utf8.MaxRune {
			runes[i] = r
			return string(runes[:i+1]), true
		}
	}
	return "", false
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// Fetch runs the filtered query on base: the total, then one page of rows into dest,
// sorted by the chosen column with the spec's key breaking ties. The page is found
// by its keys first, so that skipping to a deep page walks an index rather than
// whole rows.
func (q *Query) Fetch(base *gorm.DB, columns string, dest any) (*render.List, error) {
	filtered := q.Apply(base.Session(&gorm.Session{}))
	var total int64
	if err := filtered.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, fmt.Errorf("count list: %w", err)
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	sortCol := q.spec.column(q.Sort)
	order := sortCol.SQL + dir
	if q.spec.Key != "" && q.spec.Key != sortCol.SQL && !sortCol.Unique {
		order += ", " + q.spec.Key + dir
	}
	page := filtered.Session(&gorm.Session{}).Order(order).Limit(q.PageSize).Offset(q.Offset)
	var err error
	if q.spec.Key != "" && total > 0 {
		keys := page.Select(q.spec.Key)
		err = base.Session(&gorm.Session{}).Select(columns).Where(q.spec.Key+" IN (?)", keys).Order(order).Scan(dest).Error
	} else {
		err = page.Select(columns).Scan(dest).Error
	}
	if err != nil {
		return nil, fmt.Errorf("list page: %w", err)
	}
	return &render.List{Total: total, Page: q.Page, PageSize: q.PageSize, Sort: q.Sort, Desc: q.Desc}, nil
}

// filterForm shows a list's filter: its fields with the stored values, and the
// options of choice fields.
func filterForm(c *Ctx, list string, spec *ListSpec) (render.Result, error) {
	var stored map[string]string
	if c.HasSession() {
		stored = c.App.sessions.ListState(c, list)
	}
	f := &render.Form{}
	for _, col := range spec.Columns {
		if col.Filter == NoFilter {
			continue
		}
		f.Fields = append(f.Fields, render.Text(col.Name, stored[col.Name]))
		if col.Filter == Choice {
			f.Fields = append(f.Fields, render.Select(col.Name, col.Choices...))
		}
	}
	return f, nil
}

// filterSave stores a list's filter in the caller's session, or clears it with
// reset=on or clicked_button=reset, and answers with the filter form.
func filterSave(c *Ctx, list string, spec *ListSpec) (render.Result, error) {
	if !c.HasSession() {
		return nil, errs.Invalid("session", "",
			"A filter is stored in a session: log in with func=auth and pass auth=SID, "+
				"or filter inline: func=%s&filter=on&field=value", list)
	}
	filter := map[string]string{}
	if !c.Params.On("reset") && c.Params.Get("clicked_button") != "reset" {
		var err error
		if filter, err = readFilter(c.Params, spec); err != nil {
			return nil, err
		}
	}
	c.App.sessions.SetListState(c, list, filter)
	return filterForm(c, list, spec)
}
