package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// The JSON-RPC error codes of the Data API: the protocol's own, and those staffmgr
// gives the failures it leaves to the server (docs/uis.md lists them).
const (
	rpcParseError     = -32700
	rpcInvalidRequest = -32600
	rpcMethodNotFound = -32601
	rpcInvalidParams  = -32602
	rpcInternal       = -32603
	rpcBadToken       = -32001 // unknown, expired or revoked access_token: log in again
	rpcAuthFailed     = -32002 // login.user with a wrong login or password
	rpcForbidden      = -32003 // no right, another account out of reach, an address not allowed
	rpcNotFound       = -32004 // the element a parameter names does not exist
	rpcLimit          = -32029 // a request limit, or a blocked login
)

// The mnemonics of -32602.
const (
	mnemonicMissed    = "required_parameter_missed"
	mnemonicBadValue  = "invalid_parameter_value"
	mnemonicUnknown   = "unknown_parameter"
	mnemonicDuplicate = "duplicate_value"
)

// rpcError is a JSON-RPC error object: code, message, and data naming the problem
// (mnemonic) and, where there is one, the parameter (field) and its value.
type rpcError struct {
	Code     int
	Message  string
	Mnemonic string
	Field    string
	Value    any
	// Extra are further members of data, such as retry_after.
	Extra map[string]any
}

func (e *rpcError) Error() string {
	return fmt.Sprintf("%d %s %s: %s", e.Code, e.Mnemonic, e.Field, e.Message)
}

// As reads a Data API error as the protocol error of its kind, so that the journal
// keeps a refused call with its real cause; an internal one stays internal.
func (e *rpcError) As(target any) bool {
	t, ok := target.(**errs.E)
	if !ok || e.Code == rpcInternal {
		return false
	}
	kind := errs.Value
	switch e.Code {
	case rpcBadToken, rpcAuthFailed:
		kind = errs.Auth
	case rpcForbidden:
		kind = errs.Access
	case rpcNotFound:
		kind = errs.Missed
	case rpcLimit:
		kind = errs.Limit
	}
	value := ""
	if e.Value != nil {
		value = fmt.Sprint(e.Value)
	}
	*t = &errs.E{Kind: kind, Object: e.Field, Value: value, Msg: e.Message}
	return true
}

// MarshalJSON writes {code, message, data{mnemonic, field, value, …}}.
func (e *rpcError) MarshalJSON() ([]byte, error) {
	data := map[string]any{"mnemonic": e.Mnemonic}
	if e.Field != "" {
		data["field"] = e.Field
	}
	if e.Value != nil {
		data["value"] = e.Value
	}
	for k, v := range e.Extra {
		data[k] = v
	}
	return json.Marshal(struct {
		Code    int            `json:"code"`
		Message string         `json:"message"`
		Data    map[string]any `json:"data"`
	}{e.Code, e.Message, data})
}

func paramMissed(field string) *rpcError {
	return &rpcError{Code: rpcInvalidParams, Mnemonic: mnemonicMissed, Field: field,
		Message: fmt.Sprintf("Required parameter %s is missing", field)}
}

func paramUnknown(field string) *rpcError {
	return &rpcError{Code: rpcInvalidParams, Mnemonic: mnemonicUnknown, Field: field,
		Message: fmt.Sprintf("Unknown parameter %s", field)}
}

// paramInvalid is invalid_parameter_value on field; value is what was sent, shown
// back unless the field holds a credential.
func paramInvalid(field string, value any, format string, args ...any) *rpcError {
	if secret(field) {
		value = nil
	}
	if s, ok := value.(string); ok {
		value = models.Clamp(cleanText(s), maxErrorValue)
	}
	return &rpcError{Code: rpcInvalidParams, Mnemonic: mnemonicBadValue, Field: field, Value: value,
		Message: fmt.Sprintf(format, args...)}
}

// rpcParams are the params of one call, or of one object inside them. The getters
// read one name each, check its JSON type and bounds, and answer whether it was
// sent; null counts as sent, empty.
type rpcParams struct {
	path string // how error fields name this object's members: "" at the top
	raw  map[string]json.RawMessage
}

