package render_test

import (
	"testing"

	"staffmgr/handlers/render"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name string
		data []*render.Node
		want string
	}{
		{"escapes", []*render.Node{render.Text("note", "a\\b\nc\rd\te=f")},
			"note=a\\\\b\\nc\\rd\te=f\n"},
		{"row escapes", []*render.Node{render.Row(render.Text("note", "x\ny"), render.Flag("on"))},
			"note=x\\ny on\n"},
		{"nested and attributes", []*render.Node{
			render.El("user", render.Text("name", "root"), render.Text("param", "v").With("name", "p")).With("id", "1")},
			"user.id=1\nuser.name=root\nuser.param.p=v\n"},
		{"name keys escaped", []*render.Node{render.El("error", render.Text("param", "v").With("name", "a\r\nb"))},
			"error.param.a\\r\\nb=v\n"},
		{"named elements with children keyed by name", []*render.Node{
			render.El("func", render.Text("caption", "Staff"),
				render.El("column", render.Flag("sortable")).With("name", "id").With("kind", "number"),
				render.El("column", render.Text("caption", "Login")).With("name", "x y\nz"),
			).With("name", "employee"),
			render.Text("user", "root").With("name", "root")},
			"func.employee.caption=Staff\nfunc.employee.column.id.kind=number\nfunc.employee.column.id.sortable\n" +
				"func.employee.column.x y\\nz.caption=Login\nuser.name=root\nuser=root\n"},
		{"selects and tparams left out", []*render.Node{
			render.Text("level", "16"), render.Select("level", render.Option{Key: "16", Label: "user"}),
			render.El("tparams", render.Text("func", "x"))},
			"level=16\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(render.PlainText(render.El("doc", tt.data...))); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
