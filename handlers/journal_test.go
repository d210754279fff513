package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"staffmgr/models/errs"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/rights"
)

// rootAuth authenticates a test request as root.
const rootAuth = "&authinfo=root:" + Password

// journalRows returns every journal row, oldest first.
func (e *env) journalRows() []models.JournalEntry {
	e.t.Helper()
	var rows []models.JournalEntry
	if err := e.db.Order("id").Find(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// oneJournalRow fails unless the journal holds exactly one row, and returns it.
func (e *env) oneJournalRow() models.JournalEntry {
	e.t.Helper()
	rows := e.journalRows()
	if len(rows) != 1 {
		e.t.Fatalf("want one journal row, got %d: %+v", len(rows), rows)
	}
	return rows[0]
}

// addFunc adds a func to this env's table only, as a test needs it.
func (e *env) addFunc(f *Func) {
	e.t.Helper()
	if err := checkFunc(f); err != nil {
		e.t.Fatal(err)
	}
	e.app.funcs[f.Name] = f
}

// saveOnly is a form with nothing to show and no declared input whose save is h.
func saveOnly(h func(c *Ctx) (render.Result, error)) *Form {
	return &Form{
		Show: func(*Ctx) (render.Result, error) { return &render.Form{}, nil },
		Save: func(c *Ctx, _ *form.Input) (render.Result, error) { return h(c) },
	}
}

func countDepartments(t *testing.T, e *env, name string) int64 {
	t.Helper()
	var n int64
	if err := e.db.Table("departments").Where("name = ?", name).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestJournalSaveWritesOneRow(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.get("func=department.edit&sok=ok&name=Billing&description=Invoices" + rootAuth).ok()
		id := r.text("id")
		row := e.oneJournalRow()
		if row.Func != "department.edit" || row.Result != models.JournalOK || row.AccountLogin != "root" ||
			row.AccountID == nil || row.RealLogin != "" || row.RealAccountID != nil || row.Error != "" {
			t.Fatalf("row %+v", row)
		}
		if row.Elid != id || id == "" {
			t.Errorf("a create records the new element: elid %q, id %q", row.Elid, id)
		}
		if row.IP != "127.0.0.1" {
			t.Errorf("ip %q", row.IP)
		}
		if row.Params != `{"description":"Invoices","name":"Billing"}` {
			t.Errorf("params %s", row.Params)
		}

		e.get("func=department.edit&sok=ok&elid=" + id + "&name=Billing+2" + rootAuth).ok()
		rows := e.journalRows()
		if len(rows) != 2 || rows[1].Elid != id || rows[1].Result != models.JournalOK {
			t.Fatalf("an edit adds one row with its elid: %+v", rows)
		}
	})
}

// TestJournalSameTransaction proves that the row and the change commit together: a
// Save that fails after its change keeps neither, and a journal row that cannot be
// written undoes the change it records.
func TestJournalSameTransaction(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		createThen := func(name string, after func(c *Ctx) error) *Form {
			return saveOnly(func(c *Ctx) (render.Result, error) {
				if err := models.SaveDepartment(c, c.DB, &models.Department{Name: name}); err != nil {
					return nil, err
				}
				return &render.OK{}, after(c)
			})
		}
		e.addFunc(&Func{Name: "test.fail", Caption: "Fails after its change", Level: rights.Admin,
			Shape: createThen("Doomed", func(*Ctx) error {
				return errs.Invalid("name", "Doomed", "Refused after the change")
			})})
		e.get("func=test.fail&sok=ok"+rootAuth).fails("value", "name")
		if n := countDepartments(t, e, "Doomed"); n != 0 {
			t.Fatalf("the failed Save's change was kept")
		}
		row := e.oneJournalRow()
		if row.Result != "value" || row.ErrorObject != "name" || row.ErrorValue != "Doomed" ||
			row.Error != "Refused after the change" || row.Func != "test.fail" {
			t.Fatalf("error row %+v", row)
		}

		// The Save drops the journal inside its transaction, so its row cannot be
		// written: the change goes with it, and the drop too.
		e.addFunc(&Func{Name: "test.nojournal", Caption: "Loses its journal", Level: rights.Admin,
			Shape: createThen("Unrecorded", func(c *Ctx) error {
				return c.DB.Exec("DROP TABLE journal").Error
			})})
		r := e.get("func=test.nojournal&sok=ok"+rootAuth).fails("xml", "internal")
		if n := countDepartments(t, e, "Unrecorded"); n != 0 {
			t.Fatalf("a change whose journal row failed was kept")
		}
		rows := e.journalRows()
		if len(rows) != 2 || rows[1].Result != "xml" || rows[1].ErrorObject != "internal" ||
			rows[1].ErrorValue != r.errValue() || !strings.Contains(rows[1].Error, r.errValue()) {
			t.Fatalf("the failure is journaled as internal with the request id %q: %+v", r.errValue(), rows)
		}
	})
}

