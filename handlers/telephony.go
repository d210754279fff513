package handlers

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// The telephony side of the staff in the form API, and so in the panel: what the
// UIS Data API reads and writes, editable here too (docs/uis.md).

// checkCallTypes refuses a call type list that is not a comma list of internal and
// external.
func checkCallTypes(v string) error {
	for _, t := range strings.Split(v, ",") {
		if !slices.Contains(models.CallTypes, strings.TrimSpace(t)) {
			return errs.Invalid("", v, "A comma list of internal and external")
		}
	}
	return nil
}

// canonicalCallTypes is a checked list in the stored order, without repeats.
func canonicalCallTypes(v string) string {
	var out []string
	for _, t := range models.CallTypes {
		if slices.Contains(strings.Split(strings.ReplaceAll(v, " ", ""), ","), t) {
			out = append(out, t)
		}
	}
	return strings.Join(out, ",")
}

// statusOptions and recordingOptions say the telephony choices as a person reads
// them; the keys are the Data API's values.
var (
	statusOptions = options(models.Statuses, []form.Option{
		{Key: "available", Label: "Available"},
		{Key: "break", Label: "On a break"},
		{Key: "do_not_disturb", Label: "Do not disturb"},
		{Key: "not_at_workplace", Label: "Away from the workplace"},
		{Key: "not_at_work", Label: "Not at work"},
		{Key: "unknown", Label: "Unknown"},
	})
	recordingOptions = options(models.CallRecordings, []form.Option{
		{Key: "all", Label: "All calls"},
		{Key: "in", Label: "Incoming calls"},
		{Key: "out", Label: "Outgoing calls"},
		{Key: "off", Label: "Off"},
	})
)

// options are the choices of keys, in their order, with their labels; a key
// without a label stops the program as it starts.
func options(keys []string, labelled []form.Option) []form.Option {
	out := make([]form.Option, len(keys))
	for i, k := range keys {
		j := slices.IndexFunc(labelled, func(o form.Option) bool { return o.Key == k })
		if j < 0 {
			panic("telephony: no label for the choice " + k)
		}
		out[i] = labelled[j]
	}
	return out
}

// employeeTelephonyInput is what employee.telephony reads.
var employeeTelephonyInput = form.New(
	form.Field{Name: "status", Caption: "Status", Type: form.Select, Choices: statusOptions},
	form.Field{Name: "allowed_in_call_types", Caption: "Incoming calls", Type: form.Any, Check: checkCallTypes,
		Help: "internal, external, both comma-separated, or empty for none"},
	form.Field{Name: "allowed_out_call_types", Caption: "Outgoing calls", Type: form.Any, Check: checkCallTypes,
		Help: "internal, external, both comma-separated, or empty for none"},
	form.Field{Name: "call_recording", Caption: "Call recording", Type: form.Select, Choices: recordingOptions},
	form.Field{Name: "schedule", Caption: "Work schedule", Type: form.Select, ChoicesFrom: "schedule"},
	form.Field{Name: "coach", Caption: "Coach", Type: form.Select, ChoicesFrom: "employee"},
	form.Field{Name: "coach_always_enabled", Caption: "Calls always go to the coach too", Type: form.Flag},
	form.Field{Name: "extension", Caption: "Extension", Check: models.CheckExtension, Help: "1 to 5 digits; empty for none"},
	form.Field{Name: "extension_voice_mail_enabled", Caption: "Voice mail", Type: form.Flag},
	form.Field{Name: "extension_queue_enabled", Caption: "Queue", Type: form.Flag},
	form.Field{Name: "operator", Caption: "Chat operator", Type: form.Flag, Help: "The operator's login and password are the employee's"},
	form.Field{Name: "operator_display_name", Caption: "Name in chats", Max: models.MaxRealname},
	form.Field{Name: "operator_offline_message_enabled", Caption: "Handles offline messages", Type: form.Flag},
	form.Field{Name: "operator_invite_to_chat_enabled", Caption: "Invites to chats", Type: form.Flag},
	form.Field{Name: "operator_chat_enabled", Caption: "Takes part in chats", Type: form.Flag},
	form.Field{Name: "operator_chats_available", Caption: "Available for chats", Type: form.Flag},
	form.Field{Name: "operator_sites", Caption: "Sites", Type: form.Multi, ChoicesFrom: "site"},
)

