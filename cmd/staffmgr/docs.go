package main

import (
	"fmt"
	"io"
	"os"

	"staffmgr/handlers"
)

// docsCommand writes the API reference that docs/api.md holds, generated from the
// func table, to the file args name or to stdout, and returns the exit code.
func docsCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "staffmgr: usage: staffmgr docs [FILE]")
		return 2
	}
	text := handlers.Reference()
	if len(args) == 0 {
		if _, err := stdout.Write(text); err != nil {
			fmt.Fprintln(stderr, "staffmgr:", err)
			return 1
		}
		return 0
	}
	if err := os.WriteFile(args[0], text, 0o644); err != nil {
		fmt.Fprintln(stderr, "staffmgr:", err)
		return 1
	}
	return 0
}
