package handlers

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// smsGatewayStub is a real HTTP gateway on the loopback: it keeps what it is sent
// and answers with status and body.
type smsGatewayStub struct {
	*httptest.Server
	mu       sync.Mutex
	received []map[string]string
	status   int
	body     string
	block    bool          // never answer: the client times out
	arrived  chan struct{} // a blocked request arrived
	release  chan struct{} // a blocked request answers 503
}

// eachSMSEnv runs fn on both databases, each with an SMS gateway of its own at
// path on a new stub, and the send timeout given (0: the default).
func eachSMSEnv(t *testing.T, path string, timeout time.Duration, fn func(t *testing.T, e *env, gw *smsGatewayStub)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		gw := newSMSGatewayStub(t)
		e := newEnvConfig(t, db, func(c *Config) { c.SMSGateway, c.smsTimeout = gw.URL+path, timeout })
		fn(t, e, gw)
	})
}

func newSMSGatewayStub(t *testing.T) *smsGatewayStub {
	g := &smsGatewayStub{status: http.StatusOK, body: `{"id":"m-1"}`, arrived: make(chan struct{}, 100), release: make(chan struct{}, 100)}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg map[string]string
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
			json.NewDecoder(r.Body).Decode(&msg) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		g.received = append(g.received, msg)
		status, body, block := g.status, g.body, g.block
		g.mu.Unlock()
		if block {
			g.arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-g.release:
				http.Error(w, "released", http.StatusServiceUnavailable)
			}
			return
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *smsGatewayStub) answer(status int, body string, block bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.status, g.body, g.block = status, body, block
}

// got returns what the gateway has been sent so far.
func (g *smsGatewayStub) got() []map[string]string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]map[string]string(nil), g.received...)
}

