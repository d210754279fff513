package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// startConfigured runs the real server on a free port with cfg changed by configure.
func startConfigured(t *testing.T, dsn string, configure func(*Config)) *Main {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Listen, cfg.DB, cfg.RootPassword, cfg.Passwords = "127.0.0.1:0", dsn, "Ops-pass1", dbtest.FastPasswords
	if configure != nil {
		configure(&cfg)
	}
	m := &Main{Config: cfg}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// fetch gets a URL and returns its status and body.
func fetch(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// runCommand runs a command line of the binary on the database dsn.
func runCommand(dsn string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	env := func(name string) string {
		return map[string]string{"STAFFMGR_DB": dsn, "STAFFMGR_ARGON2": "m=1024,t=1,p=1"}[name]
	}
	code := run(args, env, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHealthAndMetricsEndToEnd(t *testing.T) {
	t.Parallel()
	dbtest.EachDSN(t, func(t *testing.T, dsn string) {
		// By default the metrics are on the API's listener.
		m := startConfigured(t, dsn, nil)
		login(t, m, "root", "Ops-pass1")
		base := "http://" + m.Addr()
		if code, body := fetch(t, base+"/healthz"); code != 200 || body != "ok\n" {
			t.Errorf("/healthz: %d %q", code, body)
		}
		if code, body := fetch(t, base+"/readyz"); code != 200 || body != "ready\n" {
			t.Errorf("/readyz: %d %q", code, body)
		}
		if code, body := fetch(t, base+"/metrics"); code != 200 || !strings.Contains(body, `staffmgr_requests_total{error="none",format="json",func="auth"} 1`) {
			t.Errorf("/metrics: %d %s", code, body)
		}
		if m.MetricsAddr() != "" {
			t.Errorf("a metrics listener without STAFFMGR_METRICS_LISTEN: %s", m.MetricsAddr())
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}

		// With STAFFMGR_METRICS_LISTEN, /metrics is there and only there.
		m = startConfigured(t, dsn, func(c *Config) { c.MetricsListen = "127.0.0.1:0" })
		login(t, m, "root", "Ops-pass1")
		if code, _ := fetch(t, "http://"+m.Addr()+"/metrics"); code != http.StatusNotFound {
			t.Errorf("/metrics on the API's listener: %d", code)
		}
		if code, _ := fetch(t, "http://"+m.Addr()+"/readyz"); code != 200 {
			t.Errorf("/readyz on the API's listener: %d", code)
		}
		ops := "http://" + m.MetricsAddr()
		if code, body := fetch(t, ops+"/metrics"); code != 200 || !strings.Contains(body, `func="auth"`) || !strings.Contains(body, "go_sql_idle_connections") {
			t.Errorf("/metrics on its listener: %d %s", code, body)
		}
		if code, body := fetch(t, ops+"/readyz"); code != 200 || body != "ready\n" {
			t.Errorf("/readyz on the metrics listener: %d %q", code, body)
		}
		if code, _ := fetch(t, ops+"/billmgr?func=whoami"); code != http.StatusNotFound {
			t.Errorf("the API on the metrics listener: %d", code)
		}
	})
}

func TestMetricsListenConfig(t *testing.T) {
	t.Parallel()
	cfg, _, err := parseConfig("serve", nil, func(k string) string {
		return map[string]string{"STAFFMGR_METRICS_LISTEN": "127.0.0.1:9150"}[k]
	}, io.Discard)
	if err != nil || cfg.MetricsListen != "127.0.0.1:9150" {
		t.Errorf("STAFFMGR_METRICS_LISTEN: %q %v", cfg.MetricsListen, err)
	}
	if _, _, err := parseConfig("serve", nil, func(k string) string {
		return map[string]string{"STAFFMGR_METRICS_LISTEN": "127.0.0.1:1500"}[k]
	}, io.Discard); err == nil || !strings.Contains(err.Error(), "the API's own address") {
		t.Errorf("metrics on the API's address: %v", err)
	}
	m := &Main{Config: DefaultConfig()}
	m.Config.Listen, m.Config.MetricsListen = "127.0.0.1:0", "127.0.0.1:-1"
	m.Config.DB = dbtest.NewDSN(t, models.SQLite)
	err = m.Run(context.Background())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "STAFFMGR_METRICS_LISTEN") {
		t.Errorf("a bad metrics address: %v", err)
	}
}

// TestBackupRestore: a backup taken while the server writes is a consistent copy;
// a restore refuses while the server runs, and afterwards brings back the copy and
// keeps the database it replaced.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "staffmgr.db")
	dsn := "sqlite:" + path
	m := startConfigured(t, dsn, nil)
	sid := login(t, m, "root", "Ops-pass1")
	create := func(m *Main, name string) {
		t.Helper()
		doc := call(t, m, url.Values{"func": {"department.edit"}, "auth": {sid}, "sok": {"ok"}, "name": {name}})
		if errorType(doc) != "" {
			t.Fatalf("create %s: %v", name, doc)
		}
	}
	create(m, "Before")

	// Writes go on during the backup.
	var writes atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := http.PostForm("http://"+m.Addr()+"/billmgr", url.Values{"func": {"department.edit"},
				"auth": {sid}, "sok": {"ok"}, "out": {"json"}, "name": {fmt.Sprintf("During %d", i)}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			writes.Add(1)
		}
	})
	backup := filepath.Join(dir, "backup.db")
	for deadline := time.Now().Add(10 * time.Second); writes.Load() < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	code, out, errOut := runCommand(dsn, "backup", backup)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "wrote "+backup) || !strings.Contains(out, "consistent copy of "+path) {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCommand(dsn, "backup", backup); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("a second backup to the same file: %d %q", code, errOut)
	}
	if code, _, errOut := runCommand(dsn, "restore", backup); code != 1 || !strings.Contains(errOut, "stop it first") {
		t.Errorf("restore while the server runs: %d %q", code, errOut)
	}
	create(m, "After")
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	// The copy holds what was there when it was taken, and is whole.
	copied := departments(t, "sqlite:"+backup)
	if !copied["Before"] || copied["After"] {
		t.Errorf("the backup holds %v", copied)
	}

	// Garbage is refused, and nothing changes.
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database, not at all, no............................................................................"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCommand(dsn, "restore", junk); code != 1 || !strings.Contains(errOut, "nothing was changed") {
		t.Errorf("restore of junk: %d %q", code, errOut)
	}

	code, out, errOut = runCommand(dsn, "restore", backup)
	if code != 0 || !strings.Contains(out, "restored "+path+" from "+backup) || !strings.Contains(out, ".before-restore-") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	replaced := strings.TrimSpace(out[strings.Index(out, "kept as ")+len("kept as "):])
	if d := departments(t, "sqlite:"+replaced); !d["After"] {
		t.Errorf("the replaced database lost its last change: %v", d)
	}
	for _, leftover := range []string{path + ".restoring", path + "-wal"} {
		if _, err := os.Stat(leftover); err == nil {
			t.Errorf("%s left behind", leftover)
		}
	}

	// The server starts from the copy, whose sessions are over: one ended since the
	// copy was taken must not come back.
	if !strings.Contains(out, "its 1 session(s) and 0 login key(s) are ended") {
		t.Errorf("restore: %q", out)
	}
	m = startConfigured(t, dsn, nil)
	if doc := call(t, m, url.Values{"func": {"whoami"}, "auth": {sid}}); errorType(doc) != "access" {
		t.Errorf("a session of the copy: %v", doc)
	}
	sid = login(t, m, "root", "Ops-pass1")
	list := call(t, m, url.Values{"func": {"department"}, "auth": {sid}})
	if s := fmt.Sprint(list); !strings.Contains(s, "Before") || strings.Contains(s, "After") {
		t.Errorf("departments after the restore: %s", s)
	}
}

