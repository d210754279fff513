package handlers

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"staffmgr/models/errs"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"staffmgr/handlers/lang"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/rights"
	"staffmgr/session"
)

// via is how a request proved who it is.
type via int

const (
	viaNone     via = iota // a guest
	viaAuthinfo            // authinfo=U:P on this request only
	viaParam               // auth=SID
	viaCookie              // the billmgrses5 cookie of a browser
	viaAPIKey              // an API key of a machine API, on this request only
)

// Ctx is one request as a handler sees it, and its context: cancelled with the
// request, carrying the session.
type Ctx struct {
	App    *App
	DB     *gorm.DB // inside Save, Each and writing Run: the request's transaction
	Params Params
	Func   *Func
	Actor  *models.Account // nil for a guest
	IP     string
	Log    *slog.Logger
	// Lang is the language of the answer: its messages and captions.
	Lang lang.Lang
	// Real is the account that acts through an su session or the su parameter; nil otherwise.
	Real *models.Account
	// usage is how a Data API call's token stands against its request limits.
	usage []models.Usage

	req   *http.Request
	reqID string // the request id that the log and internal errors name
	// base is the request's context without a session. It is set once: database
	// drivers watch Done and Err from goroutines of their own, which may still run
	// after a statement returned, so the cancellation side must never be replaced.
	base context.Context
	// sess is base with the request's session. It changes when the request logs in,
	// so it answers only Value, which no driver goroutine calls.
	sess context.Context
	via  via
	// reads says the request ran a func that changes nothing (a list, a form
	// without sok, an Op that does not write): its session is only touched.
	reads bool
	// settled says the request's change committed with its session checked in the
	// same transaction (session.Manager.Settle): the session is saved like a read's.
	settled bool
	// readVersions are the versions the request read first (versions), when
	// hasVersions.
	readVersions models.Versions
	hasVersions  bool
	// grants are the rights of the account grantsOf names, read once for a request
	// that decides many funcs (the help, the panel's menu), when grantsOf is not 0.
	grants   rights.Grants
	grantsOf int64
	// foreseen are dominance verdicts over accounts as they stood before the
	// request changed anything, read together for a group action (foresee).
	foreseen map[int64]verdict
}

// Deadline is the request's deadline.
func (c *Ctx) Deadline() (time.Time, bool) { return c.base.Deadline() }

// Done is closed when the request is cancelled.
func (c *Ctx) Done() <-chan struct{} { return c.base.Done() }

// Err reports why the request was cancelled.
func (c *Ctx) Err() error { return c.base.Err() }

// Value looks key up in the request's session context.
func (c *Ctx) Value(key any) any { return c.sess.Value(key) }

// Level is the caller's access level (Guest without credentials).
func (c *Ctx) Level() rights.Level {
	if c.Actor == nil {
		return rights.Guest
	}
	return c.Actor.Level
}

// HasSession reports whether the request runs in a stored session (not authinfo).
func (c *Ctx) HasSession() bool { return c.via == viaParam || c.via == viaCookie }

// Login opens a new session for account and makes it the request's session.
func (c *Ctx) Login(account *models.Account) (token string, err error) {
	ctx, err := c.App.sessions.Load(c.base, "")
	if err != nil {
		return "", err
	}
	if err := c.App.sessions.Login(ctx, account.ID, c.IP); err != nil {
		return "", err
	}
	c.sess, c.Actor, c.via = ctx, account, viaParam
	return c.App.sessions.Token(ctx), nil
}

