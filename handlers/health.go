package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"staffmgr/models"
)

// readyTimeout bounds the database's answer to a readiness check.
const readyTimeout = time.Second

// readyReuse is how long one readiness answer serves the checks that arrive while
// it is made and just after: probes in a burst cost one query.
const readyReuse = 250 * time.Millisecond

// readiness is the last answer of /readyz: "" when ready, or the reason why not.
type readiness struct {
	mu     sync.Mutex
	at     time.Time
	reason string
	logged string // the last reason logged, so that a long outage logs once
}

// opsRoutes adds the routes for operators: the health checks, and the metrics
// unless they have a listener of their own. They are no funcs of the API.
func (a *App) opsRoutes(e *echo.Echo) {
	e.GET("/healthz", echo.WrapHandler(http.HandlerFunc(a.healthz)))
	e.GET("/readyz", echo.WrapHandler(http.HandlerFunc(a.readyz)))
	if !a.cfg.SeparateMetrics {
		e.GET("/metrics", echo.WrapHandler(a.metrics.handler))
	}
}

// OpsHandler serves /metrics, /healthz and /readyz, for a listener of their own
// (STAFFMGR_METRICS_LISTEN).
func (a *App) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics.handler)
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	return mux
}

// healthz answers 200 while the process serves requests; it asks nothing else.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	plain(w, http.StatusOK, "ok\n")
}

// readyz answers 200 when the database answers within readyTimeout and has every
// migration of this build, and 503 with the reason otherwise. It only reads.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	if reason := a.ready.check(a); reason != "" {
		plain(w, http.StatusServiceUnavailable, "not ready: "+reason+"\n")
		return
	}
	plain(w, http.StatusOK, "ready\n")
}

// check returns why the server is not ready, or "". One check runs at a time, and
// its answer serves for readyReuse.
func (rd *readiness) check(a *App) string {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if !rd.at.IsZero() && time.Since(rd.at) < readyReuse {
		return rd.reason
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	pending, err := models.PendingMigrations(ctx, a.db)
	var detail string
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		rd.reason = fmt.Sprintf("the database did not answer within %s", readyTimeout)
	case err != nil:
		// The driver's words may name hosts and roles: they go to the log only.
		rd.reason, detail = "the database does not answer (the server log says why)", err.Error()
	case len(pending) > 0:
		rd.reason = fmt.Sprintf("%d migration(s) not applied: %s (run staffmgr migrate, or restart the server)",
			len(pending), strings.Join(pending, ", "))
	default:
		rd.reason = ""
	}
	rd.at = time.Now()
	if rd.reason != rd.logged {
		if rd.reason != "" {
			a.log.Warn("not ready", "reason", rd.reason, "error", detail)
		} else {
			a.log.Info("ready again")
		}
		rd.logged = rd.reason
	}
	return rd.reason
}

// plain writes a short text answer that no cache keeps.
func plain(w http.ResponseWriter, code int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	io.WriteString(w, body)
}