func TestJournalInternalErrors(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.addFunc(&Func{Name: "test.broken", Caption: "Breaks", Level: rights.Admin,
			Shape: saveOnly(func(c *Ctx) (render.Result, error) {
				return nil, errors.New("connection to 10.0.0.5 refused")
			})})
		e.addFunc(&Func{Name: "test.panic", Caption: "Panics", Level: rights.Admin,
			Shape: &Group{Each: func(c *Ctx, elid string) error {
				if err := models.SaveDepartment(c, c.DB, &models.Department{Name: "Panicked"}); err != nil {
					return err
				}
				panic("secret detail")
			}}})
		e.get("func=test.broken&sok=ok"+rootAuth).fails("xml", "internal")
		e.get("func=test.panic&sok=ok&elid=1"+rootAuth).fails("xml", "internal")
		if n := countDepartments(t, e, "Panicked"); n != 0 {
			t.Fatalf("a panicking change was kept")
		}
		rows := e.journalRows()
		if len(rows) != 2 {
			t.Fatalf("want two rows, got %+v", rows)
		}
		for _, row := range rows {
			if row.Result != "xml" || row.ErrorObject != "internal" || row.ErrorValue == "" {
				t.Errorf("row %+v", row)
			}
			if strings.Contains(row.Error, "10.0.0.5") || strings.Contains(row.Error, "secret") {
				t.Errorf("an internal error's details leak into the journal: %q", row.Error)
			}
		}
		if !strings.Contains(e.logs.String(), "10.0.0.5") || !strings.Contains(e.logs.String(), "secret detail") {
			t.Errorf("the details belong in the server log")
		}
	})
}

func TestJournalGroupOperation(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := MustCreateAccount(t, e.db, "anna", rights.Admin)
		b := MustCreateAccount(t, e.db, "boris", rights.Admin)
		elids := fmt.Sprintf("%d, %d", a.ID, b.ID)
		e.get("func=employee.suspend&sok=ok&elid=" + url.QueryEscape(elids) + rootAuth).ok()
		row := e.oneJournalRow()
		if row.Func != "employee.suspend" || row.Elid != elids || row.Result != models.JournalOK || row.Params != "" {
			t.Fatalf("group row %+v", row)
		}

		// A failing group operation changes nothing and names the failing element.
		e.get(fmt.Sprintf("func=employee.resume&sok=ok&elid=%d,999%s", a.ID, rootAuth)).fails("missed", "")
		var enabled bool
		if err := e.db.Table("accounts").Select("enabled").Where("id = ?", a.ID).Scan(&enabled).Error; err != nil || enabled {
			t.Fatalf("a failed group operation changed an element (enabled %v, %v)", enabled, err)
		}
		rows := e.journalRows()
		if len(rows) != 2 {
			t.Fatalf("want two rows, got %+v", rows)
		}
		if r := rows[1]; r.Elid != fmt.Sprintf("%d, 999", a.ID) || r.Result != "missed" || r.ErrorValue != "999" {
			t.Fatalf("failed group row %+v", r)
		}
	})
}

