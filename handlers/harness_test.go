package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
	"staffmgr/session"
)

// env is the real echo app over httptest on a fresh database.
type env struct {
	t    *testing.T
	db   *gorm.DB
	app  *App
	srv  *httptest.Server
	logs *bytes.Buffer
}

// Password is the password of every account the tests create.
const Password = "Test-pass1"

func newEnv(t *testing.T, db *gorm.DB) *env {
	t.Helper()
	return newEnvConfig(t, db, nil)
}

// newEnvConfig is newEnv with the test configuration changed by configure.
func newEnvConfig(t *testing.T, db *gorm.DB, configure func(*Config)) *env {
	t.Helper()
	e := newServer(t, db, configure)
	MustCreateAccount(t, db, "root", rights.Root)
	return e
}

// newServer is the app on db, which another env may share (as another process
// sharing the database would): it creates no account.
func newServer(t *testing.T, db *gorm.DB, configure func(*Config)) *env {
	t.Helper()
	logs := &bytes.Buffer{}
	sessions := session.New(db, session.Config{IdleTimeout: time.Hour, Lifetime: 10 * time.Hour})
	cfg := Config{Passwords: dbtest.FastPasswords, PasswordPolicy: models.DefaultPasswordPolicy}
	if configure != nil {
		configure(&cfg)
	}
	app, err := New(db, sessions, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Echo())
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	return &env{t: t, db: db, app: app, srv: srv, logs: logs}
}

// eachEnv runs fn on SQLite and PostgreSQL in parallel, each with a fresh env.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) { fn(t, newEnv(t, db)) })
}

// eachEnvSerial is eachEnv one database after the other, for a test that changes
// state the whole process shares.
func eachEnvSerial(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	dbtest.EachSerial(t, func(t *testing.T, db *gorm.DB) { fn(t, newEnv(t, db)) })
}

// eachEnvConfig is eachEnv with the configuration changed by configure. The two
// databases run in parallel: anything configure captures that fn changes must be
// made per database, in fn's subtest.
func eachEnvConfig(t *testing.T, configure func(*Config), fn func(t *testing.T, e *env)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) { fn(t, newEnvConfig(t, db, configure)) })
}

// MustCreateAccount creates an enabled account with the test password. An admin
// gets full access (default_access_allow), as most scenarios need; MustCreateEmployee
// makes one whose rights come from departments and personal settings.
func MustCreateAccount(t *testing.T, db *gorm.DB, login string, level rights.Level) *models.Account {
	t.Helper()
	a := MustCreateEmployee(t, db, login, level)
	if level == rights.Admin {
		if err := db.Model(a).Update("default_access_allow", true).Error; err != nil {
			t.Fatal(err)
		}
		a.DefaultAccessAllow = true
	}
	return a
}

// MustCreateEmployee creates an enabled account with the test password and no
// rights beyond its level.
func MustCreateEmployee(t *testing.T, db *gorm.DB, login string, level rights.Level) *models.Account {
	t.Helper()
	a, err := models.CreateAccount(context.Background(), db, dbtest.FastPasswords, login, level, Password)
	if err != nil {
		t.Fatalf("create %s: %v", login, err)
	}
	return a
}

// resp is an answer as a test reads it.
type resp struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
	doc    map[string]any // the json document's "doc", when out=json or sjson
}

// get calls the API with a query string such as "func=whoami&auth=X"; out=json is
// added unless the query names an out.
func (e *env) get(query string) *resp {
	e.t.Helper()
	if !strings.Contains(query, "out=") {
		query += "&out=json"
	}
	return e.do(http.MethodGet, "/billmgr?"+query, "", nil, nil)
}

// post sends params as a form body.
func (e *env) post(params url.Values, cookies ...*http.Cookie) *resp {
	e.t.Helper()
	if params.Get("out") == "" {
		params.Set("out", "json")
	}
	return e.do(http.MethodPost, "/billmgr", "application/x-www-form-urlencoded", strings.NewReader(params.Encode()), cookies)
}

func (e *env) do(method, path, contentType string, body io.Reader, cookies []*http.Cookie) *resp {
	e.t.Helper()
	return e.send(method, path, contentType, body, cookies, "")
}

// browse is do as a browser: it accepts text/html.
func (e *env) browse(method, path string, cookies ...*http.Cookie) *resp {
	e.t.Helper()
	return e.send(method, path, "", nil, cookies, "text/html,application/xhtml+xml")
}

