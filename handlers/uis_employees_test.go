package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/rights"
)

// uisDigest is stateDigest with the telephony tables: what a refused Data API call
// must leave as it was.
func uisDigest(t *testing.T, e *env) string {
	t.Helper()
	out := stateDigest(t, e)
	for _, q := range []string{
		"SELECT id, first_name, last_name, patronymic, position_id FROM accounts ORDER BY id",
		"SELECT * FROM employee_telephony ORDER BY account_id",
		"SELECT * FROM extensions ORDER BY number",
		"SELECT * FROM phone_numbers ORDER BY id",
		"SELECT * FROM employee_numbers ORDER BY id",
		"SELECT * FROM employee_sites ORDER BY account_id, site_id",
		"SELECT * FROM group_numbers ORDER BY department_id, entry_id",
		"SELECT id, name, queue_enabled, channels_count FROM departments ORDER BY id",
		"SELECT id, name FROM positions ORDER BY id",
	} {
		out += queryDigest(t, e.db, q)
	}
	return out
}

// record creates a position, schedule or site and returns its id.
func (e *env) record(kind *models.RecordKind, name string) int64 {
	e.t.Helper()
	r := &models.Record{Name: name}
	if err := kind.Save(context.Background(), e.db, r); err != nil {
		e.t.Fatal(err)
	}
	return r.ID
}

// number is a phone number entry of a request.
func number(n string) map[string]any { return map[string]any{"phone_number": n} }

// employee reads one employee through get.employees.
func (e *env) employee(token string, id any) map[string]any {
	e.t.Helper()
	rows := e.call(token, "get.employees", map[string]any{"filter": map[string]any{"field": "id", "operator": "=", "value": id}}).data()
	if len(rows) != 1 {
		e.t.Fatalf("employee %v: %v", id, rows)
	}
	return rows[0]
}

// atoi reads an id a form-API answer gave.
func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

// asJSON is v as a test compares it: through JSON, so numbers are float64.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	json.Unmarshal(b, &out)
	return out
}

func TestUISCreateEmployee(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		coach := MustCreateEmployee(t, e.db, "coach", rights.Admin)
		if err := e.db.Exec("UPDATE accounts SET realname = 'Big Coach' WHERE id = ?", coach.ID).Error; err != nil {
			t.Fatal(err)
		}
		schedule := e.record(models.Schedules, "Weekdays")
		site := e.record(models.Sites, "shop.example.com")
		position := e.record(models.Positions, "Operator")
		group := atoi(t, e.get("func=department.edit&name=Hotline&sok=ok&auth="+root).ok().text("id"))

		params := map[string]any{
			"first_name": "Ivan", "last_name": "Petrov", "patronymic": "Sergeevich", "email": "ivan@example.com",
			"status": "break", "allowed_in_call_types": []any{"external"}, "allowed_out_call_types": []any{"internal", "external"},
			"call_recording": "in", "schedule_id": schedule,
			"coach":  map[string]any{"coach_id": coach.ID, "coach_always_enabled": true},
			"groups": []any{group},
			"phone_numbers": []any{
				map[string]any{"phone_number": "74951234567", "channels_count": 2, "dial_time": 30, "status": "inactive"},
				number("+79161234567"), number("74955140578...2345"),
			},
			"extension": map[string]any{"extension_phone_number": "101", "extension_voice_mail_enabled": true},
			"operator": map[string]any{"operator_login": "ivan", "operator_password": "Str0ng-pass-1", "operator_display_name": "Ivan",
				"operator_position_id": position, "operator_offline_message_enabled": true, "operator_chat_enabled": false,
				"operator_sites": []any{site}},
		}
		r := e.call(token, "create.employees", params).ok()
		id := r.Result["id"]
		if _, isNumber := id.(float64); !isNumber || len(r.Result) != 1 {
			t.Fatalf("create answers %s", r.body)
		}
		want := map[string]any{
			"id": id, "first_name": "Ivan", "last_name": "Petrov", "patronymic": "Sergeevich", "full_name": "Petrov Ivan Sergeevich",
			"email": "ivan@example.com", "status": "break", "allowed_in_call_types": []any{"external"},
			"allowed_out_call_types": []any{"internal", "external"}, "call_recording": "in", "calls_available": true,
			"schedule_id": schedule, "schedule_name": "Weekdays",
			"coach":  map[string]any{"coach_id": coach.ID, "coach_full_name": "Big Coach", "coach_always_enabled": true},
			"groups": []any{map[string]any{"group_id": group, "group_name": "Hotline"}},
			"phone_numbers": []any{
				map[string]any{"phone_number": "74951234567", "channels_count": 2, "dial_time": 30, "status": "inactive"},
				map[string]any{"phone_number": "+79161234567", "channels_count": 1, "dial_time": 60, "status": "active"},
				map[string]any{"phone_number": "74955140578...2345", "channels_count": 1, "dial_time": 60, "status": "active"},
			},
			"extension": map[string]any{"extension_phone_number": "101", "extension_voice_mail_enabled": true, "extension_queue_enabled": false},
			"operator": map[string]any{"operator_login": "ivan", "operator_display_name": "Ivan", "operator_position_id": position,
				"operator_position_name": "Operator", "operator_offline_message_enabled": true, "operator_invite_to_chat_enabled": false,
				"operator_chat_enabled": false, "operator_chats_available": false,
				"operator_sites": []any{map[string]any{"site_id": site, "site_domain_name": "shop.example.com"}}},
		}
		got := e.employee(token, id)
		if !reflect.DeepEqual(asJSON(t, got), asJSON(t, want)) {
			t.Errorf("get.employees:\n%v\nwant\n%v", asJSON(t, got), asJSON(t, want))
		}

		// The same person through the form API; the operator password is the login's.
		row := e.get("func=employee&filter=on&name=ivan&auth=" + root).rows()
		if len(row) != 1 || row[0]["realname"] != "Petrov Ivan Sergeevich" || row[0]["phone"] != "74951234567" ||
			row[0]["mobile"] != "+79161234567" || row[0]["department"] != "Hotline" || row[0]["position"] != "Operator" ||
			row[0]["email"] != "ivan@example.com" {
			t.Errorf("func=employee: %v", row)
		}
		e.get("func=whoami&authinfo=ivan:Str0ng-pass-1").ok()

		// The journal keeps the call without the password.
		var params_, elid, result string
		if err := e.db.Raw("SELECT params, elid, result FROM journal WHERE func = 'create.employees'").Row().Scan(&params_, &elid, &result); err != nil {
			t.Fatal(err)
		}
		if elid != fmt.Sprint(id) || result != "ok" || strings.Contains(params_, "Str0ng") || strings.Contains(params_, token) ||
			!strings.Contains(params_, "operator_login") {
			t.Errorf("journal: %s %s %s", elid, result, params_)
		}
	})
}

