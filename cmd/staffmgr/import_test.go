package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

const importRootPassword = "Import#root&pass1"

// kindOf is the database kind of a test DSN.
func kindOf(dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return models.SQLite
	}
	return models.Postgres
}

// mustCall makes an API call as root and fails the test on an error answer.
func mustCall(t *testing.T, m *Main, params url.Values) map[string]any {
	t.Helper()
	params.Set("authinfo", "root:"+importRootPassword)
	doc := call(t, m, params)
	if errorType(doc) != "" {
		t.Fatalf("%v: %v", params.Get("func"), doc["error"])
	}
	return doc
}

func newID(t *testing.T, m *Main, params url.Values) string {
	t.Helper()
	params.Set("sok", "ok")
	return textOf(mustCall(t, m, params)["id"])
}

// seedStaff fills a server through its API: departments, employees with every
// field, an excluded association, a suspended employee and personal rights.
func seedStaff(t *testing.T, m *Main) {
	t.Helper()
	billing := newID(t, m, url.Values{"func": {"department.edit"}, "name": {"Billing"}, "description": {"Invoices"}, "show_in_support": {"on"}})
	support := newID(t, m, url.Values{"func": {"department.edit"}, "name": {"Support"}})
	newID(t, m, url.Values{"func": {"department.edit"}, "name": {"Empty"}})
	pass := []string{"Staff#pass1"}
	ivan := newID(t, m, url.Values{"func": {"employee.edit"}, "name": {"ivan"}, "realname": {"Ivan Petrov"},
		"position": {"Accountant"}, "email": {"ivan@example.com"}, "phone": {"+7 495 123-45-67"}, "mobile": {"8 (916) 123-45-67"},
		"department": {billing + "," + support}, "passwd": pass, "confirm": pass})
	mustCall(t, m, url.Values{"func": {"employee.department.suspend"}, "sok": {"ok"}, "plid": {ivan}, "elid": {support}})
	mustCall(t, m, url.Values{"func": {"rights2.user.resume"}, "sok": {"ok"}, "plid": {ivan}, "elid": {"ticket"}})
	mustCall(t, m, url.Values{"func": {"rights2.user.suspend"}, "sok": {"ok"}, "plid": {ivan}, "elid": {"department"}})
	newID(t, m, url.Values{"func": {"employee.edit"}, "name": {"anna"}, "default_access_allow": {"on"},
		"all_ip_access": {"off"}, "ip_access": {"192.0.2.0/24, 2001:db8::1"}, "department": {support}, "passwd": pass, "confirm": pass})
	olga := newID(t, m, url.Values{"func": {"employee.edit"}, "name": {"olga"}, "passwd": pass, "confirm": pass})
	mustCall(t, m, url.Values{"func": {"employee.suspend"}, "sok": {"ok"}, "elid": {olga}})
}

