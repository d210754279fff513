package handlers

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models/list"
)

// formCalls are, for every func with a declared input, a confirmed call that gives
// every declared field a valid value: {alice} is the employee alice's id, {ticket}
// a ticket's, {department} a department's.
var formCalls = map[string]string{
	"employee.edit": "name=newbie&realname=New+Bie&position=Engineer&email=nb%40example.com&phone=%2B15550100&mobile=%2B15550101" +
		"&department={department}&default_access_allow=off&all_ip_access=off&ip_access=192.0.2.1&passwd=Str0ng-pass-1&confirm=Str0ng-pass-1",
	"user.edit":       "name=newclient&realname=Client&email=c%40example.com&passwd=Str0ng-pass-1&confirm=Str0ng-pass-1",
	"department.edit": "name=Billing&description=Invoices&show_in_support=on&default_responsible={alice}",
	"employee.support_tool_settings": "elid={alice}&signature=Regards&notify_new_ticket=on&notify_channel=sms&max_open_tickets=5" +
		"&param_name=signature&param_value=Best",
	"employee.sms":             "elid={alice}&message=Hello&phone=%2B15550102&type=mobile",
	"ticket.edit":              "elid={ticket}&message=On+it&note_message=Checked&status=in_progress",
	"support_tool_responsible": "elid={ticket}&set_responsible={alice}&set_responsible_default=off&reason=Shift",
	"clientticket.edit":        "subject=Help&message=Down&client_department={department}",
	"apikey.edit":              "name=Crm&type=uis_token&role=&account=alice",
	"position.edit":            "name=Operator",
	"schedule.edit":            "name=Weekdays",
	"site.edit":                "name=shop.example.com",
	"application.edit":         "name=callcenter",
	"acd_queue.edit":           "name=Support",
	"skill.edit":               "name=English",
	"employee.voximplant":      "elid={alice}&application=1&user_custom_data=Notes&parent_accounting=on&acd_queue=1&skill=1:3",
	"balance.topup":            "amount=10.50&description=Invoice+42",
	"employee.telephony": "elid={alice}&status=break&allowed_in_call_types=internal&allowed_out_call_types=internal,external" +
		"&call_recording=in&schedule=&coach=&coach_always_enabled=off&extension=150&extension_voice_mail_enabled=on" +
		"&extension_queue_enabled=off&operator=on&operator_display_name=Alice&operator_offline_message_enabled=on" +
		"&operator_invite_to_chat_enabled=on&operator_chat_enabled=on&operator_chats_available=on&operator_sites=",
	"employee.phone.edit":    "plid={alice}&number=%2B15550199&channels_count=2&dial_time=20&status=active&position=1",
	"department.telephony":   "elid={department}&group_phone_number=400&queue_enabled=on&channels_count=3",
	"department.number.edit": "plid={department}&elid={entry}&position=1&available=off",
}

// TestFormDeclarations walks every func with a declared input: each declared field
// is one its form shows, and one its change reads.
func TestFormDeclarations(t *testing.T) {
	t.Parallel()
	gw := newSMSGatewayStub(t)
	eachEnvConfig(t, func(c *Config) { c.SMSGateway = gw.URL }, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		ticket := d.open("Printer", d.techID)
		e.get("func=employee.edit&elid=" + fmt.Sprint(d.aliceID) + "&mobile=%2B15550103&sok=ok&auth=" + d.root).ok()
		for _, f := range e.app.ordered {
			def := f.input()
			if def == nil {
				continue
			}
			call, ok := formCalls[f.Name]
			if strings.HasSuffix(f.Name, ".filter") {
				call, ok = filterCall(def), true
			}
			if !ok {
				t.Errorf("%s declares an input and has no call in formCalls", f.Name)
				continue
			}
			var entry int64 // one of alice's numbers, which the calls before may have added
			if err := e.db.Raw("SELECT COALESCE(MIN(id), 0) FROM employee_numbers WHERE account_id = ?", d.aliceID).Scan(&entry).Error; err != nil {
				t.Fatal(err)
			}
			query := strings.NewReplacer("{alice}", fmt.Sprint(d.aliceID), "{ticket}", ticket, "{department}", d.techID,
				"{entry}", fmt.Sprint(entry)).Replace(call)
			values, err := url.ParseQuery(query)
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			auth := d.root
			if f.Only {
				auth = d.client
			}
			for _, field := range def.Fields {
				if !values.Has(field.Name) {
					t.Errorf("%s: the call gives no %s", f.Name, field.Name)
				}
			}

			// What the form shows.
			show := "func=" + f.Name + "&auth=" + auth
			for _, parent := range []string{"elid", "plid"} {
				if v := values.Get(parent); v != "" {
					show += "&" + parent + "=" + v
				}
			}
			shown := map[string]bool{}
			for _, n := range e.get(show + "&out=json").ok().fieldNames() {
				shown[n] = true
			}
			for _, field := range def.Fields {
				if !shown[field.Name] && !field.Unshown {
					t.Errorf("%s declares %s, which its form does not show (it shows %v)", f.Name, field.Name, keys(shown))
				}
			}

			// What the change reads.
			var unread []string
			read := func(in *form.Input) { unread = in.Unread() }
			switch s := f.Shape.(type) {
			case *Form:
				save := s.Save
				s.Save = func(c *Ctx, in *form.Input) (render.Result, error) {
					defer read(in)
					return save(c, in)
				}
			case *Send:
				deliver := s.Deliver
				s.Deliver = func(c *Ctx, in *form.Input) (Delivery, error) {
					defer read(in)
					return deliver(c, in)
				}
			}
			e.get(query + "&func=" + f.Name + "&sok=ok&auth=" + auth).ok()
			if len(unread) > 0 {
				t.Errorf("%s declares %v, which its change never reads", f.Name, unread)
			}
		}
	})
}

// filterCall gives each field of a list's filter a value it takes.
func filterCall(def *form.Def) string {
	q := url.Values{}
	for _, f := range def.Fields {
		switch {
		case f.Type == form.Flag:
			q.Set(f.Name, "off")
		case len(f.Choices) > 0:
			q.Set(f.Name, f.Choices[0].Key)
		case strings.HasPrefix(f.Name, "date_"):
			q.Set(f.Name, "2026-01-01")
		default:
			q.Set(f.Name, "a*")
		}
	}
	return q.Encode()
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fieldNames are the names of the elements a form answer holds, its selects' too.
func (r *resp) fieldNames() []string {
	var out []string
	for name, v := range r.doc {
		if name == "tparams" || name[0] == '$' {
			continue
		}
		if name != "slist" {
			out = append(out, name)
			continue
		}
		lists, ok := v.([]any)
		if !ok {
			lists = []any{v}
		}
		for _, l := range lists {
			if m, ok := l.(map[string]any); ok {
				if n, ok := m["$name"].(string); ok {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// spec is a list's spec, or nil.
func (f *Func) spec() *list.Spec {
	if l, ok := f.Shape.(*List); ok {
		return l.Spec
	}
	return nil
}

// input is the declared input of a form, or nil.
func (f *Func) input() *form.Def {
	switch s := f.Shape.(type) {
	case *Form:
		return s.Input
	case *Send:
		return s.Input
	}
	return nil
}
