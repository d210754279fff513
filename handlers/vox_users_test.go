package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/rights"
)

// voxAccount reads what the account of a user holds.
func voxAccount(t *testing.T, e *env, id string) models.Account {
	t.Helper()
	var a models.Account
	if err := e.db.Raw("SELECT * FROM accounts WHERE id = ?", id).Scan(&a).Error; err != nil {
		t.Fatal(err)
	}
	return a
}

// TestVoxAddUser: each parameter of AddUser, each of its errors, and the employee
// it makes, as the form API and the UIS Data API read it.
func TestVoxAddUser(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		e.voxApp(root, "sales")
		key := e.voxKey(root, "user_manager", "root")
		base := "application_id=" + app + "&user_name=anna&user_display_name=Petrova+Anna&user_password=Str0ng!pass"
		without := func(name string) string {
			v, _ := url.ParseQuery(base)
			v.Del(name)
			return v.Encode()
		}
		with := func(name, value string) string {
			v, _ := url.ParseQuery(base)
			v.Set(name, value)
			return v.Encode()
		}
		before := stateDigest(t, e)
		for _, tc := range []struct {
			params string
			code   int
			part   string
		}{
			{without("user_name"), voxBadArgument, "user_name is required"},
			{without("user_display_name"), voxBadArgument, "user_display_name is required"},
			{without("user_password"), voxBadArgument, "user_password is required"},
			{without("application_id"), voxBadArgument, "application_id"},
			{with("user_name", "An"), voxBadArgument, "user_name"},
			{with("user_name", "anna.p"), voxBadArgument, "user_name"},
			{with("user_name", "Anna"), voxBadArgument, "user_name"},
			{with("user_display_name", strings.Repeat("a", 101)), voxBadArgument, "user_display_name: at most 100"},
			{with("user_display_name", strings.Repeat("a", 256)), voxBadArgument, "user_display_name: at most 255"},
			{with("user_password", "short1!A"[:7]), voxBadArgument, "user_password"},
			{with("user_password", "alllower1!"), voxBadArgument, "user_password"},
			{with("user_password", "NoDigits!!"), voxBadArgument, "user_password"},
			{with("user_password", "NoSpecial12"), voxBadArgument, "user_password"},
			{with("user_active", "yes"), voxBadArgument, "user_active"},
			{with("parent_accounting", "maybe"), voxBadArgument, "parent_accounting"},
			{with("user_custom_data", strings.Repeat("x", models.MaxCustomData+1)), voxBadArgument, "user_custom_data"},
			{with("application_id", "999"), voxNotFound, "application_id"},
			{with("application_id", "x"), voxBadArgument, "application_id"},
			{without("application_id") + "&application_name=nowhere", voxNotFound, "application_name"},
			{base + "&application_name=sales", voxBadArgument, "application_name"},
			{with("user_name", "root"), voxExists, "user_name"},
			{with("mobile_phone", "call me"), voxBadArgument, "mobile_phone: A phone number"},
			{with("mobile_phone", "12"), voxBadArgument, "mobile_phone"},
			{base + "&mobile_phone=%2B15550101&mobile_phone=%2B15550102", voxBadArgument, "more than once"},
		} {
			e.vox(key, "AddUser", tc.params).fails(tc.code, tc.part)
		}
		if stateDigest(t, e) != before {
			t.Fatal("a refused AddUser changed the database")
		}
		var failed int64
		if err := e.db.Raw("SELECT COUNT(*) FROM journal WHERE func = 'AddUser' AND result <> 'ok'").Scan(&failed).Error; err != nil {
			t.Fatal(err)
		}
		if failed == 0 {
			t.Error("refused AddUser calls left no journal rows")
		}

		r := e.vox(key, "AddUser", base+"&user_custom_data=Night+shift&parent_accounting=true&mobile_phone=%2B1+(555)+010-1").ok()
		if r.num("result") != "1" {
			t.Errorf("result %s", r.body)
		}
		id := r.num("user_id")
		a := voxAccount(t, e, id)
		if a.Login != "anna" || a.Realname != "Petrova Anna" || a.LastName != "Petrova" || a.FirstName != "Anna" ||
			!a.Enabled || a.Level != rights.Admin || a.DefaultAccessAllow || !strings.HasPrefix(a.PasswordHash, "$argon2id$") {
			t.Fatalf("account %+v", a)
		}
		e.get("func=whoami&authinfo=anna:Str0ng!pass").ok()
		e.vox(key, "AddUser", base).fails(voxExists, "taken")
		// Through the form API and the Data API, the same person.
		form := e.get("func=employee.edit&elid=" + id + "&auth=" + root).ok()
		if form.text("name") != "anna" || form.text("realname") != "Petrova Anna" || form.text("mobile") != "+15550101" {
			t.Errorf("employee.edit shows %s", form.body)
		}
		vform := e.get("func=employee.voximplant&elid=" + id + "&auth=" + root).ok()
		if vform.text("application") != app || vform.text("user_custom_data") != "Night shift" || vform.text("parent_accounting") != "on" {
			t.Errorf("employee.voximplant shows %s", vform.body)
		}
		if u := e.vox(key, "GetUsers", "application_id="+app+"&user_id="+id).ok().users()[0]; u["mobile_phone"] != "+15550101" {
			t.Errorf("GetUsers shows %v", u)
		}
		var params string
		if err := e.db.Raw("SELECT params FROM journal WHERE func = 'AddUser' AND result = 'ok'").Scan(&params).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Contains(params, "Str0ng") || strings.Contains(params, key.key) || !strings.Contains(params, "anna") {
			t.Errorf("the journal keeps %q", params)
		}

		// Inactive at once: the account is disabled and cannot log in.
		r = e.vox(key, "AddUser", "application_name=CALLCENTER&user_name=boris&user_display_name=Boris&user_password=Str0ng!pass&user_active=0").ok()
		if voxAccount(t, e, r.num("user_id")).Enabled {
			t.Error("user_active=0 made an enabled account")
		}
		e.get("func=whoami&authinfo=boris:Str0ng!pass").fails("auth", "")
	})
}

