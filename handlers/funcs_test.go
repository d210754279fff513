package handlers

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

func TestFuncTableDeclarations(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, f := range funcTable() {
		if err := checkFunc(f); err != nil {
			t.Error(err)
		}
		if seen[f.Name] {
			t.Errorf("func %s declared twice", f.Name)
		}
		seen[f.Name] = true
		if strings.HasSuffix(f.Name, ".filter") && !seen[strings.TrimSuffix(f.Name, ".filter")] {
			t.Errorf("%s filters no list declared before it", f.Name)
		}
	}
	for _, bad := range []*Func{
		{Name: "x", Level: rights.Admin, Shape: &Op{Run: keepalive}},                    // no caption
		{Name: "x", Caption: "X", Level: rights.Admin},                                  // no shape
		{Name: "x", Caption: "X", Level: rights.Admin, Shape: &Group{}},                 // no handler
		{Name: "x", Caption: "X", Level: rights.Admin, Shape: &Form{Show: userForm}},    // a form without save
		{Name: "x", Caption: "X", Level: 5, Shape: &Op{Run: keepalive}},                 // no such level
		{Name: "x", Caption: "X", Level: rights.Admin, Shape: &List{Rows: sessionList}}, // a list without spec
	} {
		if checkFunc(bad) == nil {
			t.Errorf("checkFunc accepted %+v", bad)
		}
	}
}

// spy replaces every handler of a func with one that records that it ran.
func spy(f *Func, ran *bool) {
	mark := func() { *ran = true }
	switch s := f.Shape.(type) {
	case *List:
		f.Shape = &List{Spec: s.Spec, Rows: func(c *Ctx, q *list.Query) (*render.List, error) {
			mark()
			return &render.List{PageSize: q.PageSize, Page: 1}, nil
		}}
	case *Form:
		f.Shape = &Form{Input: s.Input,
			Show: func(c *Ctx) (render.Result, error) { mark(); return &render.Form{}, nil },
			Save: func(c *Ctx, _ *form.Input) (render.Result, error) { mark(); return &render.OK{}, nil }}
	case *Send:
		f.Shape = &Send{Input: s.Input,
			Show:    func(c *Ctx) (render.Result, error) { mark(); return &render.Form{}, nil },
			Deliver: func(c *Ctx, _ *form.Input) (Delivery, error) { mark(); return spyDelivery{}, nil }}
	case *Group:
		f.Shape = &Group{Each: func(c *Ctx, elid string) error { mark(); return nil }}
	case *Op:
		f.Shape = &Op{Writes: s.Writes, Run: func(c *Ctx) (render.Result, error) { mark(); return &render.OK{}, nil }}
	}
}

// sampleInput is a valid value of each field a form always needs, as parameters.
func sampleInput(def *form.Def) string {
	if def == nil {
		return ""
	}
	q := url.Values{}
	for _, f := range def.Fields {
		if f.Need != form.Always {
			continue
		}
		switch {
		case len(f.Choices) > 0:
			q.Set(f.Name, f.Choices[0].Key)
		case f.Type == form.Number:
			q.Set(f.Name, fmt.Sprint(f.Min))
		default:
			q.Set(f.Name, "sample")
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "&" + q.Encode()
}

type spyDelivery struct{}

func (spyDelivery) Record(*Ctx) (render.Result, error) { return &render.OK{}, nil }

// showOf replaces the Show of a form or send.
func showOf(f *Func, show func(c *Ctx) (render.Result, error)) bool {
	switch s := f.Shape.(type) {
	case *Form:
		s.Show = show
	case *Send:
		s.Show = show
	default:
		return false
	}
	return true
}

// TestNoSaveWithoutSok walks the func table: no Save or Each runs without sok=ok,
// and each runs with it.
func TestNoSaveWithoutSok(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "client", rights.User)
		for _, f := range e.app.ordered {
			if !f.changes() {
				continue
			}
			caller := "root"
			if f.Only {
				caller = "client" // the client side admits clients alone
			}
			saveRan, formRan := false, false
			spy(f, &saveRan)
			hasForm := showOf(f, func(c *Ctx) (render.Result, error) { formRan = true; return &render.Form{}, nil })
			base := "func=" + f.Name + "&elid=1&authinfo=" + caller + ":" + Password + sampleInput(f.input())
			for _, sok := range []string{"", "&sok="} {
				e.get(base + sok).ok()
				if saveRan {
					t.Errorf("%s: the change ran without sok=ok (%q)", f.Name, sok)
				}
			}
			if hasForm && !formRan {
				t.Errorf("%s: its form did not answer without sok", f.Name)
			}
			// Any other sok is refused, rather than answered with the form as if
			// nothing were meant.
			for _, sok := range []string{"no", "OK", "yes", " ok", "1"} {
				formRan = false
				if r := e.get(base+"&sok="+url.QueryEscape(sok)).fails("value", "sok"); r.errValue() != sok {
					t.Errorf("%s: sok=%q refused with value %q", f.Name, sok, r.errValue())
				}
				if saveRan || formRan {
					t.Errorf("%s: sok=%q ran the change or the form", f.Name, sok)
				}
			}
			e.get(base + "&sok=ok").ok()
			if !saveRan {
				t.Errorf("%s: the change did not run with sok=ok", f.Name)
			}
		}
	})
}