func TestUISCreateMinimalEmployee(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		id := e.call(token, "create.employees", map[string]any{"last_name": "Solo", "phone_numbers": []any{number("100200")}}).ok().Result["id"]
		got := e.employee(token, id)
		want := map[string]any{"id": id, "first_name": nil, "last_name": "Solo", "patronymic": nil, "full_name": "Solo", "email": nil,
			"status": "available", "allowed_in_call_types": []any{"internal", "external"}, "allowed_out_call_types": []any{"internal", "external"},
			"call_recording": "all", "calls_available": true, "schedule_id": nil, "schedule_name": nil, "coach": map[string]any{},
			"groups": []any{}, "phone_numbers": []any{map[string]any{"phone_number": "100200", "channels_count": 1, "dial_time": 60, "status": "active"}},
			"extension": map[string]any{}, "operator": map[string]any{}}
		if !reflect.DeepEqual(asJSON(t, got), asJSON(t, want)) {
			t.Errorf("get.employees:\n%v\nwant\n%v", asJSON(t, got), asJSON(t, want))
		}
		login := fmt.Sprintf("employee-%v", id)
		if rows := e.get("func=employee&filter=on&name=" + login + "&auth=" + root).rows(); len(rows) != 1 || rows[0]["phone"] != "100200" {
			t.Errorf("the generated login %s: %v", login, rows)
		}
		// No password logs in to it.
		e.get("func=whoami&authinfo="+login+":!").fails("auth", "badpassword")
		e.rpc("login.user", map[string]any{"login": login, "password": "!"}).fails(-32002, "invalid_login_or_password", "")
		// calls_available false takes every call type away.
		id2 := e.call(token, "create.employees", map[string]any{"last_name": "Mute", "calls_available": false,
			"phone_numbers": []any{number("100201")}}).ok().Result["id"]
		if got := e.employee(token, id2); got["calls_available"] != false || len(got["allowed_in_call_types"].([]any)) != 0 {
			t.Errorf("calls_available false: %v", got)
		}
	})
}

