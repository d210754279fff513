package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/session"
)

// unknownFunc is the func label of a request that names no func of the table, so
// that made-up names cannot add series.
const unknownFunc = "unknown"

// metrics are the server's Prometheus metrics, on a registry of the App's own so
// that several Apps in one process keep apart. Every label takes values from a
// fixed set: funcs of the table, output formats, error kinds.
type metrics struct {
	registry *prometheus.Registry
	handler  http.Handler

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// funcs maps a func name to the table's own copy of it, the label value.
	funcs map[string]string

	loginFailures prometheus.Counter
	blockedLogin  prometheus.Counter
	blockedIP     prometheus.Counter
	smsSent       prometheus.Counter
	smsFailed     prometheus.Counter
}

// errorLabels are the error label values: the kinds of errs, and none.
var errorLabels = map[errs.Kind]string{
	"": "none", errs.Auth: "auth", errs.Access: "access", errs.Missed: "missed",
	errs.Value: "value", errs.Exists: "exists", errs.Limit: "limit",
	errs.NotConfigured: "notconfigured", errs.Gateway: "gateway", errs.Internal: "internal",
}

// formatLabel is the format label of an answer's format.
func formatLabel(f render.Format) string {
	if f == render.HTML {
		return "html"
	}
	return string(f)
}

// stateTTL is how long the counts read from the database (sessions, locks) are
// reused: a scrape every few seconds costs a query at most this often.
const stateTTL = 10 * time.Second

// newMetrics registers the App's metrics: its own, the database pool's and the Go
// runtime's.
func newMetrics(a *App) (*metrics, error) {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "staffmgr_requests_total",
			Help: "API requests answered, by func (unknown for a name outside the func table), output format and error type (none for success).",
		}, []string{"func", "format", "error"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "staffmgr_request_duration_seconds",
			Help:    "Time to answer an API request, by func.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"func"}),
		funcs: map[string]string{},
		loginFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "staffmgr_login_failures_total",
			Help: "Logins refused for a wrong login, password or key.",
		}),
	}
	for _, f := range a.ordered {
		m.funcs[f.Name] = f.Name
	}
	blocked := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "staffmgr_logins_blocked_total",
		Help: "Login attempts refused unchecked because the login (kind=login) or the client address (kind=ip) was blocked after failed logins.",
	}, []string{"kind"})
	m.blockedLogin, m.blockedIP = blocked.WithLabelValues(models.LockLogin), blocked.WithLabelValues(models.LockIP)
	sms := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "staffmgr_sms_total",
		Help: "Text messages handed to the SMS gateway, by result (sent or failed).",
	}, []string{"result"})
	m.smsSent, m.smsFailed = sms.WithLabelValues("sent"), sms.WithLabelValues("failed")

	sqlDB, err := a.db.DB()
	if err != nil {
		return nil, err
	}
	for _, c := range []prometheus.Collector{
		m.requests, m.duration, m.loginFailures, blocked, sms,
		newStateCollector(a),
		collectors.NewDBStatsCollector(sqlDB, models.Kind(a.db)),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
	return m, nil
}

// request counts one answered request. It allocates nothing once the request's
// series exists: the labels are strings of fixed tables.
func (m *metrics) request(name string, format render.Format, e *errs.E, since time.Time) {
	fn, ok := m.funcs[name]
	if !ok {
		fn = unknownFunc
	}
	kind := errs.Kind("")
	if e != nil {
		kind = e.Kind
	}
	errLabel, ok := errorLabels[kind]
	if !ok {
		errLabel = "other"
	}
	m.requests.WithLabelValues(fn, formatLabel(format), errLabel).Inc()
	m.duration.WithLabelValues(fn).Observe(time.Since(since).Seconds())
}

// loginBlocked counts an attempt refused by a lock of the given kind.
func (m *metrics) loginBlocked(kind string) {
	if kind == models.LockIP {
		m.blockedIP.Inc()
	} else {
		m.blockedLogin.Inc()
	}
}

// sms counts a message the gateway took, or refused when err is not nil.
func (m *metrics) sms(err error) {
	if err != nil {
		m.smsFailed.Inc()
	} else {
		m.smsSent.Inc()
	}
}

// stateCollector reports counts of what the database holds: live sessions and
// current locks. It queries at a scrape, never on a request, and at most once per
// stateTTL. Several processes on one PostgreSQL database report the same numbers.
type stateCollector struct {
	app       *App
	sessions  *prometheus.Desc
	locked    *prometheus.Desc
	mu        sync.Mutex
	at        time.Time
	ok        bool
	values    [3]float64 // sessions, locked logins, locked addresses
	lastError string
}

func newStateCollector(a *App) *stateCollector {
	return &stateCollector{
		app:      a,
		sessions: prometheus.NewDesc("staffmgr_sessions_active", "Sessions that have not expired, in the whole database (read at most every 10 s).", nil, nil),
		locked:   prometheus.NewDesc("staffmgr_lockouts_active", "Logins (kind=login) and client addresses (kind=ip) blocked now after failed logins (read at most every 10 s).", []string{"kind"}, nil),
	}
}

// Describe sends the descriptions of the counts.
func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- s.sessions
	ch <- s.locked
}

// Collect sends the counts, read anew when they are older than stateTTL. When the
// database cannot answer they are left out, and the server log says why.
func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.at) >= stateTTL {
		s.refresh()
	}
	if !s.ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(s.sessions, prometheus.GaugeValue, s.values[0])
	ch <- prometheus.MustNewConstMetric(s.locked, prometheus.GaugeValue, s.values[1], models.LockLogin)
	ch <- prometheus.MustNewConstMetric(s.locked, prometheus.GaugeValue, s.values[2], models.LockIP)
}

// refresh reads the counts with a bounded wait.
func (s *stateCollector) refresh() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.at = time.Now()
	sessions, err := session.CountActive(ctx, s.app.db)
	var logins, addresses int64
	if err == nil {
		logins, addresses, err = s.app.cfg.Lockout.CountLocks(ctx, s.app.db)
	}
	s.ok = err == nil
	if err != nil {
		if msg := err.Error(); msg != s.lastError {
			s.app.log.Warn("metrics: counts of sessions and locks", "error", msg)
			s.lastError = msg
		}
		return
	}
	s.lastError = ""
	s.values = [3]float64{float64(sessions), float64(logins), float64(addresses)}
}
