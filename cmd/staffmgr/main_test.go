package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// startMain runs the real server on a free port of the loopback.
func startMain(t *testing.T, dsn, rootPassword string) (*Main, *bytes.Buffer) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.DB = dsn
	cfg.RootPassword = rootPassword
	cfg.Passwords = dbtest.FastPasswords
	out := &bytes.Buffer{}
	m := &Main{Config: cfg, Stdout: out}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, out
}

// call makes one API call and returns the json document.
func call(t *testing.T, m *Main, params url.Values) map[string]any {
	t.Helper()
	if params.Get("out") == "" {
		params.Set("out", "json")
	}
	resp, err := http.PostForm("http://"+m.Addr()+"/billmgr", params)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var top struct{ Doc map[string]any }
	if err := json.Unmarshal(body, &top); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return top.Doc
}

func login(t *testing.T, m *Main, user, password string) string {
	t.Helper()
	doc := call(t, m, url.Values{"func": {"auth"}, "username": {user}, "password": {password}})
	auth, ok := doc["auth"].(map[string]any)
	if !ok {
		t.Fatalf("login %s: %v", user, doc)
	}
	return auth["$id"].(string)
}

func errorType(doc map[string]any) string {
	e, _ := doc["error"].(map[string]any)
	s, _ := e["$type"].(string)
	return s
}

func TestMainEndToEnd(t *testing.T) {
	t.Parallel()
	dbtest.EachDSN(t, func(t *testing.T, dsn string) {
		m, out := startMain(t, dsn, "")
		match := regexp.MustCompile(`password (\S+)\n`).FindStringSubmatch(out.String())
		if match == nil {
			t.Fatalf("no generated root password printed: %q", out.String())
		}
		sid := login(t, m, "root", match[1])
		list := call(t, m, url.Values{"func": {"session"}, "auth": {sid}})
		if elems, _ := list["elem"].([]any); len(elems) != 1 {
			t.Errorf("session list: %v", list)
		}
		for _, format := range []string{"xml", "devel", "sjson", "JSONdata", "text"} {
			resp, err := http.Get("http://" + m.Addr() + "/billmgr?func=session&auth=" + sid + "&out=" + format)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "root") {
				t.Errorf("out=%s: %d %s", format, resp.StatusCode, body)
			}
		}
		if err := m.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}

		// A restart keeps root's password and the session, and prints nothing.
		m2, out2 := startMain(t, dsn, "Other-pass1")
		if out2.Len() != 0 {
			t.Errorf("a restart printed %q", out2.String())
		}
		if doc := call(t, m2, url.Values{"func": {"whoami"}, "auth": {sid}}); errorType(doc) != "" {
			t.Errorf("the session did not survive a restart: %v", doc)
		}
	})
}

func TestRootPasswordFromEnvironment(t *testing.T) {
	t.Parallel()
	dsn := dbtest.NewDSN(t, models.SQLite)
	cfg := DefaultConfig()
	cfg.Listen, cfg.DB, cfg.RootPassword = "127.0.0.1:0", dsn, "weak"
	m := &Main{Config: cfg}
	err := m.Run(context.Background())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "STAFFMGR_ROOT_PASSWORD") {
		t.Fatalf("a weak root password was accepted: %v", err)
	}
	m2, out := startMain(t, dsn, "Strong-pass1")
	if out.Len() != 0 {
		t.Errorf("a given password was printed: %q", out.String())
	}
	login(t, m2, "root", "Strong-pass1")
}

// TestProcessesShareSessions: two servers on one PostgreSQL database serve the same
// sessions, so any process can answer any request.
func TestProcessesShareSessions(t *testing.T) {
	t.Parallel()
	dsn := dbtest.NewDSN(t, models.Postgres)
	a, _ := startMain(t, dsn, "Shared-pass1")
	b, _ := startMain(t, dsn, "Shared-pass1")
	sid := login(t, a, "root", "Shared-pass1")
	if doc := call(t, b, url.Values{"func": {"whoami"}, "auth": {sid}}); errorType(doc) != "" {
		t.Fatalf("process b does not know a's session: %v", doc)
	}
	if doc := call(t, b, url.Values{"func": {"logout"}, "auth": {sid}}); errorType(doc) != "" {
		t.Fatalf("logout through b: %v", doc)
	}
	if doc := call(t, a, url.Values{"func": {"keepalive"}, "auth": {sid}}); errorType(doc) != "access" {
		t.Fatalf("a still accepts the session b ended: %v", doc)
	}
}