// newRPCParams reads an object; nil or null is an empty one.
func newRPCParams(path string, raw json.RawMessage) (*rpcParams, error) {
	p := &rpcParams{path: path, raw: map[string]json.RawMessage{}}
	if len(raw) == 0 || isNull(raw) {
		return p, nil
	}
	if err := json.Unmarshal(raw, &p.raw); err != nil {
		return nil, paramInvalid(strings.TrimSuffix(path, "."), nil, "%s must be an object", nameOr(path, "params"))
	}
	return p, nil
}

func nameOr(path, top string) string {
	if path == "" {
		return top
	}
	return strings.TrimSuffix(path, ".")
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// field is the name errors give a member.
func (p *rpcParams) field(name string) string { return p.path + name }

// has reports whether name was sent, null included.
func (p *rpcParams) has(name string) bool {
	_, ok := p.raw[name]
	return ok
}

// null reports whether name was sent as null.
func (p *rpcParams) null(name string) bool {
	raw, ok := p.raw[name]
	return ok && isNull(raw)
}

// only refuses members other than the allowed names, in name order, so that the
// same call always gets the same error.
func (p *rpcParams) only(allowed ...string) error {
	names := make([]string, 0, len(p.raw))
	for name := range p.raw {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			return paramUnknown(p.field(cleanText(models.Clamp(name, maxParamName))))
		}
	}
	return nil
}

// value decodes a member as any JSON value, numbers kept exact.
func (p *rpcParams) value(name string) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(p.raw[name]))
	dec.UseNumber()
	dec.Decode(&v)
	return v
}

// str reads a string of at most max characters without control characters; null
// is "". required refuses it missing or empty.
func (p *rpcParams) str(name string, max int, required bool) (string, bool, error) {
	if !p.has(name) || p.null(name) {
		if required {
			return "", false, paramMissed(p.field(name))
		}
		return "", p.has(name), nil
	}
	var s string
	if err := json.Unmarshal(p.raw[name], &s); err != nil {
		return "", false, paramInvalid(p.field(name), p.value(name), "%s must be a string", p.field(name))
	}
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", false, paramMissed(p.field(name))
	}
	if err := models.CheckText(s, max); err != nil || !utf8.ValidString(s) {
		return "", false, paramInvalid(p.field(name), s, "%s must be text of at most %d characters, without control characters", p.field(name), max)
	}
	return s, true, nil
}

// number reads a whole number from min to max, sent as a JSON number or as a string
// of digits (as some clients send ids). null is not given, unless nullable.
func (p *rpcParams) number(name string, min, max int64, required bool) (int64, bool, error) {
	if !p.has(name) || p.null(name) {
		if required {
			return 0, false, paramMissed(p.field(name))
		}
		return 0, false, nil
	}
	n, ok := wholeNumber(p.value(name))
	if !ok || n < min || n > max {
		return 0, false, paramInvalid(p.field(name), p.value(name), "%s must be a whole number from %d to %d", p.field(name), min, max)
	}
	return n, true, nil
}

// wholeNumber reads a JSON number, or a string of digits, that is a whole number.
func wholeNumber(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, false
		}
		n = int64(f)
	}
	return n, true
}

// id reads the id of an element: a positive whole number.
func (p *rpcParams) id(name string, required bool) (int64, bool, error) {
	return p.number(name, 1, math.MaxInt64, required)
}

// boolean reads true or false.
func (p *rpcParams) boolean(name string) (bool, bool, error) {
	if !p.has(name) || p.null(name) {
		return false, false, nil
	}
	var b bool
	if err := json.Unmarshal(p.raw[name], &b); err != nil {
		return false, false, paramInvalid(p.field(name), p.value(name), "%s must be true or false", p.field(name))
	}
	return b, true, nil
}

