package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/rights"
)

// The employees of the Data API are the staff: docs/uis.md has the mapping.

// employeeFields are the fields of get.employees, in the reference's order.
var employeeFields = []string{"id", "first_name", "last_name", "patronymic", "full_name", "email", "status",
	"allowed_in_call_types", "allowed_out_call_types", "call_recording", "calls_available", "schedule_id",
	"schedule_name", "coach", "groups", "phone_numbers", "extension", "operator"}

// employeeAliases are other spellings of fields that the reference uses.
var employeeAliases = map[string]string{"phone_number": "phone_numbers", "coach_id": "coach",
	"extension_phone_number": "extension", "group_id": "groups"}

// employeeParams are the params of create.employees and update.employees.
var employeeParams = []string{"first_name", "last_name", "patronymic", "email", "status", "allowed_in_call_types",
	"allowed_out_call_types", "call_recording", "calls_available", "schedule_id", "coach", "groups",
	"phone_numbers", "phone_number", "extension", "operator"}

// listParams are the params of every get method.
var listParams = []string{"limit", "offset", "filter", "fields", "sort"}

// readFields reads fields: the names of the fields to answer, all when not sent.
func readFields(p *rpcParams, all []string, alias map[string]string) (map[string]bool, error) {
	want := map[string]bool{}
	items, given, err := p.array("fields", 100)
	if err != nil {
		return nil, err
	}
	if !given || len(items) == 0 {
		for _, f := range all {
			want[f] = true
		}
		return want, nil
	}
	for i := range items {
		v, _ := decodeJSON(items[i]).(string)
		if a, ok := alias[v]; ok {
			v = a
		}
		if !contains(all, v) {
			return nil, paramInvalid("fields", decodeJSON(items[i]), "Unknown field %v: the fields are %s", decodeJSON(items[i]), strings.Join(all, ", "))
		}
		want[v] = true
	}
	return want, nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// orNull is a text as the Data API answers it: null when empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ptrOrNull[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// callTypes splits a stored list of call types; none is an empty array.
func callTypes(v string) []string {
	if v == "" {
		return []string{}
	}
	return strings.Split(v, ",")
}

// listResult is the result of a get method: its rows and the metadata.
func listResult(c *Ctx, total int64, rows []map[string]any) map[string]any {
	return map[string]any{"metadata": map[string]any{"total_items": total, "api_limits": c.App.apiLimits(c)}, "data": rows}
}

// uisGetEmployees is get.employees.
func uisGetEmployees(c *Ctx, p *rpcParams) (uisApply, error) {
	q, err := p.listArgs(models.TelephonyStaffList, employeeAliases)
	if err != nil {
		return nil, err
	}
	want, err := readFields(p, employeeFields, map[string]string{"phone_number": "phone_numbers"})
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		rows, total, err := models.ListTelephonyStaff(c, c.DB, q)
		if err != nil {
			return nil, err
		}
		out, err := employeeRows(c, rows, want)
		if err != nil {
			return nil, err
		}
		return listResult(c, total, out), nil
	}, nil
}

