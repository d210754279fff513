package handlers

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"staffmgr/handlers/form"
	"staffmgr/handlers/lang"
	"staffmgr/models"
	"staffmgr/models/errs"
)

// English is complete by construction: every text is written in English in the
// code and is its own key, and lang.T answers the key itself in English. So this
// test checks the other catalogues against every text the code holds: none may be
// missing, none may change the format verbs of its English text, and none may be
// left over from a text the code no longer holds.
func TestCatalogue(t *testing.T) {
	texts, problems := codeTexts(t, "..")
	for _, p := range problems {
		t.Error(p)
	}
	for _, l := range []lang.Lang{lang.Russian} {
		entries := l.Entries()
		for _, text := range sortedKeys(texts) {
			tr, ok := entries[text]
			switch {
			case !ok:
				t.Errorf("%s: no translation of %q (%s)", l, text, texts[text])
			case strings.TrimSpace(tr) == "":
				t.Errorf("%s: the translation of %q is empty", l, text)
			case !slices.Equal(lang.Verbs(text), lang.Verbs(tr)):
				t.Errorf("%s: %q has the verbs %v, its translation %q has %v", l, text, lang.Verbs(text), tr, lang.Verbs(tr))
			}
		}
		for _, text := range sortedKeys(entries) {
			if _, ok := texts[text]; !ok {
				t.Errorf("%s: %q is translated but the code no longer holds it", l, text)
			}
		}
	}
}

// textFields are the fields of a declaration that hold a text a person reads: a
// literal written into one is collected wherever it is.
var textFields = map[string]bool{"Caption": true, "Label": true, "Title": true, "Help": true, "Item": true, "Mine": true}

// untranslated are the files whose text fields are not for the people who read
// the panel and the API, with the reason.
var untranslated = map[string]string{
	"handlers/metrics.go": "the help of Prometheus metrics is read by monitoring tools and their operators, in English",
}

// textMaps are the maps, by file, whose values are texts a person reads.
var textMaps = map[string]string{"handlers/render/html.go": "badgeFlags"}

// The errs constructors and the place of their format argument.
var errsFormats = map[string]int{"New": 3, "Invalid": 2, "Denied": 1}

// nonLiteral lists the calls whose text is not a literal, by file and the text's
// expression, each with the reason that its texts are collected all the same.
var nonLiteral = map[string]string{
	"handlers/help.go l.T(fn.Caption)":                     "func captions: collected from the func table",
	"handlers/help.go l.T(fn.Section)":                     "headings: collected from the func table",
	"handlers/help.go l.T(col.Caption)":                    "column captions: collected from the list specs",
	"handlers/help.go l.T(o.Label)":                        "choice labels: collected from the list specs and forms",
	"handlers/help.go l.T(f.Caption)":                      "field captions: collected from the forms",
	"handlers/help.go l.T(f.Help)":                         "field help: collected from the forms",
	"handlers/render/html.go v.Lang.T(col.Caption)":        "column captions: collected from the list specs",
	"handlers/render/html.go v.Lang.T(l.Caption)":          "the captions of a row's funcs: collected from the func table",
	"handlers/render/html.go v.Lang.T(label)":              "a column's choice label: collected from the list specs",
	"handlers/render/html.go p.Lang.T(o.Label)":            "a ticket status label: collected from the list specs",
	"handlers/panel.go p.Lang.T(item)":                     "what a list's row is: collected from the func table",
	"handlers/panel.go l.T(item)":                          "what a list's row is: collected from the func table",
	"handlers/rights.go c.Lang.T(f.Caption)":               "func captions: collected from the func table",
	"handlers/panel.go l.T(fn.Caption)":                    "func captions: collected from the func table",
	"handlers/labels.go c.Lang.T(o.Label)":                 "declared options of forms: collected from the forms",
	"models/errs/errs.go t(string(c))":                     "a Caption argument: collected where each is made",
	"models/errs/errs.go t(string(s))":                     "an argument of Captions: collected where each is made",
	"models/errs/errs.go t(format)":                        "the format of an error: collected from the errs calls, and errs.NotFound",
	"handlers/form/form.go errs.Caption(f.Caption)":        "field captions: collected from the forms",
	"models/records.go errs.Caption(k.Entity)":             "record kinds: collected from models.Positions, Schedules and Sites",
	"models/password.go errs.Caption(PasswordClasses[c])":  "character classes: collected from models.PasswordClasses",
	"handlers/employee.go errs.Caption(action)":            "actions: collected from pastTense",
	"handlers/employee.go errs.Caption(pastTense[action])": "actions done: collected from pastTense",
	"models/journal.go errs.E.Msg":                         "the journal records in English what the client was told",
	"handlers/uis_params.go errs.E.Msg":                    "a Data API error's message: the Data API speaks English",
}