func (e *env) send(method, path, contentType string, body io.Reader, cookies []*http.Cookie, accept string) *resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return e.request(req)
}

// request sends a request as it is and reads the answer.
func (e *env) request(req *http.Request) *resp {
	e.t.Helper()
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer hr.Body.Close()
	raw, err := io.ReadAll(hr.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := &resp{t: e.t, status: hr.StatusCode, header: hr.Header, body: raw}
	if strings.HasPrefix(hr.Header.Get("Content-Type"), "application/json") && bytes.HasPrefix(raw, []byte(`{"doc"`)) {
		r.doc = decodeDoc(e.t, raw)
	}
	return r
}

// decodeDoc returns the "doc" object of a json answer.
func decodeDoc(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var top map[string]any
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatalf("bad json: %v\n%s", err, raw)
	}
	doc, _ := top["doc"].(map[string]any)
	return doc
}

// login opens a session and returns its id.
func (e *env) login(login string) string {
	e.t.Helper()
	r := e.get("func=auth&username=" + url.QueryEscape(login) + "&password=" + url.QueryEscape(Password))
	r.ok()
	auth := r.obj("auth")
	id, _ := auth["$id"].(string)
	if id == "" || id != auth["$"] {
		e.t.Fatalf("auth id %q and text %v differ or are empty", id, auth["$"])
	}
	return id
}

// obj returns a top-level element of the document as an object.
func (r *resp) obj(name string) map[string]any {
	r.t.Helper()
	v, ok := r.doc[name].(map[string]any)
	if !ok {
		r.t.Fatalf("no object %q in %s", name, r.body)
	}
	return v
}

// text returns the text of a top-level element, "" when absent.
func (r *resp) text(name string) string {
	if v, ok := r.doc[name].(map[string]any); ok {
		s, _ := v["$"].(string)
		return s
	}
	return ""
}

// ok fails unless the answer is a success (no error element).
func (r *resp) ok() *resp {
	r.t.Helper()
	if r.status != http.StatusOK {
		r.t.Fatalf("status %d", r.status)
	}
	if _, bad := r.doc["error"]; bad || r.doc == nil {
		r.t.Fatalf("want success, got %s", r.body)
	}
	return r
}

// fails checks that the answer is an error of the given type and object (object ""
// matches any), with HTTP 200.
func (r *resp) fails(typ, object string) *resp {
	r.t.Helper()
	if r.status != http.StatusOK {
		r.t.Fatalf("status %d, want 200 for an error", r.status)
	}
	e, ok := r.doc["error"].(map[string]any)
	if !ok {
		r.t.Fatalf("want error %s/%s, got %s", typ, object, r.body)
	}
	if e["$type"] != typ || (object != "" && e["$object"] != object) {
		r.t.Fatalf("want error %s/%s, got %v/%v: %s", typ, object, e["$type"], e["$object"], r.body)
	}
	return r
}

// errValue is the value param of an error.
func (r *resp) errValue() string {
	e, _ := r.doc["error"].(map[string]any)
	params, _ := e["param"].([]any)
	for _, p := range params {
		if m, _ := p.(map[string]any); m["$name"] == "value" {
			s, _ := m["$"].(string)
			return s
		}
	}
	return ""
}

// rows returns the list rows as maps of column to text ("" for a flag).
func (r *resp) rows() []map[string]string {
	r.t.Helper()
	r.ok()
	elems, ok := r.doc["elem"].([]any)
	if !ok {
		if _, present := r.doc["elem"]; present {
			r.t.Fatalf("elem is not an array: %s", r.body)
		}
		return nil
	}
	var out []map[string]string
	for _, el := range elems {
		row := map[string]string{}
		for k, v := range el.(map[string]any) {
			m, _ := v.(map[string]any)
			s, _ := m["$"].(string)
			row[k] = s
		}
		out = append(out, row)
	}
	return out
}

// column returns one column of the list rows, in order.
func (r *resp) column(name string) []string {
	r.t.Helper()
	var out []string
	for _, row := range r.rows() {
		out = append(out, row[name])
	}
	return out
}

// cookie returns the named cookie the answer set, or nil.
func (r *resp) cookie(name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// queryDigest is a digest of every row a query answers, in its order.
func queryDigest(tb testing.TB, db *gorm.DB, query string) string {
	tb.Helper()
	rows, err := db.Raw(query).Rows()
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatal(err)
	}
	h := sha256.New()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(h, "%q\n", vals)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