func TestUISEmployeeRefusals(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		MustCreateAccount(t, e.db, "taken", rights.Admin)
		e.call(token, "create.employees", map[string]any{"last_name": "Has", "phone_numbers": []any{number("1000")},
			"extension": map[string]any{"extension_phone_number": "200"}}).ok()
		nums := func(n int) []any {
			out := []any{}
			for i := range n {
				out = append(out, number(fmt.Sprint(5550000+i)))
			}
			return out
		}
		base := func(extra map[string]any) map[string]any {
			p := map[string]any{"last_name": "X", "phone_numbers": []any{number("123456")}}
			for k, v := range extra {
				if v == nil {
					delete(p, k)
				} else {
					p[k] = v
				}
			}
			return p
		}
		type refusal struct {
			params          map[string]any
			code            int
			mnemonic, field string
		}
		missed := func(field string, p map[string]any) refusal {
			return refusal{p, -32602, "required_parameter_missed", field}
		}
		bad := func(field string, p map[string]any) refusal {
			return refusal{p, -32602, "invalid_parameter_value", field}
		}
		before := uisDigest(t, e)
		for name, tc := range map[string]refusal{
			"no last name":           missed("last_name", base(map[string]any{"last_name": nil})),
			"an empty last name":     missed("last_name", base(map[string]any{"last_name": " "})),
			"no numbers":             missed("phone_numbers", base(map[string]any{"phone_numbers": nil})),
			"an empty list":          missed("phone_numbers", base(map[string]any{"phone_numbers": []any{}})),
			"eleven numbers":         bad("phone_numbers", base(map[string]any{"phone_numbers": nums(11)})),
			"a number twice":         bad("phone_numbers[1].phone_number", base(map[string]any{"phone_numbers": []any{number("123"), number("123")}})),
			"a bad number":           bad("phone_numbers[0].phone_number", base(map[string]any{"phone_numbers": []any{number("12-34")}})),
			"no number":              missed("phone_numbers[0].phone_number", base(map[string]any{"phone_numbers": []any{map[string]any{"dial_time": 5}}})),
			"channels 0":             bad("phone_numbers[0].channels_count", base(map[string]any{"phone_numbers": []any{map[string]any{"phone_number": "123", "channels_count": 0}}})),
			"dial time 101":          bad("phone_numbers[0].dial_time", base(map[string]any{"phone_numbers": []any{map[string]any{"phone_number": "123", "dial_time": 101}}})),
			"a number status":        bad("phone_numbers[0].status", base(map[string]any{"phone_numbers": []any{map[string]any{"phone_number": "123", "status": "on"}}})),
			"an unknown number key":  {base(map[string]any{"phone_numbers": []any{map[string]any{"phone_number": "123", "x": 1}}}), -32602, "unknown_parameter", "phone_numbers[0].x"},
			"a name too long":        bad("last_name", base(map[string]any{"last_name": strings.Repeat("a", 60), "first_name": strings.Repeat("b", 60)})),
			"a control character":    bad("first_name", base(map[string]any{"first_name": "a\nb"})),
			"a bad email":            bad("email", base(map[string]any{"email": "nobody"})),
			"a bad status":           bad("status", base(map[string]any{"status": "asleep"})),
			"a bad call type":        bad("allowed_in_call_types", base(map[string]any{"allowed_in_call_types": []any{"internal", "mobile"}})),
			"call types not a list":  bad("allowed_out_call_types", base(map[string]any{"allowed_out_call_types": "internal"})),
			"a bad recording":        bad("call_recording", base(map[string]any{"call_recording": "some"})),
			"calls_available a word": bad("calls_available", base(map[string]any{"calls_available": "yes"})),
			"an unknown schedule":    bad("schedule_id", base(map[string]any{"schedule_id": 999})),
			"a schedule id of text":  bad("schedule_id", base(map[string]any{"schedule_id": "abc"})),
			"a coach without id":     missed("coach.coach_id", base(map[string]any{"coach": map[string]any{"coach_always_enabled": true}})),
			"an unknown coach":       bad("coach.coach_id", base(map[string]any{"coach": map[string]any{"coach_id": 999}})),
			"an unknown group":       bad("groups", base(map[string]any{"groups": []any{1, 999}})),
			"groups of text":         bad("groups[0]", base(map[string]any{"groups": []any{"sales"}})),
			"a long extension":       bad("extension.extension_phone_number", base(map[string]any{"extension": map[string]any{"extension_phone_number": "123456"}})),
			"an extension of text":   bad("extension.extension_phone_number", base(map[string]any{"extension": map[string]any{"extension_phone_number": "1a"}})),
			"a taken extension":      {base(map[string]any{"extension": map[string]any{"extension_phone_number": 200}}), -32602, "duplicate_value", "extension.extension_phone_number"},
			"an operator sans login": missed("operator.operator_login", base(map[string]any{"operator": map[string]any{"operator_password": "Str0ng-pass-1"}})),
			"an operator sans pass":  missed("operator.operator_password", base(map[string]any{"operator": map[string]any{"operator_login": "someone"}})),
			"a bad login":            bad("operator.operator_login", base(map[string]any{"operator": map[string]any{"operator_login": "A B", "operator_password": "Str0ng-pass-1"}})),
			"a weak password":        bad("operator.operator_password", base(map[string]any{"operator": map[string]any{"operator_login": "someone", "operator_password": "short"}})),
			"a taken login":          {base(map[string]any{"operator": map[string]any{"operator_login": "taken", "operator_password": "Str0ng-pass-1"}}), -32602, "duplicate_value", "operator.operator_login"},
			"an unknown position":    bad("operator.operator_position_id", base(map[string]any{"operator": map[string]any{"operator_login": "someone", "operator_password": "Str0ng-pass-1", "operator_position_id": 9}})),
			"an unknown site":        bad("operator.operator_sites", base(map[string]any{"operator": map[string]any{"operator_login": "someone", "operator_password": "Str0ng-pass-1", "operator_sites": []any{9}}})),
			"an operator key":        {base(map[string]any{"operator": map[string]any{"operator_login": "someone", "operator_password": "Str0ng-pass-1", "secret": 1}}), -32602, "unknown_parameter", "operator.secret"},
			"an operator of text":    bad("operator", base(map[string]any{"operator": "yes"})),
			"an unknown param":       {base(map[string]any{"department": 1}), -32602, "unknown_parameter", "department"},
		} {
			r := e.call(token, "create.employees", tc.params)
			if r.Error == nil || r.Error.Code != tc.code || r.Error.Data["mnemonic"] != tc.mnemonic || r.Error.Data["field"] != tc.field {
				t.Errorf("%s: want %d %s on %s, got %s", name, tc.code, tc.mnemonic, tc.field, r.body)
			}
			if strings.Contains(string(r.body), "Str0ng") {
				t.Errorf("%s: the answer shows the password: %s", name, r.body)
			}
		}
		// Failed changes are journaled, and change nothing else.
		var failed int64
		if err := e.db.Raw("SELECT COUNT(*) FROM journal WHERE func = 'create.employees' AND result <> 'ok'").Scan(&failed).Error; err != nil {
			t.Fatal(err)
		}
		if failed < 30 {
			t.Errorf("%d failed creates journaled", failed)
		}
		if uisDigest(t, e) != before {
			t.Error("refused creates changed the database")
		}
	})
}

