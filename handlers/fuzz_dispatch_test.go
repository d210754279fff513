package handlers

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/session"
)

// fuzzTables are the tables a refused call must leave as they were. The journal,
// sessions and login failures change legitimately on a refused call.
var fuzzTables = []string{"accounts", "departments", "department_members", "department_rights",
	"account_rights", "tickets", "ticket_messages", "ticket_assignments", "ticket_history",
	"support_settings", "auth_keys", "sms_messages", "list_prefs"}

// fuzzServer is the app of the dispatcher fuzz target on a database that is put
// back to its seeded state after every call that changed it.
type fuzzServer struct {
	dir      string
	template string // the seeded database, copied for every fresh start
	db       *gorm.DB
	app      *App
	handler  http.Handler
	logs     *bytes.Buffer
	seeded   map[string]string // the digest of each table in the seeded state
	sessions map[string]string // login → session id, opened on demand
	dirty    bool
}

// fuzzAccounts are who the fuzzer calls as: root and an employee holding a few
// rights through a department (logged in with sessions), a client (authinfo) and
// a guest.
var fuzzAccounts = []string{"root", "narrow", "client", ""}

func newFuzzServer(f *testing.F) *fuzzServer {
	s := &fuzzServer{dir: f.TempDir(), logs: &bytes.Buffer{}}
	s.template = filepath.Join(s.dir, "template.db")
	db := dbtest.Open(f, models.SQLite)
	s.start(f, db)
	if _, err := models.EnsureRoot(f.Context(), db, dbtest.FastPasswords, Password); err != nil {
		f.Fatal(err)
	}
	root := "root:" + Password
	// Accounts: root 1, narrow 2, other 3, boss 4, client 5, client2 6. Departments:
	// Support 1 (narrow's, with its rights), Sales 2 (other's). Tickets 1 and 2 of client.
	for _, call := range []string{
		"func=department.edit&name=Support&show_in_support=on",
		"func=department.edit&name=Sales&description=Deals",
		"func=employee.edit&name=narrow&realname=Narrow&passwd=P&confirm=P&department=1",
		"func=employee.edit&name=other&passwd=P&confirm=P&department=2&email=o@example.com&mobile=%2B15550100",
		"func=employee.edit&name=boss&passwd=P&confirm=P&default_access_allow=on",
		"func=rights2.group.resume&plid=1&elid=employee, employee.edit, employee.department, department, " +
			"ticket, ticket_all, ticket.edit, support_tool_responsible, journal, session, user, rights2.user",
		"func=rights2.user.suspend&plid=2&elid=user",
		"func=user.edit&name=client&passwd=P&confirm=P&realname=Client",
		"func=user.edit&name=client2&passwd=P&confirm=P",
		"func=department.edit&elid=1&default_responsible=2",
		"func=employee.support_tool_settings&elid=2&signature=N&max_open_tickets=5",
	} {
		s.mustCall(f, strings.ReplaceAll(call, "=P", "="+url.QueryEscape(Password))+"&sok=ok&authinfo="+root)
	}
	for _, call := range []string{
		"func=clientticket.edit&subject=Help&message=Broken&client_department=1",
		"func=clientticket.edit&subject=More&message=Also&client_department=1",
	} {
		s.mustCall(f, call+"&sok=ok&authinfo=client:"+url.QueryEscape(Password))
	}
	s.mustCall(f, "func=ticket.edit&elid=1&message=On+it&sok=ok&authinfo="+root)
	if err := db.Exec("VACUUM INTO ?", s.template).Error; err != nil {
		f.Fatal(err)
	}
	s.seeded = s.digest(f)
	s.reset(f)
	return s
}