// employeeRows are employees as get.employees answers them: the wanted fields only,
// with the nested lists read for the whole page at once.
func employeeRows(c *Ctx, rows []models.TelephonyRow, want map[string]bool) ([]map[string]any, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var groups, sites map[int64][]models.Named
	var numbers map[int64][]models.EmployeeNumber
	var err error
	if want["groups"] {
		if groups, err = models.GroupsOf(c, c.DB, ids); err != nil {
			return nil, err
		}
	}
	if want["phone_numbers"] {
		if numbers, err = models.NumbersOf(c, c.DB, ids); err != nil {
			return nil, err
		}
	}
	if want["operator"] {
		if sites, err = models.SitesOf(c, c.DB, ids); err != nil {
			return nil, err
		}
	}
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		all := map[string]any{
			"id":                     r.ID,
			"first_name":             orNull(r.FirstName),
			"last_name":              orNull(r.LastName),
			"patronymic":             orNull(r.Patronymic),
			"full_name":              orNull(r.Realname),
			"email":                  orNull(r.Email),
			"status":                 r.Status,
			"allowed_in_call_types":  callTypes(r.AllowedInCallTypes),
			"allowed_out_call_types": callTypes(r.AllowedOutCallTypes),
			"call_recording":         r.CallRecording,
			"calls_available":        r.AllowedInCallTypes != "" || r.AllowedOutCallTypes != "",
			"schedule_id":            ptrOrNull(r.ScheduleID),
			"schedule_name":          ptrOrNull(r.ScheduleName),
			"coach":                  map[string]any{},
			"extension":              map[string]any{},
			"operator":               map[string]any{},
		}
		if r.CoachID != nil {
			all["coach"] = map[string]any{"coach_id": *r.CoachID, "coach_full_name": orNull(ptrValue(r.CoachName)),
				"coach_always_enabled": r.CoachAlwaysEnabled}
		}
		if r.Extension != nil {
			all["extension"] = map[string]any{"extension_phone_number": *r.Extension,
				"extension_voice_mail_enabled": r.ExtensionVoiceMail, "extension_queue_enabled": r.ExtensionQueue}
		}
		if want["groups"] {
			list := []map[string]any{}
			for _, g := range groups[r.ID] {
				list = append(list, map[string]any{"group_id": g.ID, "group_name": g.Name})
			}
			all["groups"] = list
		}
		if want["phone_numbers"] {
			list := []map[string]any{}
			for _, n := range numbers[r.ID] {
				status := "active"
				if !n.Active {
					status = "inactive"
				}
				list = append(list, map[string]any{"phone_number": n.Number, "channels_count": n.ChannelsCount,
					"dial_time": n.DialTime, "status": status})
			}
			all["phone_numbers"] = list
		}
		if r.Operator && want["operator"] {
			list := []map[string]any{}
			for _, s := range sites[r.ID] {
				list = append(list, map[string]any{"site_id": s.ID, "site_domain_name": s.Name})
			}
			all["operator"] = map[string]any{
				"operator_login":                   r.Login,
				"operator_display_name":            orNull(r.OperatorDisplayName),
				"operator_position_id":             ptrOrNull(r.PositionID),
				"operator_position_name":           orNull(r.Position),
				"operator_offline_message_enabled": r.OperatorOfflineMessageEnabled,
				"operator_invite_to_chat_enabled":  r.OperatorInviteToChatEnabled,
				"operator_chat_enabled":            r.OperatorChatEnabled,
				"operator_chats_available":         r.OperatorChatsAvailable,
				"operator_sites":                   list,
			}
		}
		row := map[string]any{}
		for name := range want {
			row[name] = all[name]
		}
		out = append(out, row)
	}
	return out, nil
}