// runImport runs staffmgr with args and the source's authinfo in the environment.
func runImport(t *testing.T, authinfo string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{"STAFFMGR_IMPORT_AUTHINFO": authinfo, "STAFFMGR_ARGON2": "m=1024,t=1,p=1"}
	var out, errOut bytes.Buffer
	code = run(args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// readStaff reads a server's staff as the import does, root left out.
func readStaff(t *testing.T, m *Main) *staffSet {
	t.Helper()
	b := &billmanager{url: "http://" + m.Addr() + "/billmgr", authinfo: "root:" + importRootPassword, client: http.DefaultClient}
	set, err := readBillmanager(context.Background(), b, newProgress(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	var emps []importEmployee
	for _, e := range set.Employees {
		if e.Card.Login != models.RootLogin {
			emps = append(emps, e)
		}
	}
	set.Employees = emps
	return set
}

func TestImportBillmanager(t *testing.T) {
	t.Parallel()
	dbtest.EachDSN(t, func(t *testing.T, dsn string) {
		source, _ := startMain(t, dsn, importRootPassword)
		seedStaff(t, source)
		target := dbtest.NewDSN(t, kindOf(dsn))
		sourceURL := "http://" + source.Addr() + "/billmgr"
		keys := filepath.Join(t.TempDir(), "keys.txt")

		code, out, errOut := runImport(t, "root:"+importRootPassword, "import", "--dry-run", "-db", target, "billmanager", sourceURL)
		if code != 0 || !strings.Contains(out, "dry run") || !strings.Contains(out, "would create 3 departments") {
			t.Fatalf("dry run: %d %s %s", code, out, errOut)
		}
		code, out, errOut = runImport(t, "root:"+importRootPassword, "import", "-db", target, "billmanager", "--keys", keys, sourceURL)
		if code != 0 || !strings.Contains(out, "created 3 departments (2 here already) and 3 employees") || !strings.Contains(out, keys) ||
			!strings.Contains(out, "good for 7 days") {
			t.Fatalf("import: %d %s %s", code, out, errOut)
		}
		info, err := os.Stat(keys)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("keys file mode %v", info.Mode().Perm())
		}
		raw, err := os.ReadFile(keys)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) != 2 { // ivan and anna; olga is suspended
			t.Fatalf("keys: %q", raw)
		}

		code, out, errOut = runImport(t, "root:"+importRootPassword, "import", "-db", target, "billmanager", "--keys", keys+".2", sourceURL)
		if code != 0 || !strings.Contains(out, "nothing to import: the 5 departments and 3 employees are all here already") {
			t.Fatalf("second run: %d %s %s", code, out, errOut)
		}
		if _, err := os.Stat(keys + ".2"); !os.IsNotExist(err) {
			t.Errorf("the second run wrote keys: %v", err)
		}

		copied, _ := startMain(t, target, importRootPassword)
		want, got := readStaff(t, source), readStaff(t, copied)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("the copy differs:\nsource %+v\ncopy   %+v", want, got)
		}
		ivan := got.Employees[0]
		if ivan.Card.Phone != "+74951234567" || !ivan.Departments["Billing"] || ivan.Departments["Support"] ||
			!ivan.Rights["ticket"] || ivan.Rights["department"] {
			t.Errorf("ivan: %+v", ivan)
		}
		login, key, _ := strings.Cut(lines[0], " ")
		doc := call(t, copied, url.Values{"func": {"auth"}, "username": {login}, "key": {key}})
		if _, ok := doc["auth"]; !ok {
			t.Errorf("the key of %s does not log in: %v", login, doc)
		}
	})
}

func TestImportBillmanagerRefuses(t *testing.T) {
	t.Parallel()
	dbtest.EachDSN(t, func(t *testing.T, dsn string) {
		source, _ := startMain(t, dsn, importRootPassword)
		seedStaff(t, source)
		for name, c := range map[string]struct {
			url, authinfo, want string
		}{
			"bad password": {"http://" + source.Addr() + "/billmgr", "root:wrong", `an error of type "auth"`},
			"no address":   {"billing.example.com", "root:x", "no http:// or https:// address"},
			"not json":     {fake(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>login</html>")) }), "root:x", "not a JSON document"},
			"unknown flag": {fake(t, fakeBillmanager(map[string]string{"employee.edit": `{"doc":{"name":{"$":"ivan"},"all_ip_access":{"$":"maybe"}}}`})), "root:x", `all_ip_access is "maybe"`},
			"unknown right": {fake(t, fakeBillmanager(map[string]string{"rights2.user": `{"doc":{"elem":[{"name":{"$":"vhost.edit"},"access":{"$":"on"},"source":{"$":"personal"}}]}}`})),
				"root:x", `no right "vhost.edit"`},
			"unknown status": {fake(t, fakeBillmanager(map[string]string{"employee.department": `{"doc":{"elem":[{"id":{"$":"1"},"status":{"$":"half"}}]}}`})),
				"root:x", `status "half"`},
		} {
			t.Run(name, func(t *testing.T) {
				target := dbtest.NewDSN(t, kindOf(dsn))
				code, out, errOut := runImport(t, c.authinfo, "import", "-db", target, "billmanager", c.url)
				if code != 1 || !strings.Contains(errOut, c.want) {
					t.Fatalf("%d %s %s", code, out, errOut)
				}
				if _, err := os.Stat(strings.TrimPrefix(target, "sqlite:")); kindOf(target) == models.SQLite && !os.IsNotExist(err) {
					t.Errorf("the database was touched: %v", err)
				}
			})
		}
	})
}

// fake is an HTTP server of h, closed when the test ends.
func fake(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

// fakeBillmanager answers a small staff of one department and one employee, with
// the answers of over in place of its own.
func fakeBillmanager(over map[string]string) http.HandlerFunc {
	answers := map[string]string{
		"whoami":              `{"doc":{"user":{"$level":"31","$":"root"}}}`,
		"department":          `{"doc":{"elem":[{"id":{"$":"1"},"name":{"$":"Billing"}}]}}`,
		"department.edit":     `{"doc":{"name":{"$":"Billing"},"show_in_support":{"$":"off"}}}`,
		"employee":            `{"doc":{"elem":[{"id":{"$":"2"},"name":{"$":"ivan"},"enabled":{}}]}}`,
		"employee.edit":       `{"doc":{"name":{"$":"ivan"},"all_ip_access":{"$":"on"},"default_access_allow":{"$":"off"}}}`,
		"employee.department": `{"doc":{"elem":[{"id":{"$":"1"},"status":{"$":"on"}}]}}`,
		"rights2.user":        `{"doc":{}}`,
	}
	for k, v := range over {
		answers[k] = v
	}
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(answers[r.Form.Get("func")]))
	}
}

func TestExportImportCSV(t *testing.T) {
	t.Parallel()
	dbtest.EachDSN(t, func(t *testing.T, dsn string) {
		source, _ := startMain(t, dsn, importRootPassword)
		seedStaff(t, source)
		source.Close()
		file := filepath.Join(t.TempDir(), "staff.csv")
		if code, out, errOut := runImport(t, "", "export", "-db", dsn, file); code != 0 {
			t.Fatalf("export: %d %s %s", code, out, errOut)
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(raw), strings.Join(csvHeader, ",")+"\n") ||
			!strings.Contains(string(raw), "employee,ivan,,,Ivan Petrov,Accountant,ivan@example.com,+74951234567,89161234567,Billing,off,on,,on\n") {
			t.Errorf("export:\n%s", raw)
		}

		target := dbtest.NewDSN(t, kindOf(dsn))
		code, out, errOut := runImport(t, "", "import", "-db", target, "csv", "--no-keys", file)
		if code != 0 || !strings.Contains(out, "created 3 departments (2 here already) and 3 employees") || !strings.Contains(out, "staffmgr passwd") {
			t.Fatalf("import: %d %s %s", code, out, errOut)
		}
		code, out, errOut = runImport(t, "", "import", "-db", target, "csv", "--no-keys", file)
		if code != 0 || !strings.Contains(out, "nothing to import") {
			t.Fatalf("second import: %d %s %s", code, out, errOut)
		}
		var again bytes.Buffer
		if code := run([]string{"export", "-db", target}, func(string) string { return "" }, strings.NewReader(""), &again, &bytes.Buffer{}); code != 0 {
			t.Fatal("export of the copy failed")
		}
		var want []string
		for _, line := range strings.SplitAfter(string(raw), "\n") {
			if !strings.HasPrefix(line, "employee,root,") {
				want = append(want, line)
			}
		}
		if again.String() != strings.Join(want, "") {
			t.Errorf("the copy's export differs:\n%s\nfrom\n%s", again.String(), raw)
		}

		// A row the checks refuse changes nothing, the departments before it included.
		bad := filepath.Join(t.TempDir(), "bad.csv")
		os.WriteFile(bad, []byte("object,name,email\ndepartment,Sales,\nemployee,petr,not-an-address\n"), 0o600)
		code, out, errOut = runImport(t, "", "import", "-db", target, "csv", bad)
		if code != 1 || !strings.Contains(errOut, `employee "petr"`) || !strings.Contains(errOut, "nothing was changed") {
			t.Fatalf("bad file: %d %s %s", code, out, errOut)
		}
		db, err := models.Open(target)
		if err != nil {
			t.Fatal(err)
		}
		defer models.Close(db)
		if n := dbtest.MustCount(t, db.Model(&models.Department{}).Where("name = ?", "Sales")); n != 0 {
			t.Errorf("Sales was created")
		}
		var rows []models.JournalEntry
		if err := db.Where("func = ?", "import").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || !strings.Contains(rows[0].Params, `"source":"csv `+file+`"`) || !strings.Contains(rows[0].Params, `"employees":"3"`) {
			t.Errorf("journal rows of the imports: %+v", rows)
		}
	})
}

func TestProgressLines(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b)
	p.Start("write", 2500)
	for range 2500 {
		p.Add(1)
	}
	p.Finish()
	if want := "write: 1000 of 2500 records\nwrite: 2000 of 2500 records\n"; b.String() != want {
		t.Errorf("%q, want %q", b.String(), want)
	}
}

func TestImportAuthinfo(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	source := fake(t, func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		got = append(got, r.Form.Get("authinfo"))
		mu.Unlock()
		fakeBillmanager(nil)(w, r)
	})
	target := dbtest.NewDSN(t, models.SQLite)
	noEnv := func(string) string { return "" }
	var out, errOut bytes.Buffer
	if code := run([]string{"import", "-db", target, "billmanager", "--dry-run", source}, noEnv,
		strings.NewReader("admin:se cret:1\n"), &out, &errOut); code != 0 {
		t.Fatalf("%d %s %s", code, &out, &errOut)
	}
	mu.Lock()
	for _, a := range got {
		if a != "admin:se cret:1" {
			t.Errorf("authinfo %q", a)
		}
	}
	mu.Unlock()
	if !strings.Contains(out.String(), "would create 1 department (0 here already) and 1 employee") {
		t.Errorf("%s", &out)
	}
	errOut.Reset()
	if code := run([]string{"import", "-db", target, "billmanager", source}, noEnv, strings.NewReader(""), &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "STAFFMGR_IMPORT_AUTHINFO") {
		t.Errorf("without authinfo: %d %s", code, &errOut)
	}
}