// voxNames are the user names of a GetUsers answer, in its order.
func voxNames(r *voxResp) string {
	var names []string
	for _, u := range r.users() {
		names = append(names, u["user_name"].(string))
	}
	return strings.Join(names, ",")
}

// TestVoxGetUsers: every filter, paging, ordering and the optional fields.
func TestVoxGetUsers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		sales := e.voxApp(root, "sales")
		q1 := e.get("func=acd_queue.edit&name=First&sok=ok&auth=" + root).ok().text("id")
		q2 := e.get("func=acd_queue.edit&name=Second&sok=ok&auth=" + root).ok().text("id")
		s1 := e.get("func=skill.edit&name=English&sok=ok&auth=" + root).ok().text("id")
		s2 := e.get("func=skill.edit&name=French&sok=ok&auth=" + root).ok().text("id")
		key := e.voxKey(root, "supervisor", "root")
		manager := e.voxKey(root, "admin", "root")
		anna := e.voxAddUser(manager, app, "anna", "user_display_name=Zoe+Anna")
		boris := e.voxAddUser(manager, app, "boris", "user_display_name=Adams+Boris&parent_accounting=true")
		gleb := e.voxAddUser(manager, app, "gleb", "user_display_name=Moss+Gleb")
		vera := e.voxAddUser(manager, sales, "vera", "user_active=false")
		e.get("func=employee.voximplant&elid=" + anna + "&acd_queue=" + q1 + "&skill=" + s1 + ":3," + s2 + "&sok=ok&auth=" + root).ok()
		e.get("func=employee.voximplant&elid=" + boris + "&acd_queue=" + q2 + "&skill=" + s2 + ":5&sok=ok&auth=" + root).ok()
		e.get("func=employee.telephony&elid=" + boris + "&status=break&sok=ok&auth=" + root).ok()
		e.get("func=employee.telephony&elid=" + gleb + "&status=do_not_disturb&sok=ok&auth=" + root).ok()
		e.get("func=employee.edit&elid=" + anna + "&mobile=%2B15550101&sok=ok&auth=" + root).ok()
		e.get("func=balance.topup&amount=50&sok=ok&auth=" + root).ok()
		e.vox(manager, "TransferMoneyToUser", "user_id="+anna+"&amount=1.25").ok()

		for _, tc := range []struct{ params, want string }{
			{"application_id=" + app, "anna,boris,gleb"},
			{"application_name=SALE", "vera"},
			{"application_id=" + app + "&application_name=call", "anna,boris,gleb"},
			{"application_id=" + app + "&application_name=sales", ""},
			{"application_name=a", "anna,boris,gleb,vera"},
			{"application_id=" + app + "&user_id=" + boris, "boris"},
			{"application_id=" + app + "&user_name=OR", "boris"},
			{"application_id=" + app + "&user_display_name=moss", "gleb"},
			{"application_name=a&user_active=false", "vera"},
			{"application_name=a&user_active=1", "anna,boris,gleb"},
			{"application_id=" + app + "&acd_queue_id=" + q1, "anna"},
			{"application_id=" + app + "&excluded_acd_queue_id=" + q1, "boris,gleb"},
			{"application_id=" + app + "&skill_id=" + s2, "anna,boris"},
			{"application_id=" + app + "&excluded_skill_id=" + s1, "boris,gleb"},
			{"application_id=" + app + "&acd_status=TIMEOUT", "boris"},
			{"application_id=" + app + "&acd_status=READY;DND", "anna,gleb"},
			{"application_id=" + app + "&acd_status=BANNED", ""},
			{"application_id=" + app + "&order_by=user_display_name", "boris,gleb,anna"},
			{"application_id=" + app + "&order_by=user_id", "anna,boris,gleb"},
			{"application_id=" + app + "&count=1&offset=1", "boris"},
			{"application_id=" + app + "&offset=5", ""},
			{"application_id=" + app + "&user_name=%25", ""},
		} {
			r := e.vox(key, "GetUsers", tc.params).ok()
			if got := voxNames(r); got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.params, got, tc.want)
			}
		}
		r := e.vox(key, "GetUsers", "application_id="+app+"&count=1&offset=1").ok()
		if r.num("count") != "1" || r.num("total_count") != "3" {
			t.Errorf("count and total_count of %s", r.body)
		}

		r = e.vox(key, "GetUsers", "application_id="+app+"&user_id="+anna+"&with_queues=true&with_skills=true")
		u := r.ok().users()[0]
		if fmt.Sprint(u["acd_queues"]) != "[map[acd_queue_id:"+q1+" acd_queue_name:First]]" ||
			fmt.Sprint(u["skills"]) != "[map[skill_id:"+s1+" skill_level:3 skill_name:English] map[skill_id:"+s2+" skill_level:1 skill_name:French]]" {
			t.Errorf("queues and skills of %s", r.body)
		}
		if u["mobile_phone"] != "+15550101" || u["acd_status"] != "READY" || u["user_display_name"] != "Zoe Anna" ||
			u["user_active"] != true || u["parent_accounting"] != false || u["frozen"] != false {
			t.Errorf("anna is %v", u)
		}
		if !strings.Contains(string(r.body), `"balance":1.25`) || !strings.Contains(string(r.body), `"live_balance":1.25`) {
			t.Errorf("anna's balance in %s", r.body)
		}
		u = e.vox(key, "GetUsers", "application_id="+app+"&user_id="+anna+"&showing_skill_id="+s2).ok().users()[0]
		if fmt.Sprint(u["skills"]) != "[map[skill_id:"+s2+" skill_level:1 skill_name:French]]" || u["acd_queues"] != nil {
			t.Errorf("showing_skill_id: %v", u)
		}
		u = e.vox(key, "GetUsers", "application_id="+app+"&user_id="+anna+"&return_live_balance=false").ok().users()[0]
		if _, has := u["live_balance"]; has || u["skills"] != nil {
			t.Errorf("return_live_balance=false: %v", u)
		}
		r = e.vox(key, "GetUsers", "application_id="+app+"&user_id="+boris)
		if !strings.Contains(string(r.body), `"live_balance":48.75`) || !strings.Contains(string(r.body), `"balance":0.00`) {
			t.Errorf("a user of the account's money: %s", r.body)
		}
		e.vox(key, "GetUsers", "application_id="+app+"&user_id="+vera).ok() // another application: none
		if got := voxNames(e.vox(key, "GetUsers", "application_id="+app+"&user_id="+vera)); got != "" {
			t.Errorf("user_id of another application: %q", got)
		}

		for _, tc := range []struct{ params, part string }{
			{"", "application_id"},
			{"application_id=" + app + "&acd_status=BUSY", "acd_status"},
			{"application_id=" + app + "&order_by=login", "order_by"},
			{"application_id=" + app + "&count=0", "count"},
			{"application_id=" + app + "&count=1001", "count"},
			{"application_id=" + app + "&offset=-1", "offset"},
			{"application_id=" + app + "&with_queues=on", "with_queues"},
			{"application_id=" + app + "&return_live_balance=2", "return_live_balance"},
			{"application_id=" + app + "&skill_id=x", "skill_id"},
			{"application_id=" + app + "&user_id=0", "user_id"},
		} {
			e.vox(key, "GetUsers", tc.params).fails(voxBadArgument, tc.part)
		}
	})
}