// smsRecords returns the stored attempts to text an employee, oldest first.
func smsRecords(t *testing.T, e *env, employee int64) []models.SMSMessage {
	t.Helper()
	var out []models.SMSMessage
	if err := e.db.Where("employee_id = ?", employee).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// journalResults returns the results of the journal rows of a func, oldest first.
func journalResults(t *testing.T, e *env, fn string) []string {
	t.Helper()
	var out []string
	if err := models.Journal(context.Background(), e.db).Where("func = ?", fn).Order("id").Pluck("result", &out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// smsElems returns the sms_message elements of an employee.sms form (out=sjson).
func smsElems(r *resp) []map[string]string {
	r.t.Helper()
	r.ok()
	var out []map[string]string
	list, _ := r.doc["sms_message"].([]any)
	for _, el := range list {
		row := map[string]string{}
		for k, v := range el.(map[string]any) {
			m, _ := v.(map[string]any)
			row[k], _ = m["$"].(string)
		}
		out = append(out, row)
	}
	return out
}

func TestEmployeeMobile(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
		root := e.login("root")
		edit := fmt.Sprintf("func=employee.edit&elid=%d&sok=ok&auth=%s", alice.ID, root)
		e.get(edit+"&mobile=mobile").fails("value", "mobile")
		e.get(edit + "&mobile=%2B15550002&phone=5550001").ok()
		if a := mustAccount(t, e, alice.ID); a.Mobile != "+15550002" || a.Phone != "5550001" {
			t.Errorf("stored mobile %q, phone %q", a.Mobile, a.Phone)
		}
		e.get(edit + "&realname=Alice").ok() // a field left out keeps its value
		if a := mustAccount(t, e, alice.ID); a.Mobile != "+15550002" {
			t.Errorf("mobile lost: %q", a.Mobile)
		}
		if got := e.get(fmt.Sprintf("func=employee.edit&elid=%d&auth=%s", alice.ID, root)).ok().text("mobile"); got != "+15550002" {
			t.Errorf("form mobile %q", got)
		}
		rows := byName(e.get("func=employee&auth=" + root).rows())
		if rows["alice"]["mobile"] != "+15550002" {
			t.Errorf("list row %v", rows["alice"])
		}
		if _, ok := rows["root"]["mobile"]; ok {
			t.Errorf("an empty mobile is shown: %v", rows["root"])
		}
	})
}

// TestPhonesAsPeopleWriteThem: employee.edit and employee.sms take numbers with
// spaces, hyphens and parentheses, and keep, show and text them in their normal
// form.
func TestPhonesAsPeopleWriteThem(t *testing.T) {
	t.Parallel()
	eachSMSEnv(t, "/send", 0, func(t *testing.T, e *env, gw *smsGatewayStub) {
		root := e.login("root")
		const pw = "Good-pass1!"
		created := e.post(vals("func", "employee.edit", "sok", "ok", "auth", root, "name", "alice", "passwd", pw, "confirm", pw,
			"phone", "+7 495 123-45-67", "mobile", "8 (916) 123-45-67")).ok().text("id")
		alice, err := models.FindAccountByLogin(context.Background(), e.db, "alice")
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(alice.ID)
		if id != created || alice.Phone != "+74951234567" || alice.Mobile != "89161234567" {
			t.Errorf("stored phone %q, mobile %q", alice.Phone, alice.Mobile)
		}
		e.post(vals("func", "employee.edit", "sok", "ok", "auth", root, "elid", id, "phone", "+44 (0)20 7946 0958 ext. 12")).ok()
		form := e.get("func=employee.edit&elid=" + id + "&auth=" + root).ok()
		if form.text("phone") != "+442079460958x12" || form.text("mobile") != "89161234567" {
			t.Errorf("form: %s", form.body)
		}
		if row := byName(e.get("func=employee&auth=" + root).rows())["alice"]; row["phone"] != "+442079460958x12" {
			t.Errorf("list row %v", row)
		}
		e.post(vals("func", "employee.edit", "sok", "ok", "auth", root, "elid", id, "mobile", "8 (916) 123-45")).ok()
		e.post(vals("func", "employee.edit", "sok", "ok", "auth", root, "elid", id, "mobile", "8 (916 123-45-67")).fails("value", "mobile")

		e.post(vals("func", "employee.sms", "elid", id, "auth", root, "sok", "ok", "message", "hi", "phone", "+7 (916) 000-11-22")).ok()
		e.post(vals("func", "employee.sms", "elid", id, "auth", root, "sok", "ok", "message", "hi", "phone", "+7 (916")).fails("value", "phone")
		want := []map[string]string{{"to": "+79160001122", "message": "hi"}}
		if got := gw.got(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("gateway got %v, want %v", got, want)
		}
		if recs := smsRecords(t, e, alice.ID); len(recs) != 1 || recs[0].Number != "+79160001122" {
			t.Errorf("records %+v", recs)
		}
	})
}

func TestSMSHTTPGateway(t *testing.T) {
	t.Parallel()
	eachSMSEnv(t, "/send?key=secret", 0, func(t *testing.T, e *env, gw *smsGatewayStub) {
		alice := mustEmployee(t, e, "alice", card{"phone": "5550001", "mobile": "+15550002"})
		root := e.login("root")
		base := fmt.Sprintf("func=employee.sms&elid=%d&auth=%s", alice, root)
		sent := gw.got

		// Without sok: the form, and nothing is sent.
		r := e.get(base + "&message=hello").ok()
		if r.text("phone") != "5550001" || r.text("mobile") != "+15550002" || r.text("name") != "alice" || r.text("type") != "mobile" {
			t.Errorf("form: %s", r.body)
		}
		if len(sent()) != 0 || len(smsRecords(t, e, alice)) != 0 {
			t.Fatal("sent without sok")
		}

		// To the mobile by default, to a type, or to an explicit number.
		r = e.get(base + "&sok=ok&message=hello").ok()
		if r.text("id") == "" {
			t.Errorf("no id of the record: %s", r.body)
		}
		e.get(base + "&sok=ok&type=phone&message=desk").ok()
		e.post(vals("func", "employee.sms", "elid", fmt.Sprint(alice), "auth", root, "sok", "ok",
			"phone", "+15550003", "type", "phone", "message", "two\nlines")).ok()
		want := []map[string]string{
			{"to": "+15550002", "message": "hello"},
			{"to": "5550001", "message": "desk"},
			{"to": "+15550003", "message": "two\nlines"},
		}
		if got := sent(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("gateway got %v, want %v", got, want)
		}
		recs := smsRecords(t, e, alice)
		if len(recs) != 3 {
			t.Fatalf("%d records", len(recs))
		}
		if rec := recs[0]; rec.Status != models.SMSSent || rec.SenderLogin != "root" || rec.SenderID == nil || *rec.SenderID != 1 ||
			rec.EmployeeLogin != "alice" || rec.Number != "+15550002" || rec.Message != "hello" || rec.Answer != `200 OK {"id":"m-1"}` {
			t.Errorf("record %+v", rec)
		}

		// A refusal of the gateway is reported with its status and body, and recorded.
		gw.answer(http.StatusBadGateway, "upstream\nexploded", false)
		r = e.get(base+"&sok=ok&message=doomed").fails("gateway", "gateway")
		if r.errValue() != "502" || !strings.Contains(string(r.body), "502 Bad Gateway upstream exploded") {
			t.Errorf("failure: %s", r.body)
		}
		recs = smsRecords(t, e, alice)
		if rec := recs[len(recs)-1]; len(recs) != 4 || rec.Status != models.SMSFailed || rec.Message != "doomed" ||
			rec.Answer != "502 Bad Gateway upstream\nexploded" {
			t.Errorf("failed attempt recorded as %+v", rec)
		}
		if got := journalResults(t, e, "employee.sms"); fmt.Sprint(got) != "[ok ok ok gateway]" {
			t.Errorf("journal %v", got)
		}
		// A long answer is cut.
		gw.answer(http.StatusInternalServerError, strings.Repeat("x", 3000), false)
		e.get(base+"&sok=ok&message=doomed").fails("gateway", "gateway")
		recs = smsRecords(t, e, alice)
		if n := len([]rune(recs[len(recs)-1].Answer)); n != models.MaxSMSAnswer {
			t.Errorf("answer of %d characters kept", n)
		}
		gw.answer(http.StatusAccepted, "", false)
		e.get(base + "&sok=ok&message=accepted").ok()

		// The form shows the last messages, newest first.
		elems := smsElems(e.get(base + "&out=sjson"))
		if len(elems) != 6 {
			t.Fatalf("%d messages shown", len(elems))
		}
		if m := elems[0]; m["message"] != "accepted" || m["status"] != "sent" || m["sender"] != "root" || m["number"] != "+15550002" || m["time"] == "" {
			t.Errorf("newest message %v", m)
		}
		if m := elems[2]; m["message"] != "doomed" || m["status"] != "failed" {
			t.Errorf("failed message %v", m)
		}
	})
}

func TestSMSRefused(t *testing.T) {
	t.Parallel()
	eachSMSEnv(t, "", 0, func(t *testing.T, e *env, gw *smsGatewayStub) {
		alice := mustEmployee(t, e, "alice", card{"phone": "5550001"})
		bob := mustEmployee(t, e, "bob", card{"default_access_allow": true})
		client := MustCreateAccount(t, e.db, "carol", rights.User)
		root := e.login("root")
		base := fmt.Sprintf("func=employee.sms&elid=%d&sok=ok&auth=%s", alice, root)
		for _, tc := range []struct{ query, typ, object, value string }{
			{"", "value", "message", ""},
			{"&message=+++", "value", "message", "   "},
			{"&message=" + strings.Repeat("m", models.MaxSMS+1), "value", "message", strings.Repeat("m", maxErrorValue) + "…"},
			{"&message=hi&type=mobile", "value", "type", "mobile"},
			{"&message=hi&type=fax", "value", "type", "fax"},
			{"&message=hi&phone=call-me", "value", "phone", "call-me"},
		} {
			r := e.get(base+tc.query).fails(tc.typ, tc.object)
			if r.errValue() != tc.value {
				t.Errorf("%.40s: value %.40q, want %.40q", tc.query, r.errValue(), tc.value)
			}
		}
		// Without a mobile the default is the phone; without either, nothing to text.
		e.get(fmt.Sprintf("func=employee.sms&elid=%d&sok=ok&message=hi&auth=%s", bob, root)).fails("value", "type")
		bobSid := e.login("bob")
		for _, elid := range []string{"999999", "abc", fmt.Sprint(client.ID)} {
			e.get("func=employee.sms&message=hi&sok=ok&auth="+bobSid+"&elid="+elid).fails("missed", "elid")
			e.get("func=employee.sms&auth="+bobSid+"&elid="+elid).fails("missed", "elid")
		}
		// Without elid, bob's own account, which has no number either.
		e.get("func=employee.sms&message=hi&sok=ok&auth="+bobSid+"&elid=").fails("value", "type")
		e.get("func=employee.sms&elid=1&message=hi&sok=ok&auth="+bobSid).fails("access", "elid")
		e.get("func=employee.sms&elid=1&auth="+bobSid).fails("access", "elid")
		if n := len(gw.got()); n != 0 {
			t.Errorf("%d refused messages reached the gateway", n)
		}
		if n := dbtest.MustCount(t, e.db.Model(&models.SMSMessage{})); n != 0 {
			t.Errorf("%d refused messages recorded", n)
		}
		// The longest message goes.
		e.get(base + "&message=" + strings.Repeat("я", models.MaxSMS)).ok()
		if got := gw.got(); len(got) != 1 || len([]rune(got[len(got)-1]["message"])) != models.MaxSMS {
			t.Errorf("longest message not sent")
		}
	})
}

func TestSMSGatewayTimeout(t *testing.T) {
	t.Parallel()
	eachSMSEnv(t, "", 100*time.Millisecond, func(t *testing.T, e *env, gw *smsGatewayStub) {
		gw.answer(0, "", true)
		alice := mustEmployee(t, e, "alice", card{"mobile": "5550002"})
		r := e.get(fmt.Sprintf("func=employee.sms&elid=%d&sok=ok&message=hi&authinfo=root:%s", alice, Password)).fails("gateway", "gateway")
		if !strings.Contains(string(r.body), "no answer within 100ms") {
			t.Errorf("timeout: %s", r.body)
		}
		recs := smsRecords(t, e, alice)
		if len(recs) != 1 || recs[0].Status != models.SMSFailed || recs[0].Answer != "no answer within 100ms" {
			t.Errorf("records %+v", recs)
		}
	})
}

// TestSMSHoldsNoLock: while the gateway keeps a sender waiting, other changes go
// on (SQLite has one writer: a transaction held over the call would stop them).
func TestSMSHoldsNoLock(t *testing.T) {
	t.Parallel()
	eachSMSEnv(t, "", 5*time.Second, func(t *testing.T, e *env, gw *smsGatewayStub) {
		gw.answer(0, "", true)
		alice := mustEmployee(t, e, "alice", card{"mobile": "5550002"})
		done := make(chan struct{})
		go func() {
			defer close(done)
			e.get(fmt.Sprintf("func=employee.sms&elid=%d&sok=ok&message=hi&authinfo=root:%s", alice, Password))
		}()
		<-gw.arrived
		start := time.Now()
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&sok=ok&realname=Alice&authinfo=root:%s", alice, Password)).ok()
		e.get(fmt.Sprintf("func=employee.support_tool_settings&elid=%d&sok=ok&max_open_tickets=2&authinfo=root:%s", alice, Password)).ok()
		if waited := time.Since(start); waited > 2*time.Second {
			t.Errorf("changes waited %s for the gateway", waited)
		}
		select {
		case <-done:
			t.Error("the send ended before the gateway answered")
		default:
		}
		gw.release <- struct{}{}
		<-done
		if recs := smsRecords(t, e, alice); len(recs) != 1 || recs[0].Status != models.SMSFailed {
			t.Errorf("records %+v", recs)
		}
	})
}

func TestSMSFileGateway(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		path := filepath.Join(t.TempDir(), "sms.jsonl")
		e := newEnvConfig(t, db, func(c *Config) { c.SMSGateway = "file:" + path })
		alice := mustEmployee(t, e, "alice", card{"mobile": "+15550002"})
		q := fmt.Sprintf("func=employee.sms&elid=%d&sok=ok&authinfo=root:%s&message=", alice, Password)
		e.get(q + "first").ok()
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.post(vals("func", "employee.sms", "elid", fmt.Sprint(alice), "authinfo", "root:"+Password,
					"sok", "ok", "message", fmt.Sprintf("parallel %d %s", i, strings.Repeat("z", 900))))
			}()
		}
		wg.Wait()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var lines []map[string]string
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m map[string]string
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			lines = append(lines, m)
		}
		if len(lines) != 9 {
			t.Fatalf("%d lines", len(lines))
		}
		if l := lines[0]; l["to"] != "+15550002" || l["message"] != "first" || len(l) != 3 {
			t.Errorf("line %v", l)
		} else if _, err := time.Parse(time.RFC3339Nano, l["time"]); err != nil {
			t.Errorf("time %q: %v", l["time"], err)
		}
		recs := smsRecords(t, e, alice)
		if len(recs) != 9 || recs[0].Status != models.SMSSent {
			t.Errorf("%d records, first %+v", len(recs), recs[0])
		}
	})
}

