package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"staffmgr/handlers"
	"staffmgr/models"
	"staffmgr/rights"
)

// billmanager reads staff from a BILLmanager 6 (or another staffmgr) through its
// form API with out=json, each request authenticated by authinfo, keeping no session.
type billmanager struct {
	url      string
	authinfo string
	client   *http.Client
}

// pageSize is the rows asked for per list request: the most a staffmgr list answers.
const pageSize = 1000

// call makes one request and returns its doc. An answer that is no JSON document,
// an HTTP status other than 200 and an error document are errors that say which.
func (b *billmanager) call(ctx context.Context, params url.Values) (map[string]any, error) {
	params.Set("out", "json")
	params.Set("authinfo", b.authinfo)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.url, strings.NewReader(params.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("func=%s: %w", params.Get("func"), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("func=%s: %w", params.Get("func"), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("func=%s: the source answered HTTP %d: %s", params.Get("func"), resp.StatusCode, clip(body))
	}
	var top struct {
		Doc map[string]any `json:"doc"`
	}
	if err := json.Unmarshal(body, &top); err != nil || top.Doc == nil {
		return nil, fmt.Errorf("func=%s: the source answered something that is not a JSON document (%s): %s",
			params.Get("func"), resp.Header.Get("Content-Type"), clip(body))
	}
	if e, ok := top.Doc["error"].(map[string]any); ok {
		return nil, fmt.Errorf("func=%s: the source answered an error of type %q: %s",
			params.Get("func"), e["$type"], textOf(e["msg"]))
	}
	return top.Doc, nil
}

// clip is the start of an answer, for an error message.
func clip(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}

// textOf is the text of a json element: {"$": text}, or "" for anything else.
func textOf(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	s, _ := m["$"].(string)
	return s
}

// row reads one list row: its text columns by name, and each flag present as "on".
func row(elem any) (map[string]string, error) {
	m, ok := elem.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a list row is not an object: %v", elem)
	}
	out := map[string]string{}
	for k, v := range m {
		c, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if s, ok := c["$"].(string); ok {
			out[k] = s
		} else if len(c) == 0 {
			out[k] = "on"
		}
	}
	return out, nil
}

// list reads every row of a list func, a page at a time.
func (b *billmanager) list(ctx context.Context, fn string, extra url.Values) ([]map[string]string, error) {
	var rows []map[string]string
	for page := 1; ; page++ {
		params := url.Values{"func": {fn}, "p_cnt": {strconv.Itoa(pageSize)}, "p_num": {strconv.Itoa(page)}}
		for k, v := range extra {
			params[k] = v
		}
		doc, err := b.call(ctx, params)
		if err != nil {
			return nil, err
		}
		var elems []any
		switch e := doc["elem"].(type) {
		case nil:
		case []any:
			elems = e
		case map[string]any:
			elems = []any{e}
		default:
			return nil, fmt.Errorf("func=%s: the rows are not a list", fn)
		}
		for _, e := range elems {
			r, err := row(e)
			if err != nil {
				return nil, fmt.Errorf("func=%s: %w", fn, err)
			}
			rows = append(rows, r)
		}
		if len(elems) < pageSize {
			return rows, nil
		}
	}
}

// form reads the text fields of a form.
func (b *billmanager) form(ctx context.Context, fn, elid string) (map[string]string, error) {
	doc, err := b.call(ctx, url.Values{"func": {fn}, "elid": {elid}})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range doc {
		if m, ok := v.(map[string]any); !ok {
			continue
		} else if s, ok := m["$"].(string); ok {
			out[k] = s
		}
	}
	return out, nil
}

// onOff maps a flag's text; anything but on and off cannot be mapped.
func onOff(fn, field, v string, missing bool) (bool, error) {
	switch v {
	case "on":
		return true, nil
	case "off":
		return false, nil
	case "":
		return missing, nil
	}
	return false, fmt.Errorf("func=%s: %s is %q, neither on nor off", fn, field, v)
}

// readBillmanager reads the departments, the employees with their cards and
// departments, and their personal rights.
func readBillmanager(ctx context.Context, b *billmanager, prog *progress) (*staffSet, error) {
	doc, err := b.call(ctx, url.Values{"func": {"whoami"}})
	if err != nil {
		return nil, err
	}
	user, _ := doc["user"].(map[string]any)
	level, _ := user["$level"].(string)
	if n, err := strconv.Atoi(level); err != nil || rights.Level(n) < rights.Admin {
		return nil, fmt.Errorf("the account of authinfo is no root or admin account (level %q): it cannot read the staff", level)
	}

	set := &staffSet{}
	deps, err := b.list(ctx, "department", nil)
	if err != nil {
		return nil, err
	}
	emps, err := b.list(ctx, "employee", nil)
	if err != nil {
		return nil, err
	}
	prog.Start("read", len(deps)+len(emps))
	depName := map[string]string{}
	for _, d := range deps {
		if d["id"] == "" || d["name"] == "" {
			return nil, fmt.Errorf("func=department: a row without id or name: %v", d)
		}
		depName[d["id"]] = d["name"]
		f, err := b.form(ctx, "department.edit", d["id"])
		if err != nil {
			return nil, fmt.Errorf("department %s: %w", d["name"], err)
		}
		support, err := onOff("department.edit", "show_in_support", f["show_in_support"], false)
		if err != nil {
			return nil, err
		}
		set.Departments = append(set.Departments, importDepartment{Name: d["name"], Description: d["description"], ShowInSupport: support})
		prog.Add(1)
	}
	known := map[string]bool{}
	for _, r := range handlers.RightNames() {
		known[r] = true
	}
	for _, row := range emps {
		e, err := readEmployee(ctx, b, row, depName, known)
		if err != nil {
			return nil, err
		}
		set.Employees = append(set.Employees, *e)
		prog.Add(1)
	}
	prog.Finish()
	return set, nil
}

// readEmployee reads one employee's card, departments and personal rights.
func readEmployee(ctx context.Context, b *billmanager, listRow map[string]string, depName map[string]string, known map[string]bool) (*importEmployee, error) {
	id, login := listRow["id"], listRow["name"]
	if id == "" || login == "" {
		return nil, fmt.Errorf("func=employee: a row without id or name: %v", listRow)
	}
	f, err := b.form(ctx, "employee.edit", id)
	if err != nil {
		return nil, fmt.Errorf("employee %s: %w", login, err)
	}
	if f["name"] != "" && f["name"] != login {
		return nil, fmt.Errorf("func=employee.edit&elid=%s: the form names %q, the list %q", id, f["name"], login)
	}
	e := &importEmployee{Card: models.Account{Login: login, Enabled: listRow["enabled"] == "on",
		Realname: f["realname"], Position: f["position"], Email: f["email"], Phone: f["phone"], Mobile: f["mobile"],
		IPAccess: f["ip_access"]}, Departments: map[string]bool{}, Rights: map[string]bool{}}
	if e.Card.DefaultAccessAllow, err = onOff("employee.edit", "default_access_allow", f["default_access_allow"], false); err != nil {
		return nil, err
	}
	if e.Card.AllIPAccess, err = onOff("employee.edit", "all_ip_access", f["all_ip_access"], true); err != nil {
		return nil, err
	}

	deps, err := b.list(ctx, "employee.department", url.Values{"plid": {id}})
	if err != nil {
		return nil, fmt.Errorf("employee %s: %w", login, err)
	}
	for _, d := range deps {
		var active bool
		switch d["status"] {
		case "on":
			active = true
		case "off":
		case "none":
			continue
		default:
			return nil, fmt.Errorf("func=employee.department&plid=%s: status %q is none of on, off and none", id, d["status"])
		}
		name, ok := depName[d["id"]]
		if !ok {
			return nil, fmt.Errorf("func=employee.department&plid=%s: department %s is not in func=department", id, d["id"])
		}
		e.Departments[name] = active
	}

	if e.Card.DefaultAccessAllow || login == models.RootLogin {
		return e, nil // every right is held: no single one is set
	}
	rs, err := b.list(ctx, "rights2.user", url.Values{"plid": {id}})
	if err != nil {
		return nil, fmt.Errorf("employee %s: %w", login, err)
	}
	for _, r := range rs {
		if r["source"] != rights.FromPersonal {
			continue
		}
		if !known[r["name"]] {
			return nil, fmt.Errorf("func=rights2.user&plid=%s: staffmgr has no right %q", id, r["name"])
		}
		allow, err := onOff("rights2.user", "access of "+r["name"], r["access"], false)
		if err != nil || r["access"] == "" {
			return nil, fmt.Errorf("func=rights2.user&plid=%s: access of %q is %q, neither on nor off", id, r["name"], r["access"])
		}
		e.Rights[r["name"]] = allow
	}
	return e, nil
}

// sortedKeys are a map's keys in order, so that runs do the same in the same order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// httpClient is the client of the source: a request that takes longer fails.
var httpClient = &http.Client{Timeout: time.Minute}
