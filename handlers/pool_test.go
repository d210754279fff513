package handlers

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// TestRequestsAfterPostgresClosedConnections: when PostgreSQL ends the sessions of
// the pool's idle connections (pg_terminate_backend here; a restart or an idle
// timeout alike), the requests that come afterwards get live connections.
func TestRequestsAfterPostgresClosedConnections(t *testing.T) {
	t.Parallel()
	// The pool's connections carry a name of their own, so that only they are
	// terminated and not those of tests running beside this one.
	u, err := url.Parse(dbtest.NewDSN(t, models.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("staffmgr_pool_test_%d", time.Now().UnixNano())
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	db, err := models.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(db) })
	if _, err := models.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	q.Set("application_name", name+"_admin")
	u.RawQuery = q.Encode()
	admin, err := models.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(admin) })

	e := newEnv(t, db)
	root := e.login("root")
	e.get("func=whoami&auth=" + root).ok()
	pool, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	// The pool's idle connections are ended, and then used: one request at a time,
	// then all at once, each time more requests than there were connections.
	terminate := func() int {
		t.Helper()
		holdConnections(t, pool, 6)
		idle := pool.Stats().Idle
		if idle < 6 {
			t.Fatalf("%d idle connections, want at least 6", idle)
		}
		var ended int64
		if err := admin.Raw("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?", name).
			Scan(&ended).Error; err != nil {
			t.Fatal(err)
		}
		if ended != int64(idle) {
			t.Fatalf("terminated %d sessions, the pool holds %d", ended, idle)
		}
		// pg_terminate_backend only signals: wait until the sessions are gone.
		for left := int64(1); left > 0; {
			if err := admin.Raw("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", name).Scan(&left).Error; err != nil {
				t.Fatal(err)
			}
			if t.Context().Err() != nil {
				t.Fatal("the terminated sessions did not end")
			}
			time.Sleep(10 * time.Millisecond)
		}
		return idle
	}
	query := func(i int) string {
		if i%2 == 0 {
			return "func=whoami&auth=" + root
		}
		return fmt.Sprintf("func=employee.support_tool_settings&elid=1&signature=Root+%d&sok=ok&auth=%s", i, root)
	}

	idle := terminate()
	for i := range idle + 3 {
		e.get(query(i)).ok()
	}
	if got := mustSettings(t, e, 1).Signature; !strings.HasPrefix(got, "Root ") {
		t.Errorf("signature %q: the changes were not kept", got)
	}

	idle = terminate()
	var queries []string
	for i := range 2 * idle {
		queries = append(queries, query(i))
	}
	for _, r := range e.concurrently(queries) {
		r.ok()
	}
}

// holdConnections makes the pool open n connections at once and keep them idle,
// each used twice, as a busy server's are: the driver checks a connection it has
// never handed out again, but not one it handed out a moment ago.
func holdConnections(t *testing.T, pool *sql.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for range 2 {
		var conns []*sql.Conn
		for range n {
			c, err := pool.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.PingContext(ctx); err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
	}
}
