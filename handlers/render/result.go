package render

import (
	"strconv"

	"staffmgr/handlers/lang"
	"staffmgr/models/errs"
)

// Result is what a handler returns: the data elements of its document.
type Result interface {
	Nodes() []*Node
}

// Doc is a result made of arbitrary elements.
type Doc []*Node

// Nodes implements Result.
func (d Doc) Nodes() []*Node { return d }

// List is one page of a list.
type List struct {
	Rows     []*Node // elem elements, built with Row
	Total    int64   // rows after filtering, on every page
	Page     int     // 1-based
	PageSize int
	Sort     string // the column sorted by
	Desc     bool
	Plid     string // the parent element of a nested list
	Plname   string
}

// Nodes implements Result.
func (l *List) Nodes() []*Node {
	out := append([]*Node(nil), l.Rows...)
	order := "asc"
	if l.Desc {
		order = "desc"
	}
	out = append(out,
		Text("p_cnt", strconv.Itoa(l.PageSize)),
		Text("p_elems", strconv.FormatInt(l.Total, 10)),
		Text("p_num", strconv.Itoa(l.Page)),
		Text("p_sort", l.Sort),
		Text("p_order", order),
	)
	if l.Plid != "" {
		out = append(out, Text("plid", l.Plid), Text("plname", l.Plname))
	}
	return out
}

// Row returns a list row (an elem element) with the given cells; nil cells are skipped.
func Row(cells ...*Node) *Node {
	return (&Node{Name: "elem", Many: true}).Add(cells...)
}

// Cell returns a list cell, or nil (no element) when text is empty, so that an
// empty value is never read as a flag.
func Cell(name, text string) *Node {
	if text == "" {
		return nil
	}
	return Text(name, text)
}

// FlagIf returns the flag name when on, and nil (no element) when off.
func FlagIf(name string, on bool) *Node {
	if !on {
		return nil
	}
	return Flag(name)
}

// Form is a form: its fields are direct children of doc, select options in slists.
type Form struct {
	Fields []*Node
}

// Nodes implements Result.
func (f *Form) Nodes() []*Node { return f.Fields }

// OnOff is the form spelling of a checkbox, which models.ParseOnOff reads.
func OnOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// Option is one choice of a select.
type Option struct {
	Key, Label string
}

// Select returns the options of the select field name: <slist name="F"><val key="K">label</val>…</slist>.
func Select(name string, options ...Option) *Node {
	s := (&Node{Name: "slist", Many: true}).With("name", name)
	for _, o := range options {
		s.Add((&Node{Name: "val", Text: o.Label, Many: true}).With("key", o.Key))
	}
	return s
}

// OK is the answer to a successful change. Type and Target make it a redirect
// (<ok type="form">func=…</ok>); ID is the new element of a create.
type OK struct {
	Type   string
	Target string
	ID     string
	Extra  []*Node
}

// Nodes implements Result.
func (o *OK) Nodes() []*Node {
	ok := Text("ok", o.Target)
	if o.Type != "" {
		ok.With("type", o.Type)
	}
	out := []*Node{ok}
	if o.ID != "" {
		out = append(out, Text("id", o.ID))
	}
	return append(out, o.Extra...)
}

// Auth is the answer to a login: the session id as attribute and as text.
type Auth struct {
	ID    string
	Level int
}

// Nodes implements Result.
func (a *Auth) Nodes() []*Node {
	return []*Node{AuthNode(a.ID, a.Level)}
}

// AuthNode is <auth id="SID" level="N">SID</auth>.
func AuthNode(id string, level int) *Node {
	return Text("auth", id).With("id", id).With("level", strconv.Itoa(level))
}

// ErrorNode is the <error> element of an application error.
func ErrorNode(e *errs.E, lang string) *Node {
	n := El("error").With("type", string(e.Kind)).With("object", e.Object).With("lang", lang)
	n.Add(
		(&Node{Name: "param", Text: e.Object, Many: true}).With("name", "object").With("type", "msg"),
		(&Node{Name: "param", Text: e.Value, Many: true}).With("name", "value"),
	)
	for _, p := range e.Params {
		n.Add((&Node{Name: "param", Text: p.Value, Many: true}).With("name", p.Name))
	}
	msg := Message(e, lang)
	return n.Add(Text("detail", msg), Text("msg", msg))
}

// maxMessage bounds a translated message as the English one is bounded before it
// reaches the renderer.
const maxMessage = 300

// Message is e's readable text in the language lang names: English as it is,
// another language from e's format and arguments, cut to maxMessage characters.
func Message(e *errs.E, language string) string {
	l := lang.Lang(language)
	if l == lang.English || !lang.Known(l) {
		return e.Message()
	}
	msg := []rune(e.Text(l.T))
	if len(msg) > maxMessage {
		msg = append(msg[:maxMessage], '…')
	}
	return string(msg)
}