// employeeTelephonyForm is employee.telephony without sok: an employee's telephony
// settings, with the choices of its selects.
func employeeTelephonyForm(c *Ctx) (render.Result, error) {
	a, err := manageable(c, c.Params.Get("elid"))
	if err != nil {
		return nil, err
	}
	t, err := models.FindTelephony(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	ext, err := models.ExtensionOf(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	if ext == nil {
		ext = &models.Extension{}
	}
	sites, err := models.SitesOf(c, c.DB, []int64{a.ID})
	if err != nil {
		return nil, err
	}
	var siteIDs []string
	for _, s := range sites[a.ID] {
		siteIDs = append(siteIDs, strconv.FormatInt(s.ID, 10))
	}
	schedules, err := recordOptions(c, models.Schedules)
	if err != nil {
		return nil, err
	}
	siteOptions, err := recordOptions(c, models.Sites)
	if err != nil {
		return nil, err
	}
	var staff []struct {
		ID    int64
		Login string
	}
	if err := models.Staff(c, c.DB).Select("a.id, a.login").Where("a.id <> ?", a.ID).Order("a.login").Scan(&staff).Error; err != nil {
		return nil, err
	}
	coaches := []render.Option{{Key: "", Label: "None"}}
	for _, s := range staff {
		coaches = append(coaches, render.Option{Key: strconv.FormatInt(s.ID, 10), Label: s.Login})
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(a.ID, 10)),
		render.Text("name", a.Login),
		render.Text("status", t.Status),
		render.Text("allowed_in_call_types", t.AllowedInCallTypes),
		render.Text("allowed_out_call_types", t.AllowedOutCallTypes),
		render.Text("call_recording", t.CallRecording),
		render.Text("schedule", idText(t.ScheduleID)),
		render.Text("coach", idText(t.CoachID)),
		render.Text("coach_always_enabled", render.OnOff(t.CoachAlwaysEnabled)),
		render.Text("extension", ext.Number),
		render.Text("extension_voice_mail_enabled", render.OnOff(ext.VoiceMail)),
		render.Text("extension_queue_enabled", render.OnOff(ext.Queue)),
		render.Text("operator", render.OnOff(t.Operator)),
		render.Text("operator_display_name", t.OperatorDisplayName),
		render.Text("operator_offline_message_enabled", render.OnOff(t.OperatorOfflineMessageEnabled)),
		render.Text("operator_invite_to_chat_enabled", render.OnOff(t.OperatorInviteToChatEnabled)),
		render.Text("operator_chat_enabled", render.OnOff(t.OperatorChatEnabled)),
		render.Text("operator_chats_available", render.OnOff(t.OperatorChatsAvailable)),
		render.Text("operator_sites", strings.Join(siteIDs, ",")),
		render.Select("status", statusOptions...),
		render.Select("call_recording", recordingOptions...),
		render.Select("schedule", append([]render.Option{{Key: "", Label: "None"}}, schedules...)...),
		render.Select("coach", coaches...),
		render.Select("operator_sites", siteOptions...),
	}}, nil
}

