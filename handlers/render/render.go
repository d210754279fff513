package render

import (
	"fmt"
	"strings"
)

// Format is an output format, named by the out parameter.
type Format string

// The output formats.
const (
	HTML     Format = ""
	XMLOut   Format = "xml"
	Devel    Format = "devel"
	JSONOut  Format = "json"
	SJSON    Format = "sjson"
	JSONdata Format = "JSONdata"
	TextOut  Format = "text"
)

// ParseFormat reads the out parameter. Names are matched without regard to case.
func ParseFormat(out string) (Format, error) {
	for _, f := range []Format{HTML, XMLOut, Devel, JSONOut, SJSON, JSONdata, TextOut} {
		if strings.EqualFold(out, string(f)) {
			return f, nil
		}
	}
	return XMLOut, fmt.Errorf("unknown output format %q", out)
}

// Meta is what every document says about its request.
type Meta struct {
	Func string
	Lang string
	// Params are echoed in tparams: the request's parameters without credentials.
	Params []Param
}

// Param is one request parameter.
type Param struct {
	Name, Value string
}

// Binary is the endpoint documents name as their binary.
const Binary = "/billmgr"

// Document wraps data elements in <doc> with the request's tparams.
func Document(m Meta, data []*Node) *Node {
	doc := El("doc").With("lang", m.Lang).With("func", m.Func).With("binary", Binary)
	doc.Add(data...)
	tp := El("tparams")
	for _, p := range m.Params {
		tp.Add(Text(p.Name, p.Value))
	}
	return doc.Add(tp)
}

// Encode writes a document in a machine format and returns its content type.
// HTML pages are written by Page instead.
func Encode(f Format, doc *Node) (contentType string, body []byte) {
	switch f {
	case JSONOut:
		return "application/json; charset=UTF-8", JSON(doc, false)
	case SJSON:
		return "application/json; charset=UTF-8", JSON(doc, true)
	case JSONdata:
		return "application/json; charset=UTF-8", JSONData(doc)
	case TextOut:
		return "text/plain; charset=UTF-8", PlainText(doc)
	default:
		return "text/xml", XML(doc)
	}
}
