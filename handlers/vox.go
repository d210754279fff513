package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
)

// The Voximplant HTTP API: /platform_api/METHOD, GET or POST, its parameters in the
// query, an urlencoded body or a multipart form. Each method of voxMethodTable
// needs the level and rights of form-API funcs, as the UIS Data API's do, and the
// role of the caller's key. Every answer is HTTP 200 and JSON: {"result": …} with
// the method's fields, or {"error": {"msg": …, "code": N}}. A method that writes
// runs in one transaction with its journal row: a call that fails changes nothing.
// docs/voximplant.md has the mapping onto the staff and the error codes.

// voxRoot is where the Voximplant HTTP API answers: /platform_api/METHOD, or
// /platform_api itself with the method in the cmd parameter.
const voxRoot = "/platform_api"

// The error codes of the Voximplant HTTP API. Those up to 104 are the reference's;
// the others are staffmgr's own, for kinds of failure the reference has no code for.
const (
	voxInternal     = 2   // an internal error: the server log has the details
	voxAuthFailed   = 100 // no credentials, or bad, expired or revoked ones
	voxBadArgument  = 101 // a parameter is missing or has a bad value; msg names it
	voxMissingCmd   = 102 // no method: neither the path nor cmd names one
	voxUnknown      = 103 // no such method
	voxForbidden    = 104 // the key's role or its account's rights do not allow it
	voxNotFound     = 150 // a user, application, queue or skill does not exist
	voxExists       = 151 // a user name is taken
	voxInsufficient = 152 // a balance cannot pay a transfer
	voxBusy         = 153 // a bound was reached (the password hashing is busy): retry later
)

// voxError is an error as the Voximplant HTTP API answers it.
type voxError struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

func (e *voxError) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Msg) }

func voxAuthError(format string, args ...any) *voxError {
	return &voxError{Code: voxAuthFailed, Msg: fmt.Sprintf(format, args...)}
}

// voxApply is what a method does once its parameters are read and checked: it
// returns the answer's fields beside result.
type voxApply func(c *Ctx) (map[string]any, error)

// voxMethod is one method of the Voximplant HTTP API.
type voxMethod struct {
	Name string
	// Funcs are the form-API funcs that do the same things: a call needs the level
	// of the first and the rights of each.
	Funcs []string
	// Also are parameters that, when sent, need the rights of other funcs as well.
	Also map[string][]string
	// Roles are the key roles that may call the method.
	Roles []string
	// Writes says the method changes data: it runs in one transaction with its
	// journal row.
	Writes bool
	// Run reads and checks the parameters, changing nothing, and returns what
	// applies them.
	Run func(c *Ctx, p voxParams) (voxApply, error)
}

// voxMethods are the methods by name.
var voxMethods = func() map[string]*voxMethod {
	out := map[string]*voxMethod{}
	for _, m := range voxMethodTable() {
		out[m.Name] = m
	}
	return out
}()

// serveVox answers a Voximplant HTTP API request.
func (a *App) serveVox(ec echo.Context) error {
	start := time.Now()
	r := ec.Request()
	reqID := requestID(r)
	ec.Response().Header().Set("X-Request-Id", reqID)
	log := a.log.With("request_id", reqID)
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, voxRoot), "/")
	c := &Ctx{base: r.Context(), sess: r.Context(), req: r, App: a, DB: a.db, Params: NewParams(nil),
		IP: ec.RealIP(), Log: log, reqID: reqID}

	fields, err := a.voxDispatch(c, name)
	var out any
	if err != nil {
		e := a.voxErrorOf(c, err)
		out = map[string]any{"error": e}
		method := name
		if c.Func != nil {
			method = c.Func.Name
		}
		attrs := []any{"api", "voximplant", "method", models.Clamp(cleanText(method), maxErrorValue), "code", e.Code}
		if c.Actor != nil {
			attrs = append(attrs, "account", c.Actor.Login)
		}
		log.Info("call", attrs...)
	} else {
		out = fields
	}
	body, merr := json.Marshal(out)
	if merr != nil {
		log.Error("encode a Voximplant answer", "error", merr.Error())
		body, _ = json.Marshal(map[string]any{"error": &voxError{Code: voxInternal, Msg: "Internal error; request id " + reqID}})
	}
	h := ec.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	log.Info("request", "api", "voximplant", "method", r.Method, "ip", c.IP, "duration", time.Since(start).Round(time.Microsecond))
	return ec.Blob(http.StatusOK, "application/json; charset=UTF-8", body)
}