// enum reads one of choices.
func (p *rpcParams) enum(name string, choices []string) (string, bool, error) {
	if !p.has(name) || p.null(name) {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(p.raw[name], &s); err != nil || !slices.Contains(choices, s) {
		return "", false, paramInvalid(p.field(name), p.value(name), "%s is one of %s", p.field(name), strings.Join(choices, ", "))
	}
	return s, true, nil
}

// array reads a JSON array of at most max items; null is an empty one.
func (p *rpcParams) array(name string, max int) ([]json.RawMessage, bool, error) {
	if !p.has(name) {
		return nil, false, nil
	}
	if p.null(name) {
		return []json.RawMessage{}, true, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(p.raw[name], &items); err != nil {
		return nil, false, paramInvalid(p.field(name), p.value(name), "%s must be an array", p.field(name))
	}
	if len(items) > max {
		return nil, false, paramInvalid(p.field(name), nil, "%s holds at most %d items", p.field(name), max)
	}
	return items, true, nil
}

// enums reads an array of distinct choices, in the order of choices.
func (p *rpcParams) enums(name string, choices []string) ([]string, bool, error) {
	items, given, err := p.array(name, len(choices))
	if err != nil || !given {
		return nil, given, err
	}
	seen := map[string]bool{}
	for _, raw := range items {
		var s string
		if json.Unmarshal(raw, &s) != nil || !slices.Contains(choices, s) {
			return nil, false, paramInvalid(p.field(name), p.value(name), "%s holds values of %s", p.field(name), strings.Join(choices, ", "))
		}
		seen[s] = true
	}
	var out []string
	for _, c := range choices {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out, true, nil
}

// ids reads an array of element ids without repeats, in the order sent.
func (p *rpcParams) ids(name string, max int) ([]int64, bool, error) {
	items, given, err := p.array(name, max)
	if err != nil || !given {
		return nil, given, err
	}
	out := []int64{}
	seen := map[int64]bool{}
	for i, raw := range items {
		var v any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		dec.Decode(&v)
		n, ok := wholeNumber(v)
		if !ok || n < 1 {
			return nil, false, paramInvalid(fmt.Sprintf("%s[%d]", p.field(name), i), v, "%s holds ids", p.field(name))
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, true, nil
}

// object reads a member object whose members may be allowed; given is false when
// it was not sent or sent as null (null reports whether it was).
func (p *rpcParams) object(name string, allowed ...string) (obj *rpcParams, given, null bool, err error) {
	if !p.has(name) {
		return nil, false, false, nil
	}
	if p.null(name) {
		return nil, false, true, nil
	}
	if obj, err = newRPCParams(p.field(name)+".", p.raw[name]); err != nil {
		return nil, false, false, err
	}
	return obj, true, false, obj.only(allowed...)
}

// item reads the i-th object of an array member.
func (p *rpcParams) item(name string, i int, raw json.RawMessage, allowed ...string) (*rpcParams, error) {
	obj, err := newRPCParams(fmt.Sprintf("%s[%d].", p.field(name), i), raw)
	if err != nil {
		return nil, err
	}
	return obj, obj.only(allowed...)
}

// listArgs reads the paging, sorting and filtering of a get method for a list spec:
// limit, offset, sort [{field, order}] and filter, a condition {field, operator,
// value} or a group {filters, condition}. fieldAlias spells a field the reference
// also names otherwise.
func (p *rpcParams) listArgs(spec *list.Spec, alias map[string]string) (*list.Query, error) {
	_, max := spec.PageSizes()
	limit, _, err := p.number("limit", 1, int64(max), false)
	if err != nil {
		return nil, err
	}
	offset, _, err := p.number("offset", 0, math.MaxInt32, false)
	if err != nil {
		return nil, err
	}
	var keys []list.SortKey
	items, _, err := p.array("sort", len(spec.Columns))
	if err != nil {
		return nil, err
	}
	for i, raw := range items {
		item, err := p.item("sort", i, raw, "field", "order")
		if err != nil {
			return nil, err
		}
		field, _, err := item.str("field", 100, true)
		if err != nil {
			return nil, err
		}
		order, _, err := item.enum("order", []string{"asc", "desc"})
		if err != nil {
			return nil, err
		}
		if a, ok := alias[field]; ok {
			field = a
		}
		keys = append(keys, list.SortKey{Column: field, Desc: order == "desc"})
	}
	var cond *list.Cond
	if p.has("filter") && !p.null("filter") {
		c, err := readCond(p.raw["filter"], alias, 0)
		if err != nil {
			return nil, err
		}
		cond = &c
	}
	q, err := spec.Machine(int(limit), int(offset), keys, cond)
	if e, ok := errs.As(err); ok {
		return nil, paramInvalid(e.Object, e.Value, "%s", e.Message())
	}
	return q, err
}

// readCond reads a filter: {field, operator, value} or {filters: [...], condition}.
func readCond(raw json.RawMessage, alias map[string]string, depth int) (list.Cond, error) {
	obj, err := newRPCParams("filter.", raw)
	if err != nil {
		return list.Cond{}, err
	}
	if depth > list.MaxDepth {
		return list.Cond{}, paramInvalid("filter", nil, "Filters nest at most %d deep", list.MaxDepth)
	}
	if obj.has("filters") || obj.has("condition") {
		if err := obj.only("filters", "condition"); err != nil {
			return list.Cond{}, err
		}
		cond, _, err := obj.enum("condition", []string{"and", "or"})
		if err != nil {
			return list.Cond{}, err
		}
		if cond == "" {
			cond = "and"
		}
		items, _, err := obj.array("filters", list.MaxConditions)
		if err != nil {
			return list.Cond{}, err
		}
		if len(items) == 0 {
			return list.Cond{}, paramMissed("filter.filters")
		}
		c := list.Cond{Condition: cond, Filters: make([]list.Cond, len(items))}
		for i, item := range items {
			if c.Filters[i], err = readCond(item, alias, depth+1); err != nil {
				return list.Cond{}, err
			}
		}
		return c, nil
	}
	if err := obj.only("field", "operator", "value"); err != nil {
		return list.Cond{}, err
	}
	field, _, err := obj.str("field", 100, true)
	if err != nil {
		return list.Cond{}, err
	}
	if a, ok := alias[field]; ok {
		field = a
	}
	op, _, err := obj.str("operator", 10, true)
	if err != nil {
		return list.Cond{}, err
	}
	if !slices.Contains(list.Ops, list.Op(op)) {
		return list.Cond{}, paramInvalid("filter.operator", op, "operator is one of =, !=, <, <=, >, >=, in, not_in, like, not_like")
	}
	if !obj.has("value") {
		return list.Cond{}, paramMissed("filter.value")
	}
	return list.Cond{Field: field, Op: list.Op(op), Value: condValue(obj.value("value"))}, nil
}

// condValue turns a decoded JSON value into what the list engine compares: whole
// numbers as int64, other numbers as float64, lists item by item; an object is
// kept as it is, for the engine to refuse.
func condValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = condValue(item)
		}
		return out
	}
	return v
}

// flatParams are a call's params as the journal keeps them: each top-level member
// as text, objects and arrays as compact JSON without their credentials; id goes to
// elid, the element the journal row is about.
func flatParams(p *rpcParams) Params {
	v := map[string][]string{}
	for name, raw := range p.raw {
		var text string
		switch x := decodeJSON(raw).(type) {
		case string:
			text = x
		case nil:
		case map[string]any, []any:
			b, _ := json.Marshal(withoutSecrets(x))
			text = string(b)
		default:
			text = strings.TrimSpace(string(raw))
		}
		if name == "id" {
			name = "elid"
		}
		v[name] = []string{text}
	}
	return NewParams(v)
}

func decodeJSON(raw json.RawMessage) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.Decode(&v)
	return v
}

// withoutSecrets drops every member whose name may hold a credential, at any depth.
func withoutSecrets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, item := range x {
			if !secret(k) {
				out[k] = withoutSecrets(item)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = withoutSecrets(item)
		}
		return out
	}
	return v
}
