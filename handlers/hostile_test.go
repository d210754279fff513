package handlers

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"staffmgr/models"
	"staffmgr/rights"
	"staffmgr/session"
)

// badTexts are parameter values that are no text: NULs, and bytes that are no UTF-8
// (a stray continuation, a cut sequence, an encoded surrogate).
var badTexts = []string{"a\x00b", "\x00", "a\xffb", "\xc3\x28", "\xed\xa0\x80"}

// isText reports whether s could be stored and shown anywhere: UTF-8 without NUL.
func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// counts are the rows a refused call must leave alone, each count's error checked.
type counts struct{ accounts, departments, journal, failures int64 }

func (e *env) counts() counts {
	e.t.Helper()
	var c counts
	for table, n := range map[string]*int64{"accounts": &c.accounts, "departments": &c.departments,
		"journal": &c.journal, "login_failures": &c.failures} {
		if err := e.db.Table(table).Count(n).Error; err != nil {
			e.t.Fatalf("count %s: %v", table, err)
		}
	}
	return c
}

// textJournal fails unless every text of every journal row is UTF-8 without NUL.
func (e *env) textJournal() {
	e.t.Helper()
	for _, row := range e.journalRows() {
		for _, s := range []string{row.AccountLogin, row.RealLogin, row.Func, row.Elid, row.IP,
			row.Result, row.ErrorObject, row.ErrorValue, row.Error, row.Params} {
			if !isText(s) {
				e.t.Errorf("journal row %d holds %q, no text", row.ID, s)
			}
		}
	}
}

// errMsg is the message of an error answer.
func (r *resp) errMsg() string {
	e, _ := r.doc["error"].(map[string]any)
	m, _ := e["msg"].(map[string]any)
	s, _ := m["$"].(string)
	return s
}

// tparam is an echoed parameter of a json answer.
func (r *resp) tparam(name string) string {
	tp, _ := r.doc["tparams"].(map[string]any)
	m, _ := tp[name].(map[string]any)
	s, _ := m["$"].(string)
	return s
}

// TestHostileBytes sends NULs and invalid UTF-8 in parameter names and values, before
// and after login, and proves each is a value error naming the parameter, the same
// on both databases, whose value shows no bad byte and which changes nothing. A
// refused confirmed change leaves its journal row; a refused login counts nothing.
func TestHostileBytes(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "client", rights.User)
		dept := &models.Department{Name: "Support"}
		if err := models.SaveDepartment(t.Context(), e.db, dept); err != nil {
			t.Fatal(err)
		}
		root := "root:" + Password
		for _, bad := range badTexts {
			clean := cleanText(bad)
			for _, tc := range []struct {
				name    string
				params  url.Values
				object  string
				value   string // the error's value
				journal bool
			}{
				{"login", url.Values{"func": {"auth"}, "username": {bad}, "password": {"x"}}, "username", clean, false},
				{"password", url.Values{"func": {"auth"}, "username": {"root"}, "password": {bad}}, "password", "", false},
				{"key", url.Values{"func": {"auth"}, "username": {"root"}, "key": {bad}}, "key", "", false},
				{"authinfo", url.Values{"func": {"whoami"}, "authinfo": {"root:" + bad}}, "authinfo", "", false},
				{"auth", url.Values{"func": {"whoami"}, "auth": {bad}}, "auth", "", false},
				{"su", url.Values{"func": {"whoami"}, "su": {bad}, "authinfo": {root}}, "su", clean, false},
				{"func", url.Values{"func": {bad}, "authinfo": {root}}, "func", clean, false},
				{"list filter", url.Values{"func": {"employee"}, "name": {bad}, "authinfo": {root}}, "name", clean, false},
				{"form elid", url.Values{"func": {"department.edit"}, "elid": {bad}, "authinfo": {root}}, "elid", clean, false},
				{"save", url.Values{"func": {"department.edit"}, "sok": {"ok"}, "name": {bad}, "authinfo": {root}}, "name", clean, true},
				{"edit", url.Values{"func": {"department.edit"}, "sok": {"ok"}, "elid": {fmt.Sprint(dept.ID)},
					"description": {bad}, "authinfo": {root}}, "description", clean, true},
				{"create employee", url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "name": {"newbie"},
					"passwd": {Password}, "confirm": {Password}, "realname": {bad}, "authinfo": {root}}, "realname", clean, true},
				{"secret field", url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "name": {"newbie"},
					"passwd": {bad}, "confirm": {bad}, "authinfo": {root}}, "confirm", "", true},
				{"group elid", url.Values{"func": {"department.delete"}, "sok": {"ok"},
					"elid": {fmt.Sprintf("%d, %s", dept.ID, bad)}, "authinfo": {root}}, "elid", fmt.Sprintf("%d, %s", dept.ID, clean), true},
				{"writing run", url.Values{"func": {"employee.su"}, "elid": {bad}, "authinfo": {root}}, "elid", clean, true},
				{"new key", url.Values{"func": {"session.newkey"}, "username": {bad}, "key": {"0123456789abcdef"},
					"authinfo": {root}}, "username", clean, true},
				{"client", url.Values{"func": {"clientticket.edit"}, "sok": {"ok"}, "subject": {"Help"},
					"message": {bad}, "authinfo": {"client:" + Password}}, "message", clean, true},
				{"name", url.Values{"func": {"department.edit"}, "sok": {"ok"}, "name": {"Sales"},
					"x" + bad: {"1"}, "authinfo": {root}}, "x" + clean, "", true},
			} {
				t.Run(fmt.Sprintf("%s %q", tc.name, bad), func(t *testing.T) {
					before := e.counts()
					r := e.post(tc.params).fails("value", tc.object)
					want := tc.value
					if got := r.errValue(); got != want {
						t.Errorf("error value %q, want %q", got, want)
					}
					if !isText(r.errMsg()) || !isText(r.errValue()) || bytes.Contains(r.body, []byte(`\u0000`)) {
						t.Errorf("the answer holds the bad bytes: %s", r.body)
					}
					after := e.counts()
					wantJournal := before.journal
					if tc.journal {
						wantJournal++
					}
					if after.accounts != before.accounts || after.departments != before.departments ||
						after.failures != before.failures || after.journal != wantJournal {
						t.Fatalf("rows before %+v, after %+v (journal row expected: %v)", before, after, tc.journal)
					}
					if tc.journal {
						rows := e.journalRows()
						row := rows[len(rows)-1]
						if row.Result != "value" || row.ErrorObject != tc.object || row.ErrorValue != want {
							t.Errorf("journal row %+v", row)
						}
					}
					e.textJournal()
				})
			}
		}
		if n, err := models.FindDepartment(t.Context(), e.db, fmt.Sprint(dept.ID)); err != nil || n.Description != "" {
			t.Fatalf("the department changed: %+v, %v", n, err)
		}
	})
}

