package models

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// The Data API's employee groups are departments: their members are the active
// ones, and their dialling settings (queue_enabled, channels_count, the extension
// number) are the department's.

// MaxGroupChannels bounds a group's simultaneous lines.
const MaxGroupChannels = 199

// TelephonyGroups is the query of departments as "d" with their extension ("gx").
func TelephonyGroups(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("departments AS d").Joins("LEFT JOIN extensions AS gx ON gx.department_id = d.id")
}

// TelephonyGroupList is the departments as get.group_employees lists them.
var TelephonyGroupList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "d.id", Filter: list.Exact},
		{Name: "name", Caption: "Name", Kind: list.Text, SQL: "d.name", Sort: true, Filter: list.Exact},
		{Name: "members", Caption: "Members", Kind: list.Text},
		{Name: "phone_numbers", Caption: "Numbers", Kind: list.Text, Filter: list.Exact, Match: groupHasNumber},
		{Name: "group_phone_number", Caption: "Extension", Kind: list.Number, SQL: "CAST(gx.number AS INTEGER)", Sort: true, Filter: list.Exact},
		{Name: "queue_enabled", Caption: "Queue", Kind: list.Flag, SQL: "d.queue_enabled", Filter: list.Exact},
		{Name: "channels_count", Caption: "Lines", Kind: list.Number, SQL: "d.channels_count", Filter: list.Exact},
	},
	DefaultSort:     "id",
	Key:             "d.id",
	DefaultPageSize: MachinePageSize,
	MaxPageSize:     MaxMachinePageSize,
}

// groupHasNumber matches groups with an active member who has a number that
// compares so, or (!=, not_in, not_like) none that compares as the negated operator
// would; = null matches groups whose members have no numbers.
func groupHasNumber(op list.Op, v any, postgres bool) (string, []any) {
	having := `SELECT m.department_id FROM department_members AS m JOIN employee_numbers AS e ON e.account_id = m.account_id
		JOIN phone_numbers AS p ON p.id = e.number_id WHERE m.active`
	if v == nil {
		if op == list.Eq {
			return "d.id NOT IN (" + having + ")", nil
		}
		return "d.id IN (" + having + ")", nil
	}
	cond, args := list.Compare("p.number", list.Text, positive(op), v, postgres)
	if negative(op) {
		return "d.id NOT IN (" + having + " AND " + cond + ")", args
	}
	return "d.id IN (" + having + " AND " + cond + ")", args
}

// GroupRow is a department as get.group_employees reads it, lists aside.
type GroupRow struct {
	ID            int64
	Name          string
	Extension     *string
	QueueEnabled  bool
	ChannelsCount int
}

// ListTelephonyGroups reads one page of get.group_employees and the number of groups
// its filter keeps.
func ListTelephonyGroups(ctx context.Context, db *gorm.DB, q *list.Query) ([]GroupRow, int64, error) {
	var rows []GroupRow
	total, err := q.Fetch(TelephonyGroups(ctx, db), "d.id, d.name, gx.number AS extension, d.queue_enabled, d.channels_count", &rows)
	return rows, total, err
}

// Member is an active member of a department.
type Member struct {
	DepartmentID int64
	AccountID    int64
	Realname     string
}

// MembersOf returns the active members of each department, by id.
func MembersOf(ctx context.Context, db *gorm.DB, departments []int64) (map[int64][]Member, error) {
	out := map[int64][]Member{}
	err := inChunks(departments, func(ids []int64) error {
		var rows []Member
		err := db.WithContext(ctx).Raw(`SELECT m.department_id, a.id AS account_id, a.realname FROM department_members AS m
			JOIN accounts AS a ON a.id = m.account_id WHERE m.active AND m.department_id IN ? ORDER BY m.department_id, a.id`, ids).Scan(&rows).Error
		for _, r := range rows {
			out[r.DepartmentID] = append(out[r.DepartmentID], r)
		}
		return err
	})
	return out, err
}

// GroupNumber is one number of a group's members, in the group's dialling order.
type GroupNumber struct {
	DepartmentID int64
	// EntryID is the number's place in its employee's list: employee_phone_number_id.
	EntryID   int64
	Number    string
	AccountID int64
	Login     string
	Realname  string
	Available bool
}