func idText(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// recordOptions are the records of a kind as a select's choices, by name.
func recordOptions(c *Ctx, kind *models.RecordKind) ([]render.Option, error) {
	q, err := kind.List.Parse(NewParams(nil), list.State{PageSize: 1000})
	if err != nil {
		return nil, err
	}
	rows, _, err := kind.ListRecords(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := make([]render.Option, len(rows))
	for i, r := range rows {
		out[i] = render.Option{Key: strconv.FormatInt(r.ID, 10), Label: r.Name}
	}
	return out, nil
}

// employeeTelephonySave is employee.telephony&sok=ok: a setting left out keeps its
// value. The guards are employee.edit's.
func employeeTelephonySave(c *Ctx, in *form.Input) (render.Result, error) {
	a, err := manageable(c, c.Params.Get("elid"))
	if err != nil {
		return nil, err
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return nil, err
	}
	t, err := models.FindTelephony(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	setText(in, "status", &t.Status)
	if v, given := in.Text("allowed_in_call_types"); given {
		t.AllowedInCallTypes = canonicalCallTypes(v)
	}
	if v, given := in.Text("allowed_out_call_types"); given {
		t.AllowedOutCallTypes = canonicalCallTypes(v)
	}
	setText(in, "call_recording", &t.CallRecording)
	if v, given := in.Text("schedule"); given {
		t.ScheduleID = nil
		if v != "" {
			r, err := models.Schedules.Find(c, c.DB, v)
			if errors.Is(err, errs.Missed) {
				return nil, errs.Invalid("schedule", v, "There is no schedule %s", v)
			} else if err != nil {
				return nil, err
			}
			t.ScheduleID = &r.ID
		}
	}
	if v, given := in.Text("coach"); given {
		t.CoachID = nil
		if v != "" {
			co, err := models.FindEmployee(c, c.DB, v)
			if errors.Is(err, errs.Missed) || err == nil && co.ID == a.ID {
				return nil, errs.Invalid("coach", v, "The coach is another employee")
			} else if err != nil {
				return nil, err
			}
			t.CoachID = &co.ID
		}
	}
	setFlag(in, "coach_always_enabled", &t.CoachAlwaysEnabled)
	if t.CoachID == nil {
		t.CoachAlwaysEnabled = false
	}
	setFlag(in, "operator", &t.Operator)
	setText(in, "operator_display_name", &t.OperatorDisplayName)
	setFlag(in, "operator_offline_message_enabled", &t.OperatorOfflineMessageEnabled)
	setFlag(in, "operator_invite_to_chat_enabled", &t.OperatorInviteToChatEnabled)
	setFlag(in, "operator_chat_enabled", &t.OperatorChatEnabled)
	setFlag(in, "operator_chats_available", &t.OperatorChatsAvailable)
	if err := models.SaveTelephony(c, c.DB, t); err != nil {
		return nil, err
	}

	ext, err := models.ExtensionOf(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	number, given := in.Text("extension")
	voice, voiceGiven := in.Flag("extension_voice_mail_enabled")
	queue, queueGiven := in.Flag("extension_queue_enabled")
	if given || voiceGiven || queueGiven {
		next := ext
		if given {
			next = nil
			if number != "" {
				next = &models.Extension{Number: number}
				if ext != nil {
					next.VoiceMail, next.Queue = ext.VoiceMail, ext.Queue
				}
			}
		}
		if next != nil {
			if voiceGiven {
				next.VoiceMail = voice
			}
			if queueGiven {
				next.Queue = queue
			}
			if err := models.SetExtension(c, c.DB, a.ID, 0, next); err != nil {
				return nil, errs.At("extension", err)
			}
		} else if given {
			if err := models.SetExtension(c, c.DB, a.ID, 0, nil); err != nil {
				return nil, err
			}
		}
	}
	if ids, given := in.IDs("operator_sites"); given {
		found, err := models.Sites.Existing(c, c.DB, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !found[id] {
				return nil, errs.Invalid("operator_sites", strconv.FormatInt(id, 10), "There is no site %d", id)
			}
		}
		if err := models.SetSites(c, c.DB, a.ID, ids); err != nil {
			return nil, err
		}
	}
	return &render.OK{}, nil
}

// employeePhoneSpec is the list of one employee's numbers, in dialling order.
var employeePhoneSpec = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, Sort: true},
		{Name: "position", Caption: "Order", Kind: list.Number, Sort: true},
		{Name: "number", Caption: "Number", Kind: list.Text, Sort: true, Filter: list.Wildcard},
		{Name: "channels_count", Caption: "Lines", Kind: list.Number},
		{Name: "dial_time", Caption: "Dialling time, s", Kind: list.Number},
		{Name: "status", Caption: "Status", Kind: list.Status, Filter: list.Choice,
			Choices: []list.Option{{Key: "active", Label: "Active"}, {Key: "inactive", Label: "Inactive"}}},
		{Name: "role", Caption: "Card field", Kind: list.Status, Optional: true},
	},
	DefaultSort: "position",
	Memory:      true,
}

// employeePhoneList is employee.phone&plid=EMPLOYEE: the employee's numbers with
// their settings; role says which one the card calls phone or mobile.
func employeePhoneList(c *Ctx, q *list.Query) (*render.List, error) {
	a, _, err := parentEmployee(c, true)
	if err != nil {
		return nil, err
	}
	all, err := models.NumbersOf(c, c.DB, []int64{a.ID})
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	for _, n := range all[a.ID] {
		status := "active"
		if !n.Active {
			status = "inactive"
		}
		// Numbers padded, so that the list sorts them as numbers.
		rows = append(rows, map[string]string{"id": fmt.Sprintf("%019d", n.ID), "position": fmt.Sprintf("%02d", n.Position+1),
			"number": n.Number, "channels_count": strconv.Itoa(n.ChannelsCount), "dial_time": strconv.Itoa(n.DialTime),
			"status": status, "role": n.Role})
	}
	page, total := q.Memory(rows)
	out := listPage(q, total)
	for _, r := range page {
		out.Rows = append(out.Rows, render.Row(render.Text("id", strings.TrimLeft(r["id"], "0")), render.Text("position", strings.TrimLeft(r["position"], "0")),
			render.Text("number", r["number"]), render.Text("channels_count", r["channels_count"]),
			render.Text("dial_time", r["dial_time"]), render.Text("status", r["status"]), render.Cell("role", r["role"])))
	}
	out.Plid, out.Plname = strconv.FormatInt(a.ID, 10), a.Login
	return out, nil
}

// employeePhoneInput is what employee.phone.edit reads.
var employeePhoneInput = form.Creating(
	form.Field{Name: "number", Caption: "Number", Need: form.Required, Check: models.CheckNumber,
		Help: "Digits with an optional leading + and optional digits dialled after dots (74955140578...2345)"},
	form.Field{Name: "channels_count", Caption: "Lines", Type: form.Number, Min: 1, Max: 150},
	form.Field{Name: "dial_time", Caption: "Dialling time, s", Type: form.Number, Min: 1, Max: 100},
	form.Field{Name: "status", Caption: "Status", Type: form.Select, Choices: []form.Option{{Key: "active", Label: "Active"}, {Key: "inactive", Label: "Inactive"}}},
	form.Field{Name: "position", Caption: "Order", Type: form.Number, Min: 1, Max: models.MaxNumbers,
		Help: "Its place in the dialling order; a new number goes last"},
)

// phoneOf is the employee plid names, whom the person behind the request may
// manage, with their numbers and the one elid names (nil without elid).
func phoneOf(c *Ctx, elid string) (*models.Account, []models.EmployeeNumber, int, error) {
	a, _, err := parentEmployee(c, false)
	if err != nil {
		return nil, nil, -1, err
	}
	if err := canManage(c, "plid", a); err != nil {
		return nil, nil, -1, err
	}
	all, err := models.NumbersOf(c, c.DB, []int64{a.ID})
	if err != nil {
		return nil, nil, -1, err
	}
	list := all[a.ID]
	at, err := indexOf(list, elid, func(n models.EmployeeNumber) int64 { return n.ID })
	if err != nil {
		return nil, nil, -1, err
	}
	return a, list, at, nil
}

// employeePhoneForm is employee.phone.edit without sok: a number's settings.
func employeePhoneForm(c *Ctx) (render.Result, error) {
	elid := c.Params.Get("elid")
	a, list, at, err := phoneOf(c, elid)
	if err != nil {
		return nil, err
	}
	n := models.EmployeeNumber{ChannelsCount: models.DefaultChannels, DialTime: models.DefaultDialTime, Active: true, Position: len(list)}
	f := &render.Form{Fields: []*render.Node{render.Text("plid", strconv.FormatInt(a.ID, 10))}}
	if at >= 0 {
		n = list[at]
		f.Fields = append(f.Fields, render.Text("elid", elid))
	}
	status := "active"
	if !n.Active {
		status = "inactive"
	}
	f.Fields = append(f.Fields,
		render.Text("number", n.Number),
		render.Text("channels_count", strconv.Itoa(n.ChannelsCount)),
		render.Text("dial_time", strconv.Itoa(n.DialTime)),
		render.Text("status", status),
		render.Text("position", strconv.Itoa(n.Position+1)),
		render.Select("status", render.Option{Key: "active", Label: "Active"}, render.Option{Key: "inactive", Label: "Inactive"}),
	)
	return f, nil
}

// inputs are the numbers of a list as SetNumbers takes them, keeping their settings.
func inputs(list []models.EmployeeNumber) []models.NumberInput {
	out := make([]models.NumberInput, len(list))
	for i, n := range list {
		out[i] = models.NumberInput{Number: n.Number}
	}
	return out
}

// employeePhoneSave is employee.phone.edit&sok=ok: without elid it adds a number
// to the employee's list (last, or at position), with elid it changes one. A
// number's settings are the number's, shared by everyone who has it.
func employeePhoneSave(c *Ctx, in *form.Input) (render.Result, error) {
	a, list, at, err := phoneOf(c, c.Params.Get("elid"))
	if err != nil {
		return nil, err
	}
	if err := c.dominate("plid", a.ID, false); err != nil {
		return nil, err
	}
	next := inputs(list)
	if at < 0 {
		if len(list) >= models.MaxNumbers {
			return nil, errs.New(errs.Limit, "number", "", "An employee has at most %d numbers", models.MaxNumbers)
		}
		next, at = append(next, models.NumberInput{}), len(next)
	}
	entry := &next[at]
	if v, given := in.Text("number"); given {
		entry.Number = v
	}
	for i, n := range next {
		if i != at && n.Number == entry.Number {
			return nil, errs.New(errs.Exists, "number", entry.Number, "The employee has the number %s already", entry.Number)
		}
	}
	if n, given := in.Number("channels_count"); given {
		entry.ChannelsCount = &n
	}
	if n, given := in.Number("dial_time"); given {
		entry.DialTime = &n
	}
	if v, given := in.Text("status"); given && v != "" {
		entry.Active = ptr(v == "active")
	}
	if p, given := in.Number("position"); given {
		moved := next[at]
		next = slices.Delete(next, at, at+1)
		p = min(p-1, len(next))
		next = slices.Insert(next, p, moved)
	}
	if err := setNumbers(c, "elid", a.ID, next); err != nil {
		return nil, err
	}
	return &render.OK{}, nil
}

// setNumbers makes in the numbers of account. A number's settings are shared by
// everyone who holds it, so changing them is a change to each of them: the caller
// must dominate every other holder too.
func setNumbers(c *Ctx, object string, account int64, in []models.NumberInput) error {
	holders, err := models.SharedChanges(c, c.DB, account, in)
	if err != nil {
		return err
	}
	if err := c.dominateAll(object, holders, false); err != nil {
		return err
	}
	return models.SetNumbers(c, c.DB, account, in)
}

// employeePhoneDelete takes a number out of the employee plid names.
func employeePhoneDelete(c *Ctx, elid string) error {
	a, list, at, err := phoneOf(c, elid)
	if err != nil {
		return err
	}
	if err := c.dominate("plid", a.ID, false); err != nil {
		return err
	}
	return setNumbers(c, "plid", a.ID, inputs(slices.Delete(list, at, at+1)))
}

// departmentTelephonyInput is what department.telephony reads.
var departmentTelephonyInput = form.New(
	form.Field{Name: "group_phone_number", Caption: "Extension", Check: checkGroupNumber, Help: "1 to 5 digits without a leading zero; empty for none"},
	form.Field{Name: "queue_enabled", Caption: "Queue", Type: form.Flag, Help: "Callers wait for the first free number"},
	form.Field{Name: "channels_count", Caption: "Lines", Type: form.Number, Min: 1, Max: models.MaxGroupChannels},
)

func checkGroupNumber(v string) error {
	if err := models.CheckExtension(v); err != nil {
		return err
	}
	if strings.HasPrefix(v, "0") {
		return errs.Invalid("", v, "A group's number has no leading zero")
	}
	return nil
}

// departmentTelephonyForm is department.telephony without sok: a department's
// dialling settings, as the Data API's group has them.
func departmentTelephonyForm(c *Ctx) (render.Result, error) {
	d, err := models.FindDepartment(c, c.DB, c.Params.Get("elid"))
	if err != nil {
		return nil, errs.At("elid", err)
	}
	s, err := models.FindGroupSettings(c, c.DB, d.ID)
	if err != nil {
		return nil, err
	}
	ext, err := models.GroupExtensions(c, c.DB, []int64{d.ID})
	if err != nil {
		return nil, err
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(d.ID, 10)),
		render.Text("name", d.Name),
		render.Text("group_phone_number", ext[d.ID]),
		render.Text("queue_enabled", render.OnOff(s.QueueEnabled)),
		render.Text("channels_count", strconv.Itoa(s.ChannelsCount)),
	}}, nil
}

