package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"staffmgr/models/dbtest"
)

// The shell examples of README.md and docs/*.md are run as written, in order, one
// script per file, against a fresh server: every ```sh (or bash, shell) block,
// except one that the line before it marks <!-- not run: why -->. "127.0.0.1:1500"
// becomes the test server's address, PASS holds root's password, and a `staffmgr`
// command on the PATH is this binary. Every answer of curl must be a document
// that is no error, unless a comment line right after the command says what the
// answer holds: "# → TEXT", where … stands for anything; then it must hold that.

// exampleRootPassword has the characters that break a password pasted into a URL.
const exampleRootPassword = "Ex#ample&pass 1+%2"

// example is one fenced shell block of a Markdown file.
type example struct {
	file  string
	line  int // the line of its first command
	lines []string
	skip  string // why it is not run, when it is not
}

var notRun = regexp.MustCompile(`^<!--\s*not run:\s*(\S.*?)\s*-->$`)

// readExamples returns the shell blocks of a Markdown file, in order.
func readExamples(path string) ([]example, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []example
	var cur *example
	prev := ""
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur != nil && trimmed == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		case strings.HasPrefix(trimmed, "```"):
			switch strings.TrimSpace(strings.TrimPrefix(trimmed, "```")) {
			case "sh", "bash", "shell":
				cur = &example{file: filepath.Base(path), line: n + 1}
				if m := notRun.FindStringSubmatch(prev); m != nil {
					cur.skip = m[1]
				}
			}
		}
		if trimmed != "" {
			prev = trimmed
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: the block never ends", path, cur.line-1)
	}
	return out, sc.Err()
}

// examplePrelude runs before the examples: it stops at the first failing command,
// and wraps curl to keep each answer, and a mark for each expectation, in a log.
const examplePrelude = `set -euo pipefail
trap 'echo "failed $LINENO" >>"$EXAMPLES_DIR/log"' ERR
curl() {
	local answer status=0
	answer=$(mktemp "$EXAMPLES_DIR/answer.XXXXXX")
	command curl -q --max-time 30 "$@" >"$answer" || status=$?
	printf 'answer %s %s\n' "${BASH_LINENO[0]}" "$answer" >>"$EXAMPLES_DIR/log"
	cat "$answer"
	return "$status"
}
__expect() { printf 'expect %s %s\n' "${BASH_LINENO[0]}" "$1" >>"$EXAMPLES_DIR/log"; }
`

var expectLine = regexp.MustCompile(`^\s*# → (.+)$`)

// script is the shell text of one file's examples, with the source of each line.
type script struct {
	text    string
	source  []string // per line of text, from 1: "README.md:12", or "" for the prelude
	expects []string // the patterns __expect N names
	lines   int      // lines of examples
}

func buildScript(examples []example, addr string) script {
	var s script
	var b strings.Builder
	add := func(line, source string) {
		b.WriteString(line)
		b.WriteByte('\n')
		s.source = append(s.source, source)
	}
	s.source = append(s.source, "") // lines count from 1
	for _, line := range strings.Split(strings.TrimSuffix(examplePrelude, "\n"), "\n") {
		add(line, "")
	}
	for _, ex := range examples {
		if ex.skip != "" {
			continue
		}
		for i, line := range ex.lines {
			source := fmt.Sprintf("%s:%d", ex.file, ex.line+i)
			add(strings.ReplaceAll(line, "127.0.0.1:1500", addr), source)
			s.lines++
			if m := expectLine.FindStringSubmatch(line); m != nil {
				s.expects = append(s.expects, m[1])
				add("__expect "+strconv.Itoa(len(s.expects)-1), source)
			}
		}
	}
	s.text = b.String()
	return s
}

// where is the source of a script line.
func (s *script) where(line string) string {
	n, err := strconv.Atoi(line)
	if err != nil || n <= 0 || n >= len(s.source) {
		return "line " + line + " of the script"
	}
	if s.source[n] == "" {
		return "line " + line + " of the prelude"
	}
	return s.source[n]
}

