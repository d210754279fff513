package render

import (
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"staffmgr/handlers/lang"
	"staffmgr/templates"
)

// pageView is what the HTML page shows: the document read together with the
// panel's declarations, every value ready for the templates.
type pageView struct {
	Lang  lang.Lang
	P     *Panel
	Title string
	Error *ErrorView
	OK    bool

	// A list page.
	Columns []colView
	Rows    []rowView
	Total   string
	Pager   *pagerView
	Hidden  []hiddenView // what the list's forms carry along: plid and the list's state
	Filter  []fieldView
	Plname  string
	// AllURL is the list without the status a count link chose.
	AllURL string
	// StatusColumn shows the rows' flags as badges in one column.
	StatusColumn bool

	// A form page, or the ticket page's reply.
	Fields []fieldView

	Ticket *ticketView

	// Records are the repeated elements a form's document holds beside its
	// fields (the messages already sent), each name a table.
	Records []recordTable

	// Fallback: the document's fields as a table.
	DocFields []docField
	// Reference is the API reference (func=help), by section.
	Reference []refSection
}

type colView struct {
	Name, Caption, Kind string
	SortURL             string
	Sorted              string // asc or desc when the list is sorted by it
}

type rowView struct {
	Key, Name string
	Cells     []cellView
	Links     []linkView
	Badges    []Option
}

type cellView struct {
	Name, Kind, Text string
	Badge            string // the badge a status or flag cell shows
	Link             string // the row's edit form, on its first text cell
}

type linkView struct {
	Func, Caption, URL, Kind string
}

type pagerView struct {
	Page, Pages, Size int
	Prev, Next        string
	Sizes             []sizeView
}

type sizeView struct {
	Size    int
	URL     string
	Current bool
}

type hiddenView struct{ Name, Value string }

type fieldView struct {
	FieldMeta
	ID      string
	Input   string // text, email, tel, password, number, textarea, select, multi, checkbox
	Value   string
	Checked bool
	Options []optionView
	// HasEmpty says an option already stands for no value.
	HasEmpty bool
	Error    string
}

type optionView struct {
	Key, Label string
	Selected   bool
}

type ticketView struct {
	// Mine says the caller holds the ticket.
	Mine                                                                   bool
	Subject, Status, StatusLabel, Department, Client, Responsible, Started string
	Messages                                                               []messageView
	Events                                                                 []eventView
	// The ticket goes to an employee or to a department's queue: the two are
	// listed apart, since a name alone does not say which it is.
	TransferStaff, TransferDepartments []optionView
}

type messageView struct {
	Author, Date, Body string
	Note               bool
}

type eventView struct{ Date, Actor, From, To, Reason string }

type docField struct{ Name, Value string }

// Page writes a document as a page of the web panel. p says who is logged in and
// what the page's func declares; without it (nil) the page shows the document alone.
func Page(w io.Writer, doc *Node, p *Panel) error {
	if p == nil {
		p = &Panel{}
	}
	l := p.Lang
	if !lang.Known(l) {
		l = lang.Default
	}
	v := pageView{Lang: l, P: p, Title: p.Caption, Error: p.Error, Plname: p.Plname}
	if v.Title == "" && p.Kind == "" {
		v.Title = doc.Attr("func")
	}
	var rows, funcs []*Node
	for _, c := range doc.Children {
		switch c.Name {
		case "tparams", "slist", "p_cnt", "p_num", "p_sort", "p_order", "plid":
		case "error":
			v.Error = &ErrorView{Type: c.Attr("type"), Object: c.Attr("object"), Msg: c.childText("msg")}
		case "ok":
			v.OK = true
		case "func":
			funcs = append(funcs, c)
		case "elem":
			rows = append(rows, c)
		case "p_elems":
			v.Total = c.Text
		case "plname":
			v.Plname = c.Text
		default:
			v.DocFields = append(v.DocFields, docField{c.Name, plain(c)})
		}
	}
	if v.Error != nil && p.Kind == "" && (v.Error.Type == "access" || v.Error.Type == "auth") && p.Account == "" {
		p.Kind = "login"
	}
	switch p.Kind {
	case "list":
		if p.List != nil {
			v.listView(doc, rows)
		}
	case "form", "act":
		if p.Form != nil {
			v.Fields = formFields(p.Form, doc, p)
		}
		if p.Kind == "form" {
			// The element the form edits, by its name, or that it makes a new one.
			if name := doc.childText("name"); name != "" && p.Elid != "" {
				v.Plname = name
			} else if p.Elid == "" && p.Form != nil && p.Form.Creates && !p.Titled {
				v.Plname = l.T("new")
			}
		}
		v.Records = records(doc)
	case "ticket":
		v.Ticket = ticketOf(doc, p)
		v.Title = l.T("Ticket #%s: %s", p.Elid, v.Ticket.Subject)
		if p.Form != nil {
			v.Fields = formFields(p.Form, doc, p)
		}
	case "":
		if len(rows) > 0 {
			v.rawList(rows)
		}
	}
	v.Reference = referenceView(funcs, v.Lang)
	return templates.Render(w, "page.html", v)
}