// voxDispatch runs one call: the method, the parameters, the caller, their role
// and rights, then the method, in one transaction when it writes.
func (a *App) voxDispatch(c *Ctx, name string) (fields map[string]any, err error) {
	defer func() {
		if p := recover(); p != nil {
			fields, err = nil, fmt.Errorf("panic in %s: %v", name, p)
		}
	}()
	r := c.Request()
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, &voxError{Code: voxBadArgument, Msg: "A call is a GET or a POST"}
	}
	if err := literalSemicolons(r); err != nil {
		return nil, &voxError{Code: voxBadArgument, Msg: fmt.Sprintf("The request's parameters cannot be read: %v", err)}
	}
	params, err := ReadParams(r)
	if err != nil {
		return nil, &voxError{Code: voxBadArgument, Msg: fmt.Sprintf("The request's parameters cannot be read: %v", err)}
	}
	// A parameter in the query string and again, otherwise, in the body is sent
	// twice: the body would win, and the call would quietly do what one of them
	// did not ask.
	if query, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		for name, vals := range query {
			if !slices.Equal(vals, params.Values(name)) {
				return nil, voxBad(models.Clamp(cleanText(name), maxErrorValue), "sent more than once: in the query string and, otherwise, in the body")
			}
		}
	}
	c.Params = params
	// The method is named by the path or, as the client libraries send it, by cmd.
	switch cmd := params.Get("cmd"); {
	case name == "" && cmd == "":
		return nil, &voxError{Code: voxMissingCmd, Msg: "Missing 'cmd' parameter: name the method in cmd or in the path (/platform_api/GetUsers)"}
	case name == "":
		name = cmd
	case cmd != "" && cmd != name:
		return nil, voxBad("cmd", "the path names %s", models.Clamp(cleanText(name), maxErrorValue))
	}
	m := voxMethods[name]
	if m == nil {
		return nil, &voxError{Code: voxUnknown, Msg: fmt.Sprintf("Unknown method %q", models.Clamp(cleanText(name), maxErrorValue))}
	}
	fn := a.funcs[m.Funcs[0]]
	c.Func = &Func{Name: m.Name, Caption: fn.Caption, Level: fn.Level, Right: fn.right(), Shape: &Op{Writes: m.Writes}}
	empty, err := a.sessions.Load(c.base, "")
	if err != nil {
		return nil, err
	}
	c.sess = empty
	key, err := a.voxAuthenticate(c)
	if err != nil {
		return nil, err
	}
	if err := a.checkAddress(c); err != nil {
		return nil, err
	}
	if !contains(m.Roles, key.Role) {
		return nil, &voxError{Code: voxForbidden, Msg: fmt.Sprintf("A key of role %s may not call %s", key.Role, m.Name)}
	}
	if err := a.admit(c, c.Func, false); err != nil {
		return nil, err
	}
	for _, f := range m.Funcs[1:] {
		if err := a.authorize(c, a.funcs[f], false); err != nil {
			return nil, err
		}
	}
	for param, funcs := range m.Also {
		if !params.Has(param) {
			continue
		}
		for _, f := range funcs {
			if err := a.authorize(c, a.funcs[f], false); err != nil {
				return nil, err
			}
		}
	}
	apply, err := m.Run(c, voxParams{params})
	if err != nil {
		if m.Writes {
			a.journalFailure(c, err)
		}
		return nil, err
	}
	if !m.Writes {
		fields, err = apply(c)
	} else {
		_, err = a.inTx(c, func(tc *Ctx) (render.Result, error) {
			var err error
			fields, err = apply(tc)
			ok := &render.OK{}
			if id, isNew := fields["user_id"].(int64); isNew {
				ok.ID = strconv.FormatInt(id, 10)
			}
			return ok, err
		})
	}
	if err != nil {
		return nil, err
	}
	if _, set := fields["result"]; !set {
		fields["result"] = 1
	}
	return fields, nil
}

// literalSemicolons makes a ";" in the query string or an urlencoded body a
// character of its value, as the lists of the Voximplant API are written
// (user_id=1;2), rather than the separator of parameters that Go's parser refuses.
func literalSemicolons(r *http.Request) error {
	r.URL.RawQuery = strings.ReplaceAll(r.URL.RawQuery, ";", "%3B")
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method != http.MethodPost || ct == "multipart/form-data" || ct == "application/json" {
		return nil
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(strings.NewReader(strings.ReplaceAll(string(raw), ";", "%3B")))
	return nil
}

// voxErrorOf turns an error into the one the client sees; internal ones are logged
// with the request id, which is all the client learns.
func (a *App) voxErrorOf(c *Ctx, err error) *voxError {
	var ve *voxError
	if errors.As(err, &ve) {
		return ve
	}
	var re *rpcError
	if errors.As(err, &re) {
		return voxAuthError("The key is revoked, or may no longer act: its account or its creator is disabled, or the creator no longer dominates the account")
	}
	e, ok := errs.As(err)
	if !ok {
		c.Log.Error("internal error", "error", err.Error())
		return &voxError{Code: voxInternal, Msg: "Internal error; the server log has the details under request id " + c.reqID}
	}
	e = safeError(e)
	msg := e.Message()
	if e.Object != "" && !strings.Contains(msg, e.Object) && e.Kind != errs.Missed {
		msg = e.Object + ": " + msg
	}
	switch e.Kind {
	case errs.Value:
		return &voxError{Code: voxBadArgument, Msg: msg}
	case errs.Missed:
		return &voxError{Code: voxNotFound, Msg: msg}
	case errs.Exists:
		return &voxError{Code: voxExists, Msg: msg}
	case errs.Access:
		return &voxError{Code: voxForbidden, Msg: msg}
	case errs.Auth:
		return &voxError{Code: voxAuthFailed, Msg: msg}
	case errs.Limit:
		if e.Object == "balance" {
			return &voxError{Code: voxInsufficient, Msg: e.Message()}
		}
		return &voxError{Code: voxBusy, Msg: msg}
	}
	c.Log.Error("internal error", "error", err.Error())
	return &voxError{Code: voxInternal, Msg: "Internal error; the server log has the details under request id " + c.reqID}
}
