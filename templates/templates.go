// Package templates holds the HTML pages of the web panel, embedded in the binary and
// parsed once at start.
package templates

import (
	"embed"
	"html/template"
	"io"
)

//go:embed *.html
var files embed.FS

var pages = template.Must(template.ParseFS(files, "*.html"))

// Render writes the named page with data.
func Render(w io.Writer, name string, data any) error {
	return pages.ExecuteTemplate(w, name, data)
}
