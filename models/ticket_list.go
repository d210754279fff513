package models

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/list"
)

// tickets is the query of tickets as "t" with their client "c", department "d"
// and who holds them: assignment "a", employee "e" or queue "q".
func tickets(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("tickets AS t").
		Joins("JOIN accounts AS c ON c.id = t.client_id").
		Joins("JOIN departments AS d ON d.id = t.department_id").
		Joins("LEFT JOIN ticket_assignments AS a ON a.ticket_id = t.id").
		Joins("LEFT JOIN accounts AS e ON e.id = a.employee_id").
		Joins("LEFT JOIN departments AS q ON q.id = a.department_id")
}

// ticketRowSelect reads a TicketRow from tickets.
const ticketRowSelect = "t.id, a.id AS assignment_id, t.subject, c.login AS client, d.name AS department, " +
	"a.employee_id, e.login AS employee_login, a.department_id AS queue_id, q.name AS queue_name, " +
	"t.status, t.created_at, t.last_message_at"

// TicketRow is a ticket as staff lists show it, with who holds it.
type TicketRow struct {
	ID            int64
	AssignmentID  *int64
	Subject       string
	Client        string
	Department    string
	EmployeeID    *int64
	EmployeeLogin *string
	QueueID       *int64
	QueueName     *string
	Status        string
	CreatedAt     time.Time
	LastMessageAt time.Time
}

// Responsible is who holds the ticket as lists show it: the employee's login or the
// department queue's name, and its key as set_responsible spells it.
func (r *TicketRow) Responsible() (name, key string) {
	switch {
	case r.EmployeeID != nil && r.EmployeeLogin != nil:
		return *r.EmployeeLogin, strconv.FormatInt(*r.EmployeeID, 10)
	case r.QueueID != nil && r.QueueName != nil:
		return *r.QueueName, "d_" + strconv.FormatInt(*r.QueueID, 10)
	}
	return "", ""
}

// ticketColumns are the columns of ticket_all (id is the ticket) and of a queue (id
// is the assignment, ticket the ticket).
func ticketColumns(id string, queue bool) []list.Column {
	cols := []list.Column{{Name: "id", Caption: "Id", Kind: list.Number, SQL: id, Sort: true, Unique: true}}
	if queue {
		cols = append(cols, list.Column{Name: "ticket", Caption: "Ticket", Kind: list.Number, SQL: "t.id", Sort: true, Unique: true})
	}
	return append(cols,
		list.Column{Name: "name", Caption: "Subject", Kind: list.Text, SQL: "t.subject", Sort: true, Filter: list.Wildcard},
		list.Column{Name: "client", Caption: "Client", Kind: list.Text, SQL: "c.login", Sort: true, Filter: list.Wildcard},
		list.Column{Name: "department", Caption: "Department", Kind: list.Text, SQL: "d.name", Sort: true, Filter: list.Exact, Where: ticketInDepartment},
		list.Column{Name: "responsible", Caption: "Responsible", Kind: list.Text, Optional: true, SQL: "COALESCE(e.login, q.name)",
			Sort: true, Filter: list.Exact, Where: ticketHeldBy},
		list.Column{Name: "responsible_id", Caption: "Responsible key", Kind: list.Text, Optional: true},
		list.Column{Name: "status", Caption: "Status", Kind: list.Status, SQL: "t.status", Sort: true, Filter: list.Choice, Choices: TicketStatuses},
		list.Column{Name: "date_start", Caption: "Opened", Kind: list.Date, SQL: "t.created_at", Sort: true},
		list.Column{Name: "last_message", Caption: "Last message", Kind: list.Date, SQL: "t.last_message_at", Sort: true},
	)
}

// ticketInDepartment filters by the ticket's department: its id, or its name.
func ticketInDepartment(db *gorm.DB, v string) *gorm.DB {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return db.Where("t.department_id = ?", id)
	}
	return db.Where("LOWER(d.name) = LOWER(?)", v)
}

// ticketHeldBy filters by holder: an employee id (or e_ID), d_ID for a department
// queue, or none.
func ticketHeldBy(db *gorm.DB, v string) *gorm.DB {
	switch {
	case v == "none":
		return db.Where("a.id IS NULL")
	case strings.HasPrefix(v, "d_"):
		id, _ := strconv.ParseInt(v[2:], 10, 64)
		return db.Where("a.employee_id IS NULL AND a.department_id = ?", id)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(v, "e_"), 10, 64)
	return db.Where("a.employee_id = ?", id)
}

