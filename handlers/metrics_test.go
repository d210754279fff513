package handlers

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/errs"
	"staffmgr/rights"
	"staffmgr/session"
)

// scrape reads /metrics from the API's listener.
func (e *env) scrape() string {
	e.t.Helper()
	r := e.do(http.MethodGet, "/metrics", "", nil, nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("/metrics: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		e.t.Errorf("/metrics content type %q", ct)
	}
	return string(r.body)
}

// metric returns the value of the series series (a name and its labels in the
// order the exposition format sorts them, as in `x{a="1",b="2"}`), or -1 when the
// scrape has none.
func metric(t *testing.T, scrape, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(scrape, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	return -1
}

func TestMetricsRequests(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		root := e.login("root")
		e.get("func=whoami&auth=" + root).ok()
		e.get("func=whoami&out=xml&auth=" + root)
		e.get("func=whoami").fails("access", "session")
		e.get("func=no.such.func&auth="+root).fails("missed", "func")
		e.get("func=" + strings.Repeat("x", 40) + "&out=text")
		e.loginWith("alice", "wrong").fails("auth", "")
		e.login("alice")

		s := e.scrape()
		for series, want := range map[string]float64{
			`staffmgr_requests_total{error="none",format="json",func="whoami"}`:    1,
			`staffmgr_requests_total{error="none",format="xml",func="whoami"}`:     1,
			`staffmgr_requests_total{error="access",format="json",func="whoami"}`:  1,
			`staffmgr_requests_total{error="missed",format="json",func="unknown"}`: 1,
			`staffmgr_requests_total{error="missed",format="text",func="unknown"}`: 1,
			`staffmgr_requests_total{error="auth",format="json",func="auth"}`:      1,
			`staffmgr_requests_total{error="none",format="json",func="auth"}`:      2,
			`staffmgr_request_duration_seconds_count{func="whoami"}`:               3,
			`staffmgr_request_duration_seconds_bucket{func="auth",le="+Inf"}`:      3,
			`staffmgr_login_failures_total`:                                        1,
			`staffmgr_sessions_active`:                                             2,
			`staffmgr_lockouts_active{kind="login"}`:                               0,
			`staffmgr_logins_blocked_total{kind="ip"}`:                             0,
			`staffmgr_sms_total{result="sent"}`:                                    0,
		} {
			if got := metric(t, s, series); got != want {
				t.Errorf("%s = %v, want %v", series, got, want)
			}
		}
		if strings.Contains(s, "no.such.func") || strings.Contains(s, "xxxxxxxx") {
			t.Error("a made-up func name became a label value")
		}
		for _, name := range []string{"go_sql_max_open_connections", "go_sql_in_use_connections", "go_sql_idle_connections", "go_sql_wait_count_total",
			"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "go_build_info"} {
			if !strings.Contains(s, "\n"+name) {
				t.Errorf("no %s in the scrape", name)
			}
		}
		// The scrape itself is no API request.
		if strings.Contains(s, `func="metrics"`) {
			t.Error("/metrics counted as a func")
		}
	})
}

func TestMetricsLockouts(t *testing.T) {
	t.Parallel()
	eachLockoutEnv(t, 0, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		for range 3 {
			e.loginWith("alice", "wrong").fails("auth", "")
		}
		e.loginWith("alice", Password).blockedAnswer()
		e.loginWith("alice", "wrong").blockedAnswer()
		s := e.scrape()
		for series, want := range map[string]float64{
			`staffmgr_login_failures_total`:               3,
			`staffmgr_logins_blocked_total{kind="login"}`: 2,
			`staffmgr_logins_blocked_total{kind="ip"}`:    0,
			`staffmgr_lockouts_active{kind="login"}`:      1,
			`staffmgr_lockouts_active{kind="ip"}`:         0,
		} {
			if got := metric(t, s, series); got != want {
				t.Errorf("%s = %v, want %v", series, got, want)
			}
		}
	})
}

func TestMetricsSMS(t *testing.T) {
	t.Parallel()
	eachSMSEnv(t, "/send", 0, func(t *testing.T, e *env, gw *smsGatewayStub) {
		alice := mustEmployee(t, e, "alice", card{"mobile": "+15550002"})
		base := fmt.Sprintf("func=employee.sms&elid=%d&sok=ok&message=hi&auth=%s", alice, e.login("root"))
		e.get(base).ok()
		e.get(base).ok()
		gw.answer(http.StatusBadGateway, "no", false)
		e.get(base).fails("gateway", "gateway")
		s := e.scrape()
		if got := metric(t, s, `staffmgr_sms_total{result="sent"}`); got != 2 {
			t.Errorf("sent %v, want 2", got)
		}
		if got := metric(t, s, `staffmgr_sms_total{result="failed"}`); got != 1 {
			t.Errorf("failed %v, want 1", got)
		}
		if got := metric(t, s, `staffmgr_requests_total{error="gateway",format="json",func="employee.sms"}`); got != 1 {
			t.Errorf("gateway errors %v, want 1", got)
		}
	})
}

// TestMetricsSeparate: with a listener of their own, the metrics leave the API's.
func TestMetricsSeparate(t *testing.T) {
	t.Parallel()
	eachEnvConfig(t, func(c *Config) { c.SeparateMetrics = true }, func(t *testing.T, e *env) {
		if r := e.do(http.MethodGet, "/metrics", "", nil, nil); r.status != http.StatusNotFound {
			t.Errorf("/metrics on the API's listener: %d", r.status)
		}
		e.login("root")
		ops := httptest.NewServer(e.app.OpsHandler())
		defer ops.Close()
		for path, want := range map[string]string{"/metrics": `func="auth"`, "/healthz": "ok", "/readyz": "ready"} {
			resp, err := http.Get(ops.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			if body := readAll(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("%s on the metrics listener: %d %q", path, resp.StatusCode, body)
			}
		}
		if r := e.do(http.MethodGet, "/healthz", "", nil, nil); r.status != http.StatusOK {
			t.Errorf("/healthz left the API's listener: %d", r.status)
		}
	})
}

// TestMetricsRecordingAllocates: counting a request allocates nothing once its
// series exist, and an unknown func adds none. It runs alone: AllocsPerRun counts
// the whole process's allocations.
func TestMetricsRecordingAllocates(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, models.SQLite))
	m := e.app.metrics
	start := time.Now()
	fail := &errs.E{Kind: errs.Access}
	m.request("whoami", render.JSONOut, nil, start)
	m.request("made.up", render.XMLOut, fail, start)
	if n := testing.AllocsPerRun(1000, func() {
		m.request("whoami", render.JSONOut, nil, start)
		m.request("made.up", render.XMLOut, fail, start)
	}); n != 0 {
		t.Errorf("%v allocations per request", n)
	}
}

// readAll reads and closes an answer's body.
func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func BenchmarkMetricsRequest(b *testing.B) {
	db := dbtest.Open(b, models.SQLite)
	sessions := session.New(db, session.Config{IdleTimeout: time.Hour, Lifetime: time.Hour})
	app, err := New(db, sessions, Config{Passwords: dbtest.FastPasswords}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			app.metrics.request("employee", render.JSONOut, nil, start)
		}
	})
}
