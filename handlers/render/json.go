package render

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// JSON writes a document as json: text is {"$":…}, attributes are "$name" keys beside
// it, an empty element is {}, repeated names are arrays and elem is always an array.
// With strict (sjson) every name that may repeat is an array too, even when alone.
func JSON(doc *Node, strict bool) []byte {
	var b bytes.Buffer
	b.WriteString(`{"`)
	b.WriteString(doc.Name)
	b.WriteString(`":`)
	writeJSON(&b, doc, strict)
	b.WriteString("}\n")
	return b.Bytes()
}

func writeJSON(b *bytes.Buffer, n *Node, strict bool) {
	b.WriteByte('{')
	first := true
	key := func(k string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, k)
		b.WriteByte(':')
	}
	for _, a := range n.Attrs {
		key("$" + a.Name)
		writeString(b, a.Value)
	}
	if n.Text != "" {
		key("$")
		writeString(b, n.Text)
	}
	var buf [16]group
	for _, g := range groups(n.Children, buf[:]) {
		key(g.name)
		if g.count > 1 || alwaysArray[g.name] || (strict && g.many) {
			b.WriteByte('[')
			g.nodes(n.Children, func(i int, c *Node) {
				if i > 0 {
					b.WriteByte(',')
				}
				writeJSON(b, c, strict)
			})
			b.WriteByte(']')
		} else {
			writeJSON(b, n.Children[g.first], strict)
		}
	}
	b.WriteByte('}')
}

// JSONData writes a document as JSONdata: data only, without tparams. An element
// that holds only text (or nothing) is a plain string; one with attributes or children
// is an object whose attributes are plain keys, with its text, if any, under "$".
// Repeated names and elem are arrays.
func JSONData(doc *Node) []byte {
	var b bytes.Buffer
	data := &Node{}
	for _, c := range doc.Children {
		if c.Name != "tparams" {
			data.Children = append(data.Children, c)
		}
	}
	if len(data.Children) == 0 {
		b.WriteString("{}") // still an object, so that a client can look up keys
	} else {
		writeData(&b, data)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func writeData(b *bytes.Buffer, n *Node) {
	if len(n.Attrs) == 0 && len(n.Children) == 0 {
		writeString(b, n.Text)
		return
	}
	b.WriteByte('{')
	first := true
	key := func(k string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, k)
		b.WriteByte(':')
	}
	for _, a := range n.Attrs {
		key(a.Name)
		writeString(b, a.Value)
	}
	if n.Text != "" {
		key("$")
		writeString(b, n.Text)
	}
	var buf [16]group
	for _, g := range groups(n.Children, buf[:]) {
		key(g.name)
		if g.count > 1 || alwaysArray[g.name] || g.many {
			b.WriteByte('[')
			g.nodes(n.Children, func(i int, c *Node) {
				if i > 0 {
					b.WriteByte(',')
				}
				writeData(b, c)
			})
			b.WriteByte(']')
		} else {
			writeData(b, n.Children[g.first])
		}
	}
	b.WriteByte('}')
}

const hexDigits = "0123456789abcdef"

// writeString writes s as a JSON string, leaving <, > and & as they are.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(`\u` + strconv.FormatInt(int64(r), 16))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
