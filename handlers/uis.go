package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
)

// The UIS Data API v2: JSON-RPC 2.0 calls POSTed to one address, each a method of
// uisMethodTable that needs the level and the right of a form-API func, so that the
// two APIs admit the same people to the same acts. Every answer that is JSON-RPC is
// HTTP 200. A call that writes runs in one transaction with its journal row, as a
// confirmed form does: a call that fails changes nothing.

// uisPaths are where the Data API answers.
var uisPaths = []string{"/v2.0", "/data-api/v2.0"}

// maxBatch bounds the calls of one batch.
const maxBatch = 100

// rpcResponse is the answer to one call.
type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

// uisApply is what a method does once its params are read and checked: it returns
// the call's result.
type uisApply func(c *Ctx) (any, error)

// uisMethod is one method of the Data API.
type uisMethod struct {
	Name string
	// Func is the form-API func that does the same thing: a call needs its level and
	// its right.
	Func string
	// Params are the members of params the method reads, besides uisCommonParams.
	Params []string
	// Also are params that, when sent, need the rights of other funcs as well.
	Also map[string][]string
	// Open says the method takes no access_token: login.user.
	Open bool
	// Writes says the method changes data: it runs in one transaction with its
	// journal row.
	Writes bool
	// Run reads and checks the params, changing nothing, and returns what applies
	// them.
	Run func(c *Ctx, p *rpcParams) (uisApply, error)
}

// uisCommonParams are the params every method but login.user takes: the token, the
// account to act for (user_id, under the guards of su) and the reason for that.
var uisCommonParams = []string{"access_token", "user_id", "reason"}

// uisMethods are the methods by name.
var uisMethods = func() map[string]*uisMethod {
	out := map[string]*uisMethod{}
	for _, m := range uisMethodTable() {
		out[m.Name] = m
	}
	return out
}()

// created is the result of a create: the new element's id.
type created struct {
	ID int64 `json:"id"`
}

// serveUIS answers a Data API request: one call, or a batch of calls in an array,
// each answered on its own.
func (a *App) serveUIS(ec echo.Context) error {
	start := time.Now()
	r := ec.Request()
	reqID := requestID(r)
	ec.Response().Header().Set("X-Request-Id", reqID)
	log := a.log.With("request_id", reqID)

	var out any
	if r.Method != http.MethodPost {
		out = rpcFailure(nil, &rpcError{Code: rpcInvalidRequest, Mnemonic: "invalid_request",
			Message: "A Data API call is a POST whose body is a JSON-RPC 2.0 request"})
	} else {
		out = a.uisBody(ec, reqID)
	}
	body, err := json.Marshal(out)
	if err != nil {
		log.Error("encode a Data API answer", "error", err.Error())
		body, _ = json.Marshal(rpcFailure(nil, internalRPCError(reqID)))
	}
	h := ec.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	log.Info("request", "api", "uis", "method", r.Method, "ip", ec.RealIP(), "duration", time.Since(start).Round(time.Microsecond))
	return ec.Blob(http.StatusOK, "application/json; charset=UTF-8", body)
}

// uisBody reads the body and answers its call or batch.
func (a *App) uisBody(ec echo.Context, reqID string) any {
	r := ec.Request()
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return rpcFailure(nil, &rpcError{Code: rpcInvalidRequest, Mnemonic: "invalid_request",
			Message: fmt.Sprintf("The body cannot be read, or is over %d bytes", maxBody)})
	}
	if !utf8.Valid(raw) || loneSurrogate(raw) || !json.Valid(raw) {
		return rpcFailure(nil, &rpcError{Code: rpcParseError, Mnemonic: "parse_error",
			Message: "The body is not one JSON text in UTF-8"})
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] != '[' {
		return a.uisCall(ec, reqID, raw)
	}
	var calls []json.RawMessage
	json.Unmarshal(raw, &calls)
	if len(calls) == 0 || len(calls) > maxBatch {
		return rpcFailure(nil, &rpcError{Code: rpcInvalidRequest, Mnemonic: "invalid_request",
			Message: fmt.Sprintf("A batch holds 1 to %d calls", maxBatch)})
	}
	out := make([]*rpcResponse, len(calls))
	for i, call := range calls {
		out[i] = a.uisCall(ec, reqID, call)
	}
	return out
}

func rpcFailure(id json.RawMessage, e *rpcError) *rpcResponse {
	return &rpcResponse{JSONRPC: "2.0", ID: id, Error: e}
}

func internalRPCError(reqID string) *rpcError {
	return &rpcError{Code: rpcInternal, Mnemonic: "internal_error", Value: reqID,
		Message: "Internal error; the server log has the details under request id " + reqID}
}