func TestUISGetEmployees(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		sales := atoi(t, e.get("func=department.edit&name=Sales&sok=ok&auth="+root).ok().text("id"))
		schedule := e.record(models.Schedules, "Nights")
		ids := map[string]float64{}
		for _, p := range []map[string]any{
			{"last_name": "Adams", "first_name": "Amy", "email": "amy@example.com", "status": "break", "groups": []any{sales},
				"phone_numbers": []any{number("111")}, "extension": map[string]any{"extension_phone_number": "11"}},
			{"last_name": "Brown", "first_name": "Bob", "patronymic": "B", "call_recording": "off", "allowed_in_call_types": []any{},
				"phone_numbers": []any{number("222"), number("2222")}, "schedule_id": schedule},
			{"last_name": "Clark", "first_name": "Amy", "calls_available": false, "groups": []any{sales}, "phone_numbers": []any{number("333")}},
			{"last_name": "adams", "first_name": "Zed", "phone_numbers": []any{number("444")}},
		} {
			ids[p["last_name"].(string)] = e.call(token, "create.employees", p).ok().Result["id"].(float64)
		}
		names := func(params map[string]any) ([]string, float64) {
			t.Helper()
			r := e.call(token, "get.employees", params)
			var out []string
			for _, row := range r.data() {
				out = append(out, fmt.Sprint(row["last_name"]))
			}
			meta := r.Result["metadata"].(map[string]any)
			if _, ok := meta["api_limits"].(map[string]any); !ok {
				t.Errorf("no api_limits: %s", r.body)
			}
			return out, meta["total_items"].(float64)
		}
		cond := func(field, op string, v any) map[string]any {
			return map[string]any{"field": field, "operator": op, "value": v}
		}
		staff := map[string]any{"field": "id", "operator": "!=", "value": 1} // all but root
		for name, tc := range map[string]struct {
			params map[string]any
			want   string
		}{
			"all":                {map[string]any{"filter": staff}, "[Adams Brown Clark adams]"},
			"sorted":             {map[string]any{"filter": staff, "sort": []any{map[string]any{"field": "first_name", "order": "asc"}, map[string]any{"field": "last_name", "order": "desc"}}}, "[Clark Adams Brown adams]"},
			"sorted desc":        {map[string]any{"filter": cond("last_name", "in", []any{"Adams", "Brown", "Clark"}), "sort": []any{map[string]any{"field": "full_name", "order": "desc"}}}, "[Clark Brown Adams]"},
			"paged":              {map[string]any{"filter": staff, "limit": 2, "offset": 1}, "[Brown Clark]"},
			"like":               {map[string]any{"filter": cond("last_name", "like", "ADA%")}, "[Adams adams]"},
			"not_like":           {map[string]any{"filter": map[string]any{"filters": []any{staff, cond("last_name", "not_like", "%a%")}, "condition": "and"}}, "[Brown]"},
			"=":                  {map[string]any{"filter": cond("first_name", "=", "Amy")}, "[Adams Clark]"},
			"in":                 {map[string]any{"filter": cond("last_name", "in", []any{"Brown", "Clark"})}, "[Brown Clark]"},
			"not_in":             {map[string]any{"filter": map[string]any{"filters": []any{staff, cond("status", "not_in", []any{"break"})}}}, "[Brown Clark adams]"},
			"status":             {map[string]any{"filter": cond("status", "=", "break")}, "[Adams]"},
			"email":              {map[string]any{"filter": cond("email", "=", "amy@example.com")}, "[Adams]"},
			"recording":          {map[string]any{"filter": cond("call_recording", "=", "off")}, "[Brown]"},
			"calls":              {map[string]any{"filter": cond("calls_available", "=", false)}, "[Clark]"},
			"in call types":      {map[string]any{"filter": map[string]any{"filters": []any{staff, cond("allowed_in_call_types", "!=", "external")}}}, "[Brown Clark]"},
			"a group":            {map[string]any{"filter": cond("groups", "=", sales)}, "[Adams Clark]"},
			"no group":           {map[string]any{"filter": map[string]any{"filters": []any{staff, cond("groups", "=", nil)}}}, "[Brown adams]"},
			"a number":           {map[string]any{"filter": cond("phone_numbers", "=", "2222")}, "[Brown]"},
			"a number like":      {map[string]any{"filter": cond("phone_number", "like", "2%")}, "[Brown]"},
			"an extension":       {map[string]any{"filter": cond("extension", "=", "11")}, "[Adams]"},
			"a schedule":         {map[string]any{"filter": cond("schedule_id", "=", schedule)}, "[Brown]"},
			"a schedule by name": {map[string]any{"filter": cond("schedule_name", "like", "night%")}, "[Brown]"},
			"an id range":        {map[string]any{"filter": map[string]any{"filters": []any{cond("id", ">=", ids["Brown"]), cond("id", "<", ids["adams"])}, "condition": "and"}}, "[Brown Clark]"},
			"or nested":          {map[string]any{"filter": map[string]any{"condition": "or", "filters": []any{cond("status", "=", "break"), map[string]any{"condition": "and", "filters": []any{cond("first_name", "=", "Amy"), cond("calls_available", "=", false)}}}}}, "[Adams Clark]"},
		} {
			got, total := names(tc.params)
			if fmt.Sprint(got) != tc.want {
				t.Errorf("%s: %v, want %s", name, got, tc.want)
			}
			if name == "paged" && total != 4 {
				t.Errorf("paged: total_items %v, want 4", total)
			}
		}
		// fields: only those come back.
		rows := e.call(token, "get.employees", map[string]any{"fields": []any{"id", "phone_number"}, "filter": cond("last_name", "=", "Brown")}).data()
		if len(rows) != 1 || len(rows[0]) != 2 || len(rows[0]["phone_numbers"].([]any)) != 2 {
			t.Errorf("fields: %v", rows)
		}
		// Refusals.
		for name, tc := range map[string]struct {
			params map[string]any
			field  string
		}{
			"limit 0":              {map[string]any{"limit": 0}, "limit"},
			"limit over 10000":     {map[string]any{"limit": 10001}, "limit"},
			"a negative offset":    {map[string]any{"offset": -1}, "offset"},
			"a limit of text":      {map[string]any{"limit": "ten"}, "limit"},
			"an unknown field":     {map[string]any{"fields": []any{"id", "salary"}}, "fields"},
			"an unsortable field":  {map[string]any{"sort": []any{map[string]any{"field": "email", "order": "asc"}}}, "sort"},
			"a bad order":          {map[string]any{"sort": []any{map[string]any{"field": "last_name", "order": "up"}}}, "sort[0].order"},
			"an unfilterable one":  {map[string]any{"filter": cond("patronymic", "=", "B")}, "filter"},
			"a bad operator":       {map[string]any{"filter": cond("last_name", "~", "B")}, "filter.operator"},
			"like on a number":     {map[string]any{"filter": cond("id", "like", "1%")}, "filter"},
			"a bad value type":     {map[string]any{"filter": cond("id", "=", "one")}, "filter"},
			"an unknown condition": {map[string]any{"filter": map[string]any{"condition": "xor", "filters": []any{staff}}}, "condition"},
			"a filter of text":     {map[string]any{"filter": "last_name=Brown"}, "filter"},
		} {
			r := e.call(token, "get.employees", tc.params)
			if r.Error == nil || r.Error.Code != -32602 || r.Error.Data["mnemonic"] != "invalid_parameter_value" ||
				!strings.HasSuffix(fmt.Sprint(r.Error.Data["field"]), tc.field) {
				t.Errorf("%s: want invalid_parameter_value on %s, got %s", name, tc.field, r.body)
			}
		}
		e.call(token, "get.employees", map[string]any{"filter": map[string]any{"field": "id", "operator": "="}}).
			fails(-32602, "required_parameter_missed", "filter.value")

		// Ten thousand at once is allowed.
		if got := e.call(token, "get.employees", map[string]any{"limit": 10000}).data(); len(got) != 5 {
			t.Errorf("limit 10000: %d rows", len(got))
		}
	})
}