// departmentTelephonySave is department.telephony&sok=ok: a setting left out keeps
// its value.
func departmentTelephonySave(c *Ctx, in *form.Input) (render.Result, error) {
	d, err := models.FindDepartment(c, c.DB, c.Params.Get("elid"))
	if err != nil {
		return nil, errs.At("elid", err)
	}
	s, err := models.FindGroupSettings(c, c.DB, d.ID)
	if err != nil {
		return nil, err
	}
	setFlag(in, "queue_enabled", &s.QueueEnabled)
	if n, given := in.Number("channels_count"); given {
		s.ChannelsCount = n
	}
	if err := models.SetGroupSettings(c, c.DB, d.ID, s); err != nil {
		return nil, err
	}
	if v, given := in.Text("group_phone_number"); given {
		var ext *models.Extension
		if v != "" {
			ext = &models.Extension{Number: v}
		}
		if err := models.SetExtension(c, c.DB, 0, d.ID, ext); err != nil {
			return nil, errs.At("group_phone_number", err)
		}
	}
	return &render.OK{}, nil
}

// departmentNumberSpec is the list of a department's member numbers, in the
// department's dialling order: what update.group_employees_numbers sets.
var departmentNumberSpec = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, Sort: true},
		{Name: "position", Caption: "Order", Kind: list.Number, Sort: true},
		{Name: "employee", Caption: "Employee", Kind: list.Text, Sort: true, Filter: list.Wildcard},
		{Name: "number", Caption: "Number", Kind: list.Text, Sort: true, Filter: list.Wildcard},
		{Name: "available", Caption: "Available", Kind: list.Status, Sort: true, Filter: list.Choice,
			Choices: []list.Option{{Key: "on", Label: "Available"}, {Key: "off", Label: "Unavailable"}}},
	},
	DefaultSort: "position",
	Memory:      true,
}

