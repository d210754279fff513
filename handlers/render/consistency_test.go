package render_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
)

// tree is a document as a client sees it, whatever the format: attributes, text and
// children grouped by name. The order of different names is not kept (json objects
// have none); the order within one name is.
type tree struct {
	attrs map[string]string
	text  string
	kids  map[string][]*tree
}

func newTree() *tree { return &tree{attrs: map[string]string{}, kids: map[string][]*tree{}} }

// String writes t canonically, so that two trees compare as strings with a readable diff.
func (t *tree) String() string {
	var b strings.Builder
	t.write(&b, "doc", "")
	return b.String()
}

func (t *tree) write(b *strings.Builder, name, indent string) {
	fmt.Fprintf(b, "%s%s", indent, name)
	keys := make([]string, 0, len(t.attrs))
	for k := range t.attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, " %s=%q", k, t.attrs[k])
	}
	if t.text != "" {
		fmt.Fprintf(b, " text=%q", t.text)
	}
	b.WriteByte('\n')
	names := make([]string, 0, len(t.kids))
	for k := range t.kids {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, k := range t.kids[n] {
			k.write(b, n, indent+"  ")
		}
	}
}

// treeFromXML parses an xml answer.
func treeFromXML(t *testing.T, data []byte) *tree {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*tree
	var root *tree
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("xml: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := newTree()
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids[tok.Name.Local] = append(p.kids[tok.Name.Local], n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	return root
}

// treeFromJSON parses a json or sjson answer: {"doc":{…}}.
func treeFromJSON(t *testing.T, data []byte) *tree {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("json: %v", err)
	}
	doc, ok := v["doc"].(map[string]any)
	if !ok || len(v) != 1 {
		t.Fatalf(`json: not {"doc":{…}}: %s`, data)
	}
	return jsonElement(t, doc)
}

func jsonElement(t *testing.T, obj map[string]any) *tree {
	t.Helper()
	n := newTree()
	for k, v := range obj {
		switch {
		case k == "$":
			n.text = v.(string)
		case strings.HasPrefix(k, "$"):
			n.attrs[k[1:]] = v.(string)
		default:
			switch v := v.(type) {
			case []any:
				for _, e := range v {
					n.kids[k] = append(n.kids[k], jsonElement(t, e.(map[string]any)))
				}
			case map[string]any:
				n.kids[k] = append(n.kids[k], jsonElement(t, v))
			default:
				t.Fatalf("json: %s is %T, not an object or array", k, v)
			}
		}
	}
	return n
}

// dataFromXML is what the JSONdata of an xml answer should be, by the rules of
// docs/protocol.md: data without tparams; text-only elements as strings (flags ""),
// others as objects with plain attribute keys and "$" text; elem, names that may
// repeat (slist, val, param) and names that do repeat as arrays.
func dataFromXML(t *testing.T, data []byte) any {
	t.Helper()
	doc := treeFromXML(t, data)
	delete(doc.kids, "tparams")
	doc.attrs = map[string]string{}
	return dataValue(doc)
}

var mayRepeat = map[string]bool{"elem": true, "slist": true, "val": true, "param": true}

func dataValue(n *tree) any {
	if len(n.attrs) == 0 && len(n.kids) == 0 {
		return n.text
	}
	m := map[string]any{}
	for k, v := range n.attrs {
		m[k] = v
	}
	if n.text != "" {
		m["$"] = n.text
	}
	for name, kids := range n.kids {
		if len(kids) == 1 && !mayRepeat[name] {
			m[name] = dataValue(kids[0])
			continue
		}
		var a []any
		for _, k := range kids {
			a = append(a, dataValue(k))
		}
		m[name] = a
	}
	return m
}

// consistencyDocs are the golden cases plus a document of awkward values.
func consistencyDocs() map[string]*render.Node {
	docs := map[string]*render.Node{}
	for _, c := range goldenCases() {
		docs[c.name] = c.document(render.XMLOut)
	}
	awkward := "<b>\"Q\" & 'q'</b>\ttab\nline \\ back Иван 😀 \u2028 {\"$\":1}"
	docs["awkward"] = render.Document(
		render.Meta{Func: "employee", Lang: "en", Params: []render.Param{{Name: "name", Value: awkward}}},
		(&render.List{Rows: []*render.Node{
			render.Row(render.Text("name", awkward).With("title", awkward), render.Flag("enabled")),
			render.Row(render.Text("name", ""), render.Text("note", "$")),
		}, Total: 2, Page: 1, PageSize: 30, Sort: "name"}).Nodes())
	docs["error-awkward"] = render.Document(render.Meta{Func: "x", Lang: "en"},
		[]*render.Node{render.ErrorNode(&errs.E{Kind: errs.Value, Object: "a&b", Value: awkward, Msg: awkward,
			Params: []errs.Param{{Name: "max", Value: "200"}}}, "en")})
	return docs
}

// json, sjson and JSONdata carry the same data as xml: only the shape differs.
func TestFormatsCarrySameData(t *testing.T) {
	for name, doc := range consistencyDocs() {
		t.Run(name, func(t *testing.T) {
			_, x := render.Encode(render.XMLOut, doc)
			want := treeFromXML(t, x).String()
			if strings.Count(want, "\n") < 4 {
				t.Fatalf("xml read as an almost empty tree:\n%s", want)
			}
			for _, f := range []render.Format{render.JSONOut, render.SJSON} {
				_, j := render.Encode(f, doc)
				if got := treeFromJSON(t, j).String(); got != want {
					t.Errorf("%s differs from xml\n--- %s\n%s--- xml\n%s", f, f, got, want)
				}
			}
			_, d := render.Encode(render.JSONdata, doc)
			var got any
			if err := json.Unmarshal(d, &got); err != nil {
				t.Fatalf("JSONdata: %v\n%s", err, d)
			}
			if want := dataFromXML(t, x); !reflect.DeepEqual(got, want) {
				t.Errorf("JSONdata differs from xml\n--- JSONdata\n%#v\n--- from xml\n%#v", got, want)
			}
		})
	}
}

// The shapes that differ between json and sjson: a single slist, a single val, and
// error params (always two or more) and elem (always an array).
func TestJSONArrays(t *testing.T) {
	doc := render.Document(render.Meta{Func: "f", Lang: "en"}, []*render.Node{
		render.Row(render.Text("id", "1")),
		render.Select("level", render.Option{Key: "16", Label: "user"}),
		render.Text("p_cnt", "30"),
		render.Flag("ok"),
	})
	type shape struct {
		elem, slist, val, pcnt, ok string
	}
	kind := func(v any) string { return fmt.Sprintf("%T", v) }
	get := func(strict bool) shape {
		var v struct {
			Doc map[string]any `json:"doc"`
		}
		if err := json.Unmarshal(render.JSON(doc, strict), &v); err != nil {
			t.Fatal(err)
		}
		s := shape{elem: kind(v.Doc["elem"]), slist: kind(v.Doc["slist"]), pcnt: kind(v.Doc["p_cnt"]), ok: kind(v.Doc["ok"])}
		sl := v.Doc["slist"]
		if a, ok := sl.([]any); ok {
			sl = a[0]
		}
		s.val = kind(sl.(map[string]any)["val"])
		return s
	}
	obj, arr := "map[string]interface {}", "[]interface {}"
	if got, want := get(false), (shape{elem: arr, slist: obj, val: obj, pcnt: obj, ok: obj}); got != want {
		t.Errorf("json: got %+v, want %+v", got, want)
	}
	if got, want := get(true), (shape{elem: arr, slist: arr, val: arr, pcnt: obj, ok: obj}); got != want {
		t.Errorf("sjson: got %+v, want %+v", got, want)
	}
}

func TestJSONStrings(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"q" \ /`, `"\"q\" \\ /"`},
		{"<a>&", `"<a>&"`},
		{"\n\r\t", `"\n\r\t"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f\u007f"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"a\xffb", `"a\ufffdb"`},
		{"Иван 😀", `"Иван 😀"`},
	}
	for _, tt := range tests {
		out := render.JSONData(render.El("doc", render.Text("v", tt.in)))
		want := `{"v":` + tt.want + "}\n"
		if string(out) != want {
			t.Errorf("%q: got %s, want %s", tt.in, out, want)
		}
		var v map[string]string
		if err := json.Unmarshal(out, &v); err != nil {
			t.Errorf("%q: %v", tt.in, err)
		} else if back := strings.ToValidUTF8(tt.in, "\uFFFD"); v["v"] != back {
			t.Errorf("%q came back as %q", back, v["v"])
		}
	}
}

func TestJSONDataLeavesOutTparams(t *testing.T) {
	doc := render.Document(render.Meta{Func: "f", Lang: "en", Params: []render.Param{{Name: "func", Value: "f"}}},
		(&render.OK{}).Nodes())
	if got, want := string(render.JSONData(doc)), "{\"ok\":\"\"}\n"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
