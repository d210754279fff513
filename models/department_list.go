package models

import (
	"context"

	"gorm.io/gorm"

	"staffmgr/models/list"
)

// departmentMembers counts a department's active members, for "d".
const departmentMembers = "(SELECT COUNT(*) FROM department_members AS m WHERE m.department_id = d.id AND m.active)"

// DepartmentList is the list of departments with their active member counts.
var DepartmentList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "d.id", Sort: true},
		{Name: "name", Caption: "Name", Kind: list.Text, SQL: "d.name", Sort: true, Filter: list.Wildcard},
		{Name: "description", Caption: "Description", Kind: list.Text, Optional: true, SQL: "d.description", Filter: list.Wildcard},
		{Name: "members", Caption: "Members", Kind: list.Number, SQL: departmentMembers, Sort: true},
	},
	DefaultSort: "name",
	Key:         "d.id",
}

// DepartmentRow is a row of the department list.
type DepartmentRow struct {
	ID          int64
	Name        string
	Description string
	Members     int64
}

// ListDepartments reads one page of the department list and the number of
// departments the query's filter keeps.
func ListDepartments(ctx context.Context, db *gorm.DB, q *list.Query) ([]DepartmentRow, int64, error) {
	var rows []DepartmentRow
	total, err := q.Fetch(db.WithContext(ctx).Table("departments AS d"),
		"d.id, d.name, d.description, "+departmentMembers+" AS members", &rows)
	return rows, total, err
}

// membershipStatus is an employee's association with a department "d" through
// "m": on (member), off (excluded) or none.
const membershipStatus = "CASE WHEN m.account_id IS NULL THEN 'none' WHEN m.active THEN 'on' ELSE 'off' END"

// EmployeeDepartmentList is the list of every department with one employee's
// association to it. The association's own id, which names the employee and the
// department together, is spelled by the caller.
var EmployeeDepartmentList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "d.id", Sort: true},
		{Name: "name", Caption: "Name", Kind: list.Text, SQL: "d.name", Sort: true, Filter: list.Wildcard},
		{Name: "status", Caption: "Association", Kind: list.Status, SQL: membershipStatus, Sort: true, Filter: list.Choice, Choices: []list.Option{
			{Key: "on", Label: "Member"}, {Key: "off", Label: "Excluded"}, {Key: "none", Label: "Not associated"}}},
		{Name: "association", Caption: "Association id", Kind: list.Text},
	},
	DefaultSort: "name",
	Key:         "d.id",
}

// EmployeeDepartmentRow is a row of EmployeeDepartmentList.
type EmployeeDepartmentRow struct {
	ID     int64
	Name   string
	Status string
}

// ListEmployeeDepartments reads one page of the departments with the account's
// association to each, and the number the query's filter keeps. Departments, when
// not nil, keeps only those ids.
func ListEmployeeDepartments(ctx context.Context, db *gorm.DB, account int64, departments []int64, q *list.Query) ([]EmployeeDepartmentRow, int64, error) {
	base := db.WithContext(ctx).Table("departments AS d").
		Joins("LEFT JOIN department_members AS m ON m.department_id = d.id AND m.account_id = ?", account)
	if departments != nil {
		base = base.Where("d.id IN ?", departments)
	}
	var rows []EmployeeDepartmentRow
	total, err := q.Fetch(base, "d.id, d.name, "+membershipStatus+" AS status", &rows)
	return rows, total, err
}