func TestImportCSVRefuses(t *testing.T) {
	t.Parallel()
	target := dbtest.NewDSN(t, models.SQLite)
	for name, c := range map[string]struct{ file, want string }{
		"twice":          {"object,name\nemployee,ivan\nemployee,ivan\n", `the employee "ivan" is named twice`},
		"no such column": {"object,name,password\n", `the header names "password"`},
		"unknown object": {"object,name\nclient,acme\n", `line 2: object is "client"`},
		"flag":           {"object,name,enabled\nemployee,ivan,yes\n", `line 2: enabled is "yes"`},
		"department":     {"object,name,department\nemployee,ivan,Sales\n", `department "Sales" is neither imported nor in staffmgr`},
	} {
		file := filepath.Join(t.TempDir(), "staff.csv")
		if err := os.WriteFile(file, []byte(c.file), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runImport(t, "", "import", "-db", target, "csv", file)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: %d %s %s", name, code, out, errOut)
		}
	}
}

func TestSplitImportFlags(t *testing.T) {
	rest, own := splitImportFlags([]string{"--dry-run", "-db", "x.db", "csv", "--keys", "k.txt", "--key-lifetime=1h", "f.csv", "-no-keys"})
	if !reflect.DeepEqual(rest, []string{"-db", "x.db", "csv", "f.csv"}) ||
		!reflect.DeepEqual(own, []string{"--dry-run", "--keys", "k.txt", "--key-lifetime=1h", "-no-keys"}) {
		t.Errorf("rest %q, own %q", rest, own)
	}
}

func TestBillmanagerListPages(t *testing.T) {
	t.Parallel()
	source := fake(t, func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("p_cnt") != "1000" {
			t.Errorf("p_cnt %q", r.Form.Get("p_cnt"))
		}
		page, _ := strconv.Atoi(r.Form.Get("p_num"))
		n := map[int]int{1: 1000, 2: 500}[page]
		var rows []string
		for i := range n {
			rows = append(rows, fmt.Sprintf(`{"id":{"$":"%d"},"enabled":{}}`, (page-1)*1000+i+1))
		}
		fmt.Fprintf(w, `{"doc":{"elem":[%s]}}`, strings.Join(rows, ","))
	})
	b := &billmanager{url: source, authinfo: "root:x", client: http.DefaultClient}
	rows, err := b.list(context.Background(), "employee", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1500 || rows[1499]["id"] != "1500" || rows[0]["enabled"] != "on" {
		t.Errorf("%d rows, last %v", len(rows), rows[len(rows)-1])
	}
}