// TestHostileBodies sends NUL and bad bytes in a JSON body (where only \u0000 can
// carry one: the decoder replaces bad bytes) and in a multipart body.
func TestHostileBodies(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		before := e.counts()
		body := `{"func":"department.edit","sok":"ok","name":"a\u0000b","authinfo":"root:` + Password + `","out":"json"}`
		e.do(http.MethodPost, "/billmgr", "application/json", strings.NewReader(body), nil).fails("value", "name")

		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range map[string]string{"func": "department.edit", "sok": "ok", "name": "Sales",
			"description": "\xff\xfe", "authinfo": "root:" + Password, "out": "json"} {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		r := e.do(http.MethodPost, "/billmgr", mw.FormDataContentType(), &buf, nil).fails("value", "description")
		if r.errValue() != "\uFFFD" {
			t.Errorf("value %q", r.errValue())
		}
		after := e.counts()
		if after.departments != before.departments || after.journal != before.journal+2 {
			t.Fatalf("rows before %+v, after %+v", before, after)
		}
		e.textJournal()
	})
}

// TestHostileAccessFirst proves that the access checks come before the check of the
// parameters: a caller who may not call the func learns nothing about its
// parameters, and a refusal by access or CSRF leaves no journal row.
func TestHostileAccessFirst(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		before := e.counts()
		bad := url.Values{"func": {"department.edit"}, "sok": {"ok"}, "name": {"a\x00b"}}
		e.post(bad).fails("access", "session")
		bad.Set("authinfo", "narrow:"+Password)
		e.post(bad).fails("access", "department.edit")

		r := e.post(url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}})
		c := r.cookie(session.CookieName)
		if c == nil {
			t.Fatal("no session cookie")
		}
		bad.Del("authinfo")
		e.post(bad, c).fails("access", "csrf")
		if after := e.counts(); after != before {
			t.Fatalf("rows before %+v, after %+v", before, after)
		}
	})
}