// TestRestoreNewerSchema: a copy made by a newer staffmgr is refused.
func TestRestoreNewerSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := dbtest.Open(t, models.SQLite)
	if err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', ?)", models.Now()).Error; err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "newer.db")
	if _, err := models.BackupSQLite(context.Background(), db, newer); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCommand("sqlite:"+filepath.Join(dir, "s.db"), "restore", newer)
	if code != 1 || !strings.Contains(errOut, "newer staffmgr") {
		t.Errorf("restore of a newer copy: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "s.db")); !os.IsNotExist(err) {
		t.Errorf("a refused restore left a database: %v", err)
	}
}

// TestBackupPostgres: for PostgreSQL the commands say what to run, and show no
// password.
func TestBackupPostgres(t *testing.T) {
	t.Parallel()
	dsn := "postgres://staffmgr:s3cret@db.example:5432/staffmgr"
	code, _, errOut := runCommand(dsn, "backup", "staffmgr.dump")
	if code != 1 || !strings.Contains(errOut, "pg_dump --format=custom --file=staffmgr.dump") || strings.Contains(errOut, "s3cret") {
		t.Errorf("backup on PostgreSQL: %d %q", code, errOut)
	}
	code, _, errOut = runCommand(dsn, "restore", "staffmgr.dump")
	if code != 1 || !strings.Contains(errOut, "pg_restore --clean") || strings.Contains(errOut, "s3cret") {
		t.Errorf("restore on PostgreSQL: %d %q", code, errOut)
	}
	if code, _, errOut := runCommand(dsn, "backup"); code != 2 || !strings.Contains(errOut, "usage") {
		t.Errorf("backup without a file: %d %q", code, errOut)
	}
}

func TestBackupMissingDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, errOut := runCommand("sqlite:"+filepath.Join(dir, "none.db"), "backup", filepath.Join(dir, "b.db"))
	if code != 1 || !strings.Contains(errOut, "does not exist: nothing to back up") {
		t.Errorf("backup of no database: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Errorf("backup created the database: %v", err)
	}
}

// TestBadSQLitePath: the server names the path and the reason.
func TestBadSQLitePath(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nowhere")
	code, _, errOut := runCommand("sqlite:"+filepath.Join(missing, "staffmgr.db"), "migrate")
	if code != 1 || !strings.Contains(errOut, "directory "+missing+" does not exist") || strings.Contains(errOut, "out of memory") {
		t.Errorf("migrate on a missing directory: %d %q", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	_, long, _ := runCommand("", "--version")
	_, short, _ := runCommand("", "-version")
	_, word, _ := runCommand("", "version")
	if long != word || short != word || !strings.HasPrefix(word, "staffmgr ") {
		t.Errorf("--version %q, -version %q, version %q", long, short, word)
	}
	info := func(settings ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{}
		for i := 0; i < len(settings); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return b
	}
	const rev = "e739d379a8363f48e1dddb257bdc46c2c67407ae"
	for _, tt := range []struct {
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"v1.2.0", info("vcs.revision", rev), "v1.2.0"},
		{"", info("vcs.revision", rev, "vcs.modified", "false"), "e739d379a836"},
		{"", info("vcs.revision", rev, "vcs.modified", "true"), "e739d379a836-dirty"},
		{"", info(), "devel"},
		{"", nil, "devel"},
	} {
		if got := versionOf(tt.linked, tt.info); got != tt.want {
			t.Errorf("versionOf(%q, %v) = %q, want %q", tt.linked, tt.info, got, tt.want)
		}
	}
}

// TestMakeVersion: make links the version the build info would give the same
// commit, so that make build and go build agree.
func TestMakeVersion(t *testing.T) {
	t.Parallel()
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", "../.."}, args...)...).Output()
		if err != nil {
			t.Skipf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	rev := git("rev-parse", "HEAD")
	modified := fmt.Sprint(git("status", "--porcelain") != "")
	out, err := exec.Command("make", "-s", "-n", "-C", "../..", "build").Output()
	if err != nil {
		t.Skipf("make: %v", err)
	}
	want := versionOf("", &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}})
	if !strings.Contains(string(out), "-X main.version="+want+`"`) {
		t.Errorf("make build links another version than %s: %s", want, out)
	}
}

// departments returns the names of the departments in a database.
func departments(t *testing.T, dsn string) map[string]bool {
	t.Helper()
	db, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	var names []string
	if err := db.Table("departments").Pluck("name", &names).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}
