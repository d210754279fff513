package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/rights"
)

// mustSettings reads an employee's support settings as stored.
func mustSettings(t *testing.T, e *env, id int64) models.SupportSettings {
	t.Helper()
	s, err := models.SupportSettingsOf(context.Background(), e.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSupportSettings(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
		root := e.login("root")
		base := fmt.Sprintf("func=employee.support_tool_settings&elid=%d&auth=%s", alice.ID, root)

		// An employee who saved nothing has the defaults, in the form too.
		if got, want := mustSettings(t, e, alice.ID), models.DefaultSupportSettings(alice.ID); got != want {
			t.Errorf("defaults %+v, want %+v", got, want)
		}
		r := e.get(base).ok()
		for field, want := range map[string]string{"elid": fmt.Sprint(alice.ID), "name": "alice", "signature": "",
			"notify_new_ticket": "on", "notify_channel": "email", "max_open_tickets": "0"} {
			if got := r.text(field); got != want {
				t.Errorf("form %s = %q, want %q", field, got, want)
			}
		}
		if !strings.Contains(string(r.body), `"$key":"sms"`) {
			t.Errorf("no notify_channel options: %s", r.body)
		}

		// One setting by param_name and param_value; the others keep their values.
		e.get(base + "&sok=ok&param_name=max_open_tickets&param_value=3").ok()
		want := models.DefaultSupportSettings(alice.ID)
		want.MaxOpenTickets = 3
		if got := mustSettings(t, e, alice.ID); got != want {
			t.Errorf("after one change %+v, want %+v", got, want)
		}

		// Several by name; a setting left out keeps its value.
		signature := "Alice\nSupport desk"
		e.post(vals("func", "employee.support_tool_settings", "elid", fmt.Sprint(alice.ID), "auth", root, "sok", "ok",
			"signature", signature, "notify_new_ticket", "off", "notify_channel", "sms")).ok()
		want = models.SupportSettings{AccountID: alice.ID, Signature: signature, NotifyChannel: "sms", MaxOpenTickets: 3}
		if got := mustSettings(t, e, alice.ID); got != want {
			t.Errorf("after several changes %+v, want %+v", got, want)
		}
		r = e.get(base).ok()
		if r.text("signature") != signature || r.text("notify_new_ticket") != "off" || r.text("notify_channel") != "sms" ||
			r.text("max_open_tickets") != "3" {
			t.Errorf("form after changes: %s", r.body)
		}
		e.get(base + "&sok=ok&param_name=notify_new_ticket&param_value=on").ok()
		e.get(base + "&sok=ok&param_name=signature&param_value=").ok()
		want.NotifyNewTicket, want.Signature = true, ""
		if got := mustSettings(t, e, alice.ID); got != want {
			t.Errorf("after param changes %+v, want %+v", got, want)
		}

		// Without sok nothing changes.
		e.get(base + "&param_name=max_open_tickets&param_value=9").ok()
		e.get(base + "&max_open_tickets=9").ok()
		if got := mustSettings(t, e, alice.ID); got != want {
			t.Errorf("changed without sok: %+v", got)
		}

		// An unknown setting or a bad value names the setting, and nothing changes,
		// not even the good values sent beside it.
		long := strings.Repeat("s", models.MaxSignature+1)
		cut := strings.Repeat("s", maxErrorValue) + "…" // an error shows the start of a long value
		for _, tc := range []struct {
			params        []string
			object, value string
		}{
			{[]string{"param_name", "foo", "param_value", "1"}, "foo", "foo"},
			{[]string{"param_name", "", "param_value", "1"}, "param_name", ""},
			{[]string{"param_name", "signature", "param_value", long}, "signature", cut},
			{[]string{"signature", long, "max_open_tickets", "5"}, "signature", cut},
			{[]string{"signature", "a\x01b"}, "signature", "a\x01b"},
			{[]string{"notify_channel", "fax"}, "notify_channel", "fax"},
			{[]string{"param_name", "notify_channel", "param_value", "EMAIL"}, "notify_channel", "EMAIL"},
			{[]string{"notify_new_ticket", "maybe"}, "notify_new_ticket", "maybe"},
			{[]string{"max_open_tickets", "-1"}, "max_open_tickets", "-1"},
			{[]string{"max_open_tickets", "2.5"}, "max_open_tickets", "2.5"},
			{[]string{"param_name", "max_open_tickets", "param_value", "many"}, "max_open_tickets", "many"},
			{[]string{"notify_channel", "none", "max_open_tickets", ""}, "max_open_tickets", ""},
		} {
			r := e.post(vals(append([]string{"func", "employee.support_tool_settings", "elid", fmt.Sprint(alice.ID),
				"auth", root, "sok", "ok"}, tc.params...)...))
			r.fails("value", tc.object)
			if r.errValue() != tc.value {
				t.Errorf("%.60q: error value %.60q, want %.60q", tc.params, r.errValue(), tc.value)
			}
		}
		if got := mustSettings(t, e, alice.ID); got != want {
			t.Errorf("changed by refused calls: %+v", got)
		}

		// The longest signature and the largest limit are taken.
		e.post(vals("func", "employee.support_tool_settings", "elid", fmt.Sprint(alice.ID), "auth", root, "sok", "ok",
			"signature", strings.Repeat("я", models.MaxSignature), "max_open_tickets", fmt.Sprint(models.MaxOpenTicketsCap))).ok()
		if got := mustSettings(t, e, alice.ID); len([]rune(got.Signature)) != models.MaxSignature || got.MaxOpenTickets != models.MaxOpenTicketsCap {
			t.Errorf("bounds not taken: %d characters, %d tickets", len([]rune(got.Signature)), got.MaxOpenTickets)
		}

		// The settings go with the employee.
		e.get(fmt.Sprintf("func=employee.delete&elid=%d&sok=ok&auth=%s", alice.ID, root)).ok()
		var n int64
		if err := e.db.Model(&models.SupportSettings{}).Where("account_id = ?", alice.ID).Count(&n).Error; err != nil || n != 0 {
			t.Errorf("settings of a deleted employee: %d, %v", n, err)
		}
	})
}

func TestSupportSettingsGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
		client := MustCreateAccount(t, e.db, "carol", rights.User)
		sid := e.login("alice")
		for _, save := range []string{"", "&sok=ok&max_open_tickets=1"} {
			q := "func=employee.support_tool_settings&auth=" + sid + save
			// Not an employee: missed on elid.
			for _, elid := range []string{"999999", "abc", "-1", fmt.Sprint(client.ID)} {
				e.get(q+"&elid="+elid).fails("missed", "elid")
			}
			// Nobody manages an account above their level: an admin and root.
			e.get(q+"&elid=1").fails("access", "elid")
			// An admin manages their own settings.
			e.get(q + fmt.Sprintf("&elid=%d", alice.ID)).ok()
		}
		if got := mustSettings(t, e, 1); got != models.DefaultSupportSettings(1) {
			t.Errorf("root's settings changed by an admin: %+v", got)
		}
		if got := mustSettings(t, e, alice.ID); got.MaxOpenTickets != 1 {
			t.Errorf("own settings: %+v", got)
		}
		// Clients never reach the func.
		e.login("carol")
		e.get(fmt.Sprintf("func=employee.support_tool_settings&elid=%d&authinfo=carol:%s", alice.ID, Password)).
			fails("access", "employee.support_tool_settings")
	})
}

