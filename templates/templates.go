// Package templates holds the HTML pages of the web panel and the assets they use
// (a style sheet, a small script), embedded in the binary and parsed once at start.
package templates

import (
	"embed"
	"html/template"
	"io"
	"mime"
	"path"
)

//go:embed *.html
var files embed.FS

//go:embed assets
var assets embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	// fld hands a field to the field template with the page's language and the
	// prefix of its id.
	"fld": func(lang any, f any, prefix string) map[string]any {
		return map[string]any{"Lang": lang, "F": f, "P": prefix}
	},
}).ParseFS(files, "*.html"))

// Render writes the named page with data.
func Render(w io.Writer, name string, data any) error {
	return pages.ExecuteTemplate(w, name, data)
}

// Asset returns an asset of the pages (panel.css, panel.js) and its content type;
// ok is false when there is none of that name.
func Asset(name string) (body []byte, contentType string, ok bool) {
	if name != path.Base(name) || name == "." || name == "/" {
		return nil, "", false
	}
	body, err := assets.ReadFile("assets/" + name)
	if err != nil {
		return nil, "", false
	}
	return body, mime.TypeByExtension(path.Ext(name)), true
}
