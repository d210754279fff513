package render

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"staffmgr/handlers/lang"
)

// The API reference is a document of <func name="…"> elements (func=help), each
// with its caption, section, level, right and shape, and the <column>, <filter> or
// <field> elements of its list or form. The web panel's help page and docs/api.md
// lay it out alike, from the view below.

// refSection is the funcs of one section of the func table.
type refSection struct {
	Title, Anchor string
	Funcs         []refFunc
}

// refFunc is one func as a page or a Markdown file lays it out: plain text, which
// each layout escapes in its own way.
type refFunc struct {
	Name, Caption string
	// Facts are its level, right and shape, each a short phrase.
	Facts []string
	// Tables are those of its columns, its filters that are no column, and its
	// fields, each only when it has rows.
	Tables []refTable
}

// refTable is a table of the reference: the first cell of each row is a name.
type refTable struct {
	Headers []string
	Rows    [][]string
}

// The headers of the tables of columns, of filters and of fields, in language l.
func columnHeaders(l lang.Lang) []string {
	return []string{l.T("column"), l.T("caption"), l.T("kind"), l.T("sort"), l.T("filter")}
}

func filterHeaders(l lang.Lang) []string {
	return []string{l.T("filter"), l.T("caption"), l.T("kind")}
}

func fieldHeaders(l lang.Lang) []string {
	return []string{l.T("field"), l.T("caption"), l.T("type"), l.T("need"), l.T("limits"), l.T("choices"), l.T("notes")}
}

// referenceView groups the func elements by section, in the order they come, with
// the reference's own words in language l.
func referenceView(funcs []*Node, l lang.Lang) []refSection {
	var out []refSection
	for _, n := range funcs {
		section := n.childText("section")
		if len(out) == 0 || out[len(out)-1].Title != section {
			out = append(out, refSection{Title: section, Anchor: anchor(section)})
		}
		s := &out[len(out)-1]
		s.Funcs = append(s.Funcs, funcView(n, l))
	}
	return out
}

// funcView reads one func element.
func funcView(n *Node, l lang.Lang) refFunc {
	f := refFunc{Name: n.Attr("name"), Caption: n.childText("caption")}
	if n.Child("only") != nil {
		f.Facts = append(f.Facts, l.T("Level %s only", n.childText("level")))
	} else {
		f.Facts = append(f.Facts, l.T("Level %s", n.childText("level")))
	}
	if r := n.childText("right"); r != "" {
		f.Facts = append(f.Facts, l.T("right %s", r))
	}
	if n.Child("own") != nil {
		f.Facts = append(f.Facts, l.T("without elid, the caller's own account, whose form needs no right"))
	}
	switch shape := n.childText("shape"); {
	case shape == "list":
		order, size, max := n.childText("default_sort"), n.childText("pagesize"), n.childText("max_pagesize")
		if desc, ok := strings.CutPrefix(order, "-"); ok {
			f.Facts = append(f.Facts, l.T("list sorted by %s, descending; %s rows a page, at most %s", desc, size, max))
		} else {
			f.Facts = append(f.Facts, l.T("list sorted by %s, ascending; %s rows a page, at most %s", order, size, max))
		}
	case shape == "form" && n.Child("service") != nil:
		f.Facts = append(f.Facts, l.T("form that waits on an outside service"))
	case shape == "form" && n.Child("creates") != nil:
		f.Facts = append(f.Facts, l.T("form that creates without elid, edits with it"))
	case shape == "group":
		f.Facts = append(f.Facts, l.T("group operation on the elements elid names"))
	case shape == "op" && n.Child("writes") != nil:
		f.Facts = append(f.Facts, l.T("operation that writes, without sok"))
	case shape == "op":
		f.Facts = append(f.Facts, l.T("operation"))
	default:
		f.Facts = append(f.Facts, shape)
	}
	var columns, filters, fields [][]string
	for _, c := range n.Children {
		switch c.Name {
		case "column":
			sort := ""
			if c.Child("sortable") != nil {
				sort = l.T("yes")
			}
			kind := c.childText("kind")
			if c.Child("optional") != nil {
				kind = l.T("%s, left out when empty", kind)
			}
			columns = append(columns, []string{c.Attr("name"), c.childText("caption"), kind, sort, filterText(c)})
		case "filter":
			filters = append(filters, []string{c.Attr("name"), c.childText("caption"), filterText(c)})
		case "field":
			fields = append(fields, fieldRow(c, l))
		}
	}
	for _, t := range []refTable{{columnHeaders(l), columns}, {filterHeaders(l), filters}, {fieldHeaders(l), fields}} {
		if len(t.Rows) > 0 {
			f.Tables = append(f.Tables, t)
		}
	}
	return f
}

// filterText is how a column filters: its kind and, for a choice, the choices.
func filterText(c *Node) string {
	kind := c.childText("filter")
	if choices := choicesText(c); choices != "" {
		return kind + ": " + choices
	}
	return kind
}

// choicesText lists the choice elements of n as "key (label), …".
func choicesText(n *Node) string {
	var parts []string
	for _, o := range n.all("choice") {
		parts = append(parts, fmt.Sprintf("%s (%s)", o.Attr("name"), o.Text))
	}
	return strings.Join(parts, ", ")
}

