package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
	"staffmgr/models"
)

// maxBody bounds a request body. The largest a func reads (a ticket message of 20,000
// characters, a thousand ids) are far below it; every body in flight is held in
// memory, so the bound is what an unauthenticated flood of bodies costs per request.
const maxBody = 1 << 20

// maxParamName is the longest parameter name echoed in answers or kept in the journal:
// no parameter of the protocol comes near it, and a longer one names nothing.
const maxParamName = 100

// Params are a request's parameters: the query merged with the body, the body
// winning where both name a parameter.
type Params struct {
	v url.Values
}

// NewParams wraps values as Params.
func NewParams(v url.Values) Params {
	if v == nil {
		v = url.Values{}
	}
	return Params{v: v}
}

// Get returns the first value of a parameter, or "".
func (p Params) Get(name string) string { return p.v.Get(name) }

// Has reports whether a parameter was sent (possibly empty).
func (p Params) Has(name string) bool {
	_, ok := p.v[name]
	return ok
}

// Values returns every value of a parameter.
func (p Params) Values(name string) []string { return p.v[name] }

// On reports whether a checkbox parameter is ticked (models.ParseOnOff); a value it
// cannot read is off.
func (p Params) On(name string) bool {
	on, _ := models.ParseOnOff(p.v.Get(name))
	return on
}

// imply gives the request a parameter it left out, as its session implies it, so
// that the handlers, the answer's tparams and the journal read it as if sent.
func (p Params) imply(name, value string) { p.v.Set(name, value) }

// Sok reports whether the request confirms a change.
func (p Params) Sok() bool { return p.Get("sok") == "ok" }

// checkSok refuses a sok that neither confirms (ok) nor asks for the form (empty or
// absent): sok=yes or sok=OK would otherwise show the form as if nothing were
// meant, and a script would take the form for a done change.
func (p Params) checkSok() error {
	if v := p.Get("sok"); v != "" && v != "ok" {
		return errs.Invalid("sok", models.Clamp(v, maxErrorValue),
			"sok=ok confirms a change; send sok empty, or leave it out, to get the form instead")
	}
	return nil
}

// Elids splits elid into its elements: "1, 2, 3" and "1,2,3" both name three. Blanks
// and repeats are dropped. The dispatcher has refused lists of more than
// models.MaxIDs elements before a handler reads them.
//
// Sent several times (elid=1&elid=2, or a JSON array), elid names the elements of
// every value; a func that acts on one element refuses that (Params.check).
func (p Params) Elids() []string { return splitList(strings.Join(p.Values("elid"), ",")) }

func splitList(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		// A number is one element however it is spelled: 13, 013 and +13 are one.
		if n, err := strconv.ParseInt(part, 10, 64); err == nil {
			part = strconv.FormatInt(n, 10)
		}
		if part != "" && !seen[part] {
			seen[part] = true
			out = append(out, part)
		}
	}
	return out
}

// secret reports whether a parameter may carry a credential, in any spelling of its
// name: a password and its confirm, auth and authinfo, a key, a token, a secret. Its
// value is never echoed in tparams, kept in the journal nor shown in an error.
func secret(name string) bool {
	name = strings.ToLower(name)
	if name == "confirm" {
		return true
	}
	for _, part := range []string{"passw", "auth", "key", "token", "secret"} {
		if strings.Contains(name, part) {
			return true
		}
	}
	return false
}