func ptrValue[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// opt is a param as a change reads it: whether it was sent, and its value.
type opt[T any] struct {
	set bool
	v   T
}

// staffInput is what create.employees and update.employees read, checked.
type staffInput struct {
	first, last, patronymic, email opt[string]
	status, callRecording          opt[string]
	allowedIn, allowedOut          opt[[]string]
	callsAvailable                 opt[bool]
	schedule                       opt[*int64]
	coach                          opt[*coachInput]
	groups                         opt[[]int64]
	numbers                        opt[[]models.NumberInput]
	extension                      opt[*extensionInput]
	operator                       opt[*operatorInput]
}

type coachInput struct {
	id     int64
	always opt[bool]
}

type extensionInput struct {
	number           string
	voiceMail, queue opt[bool]
}

type operatorInput struct {
	login, displayName               opt[string]
	hash                             string // a new password, hashed; "" for none
	position                         opt[*int64]
	offline, invite, chat            opt[bool]
	sites                            opt[[]int64]
	loginField, passwordField, field string
}

// readText reads an optional text param into o.
func readText(p *rpcParams, name string, max int, required bool, o *opt[string]) error {
	v, given, err := p.str(name, max, required)
	if err == nil && given && required && v == "" {
		err = paramMissed(p.field(name))
	}
	o.set, o.v = given, v
	return err
}

func readBool(p *rpcParams, name string, o *opt[bool]) error {
	v, given, err := p.boolean(name)
	o.set, o.v = given, v
	return err
}

// readEmployeeInput reads and checks the params of a create (creating) or an
// update: types, bounds and rules that need no database. A new operator password
// is checked against the password policy and hashed here, before any transaction.
func readEmployeeInput(c *Ctx, p *rpcParams, creating bool) (*staffInput, error) {
	in := &staffInput{}
	steps := []func() error{
		func() error { return readText(p, "first_name", models.MaxRealname, false, &in.first) },
		func() error {
			return readText(p, "last_name", models.MaxRealname, creating || p.has("last_name"), &in.last)
		},
		func() error { return readText(p, "patronymic", models.MaxRealname, false, &in.patronymic) },
		func() error {
			if err := readText(p, "email", models.MaxEmail, false, &in.email); err != nil || in.email.v == "" {
				return err
			}
			if models.CheckEmail(in.email.v) != nil {
				return paramInvalid("email", in.email.v, "Enter an email address such as name@example.com")
			}
			return nil
		},
		func() error {
			var err error
			in.status.v, in.status.set, err = p.enum("status", models.Statuses)
			return err
		},
		func() error {
			var err error
			in.allowedIn.v, in.allowedIn.set, err = p.enums("allowed_in_call_types", models.CallTypes)
			return err
		},
		func() error {
			var err error
			in.allowedOut.v, in.allowedOut.set, err = p.enums("allowed_out_call_types", models.CallTypes)
			return err
		},
		func() error {
			var err error
			in.callRecording.v, in.callRecording.set, err = p.enum("call_recording", models.CallRecordings)
			return err
		},
		func() error { return readBool(p, "calls_available", &in.callsAvailable) },
		func() error {
			id, given, err := p.id("schedule_id", false)
			if given {
				in.schedule.v = &id
			}
			in.schedule.set = given || p.null("schedule_id")
			return err
		},
		func() error { return readCoach(p, in) },
		func() error {
			var err error
			in.groups.v, in.groups.set, err = p.ids("groups", models.MaxIDs)
			return err
		},
		func() error { return readNumbers(p, in, creating) },
		func() error { return readExtension(p, in) },
		func() error { return readOperator(c, p, in, creating) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if len([]rune(models.JoinName(in.last.v, in.first.v, in.patronymic.v))) > models.MaxRealname {
		return nil, paramInvalid("last_name", in.last.v, "The last name, first name and patronymic are at most %d characters together", models.MaxRealname)
	}
	return in, nil
}

func readCoach(p *rpcParams, in *staffInput) error {
	obj, given, null, err := p.object("coach", "coach_id", "coach_always_enabled")
	if err != nil {
		return err
	}
	in.coach.set = given || null
	if !given {
		return nil
	}
	coach := &coachInput{}
	if coach.id, _, err = obj.id("coach_id", true); err != nil {
		return err
	}
	if err := readBool(obj, "coach_always_enabled", &coach.always); err != nil {
		return err
	}
	in.coach.v = coach
	return nil
}

func readExtension(p *rpcParams, in *staffInput) error {
	obj, given, null, err := p.object("extension", "extension_phone_number", "extension_voice_mail_enabled", "extension_queue_enabled")
	if err != nil {
		return err
	}
	in.extension.set = given || null
	if !given {
		return nil
	}
	ext := &extensionInput{}
	number, _, err := obj.extensionNumber("extension_phone_number", true)
	if err != nil {
		return err
	}
	ext.number = number
	if err := readBool(obj, "extension_voice_mail_enabled", &ext.voiceMail); err != nil {
		return err
	}
	if err := readBool(obj, "extension_queue_enabled", &ext.queue); err != nil {
		return err
	}
	in.extension.v = ext
	return nil
}

// extensionNumber reads an extension number: 1 to 5 digits, sent as a string or a
// number.
func (p *rpcParams) extensionNumber(name string, required bool) (string, bool, error) {
	if !p.has(name) || p.null(name) {
		if required {
			return "", false, paramMissed(p.field(name))
		}
		return "", p.has(name), nil
	}
	v := p.value(name)
	s := fmt.Sprint(v)
	if _, isObj := v.(map[string]any); isObj || models.CheckExtension(s) != nil {
		return "", false, paramInvalid(p.field(name), v, "%s is 1 to 5 digits", p.field(name))
	}
	return s, true, nil
}

// readNumbers reads phone_numbers (or phone_number, as the reference also spells
// it): at most ten numbers, each with its settings.
func readNumbers(p *rpcParams, in *staffInput, creating bool) error {
	name := "phone_numbers"
	if !p.has(name) && p.has("phone_number") {
		name = "phone_number"
	}
	items, given, err := p.array(name, models.MaxNumbers)
	if err != nil {
		return err
	}
	if creating && (!given || len(items) == 0) {
		return paramMissed("phone_numbers")
	}
	in.numbers.set = given
	seen := map[string]bool{}
	for i, raw := range items {
		item, err := p.item(name, i, raw, "phone_number", "channels_count", "dial_time", "status")
		if err != nil {
			return err
		}
		var n models.NumberInput
		if !item.has("phone_number") || item.null("phone_number") {
			return paramMissed(item.field("phone_number"))
		}
		n.Number = strings.TrimSpace(fmt.Sprint(item.value("phone_number")))
		if _, isText := item.value("phone_number").(string); !isText {
			if _, isNum := wholeNumber(item.value("phone_number")); !isNum {
				n.Number = ""
			}
		}
		if models.CheckNumber(n.Number) != nil {
			return paramInvalid(item.field("phone_number"), item.value("phone_number"),
				"A phone number is digits with an optional leading + and optional digits dialled after dots (74955140578...2345)")
		}
		if seen[n.Number] {
			return paramInvalid(item.field("phone_number"), n.Number, "The number %s is in the list twice", n.Number)
		}
		seen[n.Number] = true
		if v, ok, err := item.number("channels_count", 1, 150, false); err != nil {
			return err
		} else if ok {
			n.ChannelsCount = ptr(int(v))
		}
		if v, ok, err := item.number("dial_time", 1, 100, false); err != nil {
			return err
		} else if ok {
			n.DialTime = ptr(int(v))
		}
		if v, ok, err := item.enum("status", []string{"active", "inactive"}); err != nil {
			return err
		} else if ok {
			n.Active = ptr(v == "active")
		}
		in.numbers.v = append(in.numbers.v, n)
	}
	if given && in.numbers.v == nil {
		in.numbers.v = []models.NumberInput{}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// readOperator reads operator: the employee is a chat operator whose login and
// password are the account's. Becoming one on a create needs both.
func readOperator(c *Ctx, p *rpcParams, in *staffInput, creating bool) error {
	obj, given, null, err := p.object("operator", "operator_login", "operator_display_name", "operator_password",
		"operator_position_id", "operator_offline_message_enabled", "operator_invite_to_chat_enabled",
		"operator_chat_enabled", "operator_sites")
	if err != nil {
		return err
	}
	in.operator.set = given || null
	if !given {
		return nil
	}
	op := &operatorInput{loginField: obj.field("operator_login"), passwordField: obj.field("operator_password")}
	if err := readText(obj, "operator_login", 64, creating, &op.login); err != nil {
		return err
	}
	if op.login.set && models.CheckLogin(op.login.v) != nil {
		return paramInvalid(op.loginField, op.login.v,
			"A login is 3 to 50 characters: lower-case latin letters, digits, _ . and -, starting with a letter or digit")
	}
	if err := readText(obj, "operator_display_name", models.MaxRealname, false, &op.displayName); err != nil {
		return err
	}
	if creating || obj.has("operator_password") {
		password, err := obj.secretParam("operator_password")
		if err != nil {
			return err
		}
		if err := c.App.cfg.PasswordPolicy.Check(password); err != nil {
			e, _ := errs.As(err)
			msg := "The password is too weak"
			if e != nil {
				msg = e.Message()
			}
			return paramInvalid(op.passwordField, nil, "%s", msg)
		}
		if op.hash, err = models.HashPassword(c, c.App.cfg.Passwords, password); err != nil {
			return err
		}
	}
	id, givenID, err := obj.id("operator_position_id", false)
	if err != nil {
		return err
	}
	op.position.set = givenID || obj.null("operator_position_id")
	if givenID {
		op.position.v = &id
	}
	for _, f := range []struct {
		name string
		dst  *opt[bool]
	}{{"operator_offline_message_enabled", &op.offline}, {"operator_invite_to_chat_enabled", &op.invite}, {"operator_chat_enabled", &op.chat}} {
		if err := readBool(obj, f.name, f.dst); err != nil {
			return err
		}
	}
	if op.sites.v, op.sites.set, err = obj.ids("operator_sites", models.MaxIDs); err != nil {
		return err
	}
	in.operator.v = op
	return nil
}

// uisCreateEmployee is create.employees: a new employee without full access, in the
// groups given, which the person behind the call must dominate as it will be.
func uisCreateEmployee(c *Ctx, p *rpcParams) (uisApply, error) {
	in, err := readEmployeeInput(c, p, true)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		a := &models.Account{Level: rights.Admin, AllIPAccess: true, PasswordHash: models.NoPassword}
		generated := true
		if op := in.operator.v; op != nil {
			a.Login, a.PasswordHash, generated = op.login.v, op.hash, false
		} else {
			a.Login = "new-" + randomHex(8)
		}
		if err := saveEmployee(c, a, in); err != nil {
			return nil, err
		}
		if generated {
			if err := nameGenerated(c, a); err != nil {
				return nil, err
			}
		}
		if err := c.dominate("groups", a.ID, true); err != nil {
			return nil, err
		}
		return created{ID: a.ID}, nil
	}, nil
}

// uisUpdateEmployee is update.employees: fields left out keep their values; an
// array sent replaces the one there is. The guards are employee.edit's.
func uisUpdateEmployee(c *Ctx, p *rpcParams) (uisApply, error) {
	id, _, err := p.id("id", true)
	if err != nil {
		return nil, err
	}
	in, err := readEmployeeInput(c, p, false)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		a, err := manageable(c, strconv.FormatInt(id, 10))
		if err != nil {
			return nil, errs.At("id", err)
		}
		if err := c.dominate("id", a.ID, false); err != nil {
			return nil, err
		}
		if op := in.operator.v; op != nil && op.login.set && a.Login == models.RootLogin && op.login.v != a.Login {
			return nil, paramInvalid(op.loginField, op.login.v, "The login of root cannot change")
		}
		if in.groups.set && c.ownAccount(a.ID) {
			current, err := models.Memberships(c, c.DB, a.ID)
			if err != nil {
				return nil, err
			}
			if !sameDepartments(current, in.groups.v) {
				return nil, errs.Denied("groups", "You cannot change your own groups: ask root or another admin")
			}
		}
		if op := in.operator.v; op != nil && op.login.set {
			a.Login = op.login.v
		}
		if err := saveEmployee(c, a, in); err != nil {
			return nil, err
		}
		if op := in.operator.v; op != nil && op.hash != "" {
			if err := changePassword(c, a.ID, op.hash); err != nil {
				return nil, err
			}
		}
		object := "groups"
		if a.DefaultAccessAllow {
			object = "id"
		}
		if err := c.dominate(object, a.ID, true); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}, nil
}

// uisDeleteEmployee is delete.employees, with the guards of employee.delete.
func uisDeleteEmployee(c *Ctx, p *rpcParams) (uisApply, error) {
	id, _, err := p.id("id", true)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		if err := employeeDelete(c, strconv.FormatInt(id, 10)); err != nil {
			return nil, errs.At("id", err)
		}
		return map[string]any{}, nil
	}, nil
}

// saveEmployee writes what the input sets of an employee, a new one when a.ID is 0:
// the card, the telephony settings, the groups, the extension, the numbers and the
// sites. References to other records must exist: a value error on the param
// otherwise.
func saveEmployee(c *Ctx, a *models.Account, in *staffInput) error {
	creating := a.ID == 0
	if in.first.set || in.last.set || in.patronymic.set {
		last, first, patronymic := a.LastName, a.FirstName, a.Patronymic
		if in.last.set {
			last = in.last.v
		}
		if in.first.set {
			first = in.first.v
		}
		if in.patronymic.set {
			patronymic = in.patronymic.v
		}
		if len([]rune(models.JoinName(last, first, patronymic))) > models.MaxRealname {
			return paramInvalid("last_name", last, "The last name, first name and patronymic are at most %d characters together", models.MaxRealname)
		}
		a.LastName, a.FirstName, a.Patronymic = last, first, patronymic
		a.Realname = models.JoinName(last, first, patronymic)
	}
	if in.email.set {
		a.Email = in.email.v
	}
	op := in.operator.v
	if op != nil && op.position.set {
		a.Position, a.PositionID = "", nil
		if op.position.v != nil {
			r, err := models.Positions.Find(c, c.DB, strconv.FormatInt(*op.position.v, 10))
			if errors.Is(err, errs.Missed) {
				return paramInvalid("operator.operator_position_id", *op.position.v, "There is no position %d", *op.position.v)
			} else if err != nil {
				return err
			}
			a.Position = r.Name
		}
	}
	if err := models.SaveEmployee(c, c.DB, a, nil); err != nil {
		if errors.Is(err, errs.Exists) {
			return &rpcError{Code: rpcInvalidParams, Mnemonic: mnemonicDuplicate, Field: "operator.operator_login", Value: a.Login,
				Message: fmt.Sprintf("The login %q is taken", a.Login)}
		}
		return err
	}
	if err := saveTelephony(c, a.ID, in, creating); err != nil {
		return err
	}
	if in.groups.set {
		if err := models.CheckDepartments(c, c.DB, in.groups.v); err != nil {
			return errs.At("groups", err)
		}
		if err := models.SetDepartments(c, c.DB, a.ID, in.groups.v); err != nil {
			return err
		}
	}
	if in.extension.set {
		var ext *models.Extension
		if e := in.extension.v; e != nil {
			current, err := models.ExtensionOf(c, c.DB, a.ID)
			if err != nil {
				return err
			}
			ext = &models.Extension{Number: e.number}
			if current != nil {
				ext.VoiceMail, ext.Queue = current.VoiceMail, current.Queue
			}
			if e.voiceMail.set {
				ext.VoiceMail = e.voiceMail.v
			}
			if e.queue.set {
				ext.Queue = e.queue.v
			}
		}
		if err := models.SetExtension(c, c.DB, a.ID, 0, ext); err != nil {
			return errs.At("extension.extension_phone_number", err)
		}
	}
	if in.numbers.set {
		if err := setNumbers(c, "phone_numbers", a.ID, in.numbers.v); err != nil {
			return err
		}
	}
	if op != nil && op.sites.set {
		found, err := models.Sites.Existing(c, c.DB, op.sites.v)
		if err != nil {
			return err
		}
		for _, s := range op.sites.v {
			if !found[s] {
				return paramInvalid("operator.operator_sites", s, "There is no site %d", s)
			}
		}
		if err := models.SetSites(c, c.DB, a.ID, op.sites.v); err != nil {
			return err
		}
	}
	return nil
}

// saveTelephony writes the telephony settings the input sets; a new employee gets
// a row of their own.
func saveTelephony(c *Ctx, id int64, in *staffInput, creating bool) error {
	if !creating && !in.status.set && !in.allowedIn.set && !in.allowedOut.set && !in.callRecording.set &&
		!in.callsAvailable.set && !in.schedule.set && !in.coach.set && !in.operator.set {
		return nil
	}
	t, err := models.FindTelephony(c, c.DB, id)
	if err != nil {
		return err
	}
	if in.status.set {
		t.Status = in.status.v
	}
	if in.callsAvailable.set {
		types := ""
		if in.callsAvailable.v {
			types = models.DefaultCallTypes
		}
		t.AllowedInCallTypes, t.AllowedOutCallTypes = types, types
	}
	if in.allowedIn.set {
		t.AllowedInCallTypes = strings.Join(in.allowedIn.v, ",")
	}
	if in.allowedOut.set {
		t.AllowedOutCallTypes = strings.Join(in.allowedOut.v, ",")
	}
	if in.callRecording.set {
		t.CallRecording = in.callRecording.v
	}
	if in.schedule.set {
		t.ScheduleID = in.schedule.v
		if s := in.schedule.v; s != nil {
			if _, err := models.Schedules.Find(c, c.DB, strconv.FormatInt(*s, 10)); errors.Is(err, errs.Missed) {
				return paramInvalid("schedule_id", *s, "There is no schedule %d", *s)
			} else if err != nil {
				return err
			}
		}
	}
	if in.coach.set {
		t.CoachID, t.CoachAlwaysEnabled = nil, false
		if co := in.coach.v; co != nil {
			if co.id == id {
				return paramInvalid("coach.coach_id", co.id, "An employee cannot coach themselves")
			}
			if _, err := models.FindEmployee(c, c.DB, strconv.FormatInt(co.id, 10)); errors.Is(err, errs.Missed) {
				return paramInvalid("coach.coach_id", co.id, "There is no employee %d", co.id)
			} else if err != nil {
				return err
			}
			t.CoachID, t.CoachAlwaysEnabled = &co.id, co.always.v
		}
	}
	if in.operator.set {
		t.Operator = in.operator.v != nil
		if op := in.operator.v; op != nil {
			if op.displayName.set {
				t.OperatorDisplayName = op.displayName.v
			}
			if op.offline.set {
				t.OperatorOfflineMessageEnabled = op.offline.v
			}
			if op.invite.set {
				t.OperatorInviteToChatEnabled = op.invite.v
			}
			if op.chat.set {
				t.OperatorChatEnabled = op.chat.v
			}
		}
	}
	return models.SaveTelephony(c, c.DB, t)
}

// nameGenerated gives an employee created without an operator login the login
// employee-ID, or keeps the random one it was created with when that is taken.
func nameGenerated(c *Ctx, a *models.Account) error {
	login := fmt.Sprintf("employee-%d", a.ID)
	if _, err := models.FindAccountByLogin(c, c.DB, login); err == nil {
		return nil
	} else if !errors.Is(err, errs.Missed) {
		return err
	}
	if err := c.DB.WithContext(c).Model(&models.Account{}).Where("id = ?", a.ID).Update("login", login).Error; err != nil {
		return fmt.Errorf("name employee %d: %w", a.ID, err)
	}
	a.Login = login
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