// uisCall answers one call: its envelope, then its method.
func (a *App) uisCall(ec echo.Context, reqID string, raw json.RawMessage) *rpcResponse {
	invalid := func(id json.RawMessage, format string, args ...any) *rpcResponse {
		return rpcFailure(id, &rpcError{Code: rpcInvalidRequest, Mnemonic: "invalid_request", Message: fmt.Sprintf(format, args...)})
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(raw, &env) != nil {
		return invalid(nil, "A call is a JSON object")
	}
	id, hasID := env["id"]
	if hasID {
		switch v := decodeJSON(id).(type) {
		case string, json.Number, nil:
			if s, ok := v.(string); ok && len(s) > maxParamName {
				return invalid(nil, "An id is at most %d characters", maxParamName)
			}
		default:
			return invalid(nil, "id is a string, a number or null")
		}
	}
	if !hasID {
		return invalid(nil, "A call needs an id: the Data API answers every call")
	}
	var version, method string
	if json.Unmarshal(env["jsonrpc"], &version) != nil || version != "2.0" {
		return invalid(id, `jsonrpc must be "2.0"`)
	}
	if json.Unmarshal(env["method"], &method) != nil || method == "" {
		return invalid(id, "method must be the name of a method")
	}
	c := &Ctx{base: ec.Request().Context(), sess: ec.Request().Context(), req: ec.Request(), App: a, DB: a.db,
		Params: NewParams(nil), IP: ec.RealIP(), Log: a.log.With("request_id", reqID), reqID: reqID}
	result, err := a.uisDispatch(c, method, env["params"])
	if c.HasSession() {
		if _, _, cerr := a.sessions.Commit(c); cerr != nil && err == nil {
			result, err = nil, cerr
		}
	}
	if err != nil {
		e := a.rpcErrorOf(c, err)
		attrs := []any{"method", models.Clamp(cleanText(method), maxErrorValue), "code", e.Code, "mnemonic", e.Mnemonic}
		if c.Actor != nil {
			attrs = append(attrs, "account", c.Actor.Login)
		}
		c.Log.Info("call", attrs...)
		return rpcFailure(id, e)
	}
	return &rpcResponse{JSONRPC: "2.0", ID: id, Result: result}
}

// uisDispatch runs one call: the method, its params, the caller and their rights,
// in the order the form API's dispatcher checks them, then the method.
func (a *App) uisDispatch(c *Ctx, name string, rawParams json.RawMessage) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			result, err = nil, fmt.Errorf("panic in %s: %v", name, p)
		}
	}()
	m := uisMethods[name]
	if m == nil {
		return nil, &rpcError{Code: rpcMethodNotFound, Mnemonic: "method_not_found",
			Value: models.Clamp(cleanText(name), maxErrorValue), Message: fmt.Sprintf("Unknown method %q", name)}
	}
	fn := a.funcs[m.Func]
	c.Func = &Func{Name: m.Name, Caption: fn.Caption, Level: fn.Level, Right: fn.right(), Only: fn.Only, Shape: &Op{Writes: m.Writes}}
	p, err := newRPCParams("", rawParams)
	if err != nil {
		return nil, err
	}
	allowed := m.Params
	if !m.Open {
		allowed = append(append([]string(nil), uisCommonParams...), m.Params...)
	}
	if err := p.only(allowed...); err != nil {
		return nil, err
	}
	c.Params = flatParams(p)
	empty, err := a.sessions.Load(c.base, "")
	if err != nil {
		return nil, err
	}
	c.sess = empty
	if !m.Open {
		token, err := a.uisAuthenticate(c, p)
		if err != nil {
			return nil, err
		}
		if !a.cfg.UISLimits.Off() {
			if c.usage, err = a.cfg.UISLimits.Charge(c.base, a.db, models.Digest(token), a.cfg.UISLimits.Clock()); err != nil {
				return nil, err
			}
		}
		if err := a.checkAddress(c); err != nil {
			return nil, err
		}
		if err := a.uisActFor(c, p); err != nil {
			return nil, err
		}
		if err := a.admit(c, c.Func, false); err != nil {
			return nil, refusal("", err)
		}
		for param, funcs := range m.Also {
			for _, also := range funcs {
				if p.has(param) {
					if err := a.authorize(c, a.funcs[also], false); err != nil {
						return nil, refusal(param, err)
					}
				}
			}
		}
	}
	apply, err := m.Run(c, p)
	if err != nil {
		if m.Writes {
			a.journalFailure(c, err)
		}
		return nil, err
	}
	if !m.Writes {
		return apply(c)
	}
	_, err = a.inTx(c, func(tc *Ctx) (render.Result, error) {
		res, err := apply(tc)
		result = res
		ok := &render.OK{}
		if n, isNew := res.(created); isNew {
			ok.ID = strconv.FormatInt(n.ID, 10)
		}
		return ok, err
	})
	if err != nil {
		return nil, err
	}
	return result, nil
}

// uisAuthenticate finds the caller by access_token: a permanent token (an API key of
// type uis_token) or a token of login.user, which is a session. Either must be
// current, or the call is -32001, on which clients log in again.
func (a *App) uisAuthenticate(c *Ctx, p *rpcParams) (string, error) {
	token, _, err := p.str("access_token", 256, true)
	if err != nil {
		if e, ok := err.(*rpcError); ok {
			e.Value = nil
		}
		return "", err
	}
	k, err := models.FindAPIKeyBySecret(c, a.db, models.UISToken, token)
	switch {
	case err == nil:
		return token, a.keyCaller(c, k)
	case !errors.Is(err, errs.Missed):
		return "", err
	}
	if err := a.resume(c, token, viaParam); err != nil {
		return "", err
	}
	if c.Actor == nil {
		return "", badToken()
	}
	return token, nil
}