// groupNumbersOf is the department plid names with its member numbers in dialling
// order, and the place of the one elid names (-1 without elid).
func groupNumbersOf(c *Ctx, listing bool, elid string) (*models.Department, []models.GroupNumber, int, error) {
	d, err := rightsDepartment(c, listing)
	if err != nil {
		return nil, nil, -1, err
	}
	all, err := models.GroupNumbersOf(c, c.DB, []int64{d.ID})
	if err != nil {
		return nil, nil, -1, err
	}
	numbers := all[d.ID]
	at, err := indexOf(numbers, elid, func(n models.GroupNumber) int64 { return n.EntryID })
	if err != nil {
		return nil, nil, -1, err
	}
	return d, numbers, at, nil
}

// indexOf is the place in list of the element whose id elid spells, -1 without
// elid; another id is missed on elid.
func indexOf[T any](list []T, elid string, id func(T) int64) (int, error) {
	if elid == "" {
		return -1, nil
	}
	at := slices.IndexFunc(list, func(e T) bool { return strconv.FormatInt(id(e), 10) == elid })
	if at < 0 {
		return -1, errs.Missing("elid", elid)
	}
	return at, nil
}

// groupEntries are a department's numbers as SetGroupNumbers takes them.
func groupEntries(numbers []models.GroupNumber) []models.GroupEntry {
	out := make([]models.GroupEntry, len(numbers))
	for i, n := range numbers {
		out[i] = models.GroupEntry{EntryID: n.EntryID, Available: n.Available}
	}
	return out
}