var shellLine = regexp.MustCompile(`^examples: line (\d+): `)

// tail is the end of the examples' output, with the shell's own messages naming
// their source instead of the script's line.
func (s *script) tail(out []byte) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	lines = lines[max(0, len(lines)-10):]
	for i, line := range lines {
		if m := shellLine.FindStringSubmatch(line); m != nil {
			lines[i] = s.where(m[1]) + ": " + line[len(m[0]):]
		}
	}
	return strings.Join(lines, "\n")
}

// answerError is the error type of an answer in any machine format, "" for none.
func answerError(body []byte) string {
	body = bytes.TrimSpace(body)
	switch {
	case bytes.HasPrefix(body, []byte("<")):
		d := xml.NewDecoder(bytes.NewReader(body))
		depth := 0
		for {
			tok, err := d.Token()
			if err != nil {
				return ""
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if depth++; depth == 2 && el.Name.Local == "error" {
					for _, a := range el.Attr {
						if a.Name.Local == "type" {
							return a.Value
						}
					}
					return "error"
				}
			case xml.EndElement:
				depth--
			}
		}
	case bytes.HasPrefix(body, []byte("{")):
		var top map[string]any
		if json.Unmarshal(body, &top) != nil {
			return ""
		}
		if doc, ok := top["doc"].(map[string]any); ok {
			e, _ := doc["error"].(map[string]any)
			if t, _ := e["$type"].(string); t != "" {
				return t
			}
			return ""
		}
		e, _ := top["error"].(map[string]any)
		t, _ := e["type"].(string)
		return t
	}
	for _, line := range strings.Split(string(body), "\n") {
		if t, ok := strings.CutPrefix(line, "error.type="); ok {
			return t
		}
	}
	return ""
}

// holds reports whether text holds the pattern's pieces between its …, in order.
func holds(text, pattern string) bool {
	for _, piece := range strings.Split(pattern, "…") {
		i := strings.Index(text, piece)
		if i < 0 {
			return false
		}
		text = text[i+len(piece):]
	}
	return true
}

// checkLog checks the answers and expectations a script logged.
func checkLog(t *testing.T, s *script, log []byte) (answers int) {
	t.Helper()
	type answer struct {
		where string
		body  []byte
	}
	var last *answer
	for _, rec := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		f := strings.Fields(rec)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "answer":
			if last != nil {
				if kind := answerError(last.body); kind != "" || len(bytes.TrimSpace(last.body)) == 0 {
					t.Errorf("%s: the example answered an error %q (or nothing): %s", last.where, kind, last.body)
				}
			}
			body, err := os.ReadFile(f[2])
			if err != nil {
				t.Fatal(err)
			}
			last = &answer{s.where(f[1]), body}
			answers++
		case "expect":
			n, _ := strconv.Atoi(f[2])
			pattern := s.expects[n]
			if last == nil {
				t.Errorf("%s: # → %s follows no answer", s.where(f[1]), pattern)
				continue
			}
			if !holds(string(last.body), pattern) {
				t.Errorf("%s: the answer does not hold %q:\n%s", last.where, pattern, last.body)
			}
			last = nil
		case "failed":
			t.Errorf("%s: the example failed", s.where(f[1]))
		}
	}
	if last != nil {
		if kind := answerError(last.body); kind != "" || len(bytes.TrimSpace(last.body)) == 0 {
			t.Errorf("%s: the example answered an error %q (or nothing): %s", last.where, kind, last.body)
		}
	}
	return answers
}

