package handlers

import (
	"net/http"
	"testing"
)

// TestVoxEndpoint: GET with a raw ; list, multipart, and the form funcs of the
// records and the identity.
func TestVoxEndpoint(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		key := e.voxKey(root, "admin", "root")
		anna := e.voxAddUser(key, app, "anna", "")
		boris := e.voxAddUser(key, app, "boris", "")

		// A raw ; in the query string is a list, not a separator of parameters.
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/platform_api/DelUser?account_id="+key.account+
			"&api_key="+key.key+"&user_id="+anna+";"+boris+";999999", nil)
		e.voxDo(req).fails(voxNotFound, "999999")
		e.voxMultipart(key, "DelUser", "user_name=anna;boris&application_id="+app).ok()
		if got := voxNames(e.vox(key, "GetUsers", "application_id="+app)); got != "" {
			t.Fatalf("left after a multipart DelUser: %q", got)
		}

		// The method in cmd, as the client libraries send it, to /platform_api itself.
		for _, path := range []string{"/platform_api", "/platform_api/"} {
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path+"?account_id="+key.account+"&api_key="+key.key+"&cmd=GetUsers&application_id="+app, nil)
			e.voxDo(req).ok()
			req, _ = http.NewRequest(http.MethodGet, e.srv.URL+path+"?account_id="+key.account+"&api_key="+key.key, nil)
			e.voxDo(req).fails(voxMissingCmd, "cmd")
		}
		e.vox(key, "", "cmd=AddUser&application_id="+app+"&user_name=cmduser&user_display_name=Cmd&user_password=Str0ng!pass").ok()
		e.voxMultipart(key, "", "cmd=DelUser&user_name=cmduser&application_id="+app).ok()
		e.vox(key, "GetUsers", "cmd=DelUser&application_id="+app).fails(voxBadArgument, "cmd")
		e.vox(key, "", "cmd=Nothing").fails(voxUnknown, "Nothing")

		// Records: an application with users is kept; a queue or a skill goes from its users.
		id := e.voxAddUser(key, app, "vera", "")
		queue := e.get("func=acd_queue.edit&name=Support&sok=ok&auth=" + root).ok().text("id")
		skill := e.get("func=skill.edit&name=English&sok=ok&auth=" + root).ok().text("id")
		e.get("func=application.edit&name=Call+Center&sok=ok&auth="+root).fails("value", "name")
		e.get("func=application.edit&name=callcenter&sok=ok&auth="+root).fails("exists", "name")
		e.get("func=application.delete&elid="+app+"&sok=ok&auth="+root).fails("value", "elid")
		for _, tc := range []struct{ query, typ, object string }{
			{"elid=999999&application=" + app, "missed", "elid"},
			{"elid=" + id + "&application=999", "missed", "application"},
			{"elid=" + id + "&skill=" + skill + ":6", "value", "skill"},
			{"elid=" + id + "&skill=" + skill + "," + skill, "value", "skill"},
			{"elid=" + id + "&skill=999", "value", "skill"},
			{"elid=" + id + "&acd_queue=999", "value", "acd_queue"},
		} {
			e.get("func=employee.voximplant&sok=ok&"+tc.query+"&auth="+root).fails(tc.typ, tc.object)
		}
		e.get("func=employee.voximplant&elid=" + id + "&acd_queue=" + queue + "&skill=" + skill + ":4&sok=ok&auth=" + root).ok()
		f := e.get("func=employee.voximplant&elid=" + id + "&auth=" + root).ok()
		if f.text("acd_queue") != queue || f.text("skill") != skill+":4" || f.text("user_name") != "vera" || f.text("acd_status") != "READY" {
			t.Errorf("employee.voximplant shows %s", f.body)
		}
		e.get("func=acd_queue.delete&elid=" + queue + "&sok=ok&auth=" + root).ok()
		e.get("func=skill.delete&elid=" + skill + "&sok=ok&auth=" + root).ok()
		if f := e.get("func=employee.voximplant&elid=" + id + "&auth=" + root).ok(); f.text("acd_queue") != "" || f.text("skill") != "" {
			t.Errorf("deleted records still shown: %s", f.body)
		}
		// An employee made through the form API becomes a user of an application.
		plain := MustCreateAccount(t, e.db, "plain", 28)
		elid := voxID(plain.ID)
		e.get("func=employee.voximplant&elid="+elid+"&user_custom_data=x&sok=ok&auth="+root).fails("value", "application")
		e.get("func=employee.voximplant&elid=" + elid + "&application=" + app + "&sok=ok&auth=" + root).ok()
		if got := voxNames(e.vox(key, "GetUsers", "application_id="+app)); got != "plain,vera" {
			t.Errorf("users %q", got)
		}
		e.vox(key, "DelUser", "user_id=all").ok()
		e.get("func=application.delete&elid=" + app + "&sok=ok&auth=" + root).ok()
		e.vox(key, "GetUsers", "application_id="+app).fails(voxNotFound, "application_id")
	})
}