// Echo returns the parameters to echo in tparams: all but secret ones, by name.
func (p Params) Echo() []render.Param {
	names := make([]string, 0, len(p.v))
	for name := range p.v {
		if !secret(name) && validElementName(name) && len(name) <= maxParamName {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []render.Param
	for _, name := range names {
		for _, v := range p.v[name] {
			out = append(out, render.Param{Name: name, Value: v})
		}
	}
	return out
}

// validElementName reports whether a parameter name can be an XML element name;
// parameters that cannot are not echoed.
func validElementName(s string) bool {
	if s == "" || strings.HasPrefix(strings.ToLower(s), "xml") {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

// errBody is a request whose parameters cannot be read.
var errBody = errors.New("unreadable parameters")

// ReadParams merges the query string with the body of a POST: a urlencoded form, a
// multipart form, or a JSON object of names to values.
func ReadParams(r *http.Request) (Params, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return NewParams(v), fmt.Errorf("%w: query string: %v", errBody, err)
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		return NewParams(v), nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body := url.Values{}
	switch ct {
	case "application/json":
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return NewParams(v), fmt.Errorf("%w: %v", errBody, err)
		}
		// The decoder would quietly turn bytes that are no UTF-8, and escapes of half a
		// surrogate pair, into U+FFFD: they are refused as a form body's would be.
		if !utf8.Valid(raw) || loneSurrogate(raw) {
			return NewParams(v), fmt.Errorf("%w: JSON body: not UTF-8 text", errBody)
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil && err != io.EOF {
			return NewParams(v), fmt.Errorf("%w: JSON body: %v", errBody, err)
		}
		// One object is the whole body: anything after it means the body is not
		// what the client thinks it sent.
		if _, err := dec.Token(); err != io.EOF {
			return NewParams(v), fmt.Errorf("%w: JSON body: more after the object", errBody)
		}
		for name, val := range obj {
			vals, err := jsonValues(val)
			if err != nil {
				return NewParams(v), fmt.Errorf("%w: JSON parameter %q: %v", errBody, name, err)
			}
			body[name] = vals
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return NewParams(v), fmt.Errorf("%w: %v", errBody, err)
		}
		body = r.MultipartForm.Value
	default:
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return NewParams(v), fmt.Errorf("%w: %v", errBody, err)
		}
		if body, err = url.ParseQuery(string(raw)); err != nil {
			return NewParams(v), fmt.Errorf("%w: %v", errBody, err)
		}
	}
	for name, vals := range body {
		v[name] = vals
	}
	return NewParams(v), nil
}

// jsonValues turns one JSON value into parameter values: strings as they are,
// numbers and booleans as text, arrays as several values.
func jsonValues(val any) ([]string, error) {
	switch x := val.(type) {
	case string:
		return []string{x}, nil
	case json.Number:
		return []string{x.String()}, nil
	case bool:
		return []string{render.OnOff(x)}, nil
	case nil:
		return []string{""}, nil
	case []any:
		var out []string
		for _, item := range x {
			switch item.(type) {
			case []any, map[string]any:
				return nil, fmt.Errorf("arrays may hold only plain values")
			}
			vals, err := jsonValues(item)
			if err != nil {
				return nil, err
			}
			out = append(out, vals[0])
		}
		return out, nil
	}
	return nil, fmt.Errorf("objects are not parameter values")
}

// loneSurrogate reports whether a JSON text escapes half of a UTF-16 surrogate pair
// (\ud800 without its low half, or a low half alone), which stands for no character.
func loneSurrogate(raw []byte) bool {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 32)
		return rune(n), err == nil
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // an escaped character such as \\ or \"
			continue
		}
		switch {
		case r >= 0xD800 && r < 0xDC00:
			low, ok := hex4(i + 6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

// authParams are the parameters read before the caller is known: the func, the
// credentials that authentication reads and su. They are checked before
// authentication, so that no lookup or lockout counter ever sees bytes the database
// cannot hold. func=auth reads username, password and key in its handler, which
// runs after the check of every parameter.
var authParams = []string{"func", "auth", "authinfo", "su"}

// checkText refuses a value of the named parameters that is no text: invalid UTF-8,
// or a NUL, which PostgreSQL cannot store and SQLite would store as it came.
func (p Params) checkText(names ...string) error {
	for _, name := range names {
		for _, v := range p.v[name] {
			if err := textError(name, v, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// check refuses a request whose parameter names or values are not text, or whose
// elid names more than models.MaxIDs elements. Names are checked in sorted order so
// that the same request always gets the same error.
func (p Params) check() error {
	names := make([]string, 0, len(p.v))
	for name := range p.v {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := textError(name, name, true); err != nil {
			return err
		}
		if err := p.checkText(name); err != nil {
			return err
		}
	}
	if elids := p.Elids(); len(elids) > models.MaxIDs {
		return errs.Invalid("elid", models.Clamp(p.Get("elid"), maxErrorValue),
			"elid names %d elements; at most %d are allowed at once", len(elids), models.MaxIDs)
	}
	return nil
}

// checkRepeats refuses plid sent more than once, and elid sent more than once to a
// func that is no group operation: the value would be read once and the rest
// silently ignored.
func (p Params) checkRepeats(group bool) error {
	for _, name := range []string{"plid", "elid"} {
		if vals := p.Values(name); len(vals) > 1 && (name == "plid" || !group) {
			return errs.Invalid(name, models.Clamp(cleanText(strings.Join(vals, ",")), maxErrorValue),
				"%s is sent %d times; send it once", name, len(vals))
		}
	}
	return nil
}

// textError is the value error for a parameter value (or, with isName, a
// parameter name) that is not UTF-8 text or holds a NUL. The error shows a cleaned
// prefix of the value, never the bytes themselves, nor anything of a credential.
func textError(name, v string, isName bool) error {
	var what errs.Caption
	switch {
	case !utf8.ValidString(v):
		what = errs.Caption("is not valid UTF-8 text")
	case strings.IndexByte(v, 0) >= 0:
		what = errs.Caption("holds a NUL character")
	default:
		return nil
	}
	object := models.Clamp(cleanText(name), maxErrorValue)
	if isName {
		return errs.Invalid(object, "", "A parameter name %s", what)
	}
	value := models.Clamp(cleanText(v), maxErrorValue)
	if secret(name) {
		value = ""
	}
	return errs.Invalid(object, value, "The value of %s %s", object, what)
}

// checkParams refuses a request whose parameters are not text or name too many
// elements (Params.check), and a change whose sok is neither ok nor empty. It runs
// after the access checks, so that a refused change is journaled like any other
// failed change: a confirmed Form, Send or Group, or a writing Op, leaves its row
// with the error, unless the CSRF check would have refused it before its handler
// anyway.
func (a *App) checkParams(c *Ctx) error {
	err := c.Params.check()
	if err == nil {
		_, group := c.Func.Shape.(*Group)
		err = c.Params.checkRepeats(group)
	}
	if err == nil && c.Func.changes() {
		err = c.Params.checkSok()
	}
	if err == nil {
		return nil
	}
	if c.Func.writes(c.Params.Sok()) {
		if cerr := a.checkCSRF(c); cerr != nil {
			return cerr
		}
		a.journalFailure(c, err)
	}
	return err
}