// TestHostileIDLists proves the bound on lists of ids: 1,000 is allowed, more is a
// value error naming the parameter, on both databases (70,000 ids once exceeded
// PostgreSQL's bound on the parameters of one statement).
func TestHostileIDLists(t *testing.T) {
	t.Parallel()
	ids := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprint(1000000 + i)
		}
		return strings.Join(parts, ", ")
	}
	eachEnv(t, func(t *testing.T, e *env) {
		before := e.counts()
		r := e.post(url.Values{"func": {"department.delete"}, "sok": {"ok"}, "elid": {ids(models.MaxIDs + 1)},
			"authinfo": {"root:" + Password}}).fails("value", "elid")
		if v := r.errValue(); utf8.RuneCountInString(v) > maxErrorValue+1 || !strings.HasSuffix(v, "…") {
			t.Errorf("error value %q is not a short prefix", v)
		}
		if after := e.counts(); after.journal != before.journal+1 || after.departments != before.departments {
			t.Fatalf("rows before %+v, after %+v", before, after)
		}
		if row := e.journalRows()[before.journal]; row.Result != "value" || row.ErrorObject != "elid" {
			t.Errorf("journal row %+v", row)
		}
		// At the bound the call runs: the first element does not exist.
		e.post(url.Values{"func": {"department.delete"}, "sok": {"ok"}, "elid": {ids(models.MaxIDs)},
			"authinfo": {"root:" + Password}}).fails("missed", "")
		e.post(url.Values{"func": {"department.delete"}, "elid": {ids(models.MaxIDs + 1)},
			"authinfo": {"root:" + Password}}).fails("value", "elid")

		employee := url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "name": {"newbie"},
			"passwd": {Password}, "confirm": {Password}, "authinfo": {"root:" + Password}}
		for _, n := range []int{models.MaxIDs + 1, 70000} {
			employee.Set("department", ids(n))
			e.post(employee).fails("value", "department")
		}
		employee.Set("department", ids(models.MaxIDs))
		r = e.post(employee).fails("value", "department")
		if r.errValue() != "1000000" {
			t.Errorf("at the bound the ids are looked up: %s", r.body)
		}
		after := e.counts()
		if after.accounts != before.accounts || after.journal != before.journal+5 {
			t.Fatalf("rows before %+v, after %+v", before, after)
		}
	})
}

// TestHostileJSONTrailing proves that a JSON body is one object and nothing more.
func TestHostileJSONTrailing(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		obj := `{"func":"whoami","authinfo":"root:` + Password + `","out":"json"}`
		for _, body := range []string{obj + "x", obj + `{"func":"logout"}`, obj + "]", obj + " 1", obj + `"`} {
			e.do(http.MethodPost, "/billmgr?out=json", "application/json", strings.NewReader(body), nil).
				fails("value", "request")
		}
		for _, body := range []string{obj, obj + " \n\t\r\n"} {
			e.do(http.MethodPost, "/billmgr", "application/json", strings.NewReader(body), nil).ok()
		}
	})
}

// TestHostileHugeValue proves that a refused value of most of a body comes back as a
// short prefix, cut between characters, in the error and in tparams, while a
// successful answer echoes its parameters whole; a body past the limit, or a huge
// parameter name, is not echoed at all.
func TestHostileHugeValue(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		huge := strings.Repeat("я", 100<<10) // 200 KiB of two-byte characters, 600 KiB sent
		before := e.counts()
		for _, out := range []string{"json", "xml", "sjson", "JSONdata", "text"} {
			r := e.post(url.Values{"func": {"department.edit"}, "sok": {"ok"}, "name": {huge},
				"authinfo": {"root:" + Password}, "out": {out}})
			if len(r.body) > 8<<10 || !utf8.Valid(r.body) {
				t.Fatalf("out=%s: %d bytes of answer", out, len(r.body))
			}
			if out != "json" {
				continue
			}
			r.fails("value", "name")
			for what, s := range map[string]string{"value": r.errValue(), "tparams": r.tparam("name")} {
				if s != strings.Repeat("я", maxErrorValue)+"…" {
					t.Errorf("%s is %d characters: %.20q", what, utf8.RuneCountInString(s), s)
				}
			}
			if n := utf8.RuneCountInString(r.errMsg()); n > maxErrorMessage+1 {
				t.Errorf("message of %d characters", n)
			}
		}
		after := e.counts()
		if after.departments != before.departments || after.journal != before.journal+5 {
			t.Fatalf("rows before %+v, after %+v", before, after)
		}
		for _, row := range e.journalRows() {
			if len(row.ErrorValue)+len(row.Error)+len(row.Params) > 4<<10 {
				t.Errorf("journal row of %d bytes", len(row.ErrorValue)+len(row.Error)+len(row.Params))
			}
		}

		// A refused id list of one huge token: the message quotes it, cut.
		r := e.post(url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "name": {"newbie"},
			"department": {huge}, "authinfo": {"root:" + Password}}).fails("value", "department")
		if len(r.body) > 8<<10 {
			t.Errorf("%d bytes of answer", len(r.body))
		}

		// An unknown func of 10 MiB: named in the error, the doc's func and tparams, each cut.
		r = e.post(url.Values{"func": {huge}, "authinfo": {"root:" + Password}}).fails("missed", "func")
		if len(r.body) > 8<<10 {
			t.Errorf("%d bytes of answer", len(r.body))
		}

		// A body past the limit, and a parameter name of most of one.
		big := url.Values{"func": {"whoami"}, "note": {strings.Repeat("x", maxBody)}, "authinfo": {"root:" + Password}}
		r = e.do(http.MethodPost, "/billmgr?out=json", "application/x-www-form-urlencoded", strings.NewReader(big.Encode()), nil).
			fails("value", "request")
		if len(r.body) > 8<<10 {
			t.Errorf("%d bytes of answer to a body past the limit", len(r.body))
		}
		before = e.counts()
		for _, fn := range []string{"whoami", "employee", "department.edit"} {
			r = e.post(url.Values{"func": {fn}, "sok": {"ok"}, strings.Repeat("n", 900<<10): {"1"}, "authinfo": {"root:" + Password}})
			if len(r.body) > 8<<10 {
				t.Errorf("%s: %d bytes of answer to a huge parameter name", fn, len(r.body))
			}
		}
		for _, row := range e.journalRows() {
			if len(row.Params) > 20<<10 {
				t.Errorf("journal row of %d bytes of params", len(row.Params))
			}
		}

		long := strings.Repeat("ж", 1000)
		r = e.post(url.Values{"func": {"whoami"}, "note": {long}, "authinfo": {"root:" + Password}}).ok()
		if r.tparam("note") != long {
			t.Errorf("a successful answer cut its echo to %d characters", utf8.RuneCountInString(r.tparam("note")))
		}
	})
}

