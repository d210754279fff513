package render_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"staffmgr/handlers/render"
)

// body is the XML document without its header line.
func body(t *testing.T, out []byte) string {
	t.Helper()
	s, ok := strings.CutPrefix(string(out), render.XMLHeader)
	if !ok {
		t.Fatalf("no XML header: %q", out)
	}
	return strings.TrimSuffix(s, "\n")
}

// decodeValue parses <v a="…">…</v> and returns the attribute and the text as an XML
// parser sees them.
func decodeValue(t *testing.T, out []byte) (attr, text string) {
	t.Helper()
	var v struct {
		A    string `xml:"a,attr"`
		Text string `xml:",chardata"`
	}
	if err := xml.Unmarshal(out, &v); err != nil {
		t.Fatalf("not well-formed XML: %v\n%q", err, out)
	}
	return v.A, v.Text
}

func TestXMLHeader(t *testing.T) {
	out := render.XML(render.Flag("doc"))
	if want := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc/>\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestXMLEscapesMarkup(t *testing.T) {
	const s = `a<b>c&d"e'f`
	tests := []struct {
		name string
		node *render.Node
		want string
	}{
		{"text", render.Text("v", s), `<v>a&lt;b&gt;c&amp;d"e'f</v>`},
		{"attribute", render.Flag("v").With("a", s), `<v a="a&lt;b&gt;c&amp;d&quot;e'f"/>`},
		{"entity-like text stays text", render.Text("v", "&amp; &#13; &lt;"), `<v>&amp;amp; &amp;#13; &amp;lt;</v>`},
		{"cdata end", render.Text("v", "]]>"), `<v>]]&gt;</v>`},
		{"attribute whitespace", render.Flag("v").With("a", "1\t2\n3\r4"), `<v a="1&#9;2&#10;3&#13;4"/>`},
		{"text tab and newline", render.Text("v", "1\t2\n3"), "<v>1\t2\n3</v>"},
		{"non-ASCII", render.Text("v", "Иван 😀 \u2028"), "<v>Иван 😀 \u2028</v>"},
		{"flag", render.Flag("enabled"), `<enabled/>`},
		{"attributes only", render.Flag("ok").With("type", "list"), `<ok type="list"/>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := body(t, render.XML(tt.node)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Characters XML 1.0 cannot hold become U+FFFD, in text and in attributes, so the
// document stays well-formed whatever a user typed.
func TestXMLReplacesInvalidCharacters(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"NUL", "a\x00b", "a\uFFFDb"},
		{"C0 controls", "\x01\x08\x0b\x0c\x1f", strings.Repeat("\uFFFD", 5)},
		{"DEL is allowed", "a\x7fb", "a\x7fb"},
		{"C1 control is allowed", "a\u0085b", "a\u0085b"},
		{"U+FFFE and U+FFFF", "a\uFFFEb\uFFFFc", "a\uFFFDb\uFFFDc"},
		{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"encoded surrogate", "a\xed\xa0\x80b", "a\uFFFD\uFFFD\uFFFDb"},
		{"real U+FFFD", "a\uFFFDb", "a\uFFFDb"},
		{"astral", "a\U0010FFFFb", "a\U0010FFFFb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render.XML(render.Text("v", tt.in).With("a", tt.in))
			attr, text := decodeValue(t, out)
			if text != tt.want {
				t.Errorf("text: got %q, want %q", text, tt.want)
			}
			if attr != tt.want {
				t.Errorf("attribute: got %q, want %q", attr, tt.want)
			}
		})
	}
}

// Whatever the input, the XML parses back to the same text and attribute, except for
// the characters XML cannot carry (and \r in text: see TestKnownBugXMLTextCarriageReturn).
func TestXMLRoundTrip(t *testing.T) {
	for _, s := range []string{
		"", "plain", `<a href="x">&amp;</a>`, "'single' \"double\"", "tab\there", "two\nlines",
		"attr\r\nonly", "Иван Петров", "😀", "a=b&c=d", "]]>", "\\back\\slash",
	} {
		out := render.XML(render.Text("v", strings.ReplaceAll(s, "\r", "")).With("a", s))
		attr, text := decodeValue(t, out)
		if attr != s {
			t.Errorf("attribute %q came back as %q", s, attr)
		}
		if want := strings.ReplaceAll(s, "\r", ""); text != want {
			t.Errorf("text %q came back as %q", want, text)
		}
	}
}

func TestXMLDocumentWellFormedWithHostileValues(t *testing.T) {
	hostile := "</doc><x a=\"'\">\x00\x1b&#0;\xff"
	doc := render.Document(render.Meta{Func: "f", Lang: "en", Params: []render.Param{{Name: "name", Value: hostile}}},
		(&render.List{Rows: []*render.Node{render.Row(render.Text("name", hostile).With("title", hostile))}}).Nodes())
	d := xml.NewDecoder(bytes.NewReader(render.XML(doc)))
	depth, elems := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			elems++
		case xml.EndElement:
			depth--
		}
	}
	// doc, elem, name, 5 paging elements, tparams, name
	if depth != 0 || elems != 10 {
		t.Errorf("depth %d, %d elements: the value changed the document's structure", depth, elems)
	}
}
