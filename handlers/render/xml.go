package render

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// XMLHeader opens every XML document.
const XMLHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// XML writes a document as XML.
func XML(doc *Node) []byte {
	var b bytes.Buffer
	b.WriteString(XMLHeader)
	writeXML(&b, doc)
	b.WriteByte('\n')
	return b.Bytes()
}

func writeXML(b *bytes.Buffer, n *Node) {
	b.WriteByte('<')
	b.WriteString(n.Name)
	for _, a := range n.Attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteString(`="`)
		escapeXML(b, a.Value, true)
		b.WriteByte('"')
	}
	if n.Text == "" && len(n.Children) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	escapeXML(b, n.Text, false)
	for _, c := range n.Children {
		writeXML(b, c)
	}
	b.WriteString("</")
	b.WriteString(n.Name)
	b.WriteByte('>')
}

// escapeXML writes s as XML character data: markup characters as entities (quotes
// too inside attributes), and characters XML cannot hold as U+FFFD.
func escapeXML(b *bytes.Buffer, s string, attr bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r', (r == '\n' || r == '\t') && attr:
			// A parser turns a raw CR into LF, and in an attribute any of these into
			// a space: as references they arrive as they were sent.
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		case r == utf8.RuneError && size == 1, !xmlChar(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
}

// xmlChar reports whether XML 1.0 allows the character.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