// TestSokOtherThanOk: a change sent with a sok that is neither ok nor empty is a
// value error, in xml too, and changes and journals nothing; funcs that take no sok
// (lists, session operations) answer as without it.
func TestSokOtherThanOk(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		anna := MustCreateAccount(t, e.db, "anna", rights.Admin)
		sid := e.login("root")
		before := stateDigest(t, e)
		for _, q := range []string{
			fmt.Sprintf("func=employee.edit&elid=%d&realname=Changed&sok=yes", anna.ID),
			fmt.Sprintf("func=employee.suspend&elid=%d&sok=OK", anna.ID),
			"func=department.edit&name=New&sok=true",
			"func=employee.filter&name=a*&sok=1",
		} {
			if r := e.get(q+"&auth="+sid).fails("value", "sok"); r.errValue() == "" {
				t.Errorf("%s: the error names no value: %s", q, r.body)
			}
		}
		xmlError(t, e.xml("func=employee.resume&elid=2&sok=no&auth="+sid), "value", "sok", "no")
		if after := stateDigest(t, e); after != before {
			t.Error("a refused sok changed the database")
		}
		if rows := e.journalRows(); len(rows) != 0 {
			t.Errorf("a refused sok was journaled: %+v", rows)
		}
		if got := e.get("func=employee&auth=" + sid).column("name"); len(got) != 2 {
			t.Errorf("the employee filter was stored: the list holds %v", got)
		}
		e.get("func=employee&sok=yes&auth=" + sid).ok()
		e.get("func=whoami&sok=yes&auth=" + sid).ok()
		e.get("func=auth&username=anna&password=" + Password + "&sok=ok").ok()
	})
}

// TestLowerLevelRefused walks the func table: every func refuses each level below its
// own (and, when Only, each level above), before its handler runs, and admits its own
// level.
func TestLowerLevelRefused(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "admin", rights.Admin)
		MustCreateAccount(t, e.db, "user", rights.User)
		callers := map[rights.Level]string{
			rights.Guest: "",
			rights.User:  "&authinfo=user:" + Password,
			rights.Admin: "&authinfo=admin:" + Password,
			rights.Root:  "&authinfo=root:" + Password,
		}
		for _, f := range e.app.ordered {
			ran := false
			spy(f, &ran)
			for level, cred := range callers {
				ran = false
				r := e.get("func=" + f.Name + "&elid=1&sok=ok" + cred + sampleInput(f.input()))
				if level < f.Level || f.Only && level != f.Level {
					r.fails("access", "")
					if ran {
						t.Errorf("%s ran for level %v", f.Name, level)
					}
				} else if !ran {
					t.Errorf("%s did not run for level %v: %s", f.Name, level, r.body)
				}
			}
		}
	})
}