// TestClampText covers the cut between characters and the cleaning of bad bytes.
func TestClampText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"яяя", 3, "яяя"},
		{"яяяя", 3, "яяя…"},
		{"a\xffb", 2, "a\xff…"},
	} {
		if got := models.Clamp(tc.in, tc.n); got != tc.want {
			t.Errorf("models.Clamp(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	for in, want := range map[string]string{"ok": "ok", "a\x00b": "a\uFFFDb", "\xff\xfe": "\uFFFD",
		"\xed\xa0\x80": "\uFFFD", "я\xd1": "я\uFFFD"} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHostileRefusedListKeepsPageSize proves that a refused list call (found by
// FuzzDispatch: a new p_cnt with a bad sort column, or a list whose handler refuses
// its parent) does not remember its page size, and an answered one does.
func TestHostileRefusedListKeepsPageSize(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		pageSize := func(list string) string {
			t.Helper()
			return e.get("func=" + list + "&plid=1&auth=" + root).ok().text("p_cnt")
		}
		e.get("func=employee&p_cnt=7&p_col=bogus&auth="+root).fails("value", "p_col")
		e.get("func=employee.department&plid=999&p_cnt=7&auth="+root).fails("missed", "")
		var n int64
		if err := e.db.Table("list_prefs").Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("refused calls stored %d page sizes (%v)", n, err)
		}
		if got := pageSize("employee"); got != "30" {
			t.Errorf("p_cnt %s after a refused call", got)
		}
		e.get("func=employee&p_cnt=7&auth=" + root).ok()
		if got := pageSize("employee"); got != "7" {
			t.Errorf("p_cnt %s after an answered call", got)
		}
	})
}

// TestHostileJSONText: a JSON body's strings are refused, not replaced, when they are
// no UTF-8 or escape half a surrogate pair; a whole pair is a character like any, and
// an array of arrays is no parameter value.
func TestHostileJSONText(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		send := func(body string) *resp {
			t.Helper()
			return e.do(http.MethodPost, "/billmgr?out=json", "application/json", strings.NewReader(body), nil)
		}
		before := e.counts()
		for _, body := range []string{
			`{"func":"department.edit","sok":"ok","name":"T` + "\xff\xfe" + `","authinfo":"root:` + Password + `"}`,
			`{"func":"department.edit","sok":"ok","name":"T\ud800","authinfo":"root:` + Password + `"}`,
			`{"func":"department.edit","sok":"ok","name":"T\udc00\ud800","authinfo":"root:` + Password + `"}`,
			`{"func":"department.edit","sok":"ok","name":[["T"]],"authinfo":"root:` + Password + `"}`,
			`{"func":"department.edit","sok":"ok","na` + "\xff" + `me":"T","authinfo":"root:` + Password + `"}`,
		} {
			send(body).fails("value", "request")
		}
		if after := e.counts(); after != before {
			t.Fatalf("rows before %+v, after %+v", before, after)
		}
		send(`{"func":"department.edit","sok":"ok","name":"Smile \ud83d\ude00 \\ud800","authinfo":"root:` + Password + `"}`).ok()
		var name string
		if err := e.db.Raw("SELECT name FROM departments WHERE name LIKE 'Smile%'").Scan(&name).Error; err != nil {
			t.Fatal(err)
		}
		if name != "Smile 😀 \\ud800" {
			t.Errorf("stored %q", name)
		}
	})
}