func TestUISUpdateEmployee(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		id := e.call(token, "create.employees", map[string]any{"last_name": "Petrov", "first_name": "Ivan", "email": "ivan@example.com",
			"phone_numbers": []any{number("111"), number("222"), number("333")}, "extension": map[string]any{"extension_phone_number": "50"},
			"coach": map[string]any{"coach_id": 1}, "groups": []any{1},
			"operator": map[string]any{"operator_login": "ivan", "operator_password": "Str0ng-pass-1"}}).ok().Result["id"]
		elid := fmt.Sprint(id)
		form := func() map[string]string {
			t.Helper()
			return e.get("func=employee&filter=on&name=*&auth=" + root).rows()[1]
		}

		// A partial update keeps what it leaves out.
		e.call(token, "update.employees", map[string]any{"id": id, "patronymic": "Ilyich", "status": "do_not_disturb"}).ok()
		got := e.employee(token, id)
		if got["full_name"] != "Petrov Ivan Ilyich" || got["email"] != "ivan@example.com" || got["status"] != "do_not_disturb" ||
			len(got["phone_numbers"].([]any)) != 3 || got["extension"].(map[string]any)["extension_phone_number"] != "50" {
			t.Errorf("after a partial update: %v", got)
		}
		// The form API renames: the parts follow realname.
		e.get("func=employee.edit&elid=" + elid + "&realname=Sidorov%20Petr%20Petrovich%20Jr&sok=ok&auth=" + root).ok()
		got = e.employee(token, id)
		if got["last_name"] != "Sidorov" || got["first_name"] != "Petr" || got["patronymic"] != "Petrovich Jr" {
			t.Errorf("after the form API's rename: %v", got)
		}
		// Numbers: the form API's phone and mobile are the first two; a Data API list
		// that keeps a number keeps its role.
		if f := form(); f["phone"] != "111" || f["mobile"] != "222" {
			t.Errorf("form: %v", f)
		}
		e.call(token, "update.employees", map[string]any{"id": id, "phone_numbers": []any{number("333"), number("222"), number("444")}}).ok()
		if f := form(); f["phone"] != "333" || f["mobile"] != "222" {
			t.Errorf("after a new list the roles are %v", f)
		}
		e.get("func=employee.edit&elid=" + elid + "&phone=555&mobile=&sok=ok&auth=" + root).ok()
		numbers := func() []string {
			var out []string
			for _, n := range e.employee(token, id)["phone_numbers"].([]any) {
				out = append(out, n.(map[string]any)["phone_number"].(string))
			}
			return out
		}
		if got := numbers(); fmt.Sprint(got) != "[555 444]" {
			t.Errorf("after the form API set phone and cleared mobile: %v", got)
		}
		e.get("func=employee.edit&elid=" + elid + "&mobile=%2B1666&sok=ok&auth=" + root).ok()
		if got := numbers(); fmt.Sprint(got) != "[555 +1666 444]" {
			t.Errorf("after the form API set mobile: %v", got)
		}
		// Settings of a shared number change for everyone who has it.
		other := e.call(token, "create.employees", map[string]any{"last_name": "Other",
			"phone_numbers": []any{map[string]any{"phone_number": "444", "dial_time": 15}}}).ok().Result["id"]
		if n := e.employee(token, id)["phone_numbers"].([]any)[2].(map[string]any); n["dial_time"] != float64(15) {
			t.Errorf("a shared number: %v", n)
		}
		e.call(token, "delete.employees", map[string]any{"id": other}).ok()

		// null takes an object away; an empty array empties a list.
		e.call(token, "update.employees", map[string]any{"id": id, "extension": nil, "coach": nil, "groups": []any{}, "schedule_id": nil}).ok()
		got = e.employee(token, id)
		if len(got["extension"].(map[string]any)) != 0 || len(got["coach"].(map[string]any)) != 0 || len(got["groups"].([]any)) != 0 {
			t.Errorf("after clearing: %v", got)
		}
		e.call(token, "update.employees", map[string]any{"id": id, "operator": nil}).ok()
		if got := e.employee(token, id); len(got["operator"].(map[string]any)) != 0 {
			t.Errorf("no longer an operator: %v", got)
		}
		// A new operator password is the account's, and ends its sessions.
		sid := e.loginWith("ivan", "Str0ng-pass-1").ok().obj("auth")["$id"].(string)
		e.call(token, "update.employees", map[string]any{"id": id, "operator": map[string]any{"operator_login": "ivan2", "operator_password": "N3w-pass-word"}}).ok()
		e.get("func=whoami&auth="+sid).fails("access", "session")
		e.get("func=whoami&authinfo=ivan2:" + url.QueryEscape("N3w-pass-word")).ok()
		if got := e.employee(token, id)["operator"].(map[string]any); got["operator_login"] != "ivan2" {
			t.Errorf("operator: %v", got)
		}

		// Refusals change nothing.
		before := uisDigest(t, e)
		e.call(token, "update.employees", map[string]any{"first_name": "X"}).fails(-32602, "required_parameter_missed", "id")
		e.call(token, "update.employees", map[string]any{"id": 999, "first_name": "X"}).fails(-32004, "entity_not_found", "id")
		e.call(token, "update.employees", map[string]any{"id": "x"}).fails(-32602, "invalid_parameter_value", "id")
		e.call(token, "update.employees", map[string]any{"id": id, "last_name": ""}).fails(-32602, "required_parameter_missed", "last_name")
		e.call(token, "update.employees", map[string]any{"id": id, "coach": map[string]any{"coach_id": id}}).fails(-32602, "invalid_parameter_value", "coach.coach_id")
		e.call(token, "update.employees", map[string]any{"id": 1, "operator": map[string]any{"operator_login": "boss"}}).fails(-32602, "invalid_parameter_value", "operator.operator_login")
		e.call(token, "update.employees", map[string]any{"id": id, "email": "x", "first_name": "Y"}).fails(-32602, "invalid_parameter_value", "email")
		if uisDigest(t, e) != before {
			t.Error("refused updates changed the database")
		}
	})
}