// TestFormatsCarryTheSameData calls every list and form in each machine format and
// checks that xml, json and sjson hold the same values, and that every format parses.
func TestFormatsCarryTheSameData(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
		MustCreateAccount(t, e.db, "carol", rights.User)
		e.login("root") // a session the list shows, never used below
		client := e.login("carol")
		e.login("alice")
		ticket := e.get("func=clientticket.edit&subject=s&message=m&client_department=2&sok=ok&auth=" + client).ok().text("id")
		for _, f := range e.app.ordered {
			_, isList := f.Shape.(*List)
			_, isForm := f.Shape.(*Form)
			_, isSend := f.Shape.(*Send)
			if !isList && !isForm && !isSend {
				continue
			}
			// authinfo, not root's session: a call would move that session's
			// last_activity, which the session list shows, between two formats.
			q := "func=" + f.Name + "&authinfo=root:" + url.QueryEscape(Password)
			if f.Level == rights.User {
				q = "func=" + f.Name + "&auth=" + client // the client side
			}
			if !isList && formsOfOne[f.Name] != "" {
				q += "&elid=" + map[string]string{"ticket": ticket, "employee": fmt.Sprint(alice.ID), "department": "1"}[formsOfOne[f.Name]]
			}
			if f.Name == "employee.phone.edit" {
				q += fmt.Sprintf("&plid=%d", alice.ID) // a new number of alice's
			}
			if f.Name == "department.number.edit" {
				// A number of alice's in department 1's dialling order.
				auth := "&authinfo=root:" + url.QueryEscape(Password)
				e.get(fmt.Sprintf("func=employee.phone.edit&plid=%d&number=5550100&sok=ok%s", alice.ID, auth)).ok()
				e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=1&sok=ok%s", alice.ID, auth)).ok()
				q += "&plid=1&elid=" + e.get("func=department.number&plid=1" + auth).rows()[0]["id"]
			}
			if isList {
				// An order that the calls themselves do not change; nested lists
				// are opened for alice.
				order := "id"
				if f.spec().Column("id") == nil {
					order = f.spec().DefaultSort
				}
				q += fmt.Sprintf("&p_col=%%2B%s&plid=%d", order, alice.ID)
			}
			x := e.get(q + "&out=xml")
			if !strings.HasPrefix(string(x.body), render.XMLHeader) || x.header.Get("Content-Type") != "text/xml" {
				t.Errorf("%s: xml header or content type: %q %s", f.Name, x.header.Get("Content-Type"), x.body)
			}
			var tree xmlNode
			if err := xml.Unmarshal(x.body, &tree); err != nil {
				t.Fatalf("%s: xml: %v", f.Name, err)
			}
			for _, out := range []string{"json", "sjson"} {
				j := e.get(q + "&out=" + out).ok()
				compareXMLJSON(t, f.Name+" "+out, &tree, j.doc)
			}
			var data any
			if err := json.Unmarshal(e.get(q+"&out=JSONdata").body, &data); err != nil {
				t.Errorf("%s: JSONdata: %v", f.Name, err)
			}
			if txt := e.get(q + "&out=text"); !strings.HasPrefix(txt.header.Get("Content-Type"), "text/plain") {
				t.Errorf("%s: text content type %q", f.Name, txt.header.Get("Content-Type"))
			}
			if d := e.get(q + "&out=devel"); string(d.body[:len(render.XMLHeader)]) != render.XMLHeader {
				t.Errorf("%s: devel is not xml", f.Name)
			}
		}
	})
}

// formsOfOne are the forms of one element, and what their elid names.
var formsOfOne = map[string]string{
	"employee.voximplant":            "employee",
	"employee.telephony":             "employee",
	"department.telephony":           "department",
	"ticket.edit":                    "ticket",
	"support_tool_responsible":       "ticket",
	"employee.sms":                   "employee",
	"employee.support_tool_settings": "employee",
}

type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []xmlNode  `xml:",any"`
}

