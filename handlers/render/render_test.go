package render_test

import (
	"bytes"
	"strings"
	"testing"

	"staffmgr/handlers/render"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		out  string
		want render.Format
		ok   bool
	}{
		{"", render.HTML, true},
		{"xml", render.XMLOut, true},
		{"devel", render.Devel, true},
		{"json", render.JSONOut, true},
		{"sjson", render.SJSON, true},
		{"JSONdata", render.JSONdata, true},
		{"text", render.TextOut, true},
		// names are matched without regard to case
		{"XML", render.XMLOut, true},
		{"jsondata", render.JSONdata, true},
		{"SJson", render.SJSON, true},
		// anything else is an error, and the error is answered in xml
		{"yaml", render.XMLOut, false},
		{"html", render.XMLOut, false},
		{"xjson", render.XMLOut, false},
		{" xml", render.XMLOut, false},
		{"xml ", render.XMLOut, false},
		{"json,xml", render.XMLOut, false},
		{"jsón", render.XMLOut, false},
		{"\x00", render.XMLOut, false},
	}
	for _, tt := range tests {
		got, err := render.ParseFormat(tt.out)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, ok %v", tt.out, got, err, tt.want, tt.ok)
		}
	}
}

func TestEncode(t *testing.T) {
	doc := goldenCases()[0].document(render.XMLOut)
	tests := []struct {
		f           render.Format
		contentType string
		prefix      string
	}{
		{render.XMLOut, "text/xml", render.XMLHeader + "<doc "},
		{render.Devel, "text/xml", render.XMLHeader + "<doc "},
		{render.JSONOut, "application/json; charset=UTF-8", `{"doc":{`},
		{render.SJSON, "application/json; charset=UTF-8", `{"doc":{`},
		{render.JSONdata, "application/json; charset=UTF-8", `{"auth":{`},
		{render.TextOut, "text/plain; charset=UTF-8", "auth.id="},
	}
	for _, tt := range tests {
		ct, b := render.Encode(tt.f, doc)
		if ct != tt.contentType {
			t.Errorf("%s: content type %q, want %q", tt.f, ct, tt.contentType)
		}
		if !strings.HasPrefix(string(b), tt.prefix) {
			t.Errorf("%s: body %q does not start with %q", tt.f, b, tt.prefix)
		}
	}
	_, x := render.Encode(render.XMLOut, doc)
	_, d := render.Encode(render.Devel, doc)
	if !bytes.Equal(x, d) {
		t.Errorf("devel differs from xml:\n%s\n%s", d, x)
	}
}

func TestDocument(t *testing.T) {
	doc := render.Document(render.Meta{Func: "employee", Lang: "ru", Params: []render.Param{
		{Name: "elid", Value: "1"}, {Name: "elid", Value: "2"}, {Name: "func", Value: "employee"}}},
		[]*render.Node{render.Flag("ok")})
	want := `<doc lang="ru" func="employee" binary="/billmgr"><ok/><tparams><elid>1</elid><elid>2</elid><func>employee</func></tparams></doc>`
	if got := body(t, render.XML(doc)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// without data and parameters, doc still carries an empty tparams
	want = `<doc lang="en" func="" binary="/billmgr"><tparams/></doc>`
	if got := body(t, render.XML(render.Document(render.Meta{Lang: "en"}, nil))); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestListAndRow(t *testing.T) {
	l := &render.List{Rows: []*render.Node{
		render.Row(render.Text("id", "1"), render.FlagIf("on", true), nil, render.FlagIf("off", false)),
	}, Total: 7, Page: 3, PageSize: 3, Sort: "id", Desc: true}
	want := `<doc><elem><id>1</id><on/></elem><p_cnt>3</p_cnt><p_elems>7</p_elems><p_num>3</p_num><p_sort>id</p_sort><p_order>desc</p_order></doc>`
	if got := body(t, render.XML(render.El("doc", l.Nodes()...))); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if render.OnOff(true) != "on" || render.OnOff(false) != "off" {
		t.Error("OnOff is not on/off")
	}
}