func TestUISDeleteEmployee(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		id := e.call(token, "create.employees", map[string]any{"last_name": "Gone", "phone_numbers": []any{number("777")},
			"extension": map[string]any{"extension_phone_number": "70"}}).ok().Result["id"]
		e.call(token, "delete.employees", map[string]any{"id": id}).ok()
		e.call(token, "delete.employees", map[string]any{"id": id}).fails(-32004, "entity_not_found", "id")
		if rows := e.call(token, "get.employees", map[string]any{"filter": map[string]any{"field": "id", "operator": "=", "value": id}}).data(); len(rows) != 0 {
			t.Errorf("still there: %v", rows)
		}
		// Its extension and numbers are free again.
		e.call(token, "create.employees", map[string]any{"last_name": "New", "phone_numbers": []any{number("777")},
			"extension": map[string]any{"extension_phone_number": "70"}}).ok()
		e.call(token, "delete.employees", map[string]any{"id": 1}).fails(-32602, "invalid_parameter_value", "id")
		e.call(token, "delete.employees", map[string]any{}).fails(-32602, "required_parameter_missed", "id")
		// A client is no employee.
		carol := MustCreateAccount(t, e.db, "carol", rights.User)
		e.call(token, "delete.employees", map[string]any{"id": carol.ID}).fails(-32004, "entity_not_found", "id")
	})
}