// requestID returns the caller's X-Request-Id when it is sane, or a new one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); len(id) > 0 && len(id) <= 64 && strings.Trim(id,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return id
	}
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// serve answers one API request: every request, whatever happens, gets a document.
func (a *App) serve(ec echo.Context) error {
	start := time.Now()
	r := ec.Request()
	reqID := requestID(r)
	ec.Response().Header().Set("X-Request-Id", reqID)
	log := a.log.With("request_id", reqID)

	params, perr := ReadParams(r)
	format, ferr := render.ParseFormat(params.Get("out"))
	if format == render.HTML && !strings.Contains(r.Header.Get("Accept"), "text/html") {
		format = render.XMLOut // no out: a page for browsers, xml for scripts
	}
	name := params.Get("func")
	if name == "" && format == render.HTML {
		name = "whoami" // a browser opening the panel: who is here, or the login form
	}
	c := &Ctx{base: r.Context(), sess: r.Context(), req: r, App: a, DB: a.db, Params: params, IP: ec.RealIP(), Log: log, reqID: reqID,
		Lang: a.docLang(ec, params, format)}

	var res render.Result
	var err error
	switch {
	case perr != nil:
		err = errs.Invalid("request", "", "The request's parameters cannot be read: %v", perr)
	case ferr != nil:
		err = errs.Invalid("out", params.Get("out"), "Unknown output format; use xml, devel, json, sjson, JSONdata or text")
	default:
		res, err = a.dispatchSafely(c, name)
	}
	if cerr := a.saveSession(ec, c); cerr != nil && err == nil {
		res, err = nil, cerr
	}

	appErr := a.appError(log, reqID, err)
	if format == render.HTML {
		a.panelPage(ec, c, name, res, appErr)
	} else {
		a.write(ec, format, render.Meta{Func: name, Lang: string(c.Lang), Params: params.Echo()}, res, appErr)
	}
	a.metrics.request(name, format, appErr, start)

	attrs := []any{"method", r.Method, "func", models.Clamp(name, maxErrorValue), "ip", c.IP, "duration", time.Since(start).Round(time.Microsecond)}
	if c.Actor != nil {
		attrs = append(attrs, "account", c.Actor.Login)
	}
	if appErr != nil {
		attrs = append(attrs, "error", string(appErr.Kind), "object", appErr.Object)
	}
	log.Info("request", attrs...)
	return nil
}

// docLang is the document language: the lang parameter's, or for a page of the
// web panel the language its browser chose before (kept in a cookie), else the
// browser's Accept-Language. A script's answers do not change with a header it
// may send without meaning to.
func (a *App) docLang(ec echo.Context, p Params, format render.Format) lang.Lang {
	if format != render.HTML {
		return lang.Choose(p.Get("lang"), "")
	}
	r := ec.Request()
	if l := lang.Lang(strings.ToLower(strings.TrimSpace(p.Get("lang")))); lang.Known(l) {
		http.SetCookie(ec.Response(), &http.Cookie{
			Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: a.cfg.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode,
		})
		return l
	}
	chosen := ""
	if c, err := r.Cookie(langCookie); err == nil {
		chosen = c.Value
	}
	return lang.Choose(chosen, r.Header.Get("Accept-Language"))
}

// langCookie keeps the language a browser chose with lang=, so that the panel's
// next pages, which do not carry the parameter, speak it too.
const langCookie = "billmgrlang"

// dispatchSafely runs dispatch, turning a panic into an internal error.
func (a *App) dispatchSafely(c *Ctx, name string) (res render.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("panic in %s: %v\n%s", name, p, debug.Stack())
		}
	}()
	return a.dispatch(c, name)
}

// dispatch resolves the func and the caller, checks access and runs the handler.
func (a *App) dispatch(c *Ctx, name string) (render.Result, error) {
	if err := c.Params.checkText(authParams...); err != nil {
		return nil, err
	}
	fn := a.funcs[name]
	if fn == nil {
		return nil, errs.New(errs.Missed, "func", name, "Unknown function %q", name)
	}
	c.Func = fn
	if err := a.authenticate(c); err != nil {
		return nil, err
	}
	if err := a.checkAddress(c); err != nil {
		return nil, err
	}
	if err := a.suParam(c); err != nil {
		return nil, err
	}
	if err := a.admit(c, fn, fn.Own && !c.Params.Sok() && c.ownElid()); err != nil {
		return nil, err
	}
	if err := a.checkParams(c); err != nil {
		return nil, err
	}
	return a.run(c, fn)
}