func TestJournalNeverHoldsSecrets(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		const secretPass = "Very-secret-42"
		key := "k3y-" + strings.Repeat("z", 20)
		e.post(url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "name": {"ivan"}, "realname": {"Ivan"},
			"passwd": {secretPass}, "confirm": {secretPass}, "authinfo": {"root:" + Password}}).ok()
		e.get("func=session.newkey&username=ivan&key=" + key + rootAuth).ok()
		// A refused password: the error row keeps no value either.
		e.post(url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "name": {"petr"},
			"passwd": {"short"}, "confirm": {"short"}, "authinfo": {"root:" + Password}}).fails("value", "passwd")
		sid := e.login("root")
		e.get("func=department.edit&sok=ok&name=Ops&auth=" + sid).ok()

		rows := e.journalRows()
		if len(rows) != 4 {
			t.Fatalf("want four rows, got %+v", rows)
		}
		if rows[0].Params != `{"name":"ivan","realname":"Ivan"}` || rows[1].Params != `{"username":"ivan"}` {
			t.Errorf("params %s / %s", rows[0].Params, rows[1].Params)
		}
		for _, row := range rows {
			text := fmt.Sprintf("%+v", row)
			for _, s := range []string{secretPass, key, Password, "short", sid} {
				if strings.Contains(text, s) {
					t.Errorf("journal row holds %q: %s", s, text)
				}
			}
			for _, name := range []string{"passwd", "confirm", "authinfo", "auth", "key"} {
				if strings.Contains(row.Params, `"`+name+`"`) {
					t.Errorf("journal params name %s: %s", name, row.Params)
				}
			}
		}
		body := string(e.get("func=journal&out=xml" + rootAuth).body)
		if !strings.Contains(body, "<elem>") {
			t.Fatalf("the journal list is empty: %s", body)
		}
		for _, s := range []string{secretPass, key, sid} {
			if strings.Contains(body, s) {
				t.Errorf("the journal list shows %q", s)
			}
		}
	})
}

func TestJournalIgnoresReads(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "anna", rights.Admin)
		sid := e.login("root")
		for _, q := range []string{
			"func=employee.edit&elid=1", "func=employee.edit", "func=department.edit",
			"func=employee.suspend&elid=2", "func=session.delete&elid=x",
			"func=employee", "func=session", "func=department", "func=journal", "func=journal.filter",
			"func=whoami", "func=keepalive", "func=employee&filter=on&name=a*",
		} {
			e.get(q + "&auth=" + sid).ok()
		}
		if rows := e.journalRows(); len(rows) != 0 {
			t.Fatalf("reads were journaled: %+v", rows)
		}
	})
}

func TestJournalRecordsBothAccountsOfAnSu(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "anna", rights.Admin)
		e.get("func=department.edit&sok=ok&name=Ops&su=anna" + rootAuth).ok()
		row := e.oneJournalRow()
		if row.AccountLogin != "anna" || row.RealLogin != "root" || row.RealAccountID == nil {
			t.Fatalf("su row %+v", row)
		}
		got := e.get("func=journal" + rootAuth).rows()
		if len(got) != 1 || got[0]["account"] != "anna" || got[0]["real_account"] != "root" {
			t.Fatalf("list %v", got)
		}
	})
}

// writeJournal stores a journal row as of a given time.
func writeJournal(t *testing.T, e *env, at time.Time, login, fn, result string) {
	t.Helper()
	entry := &models.JournalEntry{CreatedAt: at, AccountLogin: login, Func: fn, Result: result}
	if err := models.WriteJournal(context.Background(), e.db, entry); err != nil {
		t.Fatal(err)
	}
}

func TestJournalList(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		day := func(d, h, m int) time.Time { return time.Date(2024, 3, d, h, m, 0, 0, time.Local) }
		writeJournal(t, e, day(1, 12, 0), "anna", "employee.edit", "ok")   // 1
		writeJournal(t, e, day(2, 0, 0), "boris", "department.edit", "ok") // 2
		writeJournal(t, e, day(2, 23, 59), "Anna", "employee.delete", "value")
		writeJournal(t, e, day(3, 0, 0), "root", "employee.edit", "ok")  // 4
		writeJournal(t, e, day(3, 0, 0), "root", "session.delete", "ok") // 5: the same time as 4

		ids := func(q string) string {
			t.Helper()
			return strings.Join(e.get("func=journal&p_cnt=30"+q+rootAuth).column("id"), ",")
		}
		if got := ids(""); got != "5,4,3,2,1" {
			t.Errorf("newest first, id breaking ties: %s", got)
		}
		if got := ids("&p_col=%2Bid"); got != "1,2,3,4,5" {
			t.Errorf("sorted by id: %s", got)
		}
		rows := e.get("func=journal&p_cnt=1&p_num=5" + rootAuth).rows()
		if len(rows) != 1 || rows[0]["time"] != "2024-03-01 12:00:00" || rows[0]["account"] != "anna" ||
			rows[0]["func"] != "employee.edit" || rows[0]["result"] != "ok" {
			t.Errorf("row %v", rows)
		}

		for q, want := range map[string]string{
			"&account=anna":                                       "3,1",
			"&account=bo*":                                        "2",
			"&funcname=employee.*":                                "4,3,1",
			"&funcname=*delete":                                   "5,3",
			"&result=value":                                       "3",
			"&date_from=2024-03-02":                               "5,4,3,2",
			"&date_to=2024-03-02":                                 "3,2,1",
			"&date_from=2024-03-02&date_to=2024-03-02":            "3,2",
			"&date_from=2024-03-03&account=root":                  "5,4",
			"&date_from=2024-03-04":                               "",
			"&date_from=2024-03-02&funcname=employee.*&filter=on": "4,3",
		} {
			if got := ids(q); got != want {
				t.Errorf("%s: got %q, want %q", q, got, want)
			}
		}

		for _, bad := range []string{"date_from=2024-13-01", "date_to=yesterday", "date_from=2024-03-02T00:00"} {
			r := e.get("func=journal&" + bad + rootAuth)
			field, value, _ := strings.Cut(bad, "=")
			r.fails("value", field)
			if r.errValue() != value {
				t.Errorf("%s: error value %q", bad, r.errValue())
			}
		}
		e.get("func=journal&result=maybe"+rootAuth).fails("value", "result")

		// A stored filter takes the same dates and refuses bad ones before storing.
		sid := e.login("root")
		e.get("func=journal.filter&sok=ok&date_to=2024-03-01&auth=" + sid).ok()
		if got := strings.Join(e.get("func=journal&auth="+sid).column("id"), ","); got != "1" {
			t.Errorf("stored date filter: %s", got)
		}
		e.get("func=journal.filter&sok=ok&date_to=3/1/2024&auth="+sid).fails("value", "date_to")
		if got := strings.Join(e.get("func=journal&auth="+sid).column("id"), ","); got != "1" {
			t.Errorf("a refused filter replaced the stored one: %s", got)
		}
	})
}

func TestJournalAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "client", rights.User)
		MustCreateAccount(t, e.db, "anna", rights.Admin)
		e.get("func=journal&authinfo=client:"+Password).fails("access", "journal")
		e.get("func=journal.filter&authinfo=client:"+Password).fails("access", "journal.filter")
		e.get("func=journal").fails("access", "")
		e.get("func=journal&authinfo=anna:" + Password).ok()
	})
}

// TestSecretParamsNeverShown: a parameter that may carry a credential, in any
// spelling of its name, is echoed in no output format's tparams, successful or
// failed, and kept in no journal row; the other parameters are.
func TestSecretParamsNeverShown(t *testing.T) {
	secrets := []string{"api_token", "API_TOKEN", "Password", "new_passwd", "confirm", "key", "apikey",
		"csrf_token", "client_secret", "x_auth"}
	for _, name := range secrets {
		if !secret(name) {
			t.Errorf("%s is no secret", name)
		}
	}
	eachEnv(t, func(t *testing.T, e *env) {
		value := func(name string) string { return "hidden-" + strings.ToLower(name) + "-42" }
		for i, out := range []string{"xml", "devel", "json", "sjson", "JSONdata", "text", ""} {
			for _, fail := range []bool{false, true} {
				params := url.Values{"func": {"department.edit"}, "sok": {"ok"}, "name": {fmt.Sprintf("Dept %d", i)},
					"note": {"shown-42"}, "authinfo": {"root:" + Password}}
				if fail {
					params.Set("name", "")
				}
				for _, name := range secrets {
					params.Set(name, value(name))
				}
				if out != "" {
					params.Set("out", out)
				}
				r := e.send(http.MethodPost, "/billmgr", "application/x-www-form-urlencoded",
					strings.NewReader(params.Encode()), nil, "text/html")
				body := string(r.body)
				for _, name := range secrets {
					if strings.Contains(body, value(name)) {
						t.Errorf("out=%q fail=%v: the answer shows %s:\n%s", out, fail, name, body)
					}
				}
				if echoes := out == "xml" || out == "devel" || out == "json" || out == "sjson"; echoes && !strings.Contains(body, "shown-42") {
					t.Errorf("out=%q fail=%v: tparams lack the plain parameter:\n%s", out, fail, body)
				}
			}
		}
		rows := e.journalRows()
		if len(rows) != 14 {
			t.Fatalf("want 14 journal rows, got %d: %+v", len(rows), rows)
		}
		for _, row := range rows {
			text := fmt.Sprintf("%+v", row)
			if !strings.Contains(row.Params, `"note":"shown-42"`) {
				t.Errorf("the row lacks the plain parameter: %s", text)
			}
			for _, name := range secrets {
				if strings.Contains(text, value(name)) || strings.Contains(row.Params, `"`+name+`"`) {
					t.Errorf("the row keeps %s: %s", name, text)
				}
			}
		}
	})
}