// pageURL is the address of a panel page with the given parameters.
func pageURL(params url.Values) string {
	return Binary + "?" + params.Encode()
}

// listState is the list's own parameters: what its links keep as they change one.
func listState(doc *Node, p *Panel) url.Values {
	q := url.Values{"func": {p.Func}}
	if p.List != nil {
		for k, v := range p.List.Inline {
			q[k] = append([]string(nil), v...)
		}
	}
	if p.Plid != "" {
		q.Set("plid", p.Plid)
	}
	order := "+"
	if doc.childText("p_order") == "desc" {
		order = "-"
	}
	if s := doc.childText("p_sort"); s != "" {
		q.Set("p_col", order+s)
	}
	if n := doc.childText("p_num"); n != "" {
		q.Set("p_num", n)
	}
	if n := doc.childText("p_cnt"); n != "" {
		q.Set("p_cnt", n)
	}
	return q
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// listView lays out a list by its declared columns, with sorting, paging and the
// links of each row.
func (v *pageView) listView(doc *Node, rows []*Node) {
	p, meta := v.P, v.P.List
	state := listState(doc, p)
	sort, desc := doc.childText("p_sort"), doc.childText("p_order") == "desc"
	flags := false
	for _, col := range meta.Columns {
		if col.Kind == "flag" {
			flags = true
			continue
		}
		if hiddenColumn(col.Name) {
			continue
		}
		cv := colView{Name: col.Name, Caption: v.Lang.T(col.Caption), Kind: col.Kind}
		if col.Sort {
			q := clone(state)
			q.Del("p_num")
			dir := "+"
			if col.Name == sort {
				cv.Sorted = "asc"
				if desc {
					cv.Sorted = "desc"
				} else {
					dir = "-"
				}
			}
			q.Set("p_col", dir+col.Name)
			cv.SortURL = pageURL(q)
		}
		v.Columns = append(v.Columns, cv)
	}
	v.StatusColumn = flags
	self := pageURL(state)
	var editLink *Action
	for i := range meta.Links {
		if meta.Links[i].Kind == "form" && strings.HasSuffix(meta.Links[i].Func, ".edit") {
			editLink = &meta.Links[i]
			break
		}
	}
	for _, r := range rows {
		key := r.childText(meta.Key)
		rv := rowView{Key: key, Name: rowName(r)}
		for _, col := range meta.Columns {
			cell := r.Child(col.Name)
			if col.Kind == "flag" {
				switch {
				case col.Name == "enabled" && cell == nil:
					rv.Badges = append(rv.Badges, Option{Key: "suspended", Label: v.Lang.T("Suspended")})
				case col.Name != "enabled" && cell != nil && !quietFlags[col.Name]:
					label := badgeLabel(v.Lang, col.Name)
					if label == "" {
						label = v.Lang.T(col.Caption)
					}
					rv.Badges = append(rv.Badges, Option{Key: col.Name, Label: label})
				}
				continue
			}
			if hiddenColumn(col.Name) {
				continue
			}
			cv := cellView{Name: col.Name, Kind: col.Kind}
			if cell != nil {
				cv.Text = plain(cell)
				if col.Kind == "status" {
					cv.Badge = col.Name + "-" + cell.Text
					if label := choiceLabel(col, cell.Text); label != "" {
						cv.Text = v.Lang.T(label)
					}
				}
			}
			if meta.Rights {
				rightCell(v.Lang, &cv, r)
			}
			rv.Cells = append(rv.Cells, cv)
		}
		if editLink != nil && key != "" {
			for i := range rv.Cells {
				if rv.Cells[i].Text != "" && rv.Cells[i].Badge == "" && rv.Cells[i].Name != "id" || i == len(rv.Cells)-1 {
					rv.Cells[i].Link = rowURL(*editLink, key, p.Plid, self)
					break
				}
			}
		}
		if key != "" {
			for _, l := range meta.Links {
				rv.Links = append(rv.Links, linkView{Func: l.Func, Caption: v.Lang.T(l.Caption), Kind: l.Kind, URL: rowURL(l, key, p.Plid, self)})
			}
		}
		v.Rows = append(v.Rows, rv)
	}
	page, _ := strconv.Atoi(doc.childText("p_num"))
	size, _ := strconv.Atoi(doc.childText("p_cnt"))
	total, _ := strconv.Atoi(v.Total)
	if size > 0 {
		pg := &pagerView{Page: page, Size: size, Pages: (total + size - 1) / size}
		if pg.Pages == 0 {
			pg.Pages = 1
		}
		if page > 1 {
			q := clone(state)
			q.Set("p_num", strconv.Itoa(page-1))
			pg.Prev = pageURL(q)
		}
		if page < pg.Pages {
			q := clone(state)
			q.Set("p_num", strconv.Itoa(page+1))
			pg.Next = pageURL(q)
		}
		for _, n := range []int{10, 30, 100, 500} {
			if meta.MaxSize > 0 && n > meta.MaxSize {
				continue
			}
			q := clone(state)
			q.Del("p_num")
			q.Set("p_cnt", strconv.Itoa(n))
			pg.Sizes = append(pg.Sizes, sizeView{Size: n, URL: pageURL(q), Current: n == size})
		}
		v.Pager = pg
	}
	for _, name := range []string{"plid", "p_col", "p_num", "p_cnt"} {
		if val := state.Get(name); val != "" {
			v.Hidden = append(v.Hidden, hiddenView{name, val})
		}
	}
	if len(meta.Counts) > 0 {
		all := clone(state)
		for _, c := range meta.Counts {
			all.Del(c.Column)
		}
		all.Del("filter")
		all.Del("p_num")
		v.AllURL = pageURL(all)
	}
	if meta.Filter != nil {
		stored := &Panel{Typed: map[string][]string{}}
		for k, val := range meta.Stored {
			stored.Typed[k] = []string{val}
		}
		v.Filter = formFields(meta.Filter, doc, stored)
	}
}

// rightCell says a right's state and its source in words: a right that nothing
// grants is "not granted", not denied; denied is a personal setting.
func rightCell(l lang.Lang, cv *cellView, r *Node) {
	source := r.childText("source")
	on := r.childText("access") == "on"
	switch cv.Name {
	case "access":
		switch {
		case on:
			cv.Text, cv.Badge = l.T("Allowed"), "access-on"
		case source == "personal":
			cv.Text, cv.Badge = l.T("Denied"), "access-off"
		default:
			cv.Text, cv.Badge = l.T("Not granted"), "access-none"
		}
	case "source":
		switch {
		case source == "none" || source == "":
			cv.Text = "—"
		case source == "personal" && on:
			cv.Text = l.T("Allowed to this employee")
		case source == "personal":
			cv.Text = l.T("Denied to this employee")
		case source == "full access":
			cv.Text = l.T("Full access")
		case strings.HasPrefix(source, "department "):
			cv.Text = l.T("Department %s", strings.TrimPrefix(source, "department "))
		}
	}
}

// hiddenColumn reports whether a column is a key for scripts (responsible_id),
// which a person reads in the column beside it.
func hiddenColumn(name string) bool { return strings.HasSuffix(name, "_id") }

// quietFlags are flags that say how an account is set up rather than its state:
// the filter finds them, a badge would only crowd the row.
var quietFlags = map[string]bool{"all_ip_access": true, "ip_access": true, "another_session": true}

// choiceLabel is the caption of a status value among the column's choices, or "".
func choiceLabel(col ColumnMeta, key string) string {
	for _, o := range col.Choices {
		if o.Key == key {
			return o.Label
		}
	}
	return ""
}

// badgeLabel is the badge of a flag whose column caption says too much, or "".
func badgeLabel(l lang.Lang, flag string) string {
	switch flag {
	case "has_session":
		return l.T("Online")
	case "locked":
		return l.T("Locked")
	case "default_access_allow":
		return l.T("Full access")
	case "onsite":
		return l.T("On site")
	}
	return ""
}

// rowURL is the address a row's link leads to.
// A form, an operation or a confirmation reached from a row returns to the list
// as it was (back).
func rowURL(l Action, key, plid, back string) string {
	q := url.Values{"func": {l.Func}}
	switch l.Kind {
	case "list":
		q.Set("plid", key)
		if l.Size > 0 {
			q.Set("p_cnt", strconv.Itoa(l.Size))
		}
	default:
		q.Set("elid", key)
		if plid != "" {
			q.Set("plid", plid)
		}
		q.Set("back", back)
	}
	return pageURL(q)
}

// rowName is what a confirmation or a label calls a row: its name, or its id.
func rowName(r *Node) string {
	for _, name := range []string{"name", "login", "caption", "id"} {
		if t := r.childText(name); t != "" {
			return t
		}
	}
	return ""
}

// rawList lays out rows of a list no panel declaration describes.
func (v *pageView) rawList(rows []*Node) {
	seen := map[string]bool{}
	for _, r := range rows {
		for _, cell := range r.Children {
			if !seen[cell.Name] {
				seen[cell.Name] = true
				v.Columns = append(v.Columns, colView{Name: cell.Name, Caption: cell.Name})
			}
		}
	}
	for _, r := range rows {
		rv := rowView{}
		for _, col := range v.Columns {
			cv := cellView{Name: col.Name}
			if cell := r.Child(col.Name); cell != nil {
				cv.Text = plain(cell)
			}
			rv.Cells = append(rv.Cells, cv)
		}
		v.Rows = append(v.Rows, rv)
	}
}

// formFields are the declared fields of a form with the values to show: what a
// refused save was sent (no password), or else the document's, and the options of
// selects from the document's slists or the declaration.
func formFields(meta *FormMeta, doc *Node, p *Panel) []fieldView {
	slists := map[string][]Option{}
	for _, s := range doc.all("slist") {
		var opts []Option
		for _, val := range s.all("val") {
			opts = append(opts, Option{Key: val.Attr("key"), Label: val.Text})
		}
		slists[s.Attr("name")] = opts
	}
	var out []fieldView
	for _, f := range meta.Fields {
		fv := fieldView{FieldMeta: f, ID: "f-" + f.Name, Error: p.FieldErrors[f.Name]}
		var values []string
		if typed, ok := p.Typed[f.Name]; ok && p.Typed != nil {
			values = typed
		} else if n := doc.Child(f.Name); n != nil && p.Kind != "ticket" {
			values = []string{n.Text}
		}
		if f.Type == "password" {
			values = nil
		}
		first := ""
		if len(values) > 0 {
			first = values[0]
		}
		fv.Value = first
		opts := f.Options
		if s, ok := slists[f.Name]; ok {
			opts = s
		}
		switch f.Type {
		case "textarea":
			fv.Input = "textarea"
		case "addresses":
			fv.Input = "textarea"
			fv.Value = strings.Join(strings.FieldsFunc(first, func(r rune) bool { return r == ',' || r == ' ' }), "\n")
		case "password":
			fv.Input = "password"
		case "email":
			fv.Input = "email"
		case "phone":
			fv.Input = "tel"
		case "number":
			fv.Input = "number"
		case "flag":
			fv.Input = "checkbox"
			fv.Checked = first == "on" || first == "yes" || first == "1"
		case "select", "multiselect":
			fv.Input = "select"
			if f.Type == "multiselect" {
				fv.Input = "multi"
			}
			if len(opts) == 0 {
				fv.Input = "text"
				break
			}
			chosen := map[string]bool{}
			for _, val := range values {
				for _, part := range strings.Split(val, ",") {
					chosen[strings.TrimSpace(part)] = true
				}
			}
			for _, o := range opts {
				fv.Options = append(fv.Options, optionView{Key: o.Key, Label: o.Label, Selected: chosen[o.Key]})
				if o.Key == "" {
					fv.HasEmpty = true
				}
			}
		default:
			fv.Input = "text"
		}
		out = append(out, fv)
	}
	return out
}

type recordTable struct {
	Name    string
	Columns []string
	Rows    [][]string
}

// records lays out the repeated elements with children of a document, a table
// for each name, its columns in the order they first appear.
func records(doc *Node) []recordTable {
	var out []recordTable
	index := map[string]int{}
	for _, n := range doc.Children {
		if !n.Many || len(n.Children) == 0 || n.Name == "slist" || n.Name == "elem" {
			continue
		}
		i, ok := index[n.Name]
		if !ok {
			i = len(out)
			index[n.Name] = i
			out = append(out, recordTable{Name: n.Name})
		}
		t := &out[i]
		for _, c := range n.Children {
			if !slices.Contains(t.Columns, c.Name) {
				t.Columns = append(t.Columns, c.Name)
			}
		}
	}
	for i := range out {
		t := &out[i]
		for _, n := range doc.all(t.Name) {
			row := make([]string, len(t.Columns))
			for k, col := range t.Columns {
				if c := n.Child(col); c != nil {
					row[k] = plain(c)
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return out
}

// ticketOf reads a ticket page's document: the ticket, its thread and history.
func ticketOf(doc *Node, p *Panel) *ticketView {
	t := &ticketView{Mine: doc.childText("responsible_id") == p.AccountID, Subject: doc.childText("name"), Status: doc.childText("status"), Department: doc.childText("department"),
		Client: doc.childText("client"), Responsible: doc.childText("responsible"), Started: doc.childText("date_start")}
	for _, m := range doc.all("ticket_message") {
		t.Messages = append(t.Messages, messageView{Author: m.childText("author"), Date: m.childText("date"),
			Body: m.childText("body"), Note: m.Child("note") != nil})
	}
	for _, s := range doc.all("slist") {
		if s.Attr("name") != "status" {
			continue
		}
		for _, val := range s.all("val") {
			if val.Attr("key") == t.Status {
				t.StatusLabel = val.Text
			}
		}
	}
	if t.StatusLabel == "" {
		for _, o := range p.StatusChoices {
			if o.Key == t.Status {
				t.StatusLabel = p.Lang.T(o.Label)
			}
		}
	}
	if t.StatusLabel == "" {
		t.StatusLabel = t.Status
	}
	for _, o := range p.TransferTo {
		// support_tool_responsible names a department's queue d_ID, an employee by id.
		if strings.HasPrefix(o.Key, "d_") {
			t.TransferDepartments = append(t.TransferDepartments, optionView{Key: o.Key, Label: o.Label})
		} else {
			t.TransferStaff = append(t.TransferStaff, optionView{Key: o.Key, Label: o.Label})
		}
	}
	for _, ev := range doc.all("ticket_event") {
		t.Events = append(t.Events, eventView{Date: ev.childText("date"), Actor: ev.childText("actor"),
			From: ev.childText("from"), To: ev.childText("to"), Reason: ev.childText("reason")})
	}
	return t
}

// plain is the text of an element, "yes" for a flag.
func plain(n *Node) string {
	if n.empty() {
		return "yes"
	}
	if len(n.Children) == 0 {
		return n.Text
	}
	var parts []string
	for _, c := range n.Children {
		parts = append(parts, plain(c))
	}
	return strings.Join(parts, ", ")
}