// TestUISEmployeeGuards: each method needs the right of its form-API func, and the
// dominance rule holds as in the form API.
func TestUISEmployeeGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		narrow := MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		e.grant(root, narrow.ID, "employee")
		token := e.rpcLogin("narrow")
		e.call(token, "get.employees", nil).ok()
		e.call(token, "create.employees", map[string]any{"last_name": "X", "phone_numbers": []any{number("1")}}).fails(-32003, "forbidden", "")
		e.call(token, "delete.employees", map[string]any{"id": 1}).fails(-32003, "forbidden", "")
		for _, right := range []string{"employee.edit", "employee.delete", "employee.phone.edit", "employee.department.resume"} {
			e.grant(root, narrow.ID, right)
		}

		// A group that grants a right the caller lacks, and a full-access admin.
		wide := e.get("func=department.edit&name=Wide&sok=ok&auth=" + root).ok().text("id")
		e.get("func=rights2.group.resume&plid=" + wide + "&elid=journal&sok=ok&auth=" + root).ok()
		boss := MustCreateAccount(t, e.db, "boss", rights.Admin)
		before := uisDigest(t, e)
		r := e.call(token, "create.employees", map[string]any{"last_name": "X", "groups": []any{wide}, "phone_numbers": []any{number("1")}})
		r.fails(-32003, "forbidden", "groups")
		if r.Error.Data["lacks"] != "journal" {
			t.Errorf("lacks: %s", r.body)
		}
		e.call(token, "update.employees", map[string]any{"id": boss.ID, "first_name": "X"}).fails(-32003, "forbidden", "id")
		e.call(token, "delete.employees", map[string]any{"id": boss.ID}).fails(-32003, "forbidden", "id")
		e.call(token, "update.employees", map[string]any{"id": narrow.ID, "groups": []any{1}}).fails(-32003, "forbidden", "groups")
		if uisDigest(t, e) != before {
			t.Error("refused calls changed the database")
		}
		// Within the caller's reach.
		id := e.call(token, "create.employees", map[string]any{"last_name": "Mine", "phone_numbers": []any{number("1")}}).ok().Result["id"]
		e.call(token, "update.employees", map[string]any{"id": id, "first_name": "Y"}).ok()
		e.call(token, "delete.employees", map[string]any{"id": id}).ok()

		// A client's token calls nothing.
		MustCreateAccount(t, e.db, "carol", rights.User)
		e.call(e.rpcLogin("carol"), "get.employees", nil).fails(-32003, "forbidden", "")
	})
}

// TestUISUserID: user_id acts for another account under the guards of su.
func TestUISUserID(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		reader := MustCreateEmployee(t, e.db, "reader", rights.Admin)
		e.grant(root, reader.ID, "employee")
		boss := MustCreateAccount(t, e.db, "boss", rights.Admin)

		// As reader, root may read but not create.
		e.call(token, "get.employees", map[string]any{"user_id": reader.ID}).ok()
		e.call(token, "create.employees", map[string]any{"user_id": reader.ID, "last_name": "X", "phone_numbers": []any{number("1")}}).
			fails(-32003, "forbidden", "")
		e.call(token, "get.employees", map[string]any{"user_id": 999}).fails(-32004, "entity_not_found", "user_id")
		e.call(token, "get.employees", map[string]any{"user_id": "me"}).fails(-32602, "invalid_parameter_value", "user_id")
		e.call(token, "get.employees", map[string]any{"user_id": 1}).ok() // oneself

		// Without employee.su, or over someone out of reach, or suspended.
		narrow := MustCreateEmployee(t, e.db, "narrow", rights.Admin)
		for _, right := range []string{"employee", "employee.edit", "employee.phone.edit"} {
			e.grant(root, narrow.ID, right)
		}
		own := e.rpcLogin("narrow")
		e.call(own, "get.employees", map[string]any{"user_id": reader.ID}).fails(-32003, "forbidden", "user_id")
		e.grant(root, narrow.ID, "employee.su")
		e.call(own, "get.employees", map[string]any{"user_id": reader.ID}).ok()
		e.call(own, "get.employees", map[string]any{"user_id": boss.ID}).fails(-32003, "forbidden", "user_id")
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", reader.ID, root)).ok()
		e.call(own, "get.employees", map[string]any{"user_id": reader.ID}).fails(-32602, "invalid_parameter_value", "user_id")

		// The journal names both accounts, and keeps the reason.
		e.call(token, "create.employees", map[string]any{"user_id": narrow.ID, "reason": "ticket 7", "last_name": "Via",
			"phone_numbers": []any{number("1")}}).ok()
		var account, real, params string
		if err := e.db.Raw("SELECT account_login, real_login, params FROM journal WHERE func = 'create.employees' AND result = 'ok'").
			Row().Scan(&account, &real, &params); err != nil {
			t.Fatal(err)
		}
		if account != "narrow" || real != "root" || !strings.Contains(params, "ticket 7") {
			t.Errorf("journal: %s %s %s", account, real, params)
		}
	})
}