// departmentNumberList is department.number&plid=DEPARTMENT: every number of the
// department's active members, in its dialling order; id is the number's entry in
// its employee's list (the Data API's employee_phone_number_id).
func departmentNumberList(c *Ctx, q *list.Query) (*render.List, error) {
	d, numbers, _, err := groupNumbersOf(c, true, "")
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	for i, n := range numbers {
		// Numbers padded, so that the list sorts them as numbers.
		rows = append(rows, map[string]string{"id": fmt.Sprintf("%019d", n.EntryID), "position": fmt.Sprintf("%04d", i+1),
			"employee": n.Login, "number": n.Number, "available": render.OnOff(n.Available)})
	}
	page, total := q.Memory(rows)
	out := listPage(q, total)
	for _, r := range page {
		out.Rows = append(out.Rows, render.Row(render.Text("id", strings.TrimLeft(r["id"], "0")),
			render.Text("position", strings.TrimLeft(r["position"], "0")), render.Text("employee", r["employee"]),
			render.Text("number", r["number"]), render.Text("available", r["available"])))
	}
	out.Plid, out.Plname = strconv.FormatInt(d.ID, 10), d.Name
	return out, nil
}

// departmentNumberInput is what department.number.edit reads.
var departmentNumberInput = form.New(
	form.Field{Name: "position", Caption: "Order", Type: form.Number, Min: 1, Max: 10 * models.MaxIDs,
		Help: "Its place in the department's dialling order"},
	form.Field{Name: "available", Caption: "Available", Type: form.Flag, Help: "Calls to the department dial it"},
)

