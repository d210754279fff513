package render

import (
	"bytes"
	"strings"
)

// PlainText writes a document as key=value lines (mgrctl's format). A list row is one line
// of space-separated key=value pairs; a flag is its bare name; nested elements and
// attributes are dotted keys (auth.level=28); a nested element with a name attribute is
// keyed by that name (error.param.value=…), and so is one at any depth that has
// children of its own (func.employee.caption=Staff). tparams and select options are
// left out.
func PlainText(doc *Node) []byte {
	var b bytes.Buffer
	for _, c := range doc.Children {
		switch c.Name {
		case "tparams", "slist":
		case "elem":
			var fields []string
			flatten(c, "", func(k, v string, flag bool) {
				if flag {
					fields = append(fields, k)
				} else {
					fields = append(fields, k+"="+escapeText(v))
				}
			})
			b.WriteString(strings.Join(fields, " "))
			b.WriteByte('\n')
		default:
			named(c, "", func(k, v string, flag bool) {
				b.WriteString(k)
				if !flag {
					b.WriteByte('=')
					b.WriteString(escapeText(v))
				}
				b.WriteByte('\n')
			})
		}
	}
	return b.Bytes()
}

// flatten calls emit for every value under n, keyed by its dotted path below prefix.
func flatten(n *Node, prefix string, emit func(key, value string, flag bool)) {
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		return a + "." + b
	}
	if n.empty() {
		emit(prefix, "", true)
		return
	}
	if len(n.Attrs) == 0 && len(n.Children) == 0 {
		emit(prefix, n.Text, false)
		return
	}
	for _, a := range n.Attrs {
		emit(join(prefix, a.Name), a.Value, false)
	}
	if n.Text != "" {
		emit(prefix, n.Text, false)
	}
	for _, c := range n.Children {
		if name := c.Attr("name"); name != "" && len(c.Children) == 0 {
			// The name is data, not code: escaped like a value, it cannot break the line.
			emit(join(join(prefix, c.Name), escapeText(name)), c.Text, false)
			continue
		}
		named(c, prefix, emit)
	}
}

// named flattens the child c of the element at prefix, keyed by its name attribute
// when it has children of its own, so that the values of one repeated element stay
// apart from those of the next.
func named(c *Node, prefix string, emit func(key, value string, flag bool)) {
	key := c.Name
	if prefix != "" {
		key = prefix + "." + key
	}
	name := c.Attr("name")
	if name == "" || len(c.Children) == 0 {
		flatten(c, key, emit)
		return
	}
	rest := *c
	rest.Attrs = nil
	for _, a := range c.Attrs {
		if a.Name != "name" {
			rest.Attrs = append(rest.Attrs, a)
		}
	}
	flatten(&rest, key+"."+escapeText(name), emit)
}

var textEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)

func escapeText(s string) string { return textEscaper.Replace(s) }
