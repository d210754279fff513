package handlers

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"staffmgr/handlers/form"
	"staffmgr/handlers/lang"
	"staffmgr/handlers/render"
	"staffmgr/models/list"
	"staffmgr/rights"
)

// helpFuncs returns the func entries of a json help answer.
func helpFuncs(r *resp) []map[string]any {
	r.t.Helper()
	r.ok()
	switch v := r.doc["func"].(type) {
	case []any:
		out := make([]map[string]any, len(v))
		for i, f := range v {
			out[i] = f.(map[string]any)
		}
		return out
	case map[string]any:
		return []map[string]any{v}
	}
	r.t.Fatalf("no func in %s", r.body)
	return nil
}

// named returns the name attributes of the entries (or of one entry's children).
func named(entries any) []string {
	var out []string
	switch v := entries.(type) {
	case []map[string]any:
		for _, e := range v {
			out = append(out, e["$name"].(string))
		}
	case []any:
		for _, e := range v {
			out = append(out, e.(map[string]any)["$name"].(string))
		}
	case map[string]any:
		out = append(out, v["$name"].(string))
	}
	return out
}

// TestHelpListsWhatTheDispatcherAdmits calls every func as a guest, a client, an
// employee holding one right, and root, and checks that func=help lists exactly
// the funcs the dispatcher did not refuse for their level or right.
func TestHelpListsWhatTheDispatcherAdmits(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		MustCreateAccount(t, e.db, "client", rights.User)
		narrow := MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		e.grant(root, narrow.ID, "employee")
		for _, cred := range []string{"", "&authinfo=client:" + Password, "&authinfo=narrow:" + Password, "&authinfo=root:" + Password} {
			var admitted []string
			for _, f := range e.app.ordered {
				// Without sok and with elements that do not exist, no call changes anything;
				// an Own func is called on the caller's own account.
				elid := "&elid=999999"
				if f.Own {
					elid = ""
				}
				r := e.get("func=" + f.Name + elid + "&plid=999999" + cred)
				if er, refused := r.doc["error"].(map[string]any); refused && er["$type"] == "access" &&
					(er["$object"] == f.Name || er["$object"] == "session") {
					continue
				}
				admitted = append(admitted, f.Name)
			}
			listed := named(helpFuncs(e.get("func=help" + cred)))
			if !slices.Equal(listed, admitted) {
				t.Errorf("caller %q: help lists %v,\nthe dispatcher admits %v", cred, listed, admitted)
			}
		}
		// The narrow employee's right opens the list and its filter, nothing else of admin level.
		listed := named(helpFuncs(e.get("func=help&authinfo=narrow:" + Password)))
		if !slices.Contains(listed, "employee.filter") || slices.Contains(listed, "employee.edit") {
			t.Errorf("narrow sees %v", listed)
		}
	})
}

// TestHelpReadsTheDeclarations checks each entry of root's reference against its
// func: caption, level, right, shape, and the columns, filters or fields its list
// or form declares, in order.
func TestHelpReadsTheDeclarations(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		entries := helpFuncs(e.get("func=help&authinfo=root:" + url.QueryEscape(Password)))
		byName := map[string]map[string]any{}
		for _, f := range entries {
			byName[f["$name"].(string)] = f
		}
		text := func(f map[string]any, name string) string {
			v, _ := f[name].(map[string]any)
			s, _ := v["$"].(string)
			return s
		}
		for _, f := range e.app.ordered {
			entry := byName[f.Name]
			if entry == nil {
				if !f.Only {
					t.Errorf("%s: not in root's reference", f.Name)
				}
				continue
			}
			if text(entry, "caption") != f.Caption || text(entry, "level") != f.Level.String() ||
				text(entry, "right") != f.neededRight() || text(entry, "section") != f.Section || f.Section == "" {
				t.Errorf("%s: entry %v", f.Name, entry)
			}
			var wantShape string
			var want, got []string
			switch s := f.Shape.(type) {
			case *List:
				wantShape = "list"
				for _, c := range s.Spec.Columns {
					want = append(want, c.Name)
				}
				got = append(named(entry["column"]), named(entry["filter"])...)
				slices.Sort(want)
				slices.Sort(got)
			case *Form:
				wantShape, want, got = "form", fieldNames(s.Input), named(entry["field"])
			case *Send:
				wantShape, want, got = "form", fieldNames(s.Input), named(entry["field"])
				if _, ok := entry["service"]; !ok {
					t.Errorf("%s: a send without the service flag", f.Name)
				}
			case *Group:
				wantShape = "group"
			case *Op:
				wantShape = "op"
			}
			if text(entry, "shape") != wantShape || !slices.Equal(got, want) {
				t.Errorf("%s: shape %q with %v, want %q with %v", f.Name, text(entry, "shape"), got, wantShape, want)
			}
		}
	})
}