// codeTexts collects every text the code holds, with where it is, from the Go
// sources and templates under root and from the func table; problems are the
// texts that cannot be collected because they are not literals.
func codeTexts(t *testing.T, root string) (map[string]string, []string) {
	texts := map[string]string{}
	add := func(text, where string) {
		if text != "" && texts[text] == "" {
			texts[text] = where
		}
	}
	var problems []string
	used := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if name := d.Name(); rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, "_test.go"):
		case strings.HasSuffix(path, ".go"):
			file, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			goTexts(fset, rel, file, add, func(key string) {
				if _, ok := nonLiteral[key]; ok {
					used[key] = true
					return
				}
				problems = append(problems, "a text that is not a literal: "+key)
			})
		case strings.HasPrefix(rel, "templates/") && strings.HasSuffix(path, ".html"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, action := range templateAction.FindAllString(string(src), -1) {
				for _, m := range templateT.FindAllStringSubmatch(action, -1) {
					if m[2][0] != '"' && m[2][0] != '`' {
						if key := rel + " " + m[1] + " " + m[2]; templateNonLiteral[key] != "" {
							used[key] = true
						} else {
							problems = append(problems, "a text that is not a literal: "+key)
						}
						continue
					}
					text, err := strconv.Unquote(m[2])
					if err != nil {
						problems = append(problems, rel+": "+err.Error())
					}
					add(text, rel)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range templateNonLiteral {
		if !used[key] {
			problems = append(problems, "templateNonLiteral lists a call the templates no longer make: "+key)
		}
	}
	for key := range nonLiteral {
		if !used[key] {
			problems = append(problems, "nonLiteral lists a call the code no longer makes: "+key)
		}
	}

	add(errs.NotFound, "errs.NotFound")
	for _, k := range []*models.RecordKind{models.Positions, models.Schedules, models.Sites} {
		add(k.Entity, "models.RecordKind")
	}
	for _, c := range models.PasswordClasses {
		add(c, "models.PasswordClasses")
	}
	for action, done := range pastTense {
		add(action, "pastTense")
		add(done, "pastTense")
	}
	for _, fn := range funcTable() {
		add(fn.Caption, "func "+fn.Name)
		add(fn.Section, "heading of func "+fn.Name)
		switch s := fn.Shape.(type) {
		case *List:
			for _, col := range s.Spec.Columns {
				add(col.Caption, "func "+fn.Name+" column "+col.Name)
				for _, o := range col.Choices {
					add(o.Label, "func "+fn.Name+" column "+col.Name)
				}
			}
		case *Form:
			formTexts(fn.Name, s.Input, add)
		case *Send:
			formTexts(fn.Name, s.Input, add)
		}
	}
	return texts, problems
}

// templateAction is an action of a template, and templateT a call of its
// translator in one: .Lang.T TEXT ARGS, TEXT a literal or not.
var (
	templateAction = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	templateT      = regexp.MustCompile(`\.(Lang\.T)\s+("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `|[^\s)}]+)`)
)

// templateNonLiteral lists the templates' calls of the translator whose text is
// not a literal, by file, call and the text's expression, each with the reason
// that its texts are collected all the same.
var templateNonLiteral = map[string]string{
	"templates/page.html Lang.T .Title":     "a func's caption or a heading: collected from the func table",
	"templates/page.html Lang.T .Caption":   "a func's caption: collected from the func table",
	"templates/page.html Lang.T .P.Caption": "a func's caption: collected from the func table",
	"templates/page.html Lang.T $f.Caption": "a field's caption: collected from the forms and the Caption fields",
	"templates/page.html Lang.T .Label":     "a count's or a badge's label: collected from the column choices, the Label fields and badgeFlags",
	"templates/page.html Lang.T .":          "a done func's caption and a field's help: collected from the func table and the forms",
}

// formTexts adds the captions, help and choice labels of a form's fields.
func formTexts(fn string, def *form.Def, add func(text, where string)) {
	if def == nil {
		return
	}
	for _, f := range def.Fields {
		where := "func " + fn + " field " + f.Name
		add(f.Caption, where)
		add(f.Help, where)
		for _, o := range f.Choices {
			add(o.Label, where)
		}
	}
}

// goTexts adds the texts of one Go file: the formats of the errs constructors and
// the texts passed to a translator's T, and the errs.Caption arguments. A call whose text is not a literal, and an
// errs.E written with its own Msg, is reported by its key to nonLiteral.
func goTexts(fset *token.FileSet, rel string, file *ast.File, add func(text, where string), other func(key string)) {
	errsName := ""
	for _, imp := range file.Imports {
		if imp.Path.Value == `"staffmgr/models/errs"` {
			errsName = "errs"
			if imp.Name != nil {
				errsName = imp.Name.Name
			}
		}
	}
	expr := func(e ast.Expr) string {
		var b strings.Builder
		printer.Fprint(&b, fset, e)
		return b.String()
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			var text ast.Expr
			switch fun := n.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fun.X.(*ast.Ident); ok && errsName != "" && x.Name == errsName {
					if i, ok := errsFormats[fun.Sel.Name]; ok && i < len(n.Args) {
						text = n.Args[i]
					} else if fun.Sel.Name == "Caption" && len(n.Args) == 1 {
						text = n.Args[0]
					}
				} else if fun.Sel.Name == "T" && len(n.Args) > 0 {
					text = n.Args[0]
				}
			case *ast.Ident:
				if file.Name.Name == "errs" && fun.Name == "t" && len(n.Args) > 0 {
					text = n.Args[0]
				}
			}
			if text == nil {
				return true
			}
			if s, ok := literal(text); ok {
				add(s, rel+":"+strconv.Itoa(fset.Position(n.Pos()).Line))
			} else {
				other(rel + " " + expr(n.Fun) + "(" + expr(text) + ")")
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if textMaps[rel] == name.Name && i < len(n.Values) {
					if m, ok := n.Values[i].(*ast.CompositeLit); ok {
						for _, el := range m.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if s, ok := literal(kv.Value); ok {
									add(s, rel+" "+name.Name)
								}
							}
						}
					}
				}
			}
		case *ast.CompositeLit:
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok && textFields[k.Name] && untranslated[rel] == "" {
						if s, ok := literal(kv.Value); ok {
							add(s, rel+":"+strconv.Itoa(fset.Position(kv.Pos()).Line))
						}
					}
				}
			}
			if sel, ok := n.Type.(*ast.SelectorExpr); ok && errsName != "" && expr(sel) == errsName+".E" {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok && expr(kv.Key) == "Msg" {
						other(rel + " errs.E.Msg")
					}
				}
			}
		}
		return true
	})
}

// literal is the value of a string literal or of a sum of string literals.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.ParenExpr:
		return literal(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, ok1 := literal(e.X)
			y, ok2 := literal(e.Y)
			return x + y, ok1 && ok2
		}
	}
	return "", false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestCodeTextsFindsCallSites checks the collector on sources of its own: a new
// call site's text is found, and a format that is not a literal is a problem.
func TestCodeTextsFindsCallSites(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import (
	"errors"

	e "staffmgr/models/errs"
)

func f(l interface{ T(string, ...any) string }, format string) {
	_ = e.Invalid("a", "b", "A new %s "+"message", e.Caption("a new caption"))
	_ = e.New(e.Value, "a", "b", format)
	_ = l.T("A page text")
	_ = &e.E{Msg: "whole"}
	_ = errors.New("not a message of the protocol")
	_ = struct{ Key, Label string }{Key: "k", Label: "A label"}
}
`
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"x.go": src, "templates/p.html": `<p>{{.Lang.T "A template text"}} {{$.Lang.T "%d rows" .N}} {{.Lang.T .Foo}}</p>`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	texts, problems := codeTexts(t, dir)
	for _, want := range []string{"A new %s message", "a new caption", "A page text", "A template text", "%d rows", "A label"} {
		if _, ok := texts[want]; !ok {
			t.Errorf("the collector missed %q", want)
		}
	}
	if _, ok := texts["not a message of the protocol"]; ok {
		t.Error("the collector took a text that is no message")
	}
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"x.go e.New(format)", "x.go errs.E.Msg", "templates/p.html Lang.T .Foo"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no problem reported for %s in:\n%s", want, joined)
		}
	}
}
