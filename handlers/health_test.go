package handlers

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"staffmgr/models"
)

// probe calls a health route and returns its status and body.
func (e *env) probe(path string) (int, string) {
	e.t.Helper()
	r := e.do(http.MethodGet, path, "", nil, nil)
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		e.t.Errorf("%s: Cache-Control %q", path, cc)
	}
	return r.status, string(r.body)
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if code, body := e.probe("/healthz"); code != http.StatusOK || body != "ok\n" {
			t.Errorf("/healthz: %d %q", code, body)
		}
		if code, body := e.probe("/readyz"); code != http.StatusOK || body != "ready\n" {
			t.Errorf("/readyz: %d %q", code, body)
		}
		// A burst of probes is answered from one check.
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if code, _ := e.probe("/readyz"); code != http.StatusOK {
					t.Errorf("/readyz in a burst: %d", code)
				}
			})
		}
		wg.Wait()
		// Probes write nothing: no session, no journal row, no request metric.
		var sessions, journal int64
		if err := e.db.Table("sessions").Count(&sessions).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.db.Table("journal").Count(&journal).Error; err != nil {
			t.Fatal(err)
		}
		if sessions != 0 || journal != 0 {
			t.Errorf("probes left %d sessions and %d journal rows", sessions, journal)
		}
		if strings.Contains(e.scrape(), "staffmgr_requests_total{") {
			t.Error("probes were counted as API requests")
		}
	})
}

func TestReadinessPendingMigration(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		all, err := models.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		last := all[len(all)-1]
		if err := e.db.Exec("DELETE FROM schema_migrations WHERE version = ?", last.Version).Error; err != nil {
			t.Fatal(err)
		}
		code, body := e.probe("/readyz")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, last.Name) || !strings.Contains(body, "staffmgr migrate") {
			t.Errorf("/readyz with %s unapplied: %d %q", last.Name, code, body)
		}
		if code, _ := e.probe("/healthz"); code != http.StatusOK {
			t.Errorf("/healthz: %d", code)
		}
	})
}

func TestReadinessDatabaseDown(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if err := models.Close(e.db); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		code, body := e.probe("/readyz")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "database does not answer") {
			t.Errorf("/readyz with the database closed: %d %q", code, body)
		}
		if d := time.Since(start); d > 2*readyTimeout {
			t.Errorf("/readyz took %s", d)
		}
		if !strings.Contains(e.logs.String(), "database is closed") {
			t.Errorf("the log does not say why: %s", e.logs)
		}
		if code, _ := e.probe("/healthz"); code != http.StatusOK {
			t.Errorf("/healthz: %d", code)
		}
	})
}