func fieldNames(def *form.Def) []string {
	var out []string
	for _, f := range def.Fields {
		out = append(out, f.Name)
	}
	return out
}

func TestHelpOfOneFunc(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := "&authinfo=root:" + url.QueryEscape(Password)
		edit := helpFuncs(e.get("func=help&elid=employee.edit" + root))
		if len(edit) != 1 || edit[0]["$name"] != "employee.edit" {
			t.Fatalf("employee.edit: %v", edit)
		}
		if _, ok := edit[0]["creates"]; !ok {
			t.Errorf("employee.edit does not say it creates: %v", edit[0])
		}
		for _, fld := range edit[0]["field"].([]any) {
			m := fld.(map[string]any)
			if m["$name"] == "department" && m["choices_from"].(map[string]any)["$"] != "department" {
				t.Errorf("department field: %v", m)
			}
		}
		// A guest learns a func exists but not what it takes; a name that is no func is missed.
		e.get("func=help&elid=employee.edit").fails("access", "session")
		e.get("func=help&elid=auth").ok()
		e.get("func=help&elid=nosuch"+root).fails("missed", "elid")
		e.get("func=help&elid=auth&elid=help"+root).fails("value", "elid")
		// A client may not call the staff side.
		MustCreateAccount(t, e.db, "client", rights.User)
		e.get("func=help&elid=employee&authinfo=client:"+Password).fails("access", "employee")
	})
}

// TestHelpInEveryFormat checks that the reference carries the same data in xml,
// json and sjson, parses as JSONdata, keys text lines by name, and that the panel
// draws it as a page of sections.
func TestHelpInEveryFormat(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		q := "func=help&authinfo=root:" + url.QueryEscape(Password)
		var tree xmlNode
		if err := xml.Unmarshal(e.get(q+"&out=xml").body, &tree); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{"json", "sjson"} {
			compareXMLJSON(t, "help "+out, &tree, e.get(q+"&out="+out).ok().doc)
		}
		var data struct {
			Func []struct {
				Name   string
				Column []struct{ Name, Caption, Kind string }
			}
		}
		rootFuncs := 0
		for _, f := range e.app.ordered {
			if !f.Only {
				rootFuncs++
			}
		}
		if err := json.Unmarshal(e.get(q+"&out=JSONdata").body, &data); err != nil || len(data.Func) != rootFuncs ||
			data.Func[0].Name != "auth" {
			t.Fatalf("JSONdata: %v, %d funcs, want %d", err, len(data.Func), rootFuncs)
		}
		text := string(e.get(q + "&out=text").body)
		for _, line := range []string{"func.employee.caption=Staff", "func.employee.column.name.kind=text",
			"func.employee.column.name.sortable", "func.employee.filter.status.choice.disabled=Suspended",
			"func.employee.edit.field.passwd.need=required", "func.help.level=guest"} {
			if !strings.Contains(text, "\n"+line+"\n") {
				t.Errorf("text lacks the line %q", line)
			}
		}
		page := string(e.browse("GET", "/billmgr?"+q).body)
		for _, s := range []string{`<h2 id="the-support-desk">The support desk</h2>`, `<section id="employee.edit">`,
			"<td><code>passwd</code></td><td>Password</td>"} {
			if !strings.Contains(page, s) {
				t.Errorf("the help page lacks %s", s)
			}
		}
	})
}

// TestReferenceMarkdown checks docs/api.md's text against the declarations it is
// made of: every func under its section, the columns of a list and the fields of a
// form.
func TestReferenceMarkdown(t *testing.T) {
	t.Parallel()
	md := string(Reference())
	section := ""
	for _, f := range funcTable() {
		if f.Section != section {
			section = f.Section
			if !strings.Contains(md, "\n## "+section+"\n") {
				t.Errorf("no section %s", section)
			}
		}
		part, _, _ := strings.Cut(md[strings.Index(md, "\n### `"+f.Name+"`\n")+1:], "\n## ")
		if !strings.HasPrefix(part, "### `"+f.Name+"`\n\n"+f.Caption+".") {
			t.Errorf("%s: part %q", f.Name, part)
		}
	}
	for _, want := range []string{
		"| `status` | Status | choice: enabled (Enabled), disabled (Suspended)",
		"| `passwd` | Password | password | required |",
		"| `max_open_tickets` | Most open tickets | number | required | 0 to 100000 |",
		"| `department` | Departments | multiselect | optional |  | listed by func=department |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the reference lacks %q", want)
		}
	}
}

