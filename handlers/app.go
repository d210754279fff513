// Package handlers is the API: the func table, the dispatcher that checks every call
// before its handler runs, and the handlers of each object family.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/list"
	"staffmgr/rights"
	"staffmgr/session"
)

// Config is what the handlers need to know of the server's configuration.
type Config struct {
	// Passwords are the argon2id parameters of new password hashes.
	Passwords models.PasswordParams
	// PasswordPolicy is what a new password must satisfy.
	PasswordPolicy models.PasswordPolicy
	// KeyLifetime is how long a key from session.newkey stays usable.
	KeyLifetime time.Duration
	// SecureCookies marks the session cookie Secure (behind HTTPS).
	SecureCookies bool
	// TrustedProxies are the proxies whose X-Forwarded-For names the client; without
	// any, the client is the connection's address.
	TrustedProxies []netip.Prefix
	// Su restricts acting as another account.
	Su SuPolicy
	// Lockout blocks logins and addresses after repeated failures; the zero value is
	// models.DefaultLockout.
	Lockout models.Lockout
	// SMSGateway is where employee.sms sends: an http:// or https:// URL that takes a
	// JSON POST, or file:PATH that appends one JSON line per message; empty is none.
	SMSGateway string
	// SeparateMetrics leaves /metrics out of the API's routes: OpsHandler serves it
	// on a listener of its own.
	SeparateMetrics bool
	// UISLimits bound the Data API calls of each token; off when zero.
	UISLimits models.RequestLimits
	// smsTimeout bounds one call to an HTTP gateway (10 s when zero); tests shorten it.
	smsTimeout time.Duration
	// checkPassword checks a login and password (models.Authenticate when nil); tests
	// wrap it to count the passwords that are really checked.
	checkPassword func(ctx context.Context, db *gorm.DB, login, password string) (*models.Account, error)
}

// App answers the API on one database.
type App struct {
	db       *gorm.DB
	sessions *session.Manager
	cfg      Config
	log      *slog.Logger
	funcs    map[string]*Func
	ordered  []*Func
	sms      smsGateway // nil: none configured
	metrics  *metrics
	ready    readiness
	// staffKeys keeps the staff list's order between requests (models.ListStaff).
	staffKeys *list.Ranked
	// staffPages keeps the staff list's pages as they were read.
	staffPages *models.StaffPages
	// creds are the authinfo credentials checked recently.
	creds *credentials
	// pageSizes are the page sizes accounts chose, kept at a data version.
	pageSizes pageSizes
}

// New builds the App and checks its func table.
func New(db *gorm.DB, sessions *session.Manager, cfg Config, log *slog.Logger) (*App, error) {
	if cfg.KeyLifetime == 0 {
		cfg.KeyLifetime = time.Hour
	}
	if cfg.checkPassword == nil {
		cfg.checkPassword = models.Authenticate
	}
	if cfg.Passwords != (models.PasswordParams{}) {
		if err := models.SetUnknownLoginCost(context.Background(), cfg.Passwords); err != nil {
			return nil, fmt.Errorf("password parameters: %w", err)
		}
	}
	a := &App{db: db, sessions: sessions, cfg: cfg, log: log, funcs: map[string]*Func{}, staffKeys: &list.Ranked{}, staffPages: &models.StaffPages{}, creds: newCredentials()}
	var err error
	if a.sms, err = newSMSGateway(cfg.SMSGateway, cfg.smsTimeout); err != nil {
		return nil, fmt.Errorf("sms gateway: %w", err)
	}
	for _, f := range funcTable() {
		if err := checkFunc(f); err != nil {
			return nil, err
		}
		if a.funcs[f.Name] != nil {
			return nil, fmt.Errorf("func %s is declared twice", f.Name)
		}
		a.funcs[f.Name] = f
		a.ordered = append(a.ordered, f)
	}
	for _, m := range uisMethodTable() {
		if a.funcs[m.Func] == nil {
			return nil, fmt.Errorf("Data API method %s: its func %q is not in the func table", m.Name, m.Func)
		}
		for _, funcs := range m.Also {
			for _, also := range funcs {
				if a.funcs[also] == nil {
					return nil, fmt.Errorf("Data API method %s: its func %q is not in the func table", m.Name, also)
				}
			}
		}
	}
	if a.metrics, err = newMetrics(a); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return a, nil
}

// checkFunc refuses a func table row the dispatcher cannot run: each shape with
// every handler it needs.
func checkFunc(f *Func) error {
	if f.Name == "" || f.Caption == "" {
		return fmt.Errorf("func %q: name and caption are required", f.Name)
	}
	if f.Level != rights.Guest && !f.Level.Valid() || f.Only && !f.Level.Valid() {
		return fmt.Errorf("func %s: level %d is no account level", f.Name, f.Level)
	}
	var ok bool
	switch s := f.Shape.(type) {
	case *List:
		if s.Spec == nil || s.Rows == nil {
			return fmt.Errorf("func %s: a list needs its spec and rows", f.Name)
		}
		if err := s.Spec.Validate(); err != nil {
			return fmt.Errorf("func %s: %w", f.Name, err)
		}
		ok = true
	case *Form:
		ok = s != nil && s.Show != nil && s.Save != nil
	case *Send:
		ok = s != nil && s.Show != nil && s.Deliver != nil
	case *Group:
		ok = s != nil && s.Each != nil
	case *Op:
		ok = s != nil && s.Run != nil
	}
	if !ok {
		return fmt.Errorf("func %s: its shape lacks a handler", f.Name)
	}
	return nil
}

// Echo returns the HTTP server: the API on /billmgr and on /, and the operators'
// routes /healthz, /readyz and /metrics.
func (a *App) Echo() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.IPExtractor = echo.ExtractIPDirect()
	if len(a.cfg.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, p := range a.cfg.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	for _, path := range []string{"/billmgr", "/"} {
		e.GET(path, a.serve)
		e.POST(path, a.serve)
	}
	e.GET("/assets/:name", a.serveAsset)
	a.opsRoutes(e)
	for _, path := range uisPaths {
		e.Any(path, a.serveUIS)
	}
	e.Any(voxRoot, a.serveVox)
	e.Any(voxRoot+"/*", a.serveVox)
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		code := http.StatusInternalServerError
		if he, ok := err.(*echo.HTTPError); ok {
			code = he.Code
		}
		if !c.Response().Committed {
			c.String(code, http.StatusText(code))
		}
	}
	return e
}

// Cleanup removes expired sessions and keys, stale failed-login counters and stale
// call counts; the server calls it now and then.
func (a *App) Cleanup(ctx context.Context) error {
	if _, err := session.DeleteExpired(ctx, a.db); err != nil {
		return err
	}
	if _, err := models.DeleteExpiredKeys(ctx, a.db); err != nil {
		return err
	}
	if _, err := models.DeleteStaleUsage(ctx, a.db); err != nil {
		return err
	}
	_, err := a.cfg.Lockout.DeleteStaleLockouts(ctx, a.db)
	return err
}