// admit refuses a func the caller may not call: below its level, above the level
// of a func for one level Only, or without its right (which own, the form of an
// Own func on the caller's own account, does not need). func=help asks it of every
// func, so that the reference lists what the dispatcher would run.
func (a *App) admit(c *Ctx, fn *Func, own bool) error {
	if !rights.Allows(c.Level(), fn.Level) {
		if c.Actor == nil {
			return errs.Denied("session", "Log in first: the session is unknown or has expired")
		}
		return errs.Denied(fn.Name, "Insufficient privileges to perform %q", fn.Name)
	}
	if fn.Only && c.Level() != fn.Level {
		return errs.Denied(fn.Name, "%q is for %s accounts only", fn.Name, fn.Level)
	}
	return a.authorize(c, fn, own)
}

// authenticate finds the caller: authinfo, then the auth parameter, then the cookie.
// A request without a session still gets an empty one, never stored, so that session
// getters answer it with zero values.
func (a *App) authenticate(c *Ctx) error {
	empty, err := a.sessions.Load(c.base, "")
	if err != nil {
		return err
	}
	c.sess = empty
	p := c.Params
	if p.Has("authinfo") {
		login, password, _ := strings.Cut(p.Get("authinfo"), ":")
		acc, err := a.checkedBefore(c, login, password)
		if err != nil {
			return err
		}
		if acc == nil {
			acc, err = a.guardLogin(c, login, func() (*models.Account, error) {
				return a.creds.once(login, password, func() (*models.Account, error) {
					return a.cfg.checkPassword(context.WithoutCancel(c), a.db, login, password)
				})
			})
			if err != nil {
				return err
			}
			a.creds.store(login, password, acc)
		}
		c.Actor, c.via = acc, viaAuthinfo
		return nil
	}
	token, how := p.Get("auth"), viaParam
	if token == "" {
		token, how = session.CookieToken(c.Request()), viaCookie
	}
	if token == "" {
		return nil
	}
	return a.resume(c, token, how)
}

// checkedBefore returns the account of an authinfo login and password that were
// checked right recently (credentials), read afresh, when nothing that would refuse
// or count a login has happened since: the account is the same, enabled, with the
// same password and allowed from the client's address, and the lockout holds neither
// a lock nor a failure of the login. Otherwise it returns nil, and the login goes the
// whole way through the lockout and the password hash.
//
// The versions are read first: when neither the data nor the locks have moved since
// the credential was last found clear from the same address, nothing of that can
// have happened, and the account as it was read then is the account now.
func (a *App) checkedBefore(c *Ctx, login, password string) (*models.Account, error) {
	cr, ok := a.creds.lookup(login, password)
	if !ok {
		return nil, nil
	}
	v, err := c.versions()
	if err != nil {
		return nil, err
	}
	if acc := cr.clearAt(v, c.IP); acc != nil {
		return acc, nil
	}
	acc, free, err := a.cfg.Lockout.FindClear(c, a.db, login, c.IP)
	if err != nil {
		return nil, err
	}
	if acc == nil || !cr.valid(acc) {
		a.creds.forget(login, password)
		return nil, nil
	}
	if !free || !acc.AllowsIP(c.IP) {
		return nil, nil
	}
	a.creds.markClear(login, password, v, c.IP, acc)
	return acc, nil
}