// compareXMLJSON checks that every element, attribute and text of the xml document
// stands at the same place in the json one.
func compareXMLJSON(t *testing.T, what string, x *xmlNode, j map[string]any) {
	t.Helper()
	for _, a := range x.Attrs {
		if j["$"+a.Name.Local] != a.Value {
			t.Errorf("%s: <%s %s=%q> is %v in json", what, x.XMLName.Local, a.Name.Local, a.Value, j["$"+a.Name.Local])
		}
	}
	if x.XMLName.Local == "idle" {
		// A session's idle time is read from the clock by each call: the two calls
		// may fall on either side of a rounding, so only its form is compared.
		if s, _ := j["$"].(string); !isDuration(s) || !isDuration(strings.TrimSpace(x.Text)) {
			t.Errorf("%s: <idle> %q is %v in json, want two durations", what, x.Text, j["$"])
		}
	} else if text := strings.TrimSpace(x.Text); text != "" && j["$"] != text {
		t.Errorf("%s: <%s> text %q is %v in json", what, x.XMLName.Local, text, j["$"])
	}
	count := map[string]int{}
	for _, c := range x.Children {
		count[c.XMLName.Local]++
	}
	index := map[string]int{}
	for i := range x.Children {
		c := &x.Children[i]
		name := c.XMLName.Local
		if name == "out" && strings.HasSuffix(what, "/tparams") {
			continue // the one parameter that differs between the calls
		}
		var child map[string]any
		switch v := j[name].(type) {
		case []any:
			if len(v) != count[name] {
				t.Errorf("%s: %d <%s> in xml, %d in json", what, count[name], name, len(v))
				continue
			}
			child, _ = v[index[name]].(map[string]any)
		case map[string]any:
			if count[name] != 1 {
				t.Errorf("%s: %d <%s> in xml, one object in json", what, count[name], name)
				continue
			}
			child = v
		default:
			t.Errorf("%s: <%s> missing in json", what, name)
			continue
		}
		index[name]++
		compareXMLJSON(t, what+"/"+name, c, child)
	}
}

func isDuration(s string) bool {
	_, err := time.ParseDuration(s)
	return err == nil
}

func TestUnknownFunc(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.get("func=employee.nosuch&authinfo=root:"+Password).fails("missed", "func")
		if r.errValue() != "employee.nosuch" {
			t.Errorf("error value %q", r.errValue())
		}
		e.get("out=json").fails("missed", "func")
	})
}

func TestGroupOperationIsAtomic(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		// A group func whose second element fails after the first changed data.
		f := &Func{Name: "test.group", Caption: "Test", Level: rights.Admin, Shape: &Group{Each: func(c *Ctx, elid string) error {
			if elid == "bad" {
				return errs.Invalid("elid", "", "refused")
			}
			_, err := models.CreateAccount(c, c.DB, fastTest, "made"+elid, rights.User, Password)
			return err
		}}}
		e.app.funcs[f.Name] = f
		r := e.get("func=test.group&sok=ok&elid=1,bad,2&authinfo=root:"+Password).fails("value", "elid")
		if r.errValue() != "bad" {
			t.Errorf("error value %q, want bad", r.errValue())
		}
		made := func() int64 { return dbtest.MustCount(t, e.db.Model(&models.Account{}).Where("login LIKE ?", "made%")) }
		if n := made(); n != 0 {
			t.Errorf("%d accounts made by a failed group operation", n)
		}
		e.get("func=test.group&sok=ok&elid=1,%202&authinfo=root:" + Password).ok()
		if n := made(); n != 2 {
			t.Errorf("%d accounts made, want 2", n)
		}
	})
}

var fastTest = models.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func TestInternalErrorShowsOnlyTheRequestID(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := &Func{Name: "test.broken", Caption: "Test", Level: rights.Guest, Shape: &Op{Run: func(c *Ctx) (render.Result, error) {
			return nil, fmt.Errorf("secret detail: %w", c.DB.Exec("SELECT * FROM no_such_table").Error)
		}}}
		e.app.funcs[f.Name] = f
		r := e.get("func=test.broken").fails("xml", "")
		id := r.errValue()
		if id == "" || r.header.Get("X-Request-Id") != id {
			t.Fatalf("request id %q, header %q", id, r.header.Get("X-Request-Id"))
		}
		if strings.Contains(string(r.body), "secret") || strings.Contains(string(r.body), "no_such_table") {
			t.Errorf("the client sees internal details: %s", r.body)
		}
		if logs := e.logs.String(); !strings.Contains(logs, id) || !strings.Contains(logs, "secret detail") {
			t.Errorf("the log lacks the id or the detail:\n%s", logs)
		}

		p := &Func{Name: "test.panic", Caption: "Test", Level: rights.Guest, Shape: &Op{Run: func(c *Ctx) (render.Result, error) {
			panic("boom")
		}}}
		e.app.funcs[p.Name] = p
		e.get("func=test.panic").fails("xml", "internal")
	})
}