// GroupNumbersOf returns the numbers of each department's active members in the
// department's order: first those it has ordered, then the others, available, by
// member and the member's own order.
func GroupNumbersOf(ctx context.Context, db *gorm.DB, departments []int64) (map[int64][]GroupNumber, error) {
	out := map[int64][]GroupNumber{}
	err := inChunks(departments, func(ids []int64) error {
		var rows []GroupNumber
		err := db.WithContext(ctx).Raw(`SELECT m.department_id, e.id AS entry_id, p.number, e.account_id, a.login, a.realname,
				COALESCE(g.available, TRUE) AS available
			FROM department_members AS m
			JOIN employee_numbers AS e ON e.account_id = m.account_id
			JOIN phone_numbers AS p ON p.id = e.number_id
			JOIN accounts AS a ON a.id = e.account_id
			LEFT JOIN group_numbers AS g ON g.department_id = m.department_id AND g.entry_id = e.id
			WHERE m.active AND m.department_id IN ?
			ORDER BY m.department_id, CASE WHEN g.position IS NULL THEN 1 ELSE 0 END, g.position, a.id, e.position`, ids).Scan(&rows).Error
		for _, r := range rows {
			out[r.DepartmentID] = append(out[r.DepartmentID], r)
		}
		return err
	})
	return out, err
}

// GroupEntry is a number's place and availability in a group, as a request sets them.
type GroupEntry struct {
	EntryID   int64
	Available bool
}

// SetGroupNumbers makes entries, in order, the dialling order of a department's
// member numbers, with their availability. It must name each number the members
// have, once: otherwise it is a value error on phone_numbers.
func SetGroupNumbers(ctx context.Context, db *gorm.DB, department int64, entries []GroupEntry) error {
	all, err := GroupNumbersOf(ctx, db, []int64{department})
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, n := range all[department] {
		have[n.EntryID] = true
	}
	seen := map[int64]bool{}
	for _, e := range entries {
		if !have[e.EntryID] || seen[e.EntryID] {
			return errs.Invalid("phone_numbers", strconv.FormatInt(e.EntryID, 10),
				"%d is not a number of the group's members, or is named twice", e.EntryID)
		}
		seen[e.EntryID] = true
	}
	if len(seen) != len(have) {
		return errs.Invalid("phone_numbers", "", "Name every number of the group's members: %d of %d are named", len(seen), len(have))
	}
	if err := db.WithContext(ctx).Exec("DELETE FROM group_numbers WHERE department_id = ?", department).Error; err != nil {
		return fmt.Errorf("group numbers of %d: %w", department, err)
	}
	for i, e := range entries {
		err := db.WithContext(ctx).Exec("INSERT INTO group_numbers (department_id, entry_id, position, available) VALUES (?, ?, ?, ?)",
			department, e.EntryID, i, e.Available).Error
		if err != nil {
			return fmt.Errorf("group numbers of %d: %w", department, err)
		}
	}
	return nil
}

// GroupSettings are a department's dialling settings.
type GroupSettings struct {
	QueueEnabled  bool
	ChannelsCount int
}

// FindGroupSettings returns a department's dialling settings.
func FindGroupSettings(ctx context.Context, db *gorm.DB, department int64) (*GroupSettings, error) {
	var s GroupSettings
	err := db.WithContext(ctx).Table("departments").Select("queue_enabled, channels_count").Where("id = ?", department).Take(&s).Error
	if err != nil {
		return nil, MapDBError(err, "department", strconv.FormatInt(department, 10))
	}
	return &s, nil
}

// SetGroupSettings writes a department's dialling settings.
func SetGroupSettings(ctx context.Context, db *gorm.DB, department int64, s *GroupSettings) error {
	err := db.WithContext(ctx).Exec("UPDATE departments SET queue_enabled = ?, channels_count = ? WHERE id = ?",
		s.QueueEnabled, s.ChannelsCount, department).Error
	if err != nil {
		return fmt.Errorf("settings of department %d: %w", department, err)
	}
	return nil
}