// start serves the app on db.
func (s *fuzzServer) start(tb testing.TB, db *gorm.DB) {
	sessions := session.New(db, session.Config{IdleTimeout: time.Hour, Lifetime: 10 * time.Hour})
	cfg := Config{Passwords: dbtest.FastPasswords, PasswordPolicy: models.DefaultPasswordPolicy,
		// No lockout: the fuzzer's wrong passwords must not lock out the accounts it calls as.
		Lockout: models.Lockout{LoginLimit: models.LockoutOff, IPLimit: models.LockoutOff}}
	app, err := New(db, sessions, cfg, slog.New(slog.NewTextHandler(s.logs, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	s.db, s.app, s.handler, s.sessions = db, app, app.Echo(), map[string]string{}
}

// reset starts again on a copy of the seeded database.
func (s *fuzzServer) reset(tb testing.TB) {
	if s.db != nil {
		models.Close(s.db)
	}
	raw, err := os.ReadFile(s.template)
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(s.dir, "work.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		tb.Fatal(err)
	}
	db, err := models.Open("sqlite:" + path)
	if err != nil {
		tb.Fatal(err)
	}
	s.start(tb, db)
	s.dirty = false
}

// call posts params and returns the json document.
func (s *fuzzServer) call(tb testing.TB, v url.Values) (doc map[string]any, body []byte) {
	req := httptest.NewRequest(http.MethodPost, "/billmgr", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	body = rec.Body.Bytes()
	var top map[string]any
	if err := json.Unmarshal(body, &top); err != nil {
		tb.Fatalf("answer is no json (%v): %q", err, body)
	}
	doc, _ = top["doc"].(map[string]any)
	return doc, body
}

func (s *fuzzServer) mustCall(tb testing.TB, query string) map[string]any {
	v, err := url.ParseQuery(query + "&out=json")
	if err != nil {
		tb.Fatal(err)
	}
	doc, body := s.call(tb, v)
	if _, bad := doc["error"]; bad {
		tb.Fatalf("%s: %s", query, body)
	}
	return doc
}

// session returns a live session of login, opening one when needed.
func (s *fuzzServer) session(tb testing.TB, login string) string {
	if sid := s.sessions[login]; sid != "" {
		var n int64
		if err := s.db.Table("sessions").Where("id = ? AND expiry > ?", models.Digest(sid), models.Now()).Count(&n).Error; err != nil {
			tb.Fatal(err)
		}
		if n == 1 {
			return sid
		}
	}
	doc := s.mustCall(tb, "func=auth&username="+login+"&password="+url.QueryEscape(Password))
	sid, _ := doc["auth"].(map[string]any)["$"].(string)
	s.sessions[login] = sid
	return sid
}

// digest sums the rows of each table of fuzzTables.
func (s *fuzzServer) digest(tb testing.TB) map[string]string {
	out := map[string]string{}
	for _, table := range fuzzTables {
		out[table] = queryDigest(tb, s.db, "SELECT * FROM "+table+" ORDER BY 1, 2")
	}
	return out
}

// fuzzNames are the parameter names the handlers read, and fuzzValues values that
// mean something to them. In the fuzzer's input a name of one byte stands for one of
// fuzzNames, and a value # followed by one byte for one of fuzzValues, so that
// mutation reaches them all.
var (
	fuzzNames = []string{"elid", "plid", "sok", "name", "realname", "position", "email", "phone", "mobile",
		"passwd", "confirm", "default_access_allow", "all_ip_access", "ip_access", "department", "description",
		"show_in_support", "default_responsible", "force", "username", "key", "password", "reason", "lp", "su",
		"subject", "message", "note_message", "status", "client_department", "set_responsible",
		"set_responsible_default", "param_name", "param_value", "signature", "notify_new_ticket",
		"notify_channel", "max_open_tickets", "type", "filter", "reset", "clicked_button", "p_cnt", "p_num",
		"p_col", "sort", "startidx", "pagesize", "account", "funcname", "result", "date_from", "date_to",
		"responsible", "client", "level", "ip", "session", "access", "object", "source", "caption"}
	fuzzValues = []string{"", "1", "2", "3", "4", "5", "6", "999999", "1, 2", "2,3", "on", "off", "ok", "*",
		"n*", "*o*", "d_1", "d_2", "e_2", "e_3", "2_1", "none", "root", "narrow", "other", "boss", "client",
		"-1", "0", "9223372036854775808", "new", "in_progress", "closed", "mobile", "phone", "email", "sms",
		"2024-01-01", "1/employee", "2/ticket", "2/employee.edit", "employee.su", "user", "reset", "+name",
		"-id", "192.0.2.0/24", "127.0.0.1", "Test-pass1", "0123456789abcdef", strings.Repeat("x", 3000)}
)

// fuzzParams reads the fuzzer's parameters: name=value pairs separated by &, taken
// as raw bytes, so that any byte reaches the server.
func fuzzParams(raw string) url.Values {
	v := url.Values{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		if len(name) == 1 {
			name = fuzzNames[int(name[0])%len(fuzzNames)]
		}
		if len(value) == 2 && value[0] == '#' {
			value = fuzzValues[int(value[1])%len(fuzzValues)]
		}
		v[name] = append(v[name], value)
	}
	return v
}

// FuzzDispatch calls every func of the func table with fuzzed parameters, as root,
// as an employee with a few rights, as a client and as a guest, on a database with a
// few accounts, departments and tickets: no call panics or ends in an internal
// error, and a refused call changes nothing.
func FuzzDispatch(f *testing.F) {
	s := newFuzzServer(f)
	for _, fn := range s.app.ordered {
		for who := range fuzzAccounts {
			f.Add(fn.Name, uint8(who), false, "elid=1&plid=1")
			f.Add(fn.Name, uint8(who), true, "elid=3&plid=3&name=x&message=hi")
		}
	}
	for _, seed := range []struct {
		name   string
		sok    bool
		params string
	}{
		{"employee.edit", true, "name=newbie&passwd=Test-pass1&confirm=Test-pass1&department=1,+2&ip_access=192.0.2.1&all_ip_access=off"},
		{"employee.edit", true, "elid=3&department=1&realname=a\x00b"},
		{"employee.edit", true, "elid=1&passwd=\xff"},
		{"department.edit", true, "elid=2&name=Sales&description=\xc3\x28"},
		{"department.delete", true, "elid=1,+2,+x&force=on"},
		{"employee.department.resume", true, "plid=3&elid=2"},
		{"rights2.group.resume", true, "plid=2&elid=employee.su,+user"},
		{"rights2.user.resume", true, "plid=3/employee&elid=employee.delete"},
		{"support_tool_responsible", true, "elid=1&set_responsible=e_4"},
		{"support_tool_responsible", true, "plid=1&set_responsible=d_2"},
		{"ticket.edit", true, "elid=2&note_message=n&status=closed"},
		{"clientticket.edit", true, "elid=1&message=More"},
		{"employee.support_tool_settings", true, "elid=3&param_name=max_open_tickets&param_value=99999999999"},
		{"employee.sms", true, "elid=4&message=hi&type=mobile"},
		{"employee.su", false, "elid=4&reason=\x00"},
		{"session.newkey", false, "username=other&key=0123456789abcdef0"},
		{"employee", false, "p_cnt=5&p_col=-name&name=*a*&status=enabled&session=onsite"},
		{"employee", false, "p_cnt=7&p_col=bogus"},
		{"journal", false, "date_from=2024-02-30&p_num=1073741824"},
		{"ticket_all", false, "filter=on&responsible=d_1&status=new&department=Support"},
		{"employee.filter", true, "name=\xff*"},
		{"auth", false, "username=root&password=x"},
		{"auth", false, "username=\x00&key=k"},
		{"whoami", false, "su=client"},
		{"whoami", false, "su=\xfe"},
		{"chlevel", false, "lp=1"},
		{"employee.edit", true, "\x00=#\x02&\x0e=#\x08&\x09=#\x30"},
		{"support_tool_responsible", true, "\x00=#\x01&\x1e=#\x12"},
	} {
		f.Add(seed.name, uint8(0), seed.sok, seed.params)
	}
	funcs := s.app.ordered
	f.Fuzz(func(t *testing.T, name string, who uint8, sok bool, raw string) {
		if s.dirty {
			s.reset(t)
		}
		fn := s.app.funcs[name]
		if fn == nil {
			h := fnv.New32a()
			io.WriteString(h, name)
			fn = funcs[int(h.Sum32()%uint32(len(funcs)))]
		}
		v := fuzzParams(raw)
		v.Set("func", fn.Name)
		v.Set("out", "json")
		if sok {
			v.Set("sok", "ok")
		}
		switch login := fuzzAccounts[int(who)%len(fuzzAccounts)]; login {
		case "root", "narrow":
			v.Set("auth", s.session(t, login))
		case "client":
			v.Set("authinfo", "client:"+Password)
		}
		s.logs.Reset()
		doc, body := s.call(t, v)
		e, refused := doc["error"].(map[string]any)
		if refused && e["$type"] == string(errs.Internal) {
			t.Fatalf("internal error for %q: %s\nserver log:\n%s", v.Encode(), body, s.logs)
		}
		after := s.digest(t)
		var changed []string
		for _, table := range fuzzTables {
			if after[table] != s.seeded[table] {
				changed = append(changed, table)
			}
		}
		sort.Strings(changed)
		s.dirty = len(changed) > 0
		if refused && len(changed) > 0 {
			t.Fatalf("refused call %q changed %s: %s", v.Encode(), strings.Join(changed, ", "), body)
		}
	})
}