// TestVoxSetUserInfo: each parameter of SetUserInfo and each of its errors.
func TestVoxSetUserInfo(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		other := e.voxApp(root, "sales")
		key := e.voxKey(root, "owner", "root")
		id := e.voxAddUser(key, app, "anna", "")
		e.voxAddUser(key, app, "boris", "")
		staff := MustCreateAccount(t, e.db, "plain", rights.Admin)
		e.get("func=balance.topup&amount=10&sok=ok&auth=" + root).ok()
		e.vox(key, "TransferMoneyToUser", "user_id="+id+"&amount=2.50").ok()

		before := stateDigest(t, e)
		for _, tc := range []struct {
			params string
			code   int
			part   string
		}{
			{"user_custom_data=x", voxBadArgument, "user_id"},
			{"user_name=anna&user_custom_data=x", voxBadArgument, "application_id"},
			{"user_id=999999&user_custom_data=x", voxNotFound, "user_id"},
			{fmt.Sprintf("user_id=%d&user_custom_data=x", staff.ID), voxNotFound, "user_id"},
			{"user_name=anna&application_id=" + other + "&user_custom_data=x", voxNotFound, "user_name"},
			{"user_id=" + id + "&new_user_name=boris", voxExists, "taken"},
			{"user_id=" + id + "&new_user_name=root", voxExists, "taken"},
			{"user_id=" + id + "&new_user_name=B", voxBadArgument, "new_user_name"},
			{"user_id=" + id + "&user_display_name=", voxBadArgument, "user_display_name"},
			{"user_id=" + id + "&user_password=weak", voxBadArgument, "user_password"},
			{"user_id=" + id + "&user_active=no", voxBadArgument, "user_active"},
			{"user_id=" + id + "&user_id=" + id, voxBadArgument, "more than once"},
			{"user_id=" + id + "&mobile_phone=abc", voxBadArgument, "mobile_phone"},
			{"user_id=" + id + "&user_name=boris&application_id=" + app + "&user_custom_data=x", voxBadArgument, "not both"},
		} {
			e.vox(key, "SetUserInfo", tc.params).fails(tc.code, tc.part)
		}
		if stateDigest(t, e) != before {
			t.Fatal("a refused SetUserInfo changed the database")
		}

		e.vox(key, "SetUserInfo", "user_name=anna&application_name=callcenter&new_user_name=anya&user_display_name=Smirnova+Anya+Petrovna").ok()
		a := voxAccount(t, e, id)
		if a.Login != "anya" || a.Realname != "Smirnova Anya Petrovna" || a.LastName != "Smirnova" || a.Patronymic != "Petrovna" {
			t.Fatalf("renamed to %+v", a)
		}
		sid := e.get("func=auth&username=anya&password=Str0ng!pass").ok().obj("auth")["$id"].(string)
		e.vox(key, "SetUserInfo", "user_id="+id+"&user_password=N3w!password").ok()
		e.get("func=keepalive&auth="+sid).fails("access", "") // a new password ends the sessions
		e.get("func=whoami&authinfo=anya:N3w!password").ok()
		e.get("func=whoami&authinfo=anya:Str0ng!pass").fails("auth", "")

		e.vox(key, "SetUserInfo", "user_id="+id+"&mobile_phone=8+(555)+010-22").ok()
		if a := voxAccount(t, e, id); a.Mobile != "855501022" || a.Login != "anya" {
			t.Fatalf("mobile_phone set %+v", a)
		}
		if got := e.get("func=employee.edit&elid=" + id + "&auth=" + root).ok().text("mobile"); got != "855501022" {
			t.Errorf("employee.edit shows the mobile %q", got)
		}
		e.vox(key, "SetUserInfo", "user_id="+id+"&mobile_phone=").ok()
		if a := voxAccount(t, e, id); a.Mobile != "" {
			t.Fatalf("an empty mobile_phone left %q", a.Mobile)
		}

		e.vox(key, "SetUserInfo", "user_id="+id+"&user_active=false").ok()
		if voxAccount(t, e, id).Enabled {
			t.Fatal("user_active=false left the account enabled")
		}
		e.vox(key, "SetUserInfo", "user_id="+id+"&user_active=true").ok()
		if !voxAccount(t, e, id).Enabled {
			t.Fatal("user_active=true left the account disabled")
		}

		e.vox(key, "SetUserInfo", "user_id="+id+"&user_custom_data=Shift+B&parent_accounting=true").ok()
		u := e.vox(key, "GetUsers", "application_id="+app+"&user_id="+id).ok().users()[0]
		if u["user_custom_data"] != "Shift B" || u["parent_accounting"] != true {
			t.Errorf("after SetUserInfo: %v", u)
		}
		// The user's own 2.50 went back to the account.
		var rows []struct {
			Amount  int64
			Balance int64
		}
		if err := e.db.Raw("SELECT amount, balance FROM vox_ledger WHERE user_id IS NULL ORDER BY id").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(rows) != "[{1000 1000} {-250 750} {250 1000}]" {
			t.Errorf("the account's ledger %v", rows)
		}
		e.vox(key, "SetUserInfo", "user_id="+id+"&user_custom_data=").ok()
		if u := e.vox(key, "GetUsers", "application_id="+app+"&user_id="+id).ok().users()[0]; u["user_custom_data"] != "" {
			t.Errorf("custom data not cleared: %v", u)
		}

		// The key's own account cannot be suspended through it; root cannot be renamed.
		if err := e.db.Exec("UPDATE accounts SET default_access_allow = ? WHERE id = ?", true, id).Error; err != nil {
			t.Fatal(err)
		}
		mine := e.voxKey(root, "owner", "anya")
		e.vox(mine, "SetUserInfo", "user_id="+id+"&user_active=false").fails(voxBadArgument, "own account")
		if err := e.db.Exec("INSERT INTO vox_users (account_id, application_id, created_at, updated_at) SELECT id, ?, ?, ? FROM accounts WHERE login = 'root'",
			app, models.Now(), models.Now()).Error; err != nil {
			t.Fatal(err)
		}
		e.vox(key, "SetUserInfo", "user_name=root&application_id="+app+"&new_user_name=boss").fails(voxBadArgument, "root")
	})
}

