package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"staffmgr/models/list"
)

// The bounds of a page of the Data API's lists.
const (
	MachinePageSize    = 1000
	MaxMachinePageSize = 10000
)

// orDefault is a telephony column as an employee without stored settings has it.
func orDefault(column, def string) string {
	return "COALESCE(t." + column + ", '" + def + "')"
}

// TelephonyStaff is the query of staff (as "a") with their telephony settings
// ("t"), schedule ("s"), coach ("co"), extension ("x") and position ("po").
func TelephonyStaff(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("accounts AS a").
		Joins("LEFT JOIN employee_telephony AS t ON t.account_id = a.id").
		Joins("LEFT JOIN schedules AS s ON s.id = t.schedule_id").
		Joins("LEFT JOIN accounts AS co ON co.id = t.coach_id").
		Joins("LEFT JOIN extensions AS x ON x.account_id = a.id").
		Joins("LEFT JOIN positions AS po ON po.id = a.position_id").
		Where("a." + staffCondition)
}

func choices(keys []string) []list.Option {
	out := make([]list.Option, len(keys))
	for i, k := range keys {
		out[i] = list.Option{Key: k, Label: k}
	}
	return out
}

// TelephonyStaffList is the staff as the Data API's get.employees lists them: the
// fields that filter and sort are those the reference marks.
var TelephonyStaffList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "a.id", Filter: list.Exact},
		{Name: "first_name", Caption: "First name", Kind: list.Text, SQL: "a.first_name", Sort: true, Filter: list.Exact},
		{Name: "last_name", Caption: "Last name", Kind: list.Text, SQL: "a.last_name", Sort: true, Filter: list.Exact},
		{Name: "patronymic", Caption: "Patronymic", Kind: list.Text, SQL: "a.patronymic", Sort: true},
		{Name: "full_name", Caption: "Full name", Kind: list.Text, SQL: "a.realname", Sort: true, Filter: list.Exact},
		{Name: "email", Caption: "Email", Kind: list.Text, SQL: "a.email", Filter: list.Exact},
		{Name: "status", Caption: "Status", Kind: list.Status, SQL: orDefault("status", DefaultStatus), Filter: list.Exact,
			Choices: choices(Statuses)},
		{Name: "allowed_in_call_types", Caption: "Incoming calls", Kind: list.Status, Filter: list.Exact,
			Choices: choices(CallTypes), Match: holdsCallType(orDefault("allowed_in_call_types", DefaultCallTypes))},
		{Name: "allowed_out_call_types", Caption: "Outgoing calls", Kind: list.Status, Filter: list.Exact,
			Choices: choices(CallTypes), Match: holdsCallType(orDefault("allowed_out_call_types", DefaultCallTypes))},
		{Name: "call_recording", Caption: "Call recording", Kind: list.Status, SQL: orDefault("call_recording", DefaultCallRecording),
			Filter: list.Exact, Choices: choices(CallRecordings)},
		{Name: "calls_available", Caption: "Available for calls", Kind: list.Flag, Sort: true, Filter: list.Exact,
			SQL: "(" + orDefault("allowed_in_call_types", DefaultCallTypes) + " <> '' OR " + orDefault("allowed_out_call_types", DefaultCallTypes) + " <> '')"},
		{Name: "schedule_id", Caption: "Schedule", Kind: list.Number, SQL: "t.schedule_id", Filter: list.Exact},
		{Name: "schedule_name", Caption: "Schedule name", Kind: list.Text, SQL: "s.name", Filter: list.Exact},
		{Name: "coach", Caption: "Coach", Kind: list.Number, SQL: "t.coach_id", Filter: list.Exact},
		{Name: "groups", Caption: "Groups", Kind: list.Number, Filter: list.Exact, Match: inGroup},
		{Name: "phone_numbers", Caption: "Phone numbers", Kind: list.Text, Filter: list.Exact, Match: hasNumber},
		{Name: "extension", Caption: "Extension", Kind: list.Text, SQL: "x.number", Filter: list.Exact},
		{Name: "operator", Caption: "Chat operator", Kind: list.Text},
	},
	DefaultSort:     "id",
	Key:             "a.id",
	DefaultPageSize: MachinePageSize,
	MaxPageSize:     MaxMachinePageSize,
}

// negative reports whether an operator asks for the rows that do not match.
func negative(op list.Op) bool { return op == list.Ne || op == list.NotIn || op == list.NotLike }

// positive is the operator that negative op negates.
func positive(op list.Op) list.Op {
	switch op {
	case list.Ne:
		return list.Eq
	case list.NotIn:
		return list.In
	case list.NotLike:
		return list.Like
	}
	return op
}

// holdsCallType matches employees whose comma list expr holds the type (=, in), or
// does not (!=, not_in).
func holdsCallType(expr string) func(op list.Op, v any, postgres bool) (string, []any) {
	return func(op list.Op, v any, postgres bool) (string, []any) {
		values, ok := v.([]any)
		if !ok {
			values = []any{v}
		}
		parts := make([]string, len(values))
		args := make([]any, len(values))
		for i, x := range values {
			parts[i] = "(',' || " + expr + " || ',') LIKE ?"
			args[i] = "%," + x.(string) + ",%"
		}
		sql := "(" + strings.Join(parts, " OR ") + ")"
		if negative(op) {
			sql = "NOT " + sql
		}
		return sql, args
	}
}