var updateHelp = flag.Bool("update-help", false, "rewrite the golden files of func=help")

// TestHelpGolden pins the reference's wire format, on a list and a form declared
// here: testdata/help.*.golden, rewritten with -update-help.
func TestHelpGolden(t *testing.T) {
	t.Parallel()
	spec := &list.Spec{Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "id", Sort: true},
		{Name: "name", Caption: "Login", Kind: list.Text, SQL: "login", Sort: true, Filter: list.Wildcard, Optional: true},
		{Name: "status", Caption: "Status", Kind: list.Status, SQL: "status", FilterOnly: true, Filter: list.Choice,
			Choices: []list.Option{{Key: "on", Label: "Enabled"}, {Key: "off", Label: "Suspended"}}},
	}, DefaultSort: "id", DefaultDesc: true}
	funcs := sectioned([]*Func{
		heading("Samples"),
		{Name: "sample", Caption: "Samples", Level: rights.Admin, Shape: &List{Spec: spec}},
		{Name: "sample.edit", Caption: "Create or edit a sample", Level: rights.Admin, Right: "sample", Shape: &Form{Input: form.Creating(
			form.Field{Name: "name", Caption: "Login", Need: form.Required, Max: 50, Pattern: "[a-z]+", Help: "Lower-case letters"},
			form.Field{Name: "kind", Caption: "Kind", Type: form.Select, Choices: []form.Option{{Key: "a", Label: "A & B"}}},
			form.Field{Name: "limit", Caption: "Limit", Type: form.Number, Need: form.Always, Max: 10},
			form.Field{Name: "group", Caption: "Groups", Type: form.Multi, ChoicesFrom: "department", Unless: "kind", Unshown: true},
			form.Field{Name: "passwd", Type: form.Password, Confirm: "confirm"},
			form.Field{Name: "confirm", Type: form.Password},
		)}},
		heading("Others"),
		{Name: "sample.send", Caption: "Send", Level: rights.User, Only: true, Shape: &Send{Input: form.New()}},
		{Name: "sample.delete", Caption: "Delete samples", Level: rights.Root, Shape: &Group{}},
		{Name: "sample.key", Caption: "A key", Level: rights.Guest, Shape: &Op{Writes: true}},
	})
	var nodes []*render.Node
	for _, f := range funcs {
		nodes = append(nodes, funcNode(f, lang.English))
	}
	doc := render.Document(render.Meta{Func: "help", Lang: "en", Params: []render.Param{{Name: "func", Value: "help"}}}, nodes)
	for _, f := range []struct {
		format render.Format
		ext    string
	}{{render.XMLOut, "xml"}, {render.JSONOut, "json"}, {render.SJSON, "sjson"}, {render.JSONdata, "jsondata"}, {render.TextOut, "txt"}} {
		_, got := render.Encode(f.format, doc)
		path := filepath.Join("testdata", "help."+f.ext+".golden")
		if *updateHelp {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./handlers -run TestHelpGolden -update-help)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the answer:\n%s", path, got)
		}
	}
	md := string(render.ReferenceMarkdown(nodes))
	for _, want := range []string{
		"- [Samples](#samples): `sample`, `sample.edit`\n- [Others](#others): `sample.send`, `sample.delete`, `sample.key`\n",
		"### `sample`\n\nSamples. Level admin · right sample · list sorted by id, descending; 30 rows a page, at most 1000.\n",
		"| `name` | Login | text, left out when empty | yes | wildcard |\n",
		"| `status` | Status | choice: on (Enabled), off (Suspended) |\n",
		"| `name` | Login | text | required | at most 50 characters; matches \\[a-z\\]+ |  | Lower-case letters |\n",
		"| `kind` | Kind | select | optional |  | a (A & B) |  |\n",
		"| `limit` | Limit | number | always | 0 to 10 |  |  |\n",
		"| `group` | Groups | multiselect | optional |  | listed by func=department | not read when kind is given; not shown by the form |\n",
		"| `passwd` |  | password | optional |  |  | repeated in confirm |\n",
		"Send. Level user only · form that waits on an outside service.\n",
		"Delete samples. Level root · right sample.delete · group operation on the elements elid names.\n",
		"A key. Level guest · operation that writes, without sok.\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md)
		}
	}
}
