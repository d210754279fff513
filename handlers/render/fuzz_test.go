package render_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
)

// The names a fuzzed document is built of. Names come from code, never from a
// request (tparams names are filtered), so the fuzzer picks among real ones; texts
// and attribute values are arbitrary.
var (
	fuzzNames = []string{"elem", "id", "name", "param", "slist", "val", "ok", "auth", "msg", "detail",
		"error", "tparams", "p_cnt", "p_elems", "enabled", "ticket_message", "user", "csrf_token"}
	fuzzAttrs = []string{"name", "key", "type", "object", "lang", "id", "level", "title"}
)

// fuzzDoc builds a document from the fuzzer's bytes: shape steers the tree (add a
// child, an attribute or text, or go up) and texts, split at |, fills in every text.
func fuzzDoc(shape []byte, texts string) *render.Node {
	parts := strings.Split(texts, "|")
	next := 0
	text := func() string {
		s := parts[next%len(parts)]
		next++
		return s
	}
	var data []*render.Node
	root := render.El("data")
	stack := []*render.Node{root}
	nodes := 0
	for i, b := range shape {
		cur := stack[len(stack)-1]
		switch b % 4 {
		case 0:
			if nodes >= 300 || len(stack) > 20 {
				continue
			}
			name := fuzzNames[int(b>>2)%len(fuzzNames)]
			n := &render.Node{Name: name, Many: mayRepeat[name]}
			cur.Add(n)
			stack = append(stack, n)
			nodes++
		case 1:
			name := fuzzAttrs[int(b>>2)%len(fuzzAttrs)]
			if cur != root && !hasAttr(cur, name) {
				cur.With(name, text())
			}
		case 2:
			if cur != root && cur.Name != "elem" { // a row holds cells, never text
				cur.Text = text()
			}
		case 3:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		}
		if i == 0 && b&0x80 != 0 {
			e := &errs.E{Kind: errs.Kind(text()), Object: text(), Value: text(), Msg: text()}
			if b&0x40 != 0 {
				e.Params = []errs.Param{{Name: text(), Value: text()}}
			}
			data = append(data, render.ErrorNode(e, text()))
		}
	}
	data = append(data, root.Children...)
	meta := render.Meta{Func: text(), Lang: text()}
	for i := 0; i < 3 && i < len(parts); i++ {
		meta.Params = append(meta.Params, render.Param{Name: fuzzNames[i], Value: text()})
	}
	return render.Document(meta, data)
}

func hasAttr(n *render.Node, name string) bool {
	for _, a := range n.Attrs {
		if a.Name == name {
			return true
		}
	}
	return false
}

// xmlClean is what XML can carry of s: characters XML 1.0 cannot hold, and bytes
// that are no UTF-8, are U+FFFD.
func xmlClean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 || !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanTree applies xmlClean to every text of t: json carries control characters
// that xml replaces, and the comparison is of the rest.
func cleanTree(t *tree) *tree {
	out := newTree()
	out.text = xmlClean(t.text)
	for k, v := range t.attrs {
		out.attrs[k] = xmlClean(v)
	}
	for k, kids := range t.kids {
		for _, c := range kids {
			out.kids[k] = append(out.kids[k], cleanTree(c))
		}
	}
	return out
}

// cleanData applies xmlClean to every string of a decoded JSONdata value.
func cleanData(v any) any {
	switch v := v.(type) {
	case string:
		return xmlClean(v)
	case []any:
		for i := range v {
			v[i] = cleanData(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = cleanData(v[k])
		}
	}
	return v
}

// FuzzRender renders arbitrary documents and errors in every format: nothing
// panics, xml is well-formed, json, sjson and JSONdata are valid and carry what
// xml carries, text has one entry per line, and the page renders.
func FuzzRender(f *testing.F) {
	f.Add([]byte{0x80, 0, 2, 4, 1, 2, 3, 8, 2}, "Иван|a&b<c>|\"q\"|x")
	f.Add([]byte{0xc0, 0x0c, 1, 5, 2, 3, 0x0c, 2}, "a\x00b|\xff\xfe|\r\n\t|\u2028")
	f.Add([]byte{0, 0, 0, 2, 3, 3, 0x10, 9, 2}, "line\nbreak|back\\slash|$|")
	f.Add([]byte{0x34, 0x35, 6, 3, 0x34, 0x35, 6}, "a\nb=c|k|v")
	f.Add([]byte{0x0c, 5, 2, 3, 0x0c, 9, 2}, "\x01\x1f\x7f|\uFFFE\uFFFF|😀")
	f.Fuzz(func(t *testing.T, shape []byte, texts string) {
		if len(shape) > 2000 || len(texts) > 1<<16 {
			return
		}
		doc := fuzzDoc(shape, texts)

		_, x := render.Encode(render.XMLOut, doc)
		d := xml.NewDecoder(bytes.NewReader(x))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("xml not well-formed: %v\n%q", err, x)
			}
		}
		want := treeFromXML(t, x).String()
		for _, f := range []render.Format{render.JSONOut, render.SJSON} {
			_, j := render.Encode(f, doc)
			if !json.Valid(j) {
				t.Fatalf("%s not valid: %q", f, j)
			}
			if got := cleanTree(treeFromJSON(t, j)).String(); got != want {
				t.Fatalf("%s differs from xml\n--- %s\n%s--- xml\n%s", f, f, got, want)
			}
		}
		_, jd := render.Encode(render.JSONdata, doc)
		var data any
		if err := json.Unmarshal(jd, &data); err != nil {
			t.Fatalf("JSONdata not valid: %v\n%q", err, jd)
		}
		want2 := dataFromXML(t, x)
		if want2 == "" {
			want2 = map[string]any{} // a document without data is still an object
		}
		if !reflect.DeepEqual(cleanData(data), want2) {
			t.Fatalf("JSONdata differs from xml\n--- JSONdata\n%#v\n--- from xml\n%#v", data, want2)
		}

		_, txt := render.Encode(render.TextOut, doc)
		if bytes.ContainsRune(txt, '\r') {
			t.Fatalf("text holds a raw CR: %q", txt)
		}
		lines := bytes.Split(bytes.TrimSuffix(txt, []byte("\n")), []byte("\n"))
		for _, line := range lines {
			if len(line) > 0 && !startsWithName(string(line)) { // an empty row is an empty line
				t.Fatalf("text line %q is no entry: %q", line, txt)
			}
		}

		if err := render.Page(io.Discard, doc, nil); err != nil {
			t.Fatalf("page: %v", err)
		}
	})
}

// startsWithName reports whether a text line starts with a name the document was
// built of, as every entry does: a value never breaks a line.
func startsWithName(line string) bool {
	for _, n := range append(append([]string{}, fuzzNames...), fuzzAttrs...) {
		if rest, ok := strings.CutPrefix(line, n); ok && (rest == "" || strings.ContainsAny(rest[:1], ".= ")) {
			return true
		}
	}
	return false
}