// TicketList is ticket_all: every ticket, one row each.
var TicketList = &list.Spec{Columns: ticketColumns("t.id", false), DefaultSort: "last_message", DefaultDesc: true, Key: "t.id"}

// ListTickets reads one page of every ticket and the number the query's filter keeps.
func ListTickets(ctx context.Context, db *gorm.DB, q *list.Query) ([]TicketRow, int64, error) {
	var rows []TicketRow
	total, err := q.Fetch(tickets(ctx, db), ticketRowSelect, &rows)
	return rows, total, err
}

// TicketQueueList is an employee's queue: one row per assignment of an open ticket.
var TicketQueueList = &list.Spec{Columns: ticketColumns("a.id", true), DefaultSort: "last_message", DefaultDesc: true, Key: "a.id"}

// ListTicketQueue reads one page of the employee's queue of open tickets, their own
// and those of their active departments' queues, and the number the query's filter
// keeps.
func ListTicketQueue(ctx context.Context, db *gorm.DB, employee int64, q *list.Query) ([]TicketRow, int64, error) {
	base := inQueueOf(tickets(ctx, db), employee).Where("t.status <> ?", TicketClosed)
	var rows []TicketRow
	total, err := q.Fetch(base, ticketRowSelect, &rows)
	return rows, total, err
}

// inQueueOf keeps the assignments "a" of an employee: their own, and the queues of
// their active departments.
func inQueueOf(db *gorm.DB, employee int64) *gorm.DB {
	return db.Where("(a.employee_id = ? OR (a.employee_id IS NULL AND a.department_id IN "+
		"(SELECT department_id FROM department_members WHERE account_id = ? AND active)))", employee, employee)
}

// InQueueOf reports whether the assignment is in the employee's queue: their own,
// or in the queue of one of their active departments.
func InQueueOf(ctx context.Context, db *gorm.DB, employee, assignment int64) (bool, error) {
	var n int64
	err := inQueueOf(db.WithContext(ctx).Table("ticket_assignments AS a"), employee).
		Where("a.id = ?", assignment).Count(&n).Error
	return n > 0, err
}

// FindTicketRow returns one ticket as staff lists show it.
func FindTicketRow(ctx context.Context, db *gorm.DB, id int64) (*TicketRow, error) {
	var row TicketRow
	if err := tickets(ctx, db).Select(ticketRowSelect).Where("t.id = ?", id).Take(&row).Error; err != nil {
		return nil, err
	}
	return &row, nil
}

// ClientTicketList is clientticket: a client's own tickets.
var ClientTicketList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "t.id", Sort: true, Unique: true},
		{Name: "name", Caption: "Subject", Kind: list.Text, SQL: "t.subject", Sort: true, Filter: list.Wildcard},
		{Name: "department", Caption: "Department", Kind: list.Text, SQL: "d.name", Sort: true},
		{Name: "status", Caption: "Status", Kind: list.Status, SQL: "t.status", Sort: true, Filter: list.Choice, Choices: TicketStatuses},
		{Name: "date_start", Caption: "Opened", Kind: list.Date, SQL: "t.created_at", Sort: true},
		{Name: "last_message", Caption: "Last message", Kind: list.Date, SQL: "t.last_message_at", Sort: true},
	},
	DefaultSort: "last_message", DefaultDesc: true, Key: "t.id",
}

// ClientTicketRow is a row of ClientTicketList.
type ClientTicketRow struct {
	ID            int64
	Subject       string
	Department    string
	Status        string
	CreatedAt     time.Time
	LastMessageAt time.Time
}

// ListClientTickets reads one page of a client's tickets and the number the
// query's filter keeps.
func ListClientTickets(ctx context.Context, db *gorm.DB, client int64, q *list.Query) ([]ClientTicketRow, int64, error) {
	base := db.WithContext(ctx).Table("tickets AS t").Joins("JOIN departments AS d ON d.id = t.department_id").
		Where("t.client_id = ?", client)
	var rows []ClientTicketRow
	total, err := q.Fetch(base, "t.id, t.subject, d.name AS department, t.status, t.created_at, t.last_message_at", &rows)
	return rows, total, err
}