// TestGracefulShutdown: Close waits for a request in flight, which then completes.
// It runs alone: it gives the request 100ms to be sent, which a busy machine might
// not honour.
func TestGracefulShutdown(t *testing.T) {
	m, _ := startMain(t, dbtest.NewDSN(t, models.SQLite), "Grace-pass1")
	pr, pw := io.Pipe()
	done := make(chan string, 1)
	go func() {
		resp, err := http.Post("http://"+m.Addr()+"/billmgr", "application/x-www-form-urlencoded", pr)
		if err != nil {
			done <- "error: " + err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- string(body)
	}()
	fmt.Fprint(pw, "func=whoami&out=json&authinfo=root:Grace-pass1")
	time.Sleep(100 * time.Millisecond) // the request is now being read
	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned while a request was in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	pw.Close()
	if body := <-done; !strings.Contains(body, `"user"`) {
		t.Errorf("the request in flight got %q", body)
	}
	if err := <-closed; err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	dsn := dbtest.NewDSN(t, models.SQLite)
	env := func(name string) string {
		return map[string]string{"STAFFMGR_DB": dsn, "STAFFMGR_ARGON2": "m=1024,t=1,p=1"}[name]
	}
	runCmd := func(stdin string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(args, env, strings.NewReader(stdin), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, out, _ := runCmd("", "version"); code != 0 || !strings.HasPrefix(out, "staffmgr ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, out, _ := runCmd("", "help"); code != 0 || !strings.Contains(out, "STAFFMGR_DB") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, _ := runCmd("", "--help"); code != 0 {
		t.Errorf("--help exits %d", code)
	}
	if code, _, errOut := runCmd("", "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd("", "serve", "-session-idle", "soon"); code != 2 || !strings.Contains(errOut, "STAFFMGR_SESSION_IDLE") {
		t.Errorf("bad duration: %d %q", code, errOut)
	}
	if code, out, _ := runCmd("", "migrate"); code != 0 || !strings.Contains(out, "applied 0001_init") {
		t.Errorf("migrate: %d %q", code, out)
	}
	if code, out, _ := runCmd("", "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("migrate again: %d %q", code, out)
	}
	if code, _, errOut := runCmd("Some-pass1\n", "passwd", "root"); code != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("passwd of a missing account: %d %q", code, errOut)
	}

	m, _ := startMain(t, dsn, "First-pass1")
	sid := login(t, m, "root", "First-pass1")
	if code, _, errOut := runCmd("short\n", "passwd", "root"); code != 1 || !strings.Contains(errOut, "at least 8") {
		t.Errorf("passwd with a weak password: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd("Second-pass2\n", "passwd", "root"); code != 0 || strings.Contains(errOut, "Second-pass2") {
		t.Errorf("passwd: %d %q", code, errOut)
	}
	login(t, m, "root", "Second-pass2")
	if doc := call(t, m, url.Values{"func": {"keepalive"}, "auth": {sid}}); errorType(doc) != "access" {
		t.Errorf("a password change left the old session open: %v", doc)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"STAFFMGR_LISTEN":              "0.0.0.0:9000",
		"STAFFMGR_SESSION_IDLE":        "30m",
		"STAFFMGR_PASSWORD_CLASSES":    "lower,digit",
		"STAFFMGR_PASSWORD_MIN_LENGTH": "12",
	}
	cfg, _, err := parseConfig("serve", []string{"-listen", "127.0.0.1:1501"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:1501" {
		t.Errorf("a flag does not win over the variable: %s", cfg.Listen)
	}
	if cfg.SessionIdle != 30*time.Minute || cfg.SessionLifetime != 10*time.Hour {
		t.Errorf("lifetimes %s %s", cfg.SessionIdle, cfg.SessionLifetime)
	}
	if cfg.PasswordPolicy.MinLength != 12 || strings.Join(cfg.PasswordPolicy.Classes, ",") != "lower,digit" {
		t.Errorf("policy %+v", cfg.PasswordPolicy)
	}
	for name, value := range map[string]string{
		"STAFFMGR_SESSION_LIFETIME": "-1h",
		"STAFFMGR_PASSWORD_CLASSES": "emoji",
		"STAFFMGR_LOG_FORMAT":       "xml",
		"STAFFMGR_ARGON2":           "fast",
		"STAFFMGR_SESSION_IDLE":     "11h", // longer than the lifetime
	} {
		if _, _, err := parseConfig("serve", nil, func(k string) string {
			if k == name {
				return value
			}
			return ""
		}, io.Discard); err == nil {
			t.Errorf("%s=%s accepted", name, value)
		}
	}
}