// TestVoxDelUser: by ids, by names, all of an application, and all or nothing.
func TestVoxDelUser(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		sales := e.voxApp(root, "sales")
		key := e.voxKey(root, "admin", "root")
		anna := e.voxAddUser(key, app, "anna", "")
		boris := e.voxAddUser(key, app, "boris", "")
		gleb := e.voxAddUser(key, app, "gleb", "")
		vera := e.voxAddUser(key, sales, "vera", "")
		dan := e.voxAddUser(key, sales, "dan", "")
		e.get("func=balance.topup&amount=10&sok=ok&auth=" + root).ok()
		e.vox(key, "TransferMoneyToUser", "user_id="+anna+"&amount=3").ok()

		before := stateDigest(t, e)
		for _, tc := range []struct {
			params string
			code   int
			part   string
		}{
			{"", voxBadArgument, "user_id"},
			{"user_name=anna", voxBadArgument, "application_id"},
			{"user_id=" + anna + ";999999", voxNotFound, "999999"},
			{"user_id=" + anna + ";x", voxBadArgument, "user_id"},
			{"user_id=" + anna + "&user_name=boris&application_id=" + app, voxBadArgument, "not both"},
			{"user_name=anna;vera&application_id=" + app, voxNotFound, "vera"},
			{"user_id=" + vera + "&application_id=" + app, voxNotFound, vera},
		} {
			e.vox(key, "DelUser", tc.params).fails(tc.code, tc.part)
		}
		if stateDigest(t, e) != before {
			t.Fatal("a refused DelUser changed the database")
		}

		e.vox(key, "DelUser", "user_id="+anna+";"+boris).ok()
		if got := voxNames(e.vox(key, "GetUsers", "application_name=a")); got != "dan,gleb,vera" {
			t.Fatalf("after deleting by ids: %s", got)
		}
		acc := e.get("func=balance.topup&auth=" + root).ok()
		if acc.text("balance") != "10.00" {
			t.Errorf("anna's money did not go back to the account: %s", acc.body)
		}
		e.vox(key, "DelUser", "user_name=gleb&application_name=callcenter").ok()
		e.vox(key, "DelUser", "user_id=all&application_id="+sales).ok()
		if got := voxNames(e.vox(key, "GetUsers", "application_name=a")); got != "" {
			t.Fatalf("after deleting all: %s", got)
		}
		var left int64
		if err := e.db.Raw("SELECT COUNT(*) FROM accounts WHERE id IN (?, ?, ?, ?, ?)", anna, boris, gleb, vera, dan).Scan(&left).Error; err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Errorf("%d deleted users still have accounts", left)
		}
		// all is the account's users, never the caller's own account nor root, even
		// when they are users too; naming the caller by id is still refused, and a
		// user all cannot delete refuses the whole call.
		zoe := e.voxAddUser(key, app, "zoe", "")
		yan := e.voxAddUser(key, sales, "yan", "")
		var rootID string
		if err := e.db.Raw("SELECT id FROM accounts WHERE login = 'root'").Scan(&rootID).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.db.Exec("INSERT INTO vox_users (account_id, application_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
			rootID, app, models.Now(), models.Now()).Error; err != nil {
			t.Fatal(err)
		}
		e.vox(key, "DelUser", "user_id="+rootID+";"+zoe).fails(voxBadArgument, "own account")
		boss := MustCreateAccount(t, e.db, "boss", rights.Admin)
		if err := e.db.Exec("INSERT INTO vox_users (account_id, application_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
			boss.ID, sales, models.Now(), models.Now()).Error; err != nil {
			t.Fatal(err)
		}
		bossKey := e.voxKey(root, "admin", "boss")
		clerk := MustCreateEmployee(t, e.db, "clerk", rights.Admin)
		for _, right := range []string{"employee", "employee.voximplant", "employee.delete"} {
			e.grant(root, clerk.ID, right)
		}
		clerkKey := e.voxKey(root, "admin", "clerk")
		before = stateDigest(t, e)
		e.vox(clerkKey, "DelUser", "user_id=all&application_id="+sales).fails(voxForbidden, "boss")
		if stateDigest(t, e) != before {
			t.Fatal("a refused DelUser all changed the database")
		}
		e.vox(bossKey, "DelUser", "user_id=all").ok()
		if got := voxNames(e.vox(key, "GetUsers", "application_name=a")); got != "boss,root" {
			t.Errorf("DelUser all by boss left %s", got)
		}
		if voxAccount(t, e, zoe).ID != 0 || voxAccount(t, e, yan).ID != 0 {
			t.Error("DelUser all left zoe or yan")
		}
		e.get("func=employee.edit&elid=" + voxID(boss.ID) + "&sok=ok&default_access_allow=on&auth=" + root).ok()
		e.vox(key, "DelUser", "user_id=all").ok()
		if got := voxNames(e.vox(key, "GetUsers", "application_name=a")); got != "root" {
			t.Errorf("DelUser all by root left %s", got)
		}
	})
}
