package render_test

import (
	"encoding/json"
	"encoding/xml"
	"testing"

	"staffmgr/handlers/render"
)

// XML parsers turn a raw \r or \r\n in character data into \n (XML 1.0, 2.11), so a
// value typed into a textarea (browsers send \r\n) reaches xml clients changed while
// json keeps it: \r is written as &#13; in text as well as in attributes.
func TestXMLTextKeepsCarriageReturns(t *testing.T) {
	const v = "line 1\r\nline 2\rend"
	doc := render.El("doc", render.Text("v", v))
	var x struct {
		V string `xml:"v"`
	}
	if err := xml.Unmarshal(render.XML(doc), &x); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Doc struct {
			V struct {
				Text string `json:"$"`
			} `json:"v"`
		} `json:"doc"`
	}
	if err := json.Unmarshal(render.JSON(doc, false), &j); err != nil {
		t.Fatal(err)
	}
	if x.V != v || j.Doc.V.Text != v {
		t.Errorf("xml gives %q, json gives %q, want both %q", x.V, j.Doc.V.Text, v)
	}
}

// JSONdata of a document without data (a result with no nodes, such as an empty
// render.Doc or render.Form) is still an object, so that a client can read its keys.
func TestJSONDataOfEmptyDocumentIsAnObject(t *testing.T) {
	for _, res := range []render.Result{render.Doc{}, &render.Form{}} {
		out := render.JSONData(render.Document(render.Meta{Func: "f", Lang: "en"}, res.Nodes()))
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Errorf("%T: JSONdata %s is not an object: %v", res, out, err)
		}
	}
}