func TestSMSNotConfigured(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := mustEmployee(t, e, "alice", card{"mobile": "+15550002"})
		q := fmt.Sprintf("func=employee.sms&elid=%d&authinfo=root:%s", alice, Password)
		if r := e.get(q).ok(); r.text("mobile") != "+15550002" {
			t.Errorf("form %s", r.body)
		}
		e.get(q+"&sok=ok&message=hi").fails("notconfigured", "gateway")
		if recs := smsRecords(t, e, alice); len(recs) != 0 {
			t.Errorf("recorded %+v", recs)
		}
		if got := journalResults(t, e, "employee.sms"); fmt.Sprint(got) != "[notconfigured]" {
			t.Errorf("journal %v", got)
		}
	})
	if _, err := New(nil, nil, Config{SMSGateway: "smtp://mail"}, nil); err == nil {
		t.Error("a bad gateway accepted")
	}
}

func TestSMSFormShowsTheLatest(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := mustEmployee(t, e, "alice", card{})
		bob := mustEmployee(t, e, "bob", card{})
		start := time.Now().Add(-time.Hour).UTC()
		for i := range smsShown + 5 {
			for _, id := range []int64{alice, bob} {
				err := models.RecordSMS(context.Background(), e.db, &models.SMSMessage{
					CreatedAt: start.Add(time.Duration(i) * time.Minute), EmployeeID: &id, EmployeeLogin: "x",
					SenderLogin: "root", Number: "5550001", Message: fmt.Sprintf("m%d-%d", id, i), Status: models.SMSSent,
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		elems := smsElems(e.get(fmt.Sprintf("func=employee.sms&elid=%d&authinfo=root:%s&out=sjson", alice, Password)))
		if len(elems) != smsShown {
			t.Fatalf("%d messages shown", len(elems))
		}
		for i, m := range elems {
			if want := fmt.Sprintf("m%d-%d", alice, smsShown+4-i); m["message"] != want {
				t.Errorf("message %d is %q, want %q", i, m["message"], want)
			}
		}
	})
}
