package render_test

import (
	"bytes"
	"strings"
	"testing"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
)

func page(t *testing.T, doc *render.Node) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.Page(&b, doc, nil); err != nil {
		t.Fatalf("Page: %v", err)
	}
	s := b.String()
	if !strings.HasPrefix(s, "<!DOCTYPE html>") || !strings.Contains(s, "</html>") {
		t.Fatalf("not a whole page:\n%s", s)
	}
	return s
}

func TestPageRendersEveryCase(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) { page(t, c.document(render.HTML)) })
	}
	t.Run("empty doc", func(t *testing.T) { page(t, render.El("doc")) })
	t.Run("empty document", func(t *testing.T) { page(t, render.Document(render.Meta{}, nil)) })
	t.Run("ragged rows", func(t *testing.T) {
		s := page(t, render.Document(render.Meta{Func: "f", Lang: "en"}, []*render.Node{
			render.Row(render.Text("a", "1")),
			render.Row(render.Text("b", "2"), render.El("c", render.Text("x", "3"), render.Flag("y"))),
			render.Row(),
		}))
		if !strings.Contains(s, `<th scope="col">a</th><th scope="col">b</th><th scope="col">c</th>`) || !strings.Contains(s, "<td></td><td>2</td><td>3, yes</td>") {
			t.Errorf("rows not laid out by column:\n%s", s)
		}
	})
}

func TestPageEscapes(t *testing.T) {
	const evil = `<script>alert("x")</script>&"'`
	docs := map[string]*render.Node{
		"list": render.Document(render.Meta{Func: evil, Lang: evil}, (&render.List{
			Rows:  []*render.Node{render.Row(render.Text("name", evil))},
			Total: 1, Page: 1, PageSize: 30, Sort: "name",
		}).Nodes()),
		"form": render.Document(render.Meta{Func: "f", Lang: "en"}, []*render.Node{render.Text("realname", evil)}),
		"error": render.Document(render.Meta{Func: "f", Lang: "en"}, []*render.Node{
			render.ErrorNode(&errs.E{Kind: errs.Value, Object: evil, Value: evil, Msg: evil}, "en")}),
		"attribute": render.Document(render.Meta{Func: "f", Lang: "en"}, []*render.Node{
			render.ErrorNode(&errs.E{Kind: `access" onmouseover="alert(1)`, Object: "x", Msg: "m"}, "en")}),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			s := page(t, doc)
			if strings.Contains(s, "<script>") || strings.Contains(s, `" onmouseover=`) {
				t.Errorf("value not escaped:\n%s", s)
			}
		})
	}
	s := page(t, docs["form"])
	if !strings.Contains(s, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#34;&#39;") {
		t.Errorf("escaped value not shown:\n%s", s)
	}
}

func TestPageShowsLoginOnAccessErrors(t *testing.T) {
	for _, typ := range []errs.Kind{errs.Access, errs.Auth, errs.Value} {
		doc := render.Document(render.Meta{Func: "session", Lang: "en"},
			[]*render.Node{render.ErrorNode(errs.New(typ, "session", "", "No"), "en")})
		s := page(t, doc)
		login := strings.Contains(s, `name="password"`)
		if want := typ != errs.Value; login != want {
			t.Errorf("%s: login form shown %v, want %v", typ, login, want)
		}
		if !strings.Contains(s, `class="error" data-type="`+string(typ)+`"`) {
			t.Errorf("%s: error not shown:\n%s", typ, s)
		}
	}
}
