package handlers

import (
	"errors"
	"strconv"

	"staffmgr/handlers/form"
	"staffmgr/handlers/lang"
	"staffmgr/handlers/render"
	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// help is func=help: the API reference of every func the caller may call, as the
// dispatcher decides it, or of the one func elid names. Everything in it is read
// from the func table and the declarations of its lists and forms.
func help(c *Ctx) (render.Result, error) {
	if name := c.Params.Get("elid"); name != "" {
		fn := c.App.funcs[name]
		if fn == nil {
			return nil, errs.New(errs.Missed, "elid", name, "Unknown function %q", name)
		}
		if err := c.App.admit(c, fn, fn.Own); err != nil {
			return nil, err
		}
		return render.Doc{funcNode(fn, c.Lang)}, nil
	}
	if err := c.readGrants(); err != nil {
		return nil, err
	}
	var out render.Doc
	for _, fn := range c.App.ordered {
		if err := c.App.admit(c, fn, fn.Own); errors.Is(err, errs.Access) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, funcNode(fn, c.Lang))
	}
	return out, nil
}

// Reference is the API reference of every func in Markdown, as docs/api.md holds
// it: the same entries func=help answers, grouped by the func table's sections.
func Reference() []byte {
	var funcs []*render.Node
	for _, fn := range funcTable() {
		funcs = append(funcs, funcNode(fn, lang.English))
	}
	return render.ReferenceMarkdown(funcs)
}

// funcNode is a func's entry of the reference: <func name="…"> with its caption,
// section, level, right and shape, then its list's columns and filters or its
// form's fields. Captions, labels and help are in language l; names stay as the
// API spells them.
func funcNode(fn *Func, l lang.Lang) *render.Node {
	n := (&render.Node{Name: "func", Many: true}).With("name", fn.Name).Add(
		render.Text("caption", l.T(fn.Caption)),
		render.Cell("section", l.T(fn.Section)),
		render.Text("level", fn.Level.String()),
		render.FlagIf("only", fn.Only),
		render.Cell("right", fn.neededRight()),
		render.FlagIf("own", fn.Own),
	)
	switch s := fn.Shape.(type) {
	case *List:
		n.Add(render.Text("shape", "list"))
		n.Add(listNodes(s.Spec, l)...)
	case *Form:
		n.Add(render.Text("shape", "form"))
		n.Add(formNodes(s.Input, l)...)
	case *Send:
		n.Add(render.Text("shape", "form"), render.Flag("service"))
		n.Add(formNodes(s.Input, l)...)
	case *Group:
		n.Add(render.Text("shape", "group"))
	case *Op:
		n.Add(render.Text("shape", "op"), render.FlagIf("writes", s.Writes))
	}
	return n
}

// listNodes describe a list: its default order and page sizes, each column it
// answers and each filter that is no column.
func listNodes(spec *list.Spec, l lang.Lang) []*render.Node {
	def, max := spec.PageSizes()
	order := spec.DefaultSort
	if spec.DefaultDesc {
		order = "-" + order
	}
	out := []*render.Node{
		render.Text("default_sort", order),
		render.Text("pagesize", strconv.Itoa(def)),
		render.Text("max_pagesize", strconv.Itoa(max)),
	}
	for _, col := range spec.Columns {
		name := "column"
		if col.FilterOnly {
			name = "filter"
		}
		n := (&render.Node{Name: name, Many: true}).With("name", col.Name).Add(
			render.Text("caption", l.T(col.Caption)),
			render.Text("kind", col.Kind.String()),
			render.FlagIf("sortable", col.Sort),
			render.FlagIf("optional", col.Optional),
			render.Cell("filter", col.Filter.String()),
		)
		for _, o := range col.Choices {
			n.Add(choiceNode(o.Key, l.T(o.Label)))
		}
		out = append(out, n)
	}
	return out
}

// formNodes describe a form's declared input: whether it creates without elid,
// and each field with its type, need, limits, choices and help.
func formNodes(def *form.Def, l lang.Lang) []*render.Node {
	if def == nil {
		return nil
	}
	var out []*render.Node
	if def.Creates {
		out = append(out, render.Flag("creates"))
	}
	for _, f := range def.Fields {
		n := (&render.Node{Name: "field", Many: true}).With("name", f.Name).Add(
			render.Cell("caption", l.T(f.Caption)),
			render.Text("type", string(f.Type)),
			render.Text("need", f.Need.String()),
		)
		if f.Type == form.Number {
			n.Add(render.Text("min", strconv.Itoa(f.Min)))
			if f.Max > 0 {
				n.Add(render.Text("max", strconv.Itoa(f.Max)))
			}
		} else if f.Max > 0 {
			n.Add(render.Text("maxlength", strconv.Itoa(f.Max)))
		}
		n.Add(
			render.Cell("pattern", f.Pattern),
			render.Cell("choices_from", f.ChoicesFrom),
		)
		for _, o := range f.Choices {
			n.Add(choiceNode(o.Key, l.T(o.Label)))
		}
		n.Add(
			render.Cell("confirm", f.Confirm),
			render.Cell("unless", f.Unless),
			render.FlagIf("unshown", f.Unshown),
			render.Cell("help", l.T(f.Help)),
		)
		out = append(out, n)
	}
	return out
}

// choiceNode is one value a select or a filter takes: <choice name="KEY">label</choice>.
func choiceNode(key, label string) *render.Node {
	return (&render.Node{Name: "choice", Text: label, Many: true}).With("name", key)
}
