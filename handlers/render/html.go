package render

import (
	"fmt"
	"io"
	"strings"

	"staffmgr/handlers/lang"
	"staffmgr/templates"
)

// pageView is what the HTML page shows of a document.
type pageView struct {
	Lang    string
	Func    string
	Error   *errorView
	Login   bool
	OK      bool
	Columns []string
	Rows    [][]string
	Paging  string
	Fields  []fieldView
	// Reference is the API reference (func=help), by section.
	Reference []refSection
}

type errorView struct{ Type, Object, Msg string }

type fieldView struct{ Name, Value string }

// Page writes a document as the HTML page of the web panel.
func Page(w io.Writer, doc *Node) error {
	v := pageView{Lang: doc.Attr("lang"), Func: doc.Attr("func")}
	var columns []string
	seen := map[string]bool{}
	var rows, funcs []*Node
	for _, c := range doc.Children {
		switch c.Name {
		case "tparams", "slist":
		case "error":
			v.Error = &errorView{Type: c.Attr("type"), Object: c.Attr("object")}
			if m := c.Child("msg"); m != nil {
				v.Error.Msg = m.Text
			}
			v.Login = v.Error.Type == "access" || v.Error.Type == "auth"
		case "ok":
			v.OK = true
		case "func":
			funcs = append(funcs, c)
		case "elem":
			rows = append(rows, c)
			for _, cell := range c.Children {
				if !seen[cell.Name] {
					seen[cell.Name] = true
					columns = append(columns, cell.Name)
				}
			}
		case "p_cnt", "p_elems", "p_num", "p_sort", "p_order":
			if c.Name == "p_elems" {
				v.Paging = fmt.Sprintf("%s in all", c.Text)
			}
		default:
			v.Fields = append(v.Fields, fieldView{c.Name, plain(c)})
		}
	}
	if len(rows) > 0 {
		v.Columns = columns
		for _, r := range rows {
			line := make([]string, len(columns))
			for i, col := range columns {
				if cell := r.Child(col); cell != nil {
					line[i] = plain(cell)
				}
			}
			v.Rows = append(v.Rows, line)
		}
	}
	v.Reference = referenceView(funcs, lang.Lang(v.Lang))
	return templates.Render(w, "page.html", v)
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