func badToken() *rpcError {
	return &rpcError{Code: rpcBadToken, Mnemonic: "access_token_invalid", Field: "access_token",
		Message: "The access_token is unknown, expired or revoked: log in again with login.user"}
}

// keyCaller makes the account of an API key the caller, when the key may act: its
// account is enabled, and whoever created it is enabled and still dominates it.
func (a *App) keyCaller(c *Ctx, k *models.APIKey) error {
	acc, err := models.FindAccount(c, a.db, k.AccountID)
	if err != nil {
		return err
	}
	if !acc.Enabled {
		return badToken()
	}
	if k.CreatedBy != nil && *k.CreatedBy != acc.ID {
		creator, err := models.FindAccount(c, a.db, *k.CreatedBy)
		if err != nil {
			return err
		}
		lacks, err := c.lacks(creator, acc)
		if err != nil {
			return err
		}
		if !creator.Enabled || lacks != "" {
			return badToken()
		}
	}
	if err := models.TouchAPIKey(c, a.db, k.ID); err != nil {
		return err
	}
	c.Actor, c.via = acc, viaAPIKey
	return nil
}

// uisActFor runs the call as the account user_id names, under the guards of su: the
// caller holds employee.su and dominates the account, which is enabled. user_id
// naming the caller changes nothing.
func (a *App) uisActFor(c *Ctx, p *rpcParams) error {
	id, given, err := p.id("user_id", false)
	if err != nil || !given || id == c.Actor.ID {
		return err
	}
	target, err := models.FindAccount(c, a.db, id)
	if errors.Is(err, errs.Missed) {
		return errs.Missing("user_id", strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	return a.actAs(c, target, "user_id")
}

// refusal is the answer to a call the caller holds no right to: the method's, or,
// for a param that needs another func's right, that param's.
func refusal(param string, err error) error {
	e, ok := errs.As(err)
	if !ok {
		return err
	}
	return &rpcError{Code: rpcForbidden, Mnemonic: "forbidden", Field: param, Message: e.Message()}
}

// rpcErrorOf turns an error into the JSON-RPC error the client sees; internal ones
// are logged with the request id, which is all the client learns.
func (a *App) rpcErrorOf(c *Ctx, err error) *rpcError {
	var re *rpcError
	if errors.As(err, &re) {
		return re
	}
	e, ok := errs.As(err)
	if !ok {
		c.Log.Error("internal error", "error", err.Error())
		return internalRPCError(c.reqID)
	}
	e = safeError(e)
	out := &rpcError{Message: e.Message(), Field: rpcField(e.Object)}
	if e.Value != "" && !secret(e.Object) {
		out.Value = e.Value
	}
	switch e.Kind {
	case errs.Value:
		out.Code, out.Mnemonic = rpcInvalidParams, mnemonicBadValue
	case errs.Exists:
		out.Code, out.Mnemonic = rpcInvalidParams, mnemonicDuplicate
	case errs.Missed:
		out.Code, out.Mnemonic = rpcNotFound, "entity_not_found"
	case errs.Access:
		out.Code, out.Mnemonic = rpcForbidden, "forbidden"
		if e.Object == "ip" {
			out.Mnemonic = "ip_not_allowed"
		}
	case errs.Auth:
		out.Code, out.Mnemonic, out.Field = rpcAuthFailed, "invalid_login_or_password", ""
	case errs.Limit:
		out.Code, out.Mnemonic = rpcLimit, "limit_exceeded"
	default:
		out.Code, out.Mnemonic, out.Field, out.Value = rpcInternal, "internal_error", "", c.reqID
	}
	for _, p := range e.Params {
		if out.Extra == nil {
			out.Extra = map[string]any{}
		}
		if n, err := strconv.Atoi(p.Value); err == nil {
			out.Extra[p.Name] = n
		} else {
			out.Extra[p.Name] = p.Value
		}
	}
	return out
}

// rpcField is the param an error's object names, or "" when the object is no param
// (the caller's address, a session).
func rpcField(object string) string {
	switch object {
	case "su":
		return "user_id"
	case "ip", "session", "internal", "badpassword", "busy":
		return ""
	}
	return object
}

// apiLimits is what metadata.api_limits reports of the caller's token: per period
// (minute, day) its limit, the calls it has left and the seconds until its window
// ends; null for a period without a limit.
func (a *App) apiLimits(c *Ctx) map[string]any {
	out := map[string]any{}
	for _, period := range []string{"minute", "day"} {
		out[period+"_limit"], out[period+"_remaining"], out[period+"_reset"] = nil, nil, nil
	}
	now := a.cfg.UISLimits.Clock()
	for _, u := range c.usage {
		out[u.Period+"_limit"] = u.Limit
		out[u.Period+"_remaining"] = u.Remaining()
		out[u.Period+"_reset"] = int(u.Ends.Sub(now).Seconds() + 0.999)
	}
	return out
}