// TestExampleCommand is the staffmgr command of the examples: the test binary runs
// it when STAFFMGR_EXAMPLE_COMMAND is set, with the arguments after --.
func TestExampleCommand(t *testing.T) {
	if os.Getenv("STAFFMGR_EXAMPLE_COMMAND") == "" {
		return
	}
	os.Exit(run(flag.Args(), os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// TestExamples runs the shell examples of README.md and docs/*.md.
func TestExamples(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the examples need %s: %v", tool, err)
		}
	}
	docs, err := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := append([]string{filepath.Join("..", "..", "README.md")}, docs...)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.EachDSN(t, func(t *testing.T, dsn string) {
		m, _ := startMain(t, dsn, exampleRootPassword)
		bin := t.TempDir()
		shim := "#!/bin/sh\nSTAFFMGR_EXAMPLE_COMMAND=1 exec " + strconv.Quote(self) + " -test.run='^TestExampleCommand$' -- \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, "staffmgr"), []byte(shim), 0o755); err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, path := range files {
			examples, err := readExamples(path)
			if err != nil {
				t.Fatal(err)
			}
			s := buildScript(examples, m.Addr())
			if s.lines == 0 {
				continue
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "log"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			cmd := exec.CommandContext(ctx, "bash", "-c", s.text, "examples")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PASS="+exampleRootPassword, "EXAMPLES_DIR="+dir,
				"STAFFMGR_DB="+dsn, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1")
			out, err := cmd.CombinedOutput()
			cancel()
			log, lerr := os.ReadFile(filepath.Join(dir, "log"))
			if lerr != nil {
				t.Fatal(lerr)
			}
			n := checkLog(t, &s, log)
			if err != nil {
				t.Errorf("%s: the examples stopped (%v), ending:\n%s", filepath.Base(path), err, s.tail(out))
			}
			ran += n
		}
		if ran == 0 {
			t.Fatal("no example called the server")
		}
	})
}

// TestExampleChecks checks the checks: a refusal is an error in every format, and
// a pattern's pieces must come in order.
func TestExampleChecks(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`<?xml version="1.0"?>` + "\n" + `<doc><error type="access"/></doc>`:             "access",
		`<?xml version="1.0"?>` + "\n" + `<doc><ok/><elem><error>x</error></elem></doc>`: "",
		`{"doc":{"$lang":"en","error":{"$type":"value"}}}`:                               "value",
		`{"doc":{"elem":[{"error":{"$":"value"}}]}}`:                                     "",
		`{"error":{"type":"missed"}}`:                                                    "missed",
		"error.type=auth\nerror.object=badpassword\n":                                    "auth",
		"auth=SID\n": "",
	} {
		if got := answerError([]byte(body)); got != want {
			t.Errorf("answerError(%q) = %q, want %q", body, got, want)
		}
	}
	if !holds(`{"doc":{"a":1,"ok":{}}}`, `{"doc":{…"ok":{}…}}`) || holds("ba", "a…b") {
		t.Error("holds")
	}
	md := filepath.Join(t.TempDir(), "x.md")
	text := "# X\n\n```sh\ncurl -s http://127.0.0.1:1500/billmgr\n# → <ok/>\n```\n\n" +
		"<!-- not run: it starts a server -->\n```bash\nmake run\n```\n```json\n{}\n```\n```\nplain\n```\n"
	if err := os.WriteFile(md, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ex, err := readExamples(md)
	if err != nil || len(ex) != 2 || ex[0].line != 4 || ex[0].skip != "" || ex[1].skip != "it starts a server" {
		t.Fatalf("readExamples: %v %+v", err, ex)
	}
	sc := buildScript(ex, "127.0.0.1:9")
	if !strings.HasSuffix(sc.text, "curl -s http://127.0.0.1:9/billmgr\n# → <ok/>\n__expect 0\n") ||
		sc.expects[0] != "<ok/>" || sc.lines != 2 || sc.where(strconv.Itoa(len(sc.source)-1)) != "x.md:5" {
		t.Errorf("buildScript: %+v", sc)
	}
	if err := os.WriteFile(md, []byte("```sh\nls\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readExamples(md); err == nil {
		t.Error("a block without its end was read")
	}
}