// resume makes the session of token, when it is valid, the request's: its account
// (which must be enabled) acts, and, in an su session, its opener (who must still
// be allowed to act as the account) stands behind the request. An unknown or
// expired token leaves the request a guest's.
func (a *App) resume(c *Ctx, token string, how via) error {
	ctx, err := a.sessions.Load(c.base, token)
	if err != nil {
		return fmt.Errorf("load session: %w", err)
	}
	if !a.sessions.Valid(ctx) {
		return nil // expired or unknown: a guest, refused below unless the func is open
	}
	acc := a.sessions.Account(ctx)
	if acc == nil {
		acc, err = models.FindAccount(ctx, a.db, a.sessions.Actor(ctx))
	}
	if err != nil || !acc.Enabled {
		if err != nil && !errors.Is(err, errs.Missed) {
			return err
		}
		return a.sessions.Destroy(ctx) // the account is gone or disabled: so is the session
	}
	if id := a.sessions.Impersonator(ctx); id != 0 {
		real := a.sessions.Opener(ctx)
		if real == nil {
			real, err = models.FindAccount(ctx, a.db, id)
		}
		if err != nil || !real.Enabled || a.sessions.ImpersonationOver(ctx) {
			if err != nil && !errors.Is(err, errs.Missed) {
				return err
			}
			return a.sessions.Destroy(ctx) // an su session ends with its time or its opener
		}
		if ok, err := a.suStillAllowed(c, real, acc); err != nil || !ok {
			if err != nil {
				return err
			}
			return a.sessions.Destroy(ctx) // the opener may no longer act as the account
		}
		c.Real = real
	}
	a.sessions.SetIP(ctx, c.IP)
	c.sess, c.Actor, c.via = ctx, acc, how
	return nil
}

// Request returns the HTTP request.
func (c *Ctx) Request() *http.Request { return c.req }

// checkCSRF refuses a change made with the browser's cookie unless it is a POST that
// carries the session's CSRF token. Requests that name their credentials (authinfo,
// auth) cannot be forged by another site and need none.
func (a *App) checkCSRF(c *Ctx) error {
	if c.via != viaCookie {
		return nil
	}
	r := c.Request()
	token := c.Params.Get("csrf_token")
	if token == "" {
		token = r.Header.Get("X-CSRF-Token")
	}
	want := a.sessions.CSRF(c)
	if r.Method != http.MethodPost || want == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return errs.Denied("csrf", "A change from the web panel must be a POST carrying the page's CSRF token")
	}
	return nil
}

// saveSession commits the request's session and tells the browser about it: a new
// session's cookie, or the clearing of one that is over.
func (a *App) saveSession(ec echo.Context, c *Ctx) error {
	secure := a.cfg.SecureCookies || ec.Request().TLS != nil
	if !c.HasSession() {
		// A cookie that was looked up and led to no session is stale. A request
		// refused before the lookup (an unknown func) says nothing of it.
		if c.via == viaNone && c.Func != nil && session.CookieToken(ec.Request()) != "" {
			session.ClearCookie(ec.Response(), secure) // a stale cookie
		}
		return nil
	}
	commit := a.sessions.Commit
	if c.reads || c.settled {
		commit = a.sessions.Touch
	}
	token, _, err := commit(c)
	if err != nil {
		return err
	}
	switch {
	case a.sessions.Ended(c):
		if c.via == viaCookie {
			session.ClearCookie(ec.Response(), secure)
		}
	case a.sessions.Opened(c) && token != "":
		session.WriteCookie(ec.Response(), token, secure)
	}
	return nil
}

// appError turns any error into the application error a client sees. Internal errors
// are logged with the request id, and the client sees only that id.
func (a *App) appError(log *slog.Logger, reqID string, err error) *errs.E {
	if err == nil {
		return nil
	}
	if e, ok := errs.As(err); ok {
		return safeError(e)
	}
	log.Error("internal error", "error", err.Error())
	return errs.New(errs.Internal, "internal", reqID, "Internal error; the server log has the details under request id %s", reqID)
}

// write renders a result or an error in the requested format, always with HTTP 200.
func (a *App) write(ec echo.Context, format render.Format, meta render.Meta, res render.Result, appErr *errs.E) {
	var data []*render.Node
	if appErr != nil {
		meta = errorMeta(meta)
		data = []*render.Node{render.ErrorNode(appErr, meta.Lang)}
	} else if res != nil {
		data = res.Nodes()
	}
	doc := render.Document(meta, data)
	h := ec.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	ct, body := render.Encode(format, doc)
	ec.Blob(http.StatusOK, ct, body)
}
