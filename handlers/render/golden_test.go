package render_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenCase is one answer as the dispatcher writes it: a result or an error wrapped in
// <doc> with the request's parameters (already stripped of credentials, sorted by name,
// as handlers.Params.Echo gives them).
type goldenCase struct {
	name   string
	meta   render.Meta
	result render.Result
	err    *errs.E
}

// goldenFormats are the machine formats, each with the suffix of its golden file.
var goldenFormats = []struct {
	format render.Format
	ext    string
}{
	{render.XMLOut, "xml"},
	{render.JSONOut, "json"},
	{render.SJSON, "sjson"},
	{render.JSONdata, "jsondata"},
	{render.TextOut, "txt"},
}

func params(kv ...string) []render.Param {
	var out []render.Param
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, render.Param{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// sessionRow is a row of the session list, with fixed times.
func sessionRow(id, account, level, ip string, current bool) *render.Node {
	return render.Row(
		render.Text("id", id),
		render.Text("account", account),
		render.Text("level", level),
		render.Text("ip", ip),
		render.Text("started", "2024-05-01 09:00:00"),
		render.Text("last_activity", "2024-05-01 09:30:15"),
		render.Text("idle", "1m30s"),
		render.FlagIf("current", current),
	)
}

func levelOptions() []render.Option {
	return []render.Option{{Key: "31", Label: "root"}, {Key: "28", Label: "admin"}, {Key: "16", Label: "user"}}
}

// goldenCases are built with the package's own constructors, the way handlers/*.go do.
func goldenCases() []goldenCase {
	return []goldenCase{
		{
			name:   "auth",
			meta:   render.Meta{Func: "auth", Lang: "en", Params: params("func", "auth", "username", "admin")},
			result: &render.Auth{ID: "a1b2c3d4e5f60718", Level: 28},
		},
		{
			name: "whoami",
			meta: render.Meta{Func: "whoami", Lang: "en", Params: params("func", "whoami")},
			result: render.Doc{
				render.Text("user", "root").With("id", "1").With("level", "31").With("name", "root"),
				render.Text("csrf_token", "0f1e2d3c4b5a6978"),
			},
		},
		{
			name: "list1",
			meta: render.Meta{Func: "session", Lang: "en", Params: params("func", "session")},
			result: &render.List{
				Rows:  []*render.Node{sessionRow("9f86d081884c7d65", "admin", "admin", "192.0.2.10", true)},
				Total: 1, Page: 1, PageSize: 30, Sort: "last_activity", Desc: true,
			},
		},
		{
			name: "list2",
			meta: render.Meta{Func: "session", Lang: "en",
				Params: params("func", "session", "p_cnt", "2", "p_col", "+account", "p_num", "2")},
			result: &render.List{
				Rows: []*render.Node{
					sessionRow("2c26b46b68ffc68f", "alice", "user", "192.0.2.11", false),
					sessionRow("9f86d081884c7d65", "bob", "admin", "198.51.100.7", true),
				},
				Total: 5, Page: 2, PageSize: 2, Sort: "account",
			},
		},
		{
			name: "listnested",
			meta: render.Meta{Func: "employee.session", Lang: "ru",
				Params: params("func", "employee.session", "lang", "ru", "plid", "3")},
			result: &render.List{
				Rows:  []*render.Node{sessionRow("fcde2b2edba56bf4", "alice", "user", "192.0.2.11", false)},
				Total: 1, Page: 1, PageSize: 30, Sort: "last_activity", Desc: true,
				Plid: "3", Plname: "alice",
			},
		},
		{
			name: "form",
			meta: render.Meta{Func: "employee.edit", Lang: "en", Params: params("elid", "3", "func", "employee.edit")},
			result: &render.Form{Fields: []*render.Node{
				render.Text("elid", "3"),
				render.Text("name", "alice"),
				render.Text("realname", `Anna & "Boris" <AB>`),
				render.Text("enabled", render.OnOff(true)),
				render.Text("notify", render.OnOff(false)),
				render.Text("level", "16"),
				render.Text("department", "1"),
				render.Select("level", levelOptions()...),
				render.Select("department", render.Option{Key: "1", Label: "Sales"}),
			}},
		},
		{
			// one select: an object in json, an array in sjson
			name: "filterform",
			meta: render.Meta{Func: "session.filter", Lang: "en", Params: params("func", "session.filter")},
			result: &render.Form{Fields: []*render.Node{
				render.Text("account", "adm*"),
				render.Text("level", "28"),
				render.Select("level", levelOptions()...),
				render.Text("ip", "192.0.2.*"),
			}},
		},
		{
			name: "confirm",
			meta: render.Meta{Func: "session.delete", Lang: "en",
				Params: params("elid", "2c26b46b68ffc68f", "elid", "9f86d081884c7d65", "func", "session.delete")},
			result: &render.Form{Fields: []*render.Node{
				render.Text("elid", "2c26b46b68ffc68f, 9f86d081884c7d65"),
				render.Text("confirm_count", "2"),
			}},
		},
		{
			name:   "ok",
			meta:   render.Meta{Func: "keepalive", Lang: "en", Params: params("func", "keepalive")},
			result: &render.OK{},
		},
		{
			name: "okid",
			meta: render.Meta{Func: "employee.edit", Lang: "en",
				Params: params("func", "employee.edit", "name", "carol", "sok", "ok")},
			result: &render.OK{ID: "123"},
		},
		{
			name: "okredirect",
			meta: render.Meta{Func: "employee.edit", Lang: "en",
				Params: params("elid", "7", "func", "employee.edit", "sok", "ok")},
			result: &render.OK{Type: "form", Target: "func=employee.edit&elid=7&plid=5"},
		},
		{
			name:   "oksu",
			meta:   render.Meta{Func: "employee.su", Lang: "en", Params: params("elid", "7", "func", "employee.su")},
			result: &render.OK{Extra: []*render.Node{render.AuthNode("c0ffee0123456789", 16)}},
		},
		{
			name: "error",
			meta: render.Meta{Func: "employee.edit", Lang: "en",
				Params: params("elid", "7", "email", "bad@<x>", "func", "employee.edit", "sok", "ok")},
			err: &errs.E{Kind: errs.Value, Object: "email", Value: "bad@<x>",
				Msg:    `Invalid value of field "E-mail"`,
				Params: []errs.Param{{Name: "field", Value: "E-mail"}}},
		},
		{
			// no value: <param name="value"/> is still there
			name: "erroraccess",
			meta: render.Meta{Func: "session", Lang: "en", Params: params("func", "session")},
			err:  errs.New(errs.Access, "session", "", "No valid session; log in with func=auth"),
		},
	}
}

// document is what the dispatcher renders for c (handlers.App.write).
func (c goldenCase) document(f render.Format) *render.Node {
	meta := c.meta
	// every request names its format; tparams echo it, sorted by name as Params.Echo does
	meta.Params = append(append([]render.Param(nil), meta.Params...), render.Param{Name: "out", Value: string(f)})
	sort.SliceStable(meta.Params, func(i, j int) bool { return meta.Params[i].Name < meta.Params[j].Name })
	var data []*render.Node
	if c.err != nil {
		data = []*render.Node{render.ErrorNode(c.err, meta.Lang)}
	} else {
		data = c.result.Nodes()
	}
	return render.Document(meta, data)
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, f := range goldenFormats {
			t.Run(c.name+"."+f.ext, func(t *testing.T) {
				_, got := render.Encode(f.format, c.document(f.format))
				checkWellFormed(t, f.format, got)
				path := filepath.Join("testdata", c.name+"."+f.ext+".golden")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./handlers/render -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file\n--- got\n%s\n--- want\n%s", path, got, want)
				}
			})
		}
	}
}

// TestGoldenFilesUsed fails on golden files that no case writes any more.
func TestGoldenFilesUsed(t *testing.T) {
	used := map[string]bool{}
	for _, c := range goldenCases() {
		for _, f := range goldenFormats {
			used[c.name+"."+f.ext+".golden"] = true
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !used[filepath.Base(f)] {
			t.Errorf("%s belongs to no case", f)
		}
	}
}

// checkWellFormed parses an xml answer as XML and a json answer as JSON.
func checkWellFormed(t *testing.T, f render.Format, body []byte) {
	t.Helper()
	switch f {
	case render.XMLOut, render.Devel:
		d := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := d.Token()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("not well-formed XML: %v\n%s", err, body)
			}
		}
	case render.JSONOut, render.SJSON, render.JSONdata:
		if !json.Valid(body) {
			t.Fatalf("not valid JSON:\n%s", body)
		}
	}
}