// departmentNumberForm is department.number.edit without sok: a member number's
// place and availability in the department.
func departmentNumberForm(c *Ctx) (render.Result, error) {
	elid := c.Params.Get("elid")
	if elid == "" {
		return nil, errs.Invalid("elid", "", "Name the number: elid=ID")
	}
	d, numbers, at, err := groupNumbersOf(c, false, elid)
	if err != nil {
		return nil, err
	}
	n := numbers[at]
	return &render.Form{Fields: []*render.Node{
		render.Text("plid", strconv.FormatInt(d.ID, 10)),
		render.Text("elid", elid),
		render.Text("employee", n.Login),
		render.Text("number", n.Number),
		render.Text("position", strconv.Itoa(at+1)),
		render.Text("available", render.OnOff(n.Available)),
	}}, nil
}

// departmentNumberSave is department.number.edit&sok=ok: moves a member number to
// position in the department's dialling order, or past the end to the last place,
// and sets its availability; the guards are update.group_employees_numbers'.
func departmentNumberSave(c *Ctx, in *form.Input) (render.Result, error) {
	elid := c.Params.Get("elid")
	if elid == "" {
		return nil, errs.Invalid("elid", "", "Name the number: elid=ID")
	}
	d, numbers, at, err := groupNumbersOf(c, false, elid)
	if err != nil {
		return nil, err
	}
	entries := groupEntries(numbers)
	if v, given := in.Flag("available"); given {
		entries[at].Available = v
	}
	if p, given := in.Number("position"); given {
		moved := entries[at]
		entries = slices.Delete(entries, at, at+1)
		entries = slices.Insert(entries, min(p-1, len(entries)), moved)
	}
	if err := setGroupNumbers(c, "plid", d.ID, entries); err != nil {
		return nil, err
	}
	return &render.OK{}, nil
}

// departmentNumberAvailable is department.number.resume (available) and .suspend
// (unavailable) for the member numbers elid names, keeping the dialling order.
func departmentNumberAvailable(available bool) func(c *Ctx, elid string) error {
	return func(c *Ctx, elid string) error {
		if elid == "" {
			return errs.Invalid("elid", "", "Name the number: elid=ID")
		}
		d, numbers, at, err := groupNumbersOf(c, false, elid)
		if err != nil {
			return err
		}
		entries := groupEntries(numbers)
		entries[at].Available = available
		return setGroupNumbers(c, "plid", d.ID, entries)
	}
}
