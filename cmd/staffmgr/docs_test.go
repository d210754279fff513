package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"staffmgr/handlers"
)

// TestAPIDocsCurrent fails when the committed docs/api.md is not what the func
// table and its declarations generate.
func TestAPIDocsCurrent(t *testing.T) {
	t.Parallel()
	want := handlers.Reference()
	got, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	line := 0
	for line < len(gotLines) && line < len(wantLines) && gotLines[line] == wantLines[line] {
		line++
	}
	at := func(lines []string) string {
		if line < len(lines) {
			return lines[line]
		}
		return "(end of file)"
	}
	t.Errorf("docs/api.md is not what the func table generates: run make docs "+
		"(go run ./cmd/staffmgr docs > docs/api.md) and commit it.\nFirst difference, line %d:\n  docs/api.md: %s\n  generated:   %s",
		line+1, at(gotLines), at(wantLines))
}

func TestDocsCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run([]string{"docs"}, func(string) string { return "" }, nil, &out, &errOut); code != 0 ||
		!bytes.Equal(out.Bytes(), handlers.Reference()) {
		t.Fatalf("docs to stdout: exit %d, %s", code, errOut.String())
	}
	path := filepath.Join(t.TempDir(), "api.md")
	if code := run([]string{"docs", path}, func(string) string { return "" }, nil, &out, &errOut); code != 0 {
		t.Fatalf("docs to a file: exit %d, %s", code, errOut.String())
	}
	if written, err := os.ReadFile(path); err != nil || !bytes.Equal(written, handlers.Reference()) {
		t.Fatalf("the file written: %v", err)
	}
	errOut.Reset()
	if code := run([]string{"docs", "a", "b"}, func(string) string { return "" }, nil, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "usage") {
		t.Errorf("two files: exit %d, %q", code, errOut.String())
	}
	if code := run([]string{"docs", filepath.Join(t.TempDir(), "no", "such", "dir", "api.md")}, func(string) string { return "" },
		nil, &out, &errOut); code != 1 {
		t.Errorf("an unwritable path: exit %d", code)
	}
}