// TestUISScript creates a group and staff in it through the Data API as an
// integration would, and reads the same people back through func=employee.
func TestUISScript(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		support := e.call(token, "create.group_employees", map[string]any{"name": "Support", "group_phone_number": 500}).ok().Result["id"]
		people := []struct{ last, first, patronymic, phone, mobile, email string }{
			{"Ivanov", "Ivan", "Ivanovich", "+74951110001", "+79160000001", "ivanov@example.com"},
			{"Petrova", "Anna", "", "+74951110002", "+79160000002", "petrova@example.com"},
			{"Smith", "John", "", "+12025550103", "", "smith@example.com"},
		}
		for _, p := range people {
			numbers := []any{number(p.phone)}
			if p.mobile != "" {
				numbers = append(numbers, number(p.mobile))
			}
			e.call(token, "create.employees", map[string]any{"last_name": p.last, "first_name": p.first, "patronymic": p.patronymic,
				"email": p.email, "groups": []any{support}, "phone_numbers": numbers}).ok()
		}
		rows := e.get("func=employee&filter=on&department=Support&sort=realname&auth=" + root).rows()
		if len(rows) != len(people) {
			t.Fatalf("func=employee: %v", rows)
		}
		for i, p := range people {
			r := rows[i]
			if r["realname"] != models.JoinName(p.last, p.first, p.patronymic) || r["phone"] != p.phone || r["mobile"] != p.mobile ||
				r["email"] != p.email || r["department"] != "Support" || !strings.HasPrefix(r["name"], "employee-") {
				t.Errorf("%s: %v", p.last, r)
			}
		}
		deps := e.get("func=department&filter=on&name=Support&auth=" + root).rows()
		if len(deps) != 1 || deps[0]["id"] != fmt.Sprint(support) || deps[0]["members"] != "3" {
			t.Errorf("func=department: %v", deps)
		}
	})
}

// TestUISUpdateOperatorSites: update.employees sets an operator's sites inside
// operator, as create does, keeping its other settings; a top-level operator_sites
// is no parameter of the method.
func TestUISUpdateOperatorSites(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		shop := e.record(models.Sites, "shop.example.com")
		blog := e.record(models.Sites, "blog.example.com")
		id := e.call(token, "create.employees", map[string]any{"last_name": "Ann", "phone_numbers": []any{number("111")},
			"operator": map[string]any{"operator_login": "ann", "operator_password": "Str0ng-pass-1", "operator_display_name": "Ann",
				"operator_sites": []any{shop}}}).ok().Result["id"]
		sites := func() any {
			op := e.employee(token, id)["operator"].(map[string]any)
			if op["operator_display_name"] != "Ann" {
				t.Errorf("the update changed the display name: %v", op)
			}
			return asJSON(t, op["operator_sites"])
		}

		e.call(token, "update.employees", map[string]any{"id": id, "operator": map[string]any{"operator_sites": []any{blog, shop}}}).ok()
		want := []any{map[string]any{"site_id": blog, "site_domain_name": "blog.example.com"},
			map[string]any{"site_id": shop, "site_domain_name": "shop.example.com"}}
		if got := sites(); !reflect.DeepEqual(got, asJSON(t, want)) && !reflect.DeepEqual(got, asJSON(t, []any{want[1], want[0]})) {
			t.Errorf("operator_sites %v, want %v", got, asJSON(t, want))
		}
		e.call(token, "update.employees", map[string]any{"id": id, "operator": map[string]any{"operator_sites": []any{}}}).ok()
		if got := sites(); !reflect.DeepEqual(got, asJSON(t, []any{})) {
			t.Errorf("operator_sites %v, want none", got)
		}

		before := uisDigest(t, e)
		e.call(token, "update.employees", map[string]any{"id": id, "operator": map[string]any{"operator_sites": []any{999999}}}).
			fails(rpcInvalidParams, "invalid_parameter_value", "operator.operator_sites")
		e.call(token, "update.employees", map[string]any{"id": id, "operator_sites": []any{shop}}).
			fails(rpcInvalidParams, "unknown_parameter", "operator_sites")
		if uisDigest(t, e) != before {
			t.Error("refused updates changed the database")
		}
	})
}