// fieldRow is a field element as the cells of fieldHeaders.
func fieldRow(c *Node, l lang.Lang) []string {
	var limits []string
	if min := c.childText("min"); min != "" {
		if max := c.childText("max"); max != "" {
			limits = append(limits, l.T("%s to %s", min, max))
		} else {
			limits = append(limits, l.T("at least %s", min))
		}
	}
	if max := c.childText("maxlength"); max != "" {
		limits = append(limits, l.T("at most %s characters", max))
	}
	if p := c.childText("pattern"); p != "" {
		limits = append(limits, l.T("matches %s", p))
	}
	choices := choicesText(c)
	if from := c.childText("choices_from"); from != "" {
		choices = l.T("listed by func=%s", from)
	}
	var notes []string
	if h := c.childText("help"); h != "" {
		notes = append(notes, strings.TrimSuffix(h, "."))
	}
	if conf := c.childText("confirm"); conf != "" {
		notes = append(notes, l.T("repeated in %s", conf))
	}
	if unless := c.childText("unless"); unless != "" {
		notes = append(notes, l.T("not read when %s is given", unless))
	}
	if c.Child("unshown") != nil {
		notes = append(notes, l.T("not shown by the form"))
	}
	return []string{c.Attr("name"), c.childText("caption"), c.childText("type"), c.childText("need"),
		strings.Join(limits, "; "), choices, strings.Join(notes, "; ")}
}

// anchor is the id GitHub gives a heading: lower case, blanks as hyphens, other
// punctuation dropped.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ' || r == '-':
			b.WriteByte('-')
		case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ReferenceMarkdown writes the func elements of the API reference as the Markdown of
// docs/api.md: a section per heading of the func table, a part per func with its
// facts and the tables of its columns, filters or fields.
func ReferenceMarkdown(funcs []*Node) []byte {
	var b bytes.Buffer
	sections := referenceView(funcs, lang.English)
	b.WriteString(`# API reference

<!-- Generated by staffmgr docs from the func table and the declarations of its
lists and forms. Do not edit: run make docs. -->

Every func is called as ` + "`/billmgr?func=NAME`" + `, by GET or POST, as [the protocol](protocol.md)
describes. ` + "`func=help`" + ` answers this reference in every output format, for the funcs the caller
may call (` + "`func=help&elid=NAME`" + ` for one), and so does the web panel's help page.

- **Level**: who may call it: ` + "`guest`" + ` anyone, logged in or not; ` + "`user`" + ` any account (16);
  ` + "`admin`" + ` staff (28); ` + "`root`" + ` (31). A func admits its level and those above, or its level
  alone when marked *only*.
- **Right**: an admin-level func is also a right, which an employee without full access needs.
- **List**: rows (` + "`elem`" + `) a page at a time (` + "`p_cnt`, `p_num`" + `), sorted by a sortable column
  (` + "`p_col`" + `), filtered by the filters each column or filter names: ` + "`wildcard`" + ` (` + "`*`" + ` matches any
  run of characters, in any case), ` + "`exact`" + `, or ` + "`choice`" + ` (one of the values listed).
- **Form**: without ` + "`sok=ok`" + ` it answers the form and changes nothing; with it, every field is
  checked before anything is written. A field the request leaves out keeps its value. Need:
  ` + "`required`" + ` to create, and never emptied; ` + "`always`" + ` on every save; ` + "`create_only`" + ` to
  create, and not read by an edit; ` + "`optional`" + `.
- **Group operation**: acts on every element ` + "`elid`" + ` names, all or none, with ` + "`sok=ok`" + `;
  without it, answers what it would change.
- **Operation**: a session operation, which takes no ` + "`sok`" + `.

`)
	for _, s := range sections {
		names := make([]string, len(s.Funcs))
		for i, f := range s.Funcs {
			names[i] = "`" + f.Name + "`"
		}
		fmt.Fprintf(&b, "- [%s](#%s): %s\n", s.Title, s.Anchor, strings.Join(names, ", "))
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "\n## %s\n", s.Title)
		for _, f := range s.Funcs {
			fmt.Fprintf(&b, "\n### `%s`\n\n%s. %s.\n", f.Name, mdText(f.Caption), mdText(strings.Join(f.Facts, " · ")))
			for _, t := range f.Tables {
				mdTable(&b, t)
			}
		}
	}
	return b.Bytes()
}

// mdTable writes a Markdown table, the first cell of each row as code.
func mdTable(b *bytes.Buffer, t refTable) {
	b.WriteString("\n| " + strings.Join(t.Headers, " | ") + " |\n|")
	b.WriteString(strings.Repeat("---|", len(t.Headers)))
	b.WriteByte('\n')
	for _, row := range t.Rows {
		b.WriteString("| `" + row[0] + "`")
		for _, cell := range row[1:] {
			b.WriteString(" | " + mdText(cell))
		}
		b.WriteString(" |\n")
	}
}

// mdText escapes text for a Markdown table cell or paragraph: the characters
// Markdown would read as markup, and line breaks.
var mdText = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "*", `\*`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`,
	"\r\n", " ", "\n", " ", "\r", " ",
).Replace