// inGroup matches employees who are active members of the group (=, in), or are
// not (!=, not_in); = null matches those in no group.
func inGroup(op list.Op, v any, postgres bool) (string, []any) {
	members := "SELECT m.account_id FROM department_members AS m WHERE m.active"
	if v == nil {
		if op == list.Eq {
			return "a.id NOT IN (" + members + ")", nil
		}
		return "a.id IN (" + members + ")", nil
	}
	cond, args := list.Compare("m.department_id", list.Number, positive(op), v, postgres)
	sql := "a.id IN (" + members + " AND " + cond + ")"
	if negative(op) {
		sql = "a.id NOT IN (" + members + " AND " + cond + ")"
	}
	return sql, args
}

// hasNumber matches employees who have a number that compares so (=, <, like…),
// or who have none that compares as the negated operator would (!=, not_in,
// not_like); = null matches those without numbers.
func hasNumber(op list.Op, v any, postgres bool) (string, []any) {
	having := "SELECT e.account_id FROM employee_numbers AS e JOIN phone_numbers AS p ON p.id = e.number_id"
	if v == nil {
		if op == list.Eq {
			return "a.id NOT IN (" + having + ")", nil
		}
		return "a.id IN (" + having + ")", nil
	}
	cond, args := list.Compare("p.number", list.Text, positive(op), v, postgres)
	if negative(op) {
		return "a.id NOT IN (" + having + " WHERE " + cond + ")", args
	}
	return "a.id IN (" + having + " WHERE " + cond + ")", args
}

// TelephonyRow is an employee as get.employees reads them, nested lists aside.
type TelephonyRow struct {
	ID                            int64
	Login                         string
	FirstName                     string
	LastName                      string
	Patronymic                    string
	Realname                      string
	Email                         string
	Status                        string
	AllowedInCallTypes            string
	AllowedOutCallTypes           string
	CallRecording                 string
	ScheduleID                    *int64
	ScheduleName                  *string
	CoachID                       *int64
	CoachName                     *string
	CoachAlwaysEnabled            bool
	Operator                      bool
	OperatorDisplayName           string
	OperatorOfflineMessageEnabled bool
	OperatorInviteToChatEnabled   bool
	OperatorChatEnabled           bool
	OperatorChatsAvailable        bool
	PositionID                    *int64
	Position                      string
	Extension                     *string
	ExtensionVoiceMail            bool
	ExtensionQueue                bool
}

// telephonyRowSelect reads a TelephonyRow from TelephonyStaff.
var telephonyRowSelect = strings.Join([]string{
	"a.id", "a.login", "a.first_name", "a.last_name", "a.patronymic", "a.realname", "a.email",
	orDefault("status", DefaultStatus) + " AS status",
	orDefault("allowed_in_call_types", DefaultCallTypes) + " AS allowed_in_call_types",
	orDefault("allowed_out_call_types", DefaultCallTypes) + " AS allowed_out_call_types",
	orDefault("call_recording", DefaultCallRecording) + " AS call_recording",
	"t.schedule_id", "s.name AS schedule_name", "t.coach_id", "co.realname AS coach_name",
	"COALESCE(t.coach_always_enabled, FALSE) AS coach_always_enabled",
	"COALESCE(t.operator, FALSE) AS operator",
	"COALESCE(t.operator_display_name, '') AS operator_display_name",
	"COALESCE(t.operator_offline_message_enabled, FALSE) AS operator_offline_message_enabled",
	"COALESCE(t.operator_invite_to_chat_enabled, FALSE) AS operator_invite_to_chat_enabled",
	"COALESCE(t.operator_chat_enabled, TRUE) AS operator_chat_enabled",
	"COALESCE(t.operator_chats_available, FALSE) AS operator_chats_available",
	"a.position_id", "a.position",
	"x.number AS extension", "COALESCE(x.voice_mail, FALSE) AS extension_voice_mail", "COALESCE(x.queue, FALSE) AS extension_queue",
}, ", ")

// ListTelephonyStaff reads one page of get.employees and the number of employees
// its filter keeps.
func ListTelephonyStaff(ctx context.Context, db *gorm.DB, q *list.Query) ([]TelephonyRow, int64, error) {
	var rows []TelephonyRow
	total, err := q.Fetch(TelephonyStaff(ctx, db), telephonyRowSelect, &rows)
	return rows, total, err
}

// FindTelephonyRow reads one employee as get.employees does.
func FindTelephonyRow(ctx context.Context, db *gorm.DB, id int64) (*TelephonyRow, error) {
	var rows []TelephonyRow
	if err := TelephonyStaff(ctx, db).Select(telephonyRowSelect).Where("a.id = ?", id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}