// TestOwnSettingsAndTexts: employee.support_tool_settings and employee.sms take elid
// as optional, as in the reference: without it they are about the account the
// request acts as (in an su session, the account acted as). One's own form opens
// without the func's right; a confirmed change needs it, and the dominance rule
// still applies.
func TestOwnSettingsAndTexts(t *testing.T) {
	t.Parallel()
	eachSMSEnv(t, "", 0, func(t *testing.T, e *env, gw *smsGatewayStub) {
		olgaID := mustEmployee(t, e, "olga", card{"mobile": "+15550007"})
		anna := MustCreateEmployee(t, e.db, "anna", rights.Admin)
		boss := MustCreateEmployee(t, e.db, "boss", rights.Admin)
		root := e.login("root")
		for _, r := range []string{"employee.su", "employee", "employee.support_tool_settings"} {
			e.grant(root, boss.ID, r)
		}
		olga := e.login("olga") // no rights at all
		settings := "func=employee.support_tool_settings&auth=" + olga

		for _, q := range []string{settings, settings + "&elid=", settings + fmt.Sprintf("&elid=%d", olgaID)} {
			if r := e.get(q).ok(); r.text("elid") != fmt.Sprint(olgaID) || r.text("name") != "olga" {
				t.Errorf("%s: %s", q, r.body)
			}
		}
		if doc := e.xml(settings + "&out=xml"); doc.text("name") != "olga" {
			t.Errorf("xml form without elid: %+v", doc)
		}
		e.get(settings+fmt.Sprintf("&elid=%d", anna.ID)).fails("access", "employee.support_tool_settings")
		e.get(settings+"&sok=ok&signature=Hi").fails("access", "employee.support_tool_settings")
		if got := mustSettings(t, e, olgaID); got != models.DefaultSupportSettings(olgaID) {
			t.Errorf("changed without the right: %+v", got)
		}
		if r := e.get("func=employee.sms&auth=" + olga).ok(); r.text("mobile") != "+15550007" || r.text("name") != "olga" {
			t.Errorf("own sms form: %s", r.body)
		}
		e.get("func=employee.sms&message=hi&sok=ok&auth="+olga).fails("access", "employee.sms")

		// With the rights, the changes without elid are olga's own.
		e.grant(root, olgaID, "employee.support_tool_settings")
		e.grant(root, olgaID, "employee.sms")
		e.get(settings + "&sok=ok&signature=Hi").ok()
		if got := mustSettings(t, e, olgaID); got.Signature != "Hi" {
			t.Errorf("own signature %q", got.Signature)
		}
		e.get("func=employee.sms&message=hi&sok=ok&auth=" + olga).ok()
		if got := gw.got(); len(got) != 1 || got[0]["to"] != "+15550007" {
			t.Errorf("gateway got %v", got)
		}
		// Root's own, too.
		e.get("func=employee.support_tool_settings&sok=ok&max_open_tickets=7&auth=" + root).ok()
		if got := mustSettings(t, e, 1); got.MaxOpenTickets != 7 {
			t.Errorf("root's settings %+v", got)
		}

		// In an su session, the account acted as: anna reads hers without the right;
		// her change needs it, and boss, who holds it, still dominates her.
		su := e.su(e.login("boss"), anna.ID)
		if r := e.get("func=employee.support_tool_settings&auth=" + su).ok(); r.text("name") != "anna" {
			t.Errorf("form in the su session: %s", r.body)
		}
		e.get("func=employee.support_tool_settings&sok=ok&signature=Anna&auth="+su).fails("access", "employee.support_tool_settings")
		e.grant(root, anna.ID, "employee.support_tool_settings")
		e.get("func=employee.support_tool_settings&sok=ok&signature=Anna&auth=" + su).ok()
		if got := mustSettings(t, e, anna.ID); got.Signature != "Anna" {
			t.Errorf("anna's signature %q", got.Signature)
		}
		var rows []models.JournalEntry
		if err := e.db.Where("func = ? AND result = ?", "employee.support_tool_settings", "ok").Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0].AccountLogin != "olga" || rows[2].AccountLogin != "anna" || rows[2].RealLogin != "boss" {
			t.Errorf("journal %+v", rows)
		}
	})
}
