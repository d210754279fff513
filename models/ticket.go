package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Ticket statuses: a client's new ticket; a client's reply (in progress); a staff
// reply (awaiting the client); closed.
const (
	TicketNew            = "new"
	TicketInProgress     = "in_progress"
	TicketAwaitingClient = "awaiting_client"
	TicketClosed         = "closed"
)

// TicketStatuses lists the statuses with their captions, in workflow order.
var TicketStatuses = []list.Option{
	{Key: TicketNew, Label: "New"}, {Key: TicketInProgress, Label: "In progress"},
	{Key: TicketAwaitingClient, Label: "Awaiting client"}, {Key: TicketClosed, Label: "Closed"},
}

// Ticket and message limits.
const (
	MaxSubject = 200
	MaxMessage = 20000
)

// Ticket is a client's request to the support desk.
type Ticket struct {
	ID            int64
	Subject       string
	ClientID      int64
	DepartmentID  int64
	Status        string
	CreatedAt     time.Time
	LastMessageAt time.Time
}

// TicketMessage is a reply or, with Note, an internal note clients never see.
type TicketMessage struct {
	ID          int64
	TicketID    int64
	AuthorID    *int64
	AuthorLogin string
	Note        bool
	Body        string
	CreatedAt   time.Time
}

// Assignment says who holds a ticket: an employee or a department's queue.
type Assignment struct {
	ID           int64
	TicketID     int64
	EmployeeID   *int64
	DepartmentID *int64
	CreatedAt    time.Time
}

// TableName implements gorm's tabler.
func (Assignment) TableName() string { return "ticket_assignments" }

// TicketEvent is one change of hands in a ticket's history.
type TicketEvent struct {
	ID        int64
	TicketID  int64
	CreatedAt time.Time
	Actor     string
	RealActor string
	FromWhom  string
	ToWhom    string
	Reason    string
}

// TableName implements gorm's tabler.
func (TicketEvent) TableName() string { return "ticket_history" }

// CheckMessage returns a value error unless body is a message: not empty
// and at most MaxMessage characters.
func CheckMessage(body string) error {
	if strings.TrimSpace(body) == "" {
		return errs.Invalid("", "", "Write the message")
	}
	if len([]rune(body)) > MaxMessage {
		return errs.Invalid("", "", "A message is at most %d characters", MaxMessage)
	}
	return nil
}

// FindTicket returns the ticket with the given id (as the request spells it).
func FindTicket(ctx context.Context, db *gorm.DB, id string) (*Ticket, error) {
	return findByID[Ticket](ctx, db, "ticket", id)
}

// forUpdate locks the rows a query reads until the transaction ends, so that a
// change of hands decides on rows nobody else is changing. Who holds a ticket and
// how many an employee holds are spread over several rows; two transfers reading
// them at once would both act on what they read (a second assignment of one
// ticket, an employee past their limit). NO KEY UPDATE still lets other
// transactions write rows that merely refer to the locked one (messages, journal
// rows), whose foreign keys take a KEY SHARE lock. SQLite's immediate
// transactions already run one writer at a time, and gorm's SQLite dialect leaves
// the clause out.
//
// Every transaction takes these locks in one order, so that none waits on another
// that waits on it: first the row of the employee who gains or loses tickets, then
// ticket rows in id order.
var forUpdate = clause.Locking{Strength: "NO KEY UPDATE"}

// LockTicket is FindTicket that also locks the ticket's row until the transaction
// ends: who holds it can be read and changed without a concurrent transfer doing
// the same. Lock the employee who receives it first (LockEmployee).
func LockTicket(ctx context.Context, db *gorm.DB, id int64) (*Ticket, error) {
	return findByID[Ticket](ctx, db.Clauses(forUpdate), "ticket", strconv.FormatInt(id, 10))
}

// OpenTicket stores a new ticket with its first message.
func OpenTicket(ctx context.Context, db *gorm.DB, t *Ticket, author *Account, body string) error {
	now := Now()
	t.Status, t.CreatedAt, t.LastMessageAt = TicketNew, now, now
	if err := db.WithContext(ctx).Create(t).Error; err != nil {
		return fmt.Errorf("open ticket: %w", err)
	}
	return AddMessage(ctx, db, t, author, body, false, "")
}

// AddMessage adds a reply or a note to a ticket; a reply also sets its status (when
// status is not empty) and the time of its last message.
func AddMessage(ctx context.Context, db *gorm.DB, t *Ticket, author *Account, body string, note bool, status string) error {
	now := Now()
	m := &TicketMessage{TicketID: t.ID, AuthorID: &author.ID, AuthorLogin: author.Login, Note: note, Body: body, CreatedAt: now}
	if err := db.WithContext(ctx).Create(m).Error; err != nil {
		return fmt.Errorf("add message: %w", err)
	}
	if note {
		return nil
	}
	updates := map[string]any{"last_message_at": now}
	if status != "" {
		updates["status"] = status
		t.Status = status
	}
	t.LastMessageAt = now
	return db.WithContext(ctx).Model(&Ticket{}).Where("id = ?", t.ID).Updates(updates).Error
}

// SetTicketStatus changes a ticket's status.
func SetTicketStatus(ctx context.Context, db *gorm.DB, t *Ticket, status string) error {
	t.Status = status
	return db.WithContext(ctx).Model(&Ticket{}).Where("id = ?", t.ID).Update("status", status).Error
}

// Messages returns a ticket's messages, oldest first; notes only when withNotes.
func Messages(ctx context.Context, db *gorm.DB, ticket int64, withNotes bool) ([]TicketMessage, error) {
	q := db.WithContext(ctx).Where("ticket_id = ?", ticket)
	if !withNotes {
		q = q.Where("NOT note")
	}
	var out []TicketMessage
	err := q.Order("id").Find(&out).Error
	return out, err
}

// History returns a ticket's changes of hands, oldest first.
func History(ctx context.Context, db *gorm.DB, ticket int64) ([]TicketEvent, error) {
	var out []TicketEvent
	err := db.WithContext(ctx).Where("ticket_id = ?", ticket).Order("id").Find(&out).Error
	return out, err
}

// FindAssignment returns an assignment by its id (as the request spells it).
func FindAssignment(ctx context.Context, db *gorm.DB, id string) (*Assignment, error) {
	return findByID[Assignment](ctx, db, "assignment", id)
}

// Holder is who a ticket goes to: an employee, or a department's queue.
type Holder struct {
	Employee   *Account
	Department *Department
}

// String names the holder as history shows it.
func (h Holder) String() string {
	switch {
	case h.Employee != nil:
		return "employee " + h.Employee.Login
	case h.Department != nil:
		return "department " + h.Department.Name
	}
	return "nobody"
}

// Key is the holder as set_responsible spells it: an employee id or d_ID.
func (h Holder) Key() string {
	switch {
	case h.Employee != nil:
		return strconv.FormatInt(h.Employee.ID, 10)
	case h.Department != nil:
		return "d_" + strconv.FormatInt(h.Department.ID, 10)
	}
	return ""
}

// Hand is who holds a ticket now: its assignment (nil when nobody does) and what
// the assignment names.
type Hand struct {
	Assignment *Assignment
	Holder     Holder
}

// HandOf returns who holds the ticket now. A holder that no longer exists is nobody.
func HandOf(ctx context.Context, db *gorm.DB, ticket int64) (Hand, error) {
	var h Hand
	var a Assignment
	err := db.WithContext(ctx).Where("ticket_id = ?", ticket).Take(&a).Error
	if err == gorm.ErrRecordNotFound {
		return h, nil
	}
	if err != nil {
		return h, err
	}
	h.Assignment = &a
	if a.EmployeeID != nil {
		var acc Account
		if err := db.WithContext(ctx).First(&acc, *a.EmployeeID).Error; err == nil {
			h.Holder.Employee = &acc
		} else if err != gorm.ErrRecordNotFound {
			return h, err
		}
	}
	if a.DepartmentID != nil {
		var d Department
		if err := db.WithContext(ctx).First(&d, *a.DepartmentID).Error; err == nil {
			h.Holder.Department = &d
		} else if err != gorm.ErrRecordNotFound {
			return h, err
		}
	}
	return h, nil
}

// OpenTickets is how many tickets that are not closed an employee holds.
func OpenTickets(ctx context.Context, db *gorm.DB, employee int64) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Table("ticket_assignments AS a").Joins("JOIN tickets AS t ON t.id = a.ticket_id").
		Where("a.employee_id = ? AND t.status <> ?", employee, TicketClosed).Count(&n).Error
	return n, err
}

// Transfer hands a ticket from who holds it now (HandOf, or Hand{} for a new
// ticket) to a holder and records the change in its history. actor and real name
// who did it (real: who was behind an su, or "").
func Transfer(ctx context.Context, db *gorm.DB, t *Ticket, from Hand, to Holder, actor, real, reason string) error {
	if from.Assignment != nil {
		if err := db.WithContext(ctx).Delete(from.Assignment).Error; err != nil {
			return fmt.Errorf("transfer ticket %d: %w", t.ID, err)
		}
	}
	a := &Assignment{TicketID: t.ID, CreatedAt: Now()}
	if to.Employee != nil {
		a.EmployeeID = &to.Employee.ID
	}
	if to.Department != nil {
		a.DepartmentID = &to.Department.ID
	}
	if err := db.WithContext(ctx).Create(a).Error; err != nil {
		return fmt.Errorf("transfer ticket %d: %w", t.ID, err)
	}
	ev := &TicketEvent{TicketID: t.ID, CreatedAt: Now(), Actor: actor, RealActor: real,
		FromWhom: from.Holder.String(), ToWhom: to.String(), Reason: reason}
	if err := db.WithContext(ctx).Create(ev).Error; err != nil {
		return fmt.Errorf("ticket history: %w", err)
	}
	return nil
}

// DefaultHolder is who a department's new or handed-back tickets go to: its default
// responsible employee when set and enabled, otherwise its queue. The employee's row
// stays locked, as LockEmployee's does.
func DefaultHolder(ctx context.Context, db *gorm.DB, d *Department) (Holder, error) {
	if d.DefaultResponsible != nil {
		var acc Account
		err := db.WithContext(ctx).Clauses(forUpdate).Where(staffCondition).First(&acc, *d.DefaultResponsible).Error
		if err == nil && acc.Enabled {
			return Holder{Employee: &acc}, nil
		}
		if err != nil && err != gorm.ErrRecordNotFound {
			return Holder{}, err
		}
	}
	return Holder{Department: d}, nil
}

// ReleaseTickets hands every open ticket an employee holds back to its department's
// queue, recording why, as when the employee is suspended or deleted. The employee's
// row stays locked until the transaction ends, so that no transfer hands them a
// ticket meanwhile: call it before disabling or deleting the account.
func ReleaseTickets(ctx context.Context, db *gorm.DB, employee int64, actor, real, reason string) error {
	holder, err := LockAccount(ctx, db, employee)
	if err != nil {
		return fmt.Errorf("employee %d: %w", employee, err)
	}
	// The tickets are locked with their assignments, in id order; one that a
	// transfer took away while this waited for it drops out of the result.
	var held []struct {
		Ticket
		AssignmentID int64
	}
	err = db.WithContext(ctx).Table("tickets AS t").Select("t.*, a.id AS assignment_id").
		Joins("JOIN ticket_assignments AS a ON a.ticket_id = t.id").
		Where("a.employee_id = ? AND t.status <> ?", employee, TicketClosed).Order("t.id").
		Clauses(forUpdate).Scan(&held).Error
	if err != nil || len(held) == 0 {
		return err
	}
	departments := map[int64]*Department{}
	for i := range held {
		t := &held[i].Ticket
		d := departments[t.DepartmentID]
		if d == nil {
			d = &Department{}
			if err := db.WithContext(ctx).First(d, t.DepartmentID).Error; err != nil {
				return fmt.Errorf("department of ticket %d: %w", t.ID, err)
			}
			departments[t.DepartmentID] = d
		}
		from := Hand{Assignment: &Assignment{ID: held[i].AssignmentID}, Holder: Holder{Employee: holder}}
		if err := Transfer(ctx, db, t, from, Holder{Department: d}, actor, real, reason); err != nil {
			return err
		}
	}
	return nil
}

// MoveTicket makes a ticket belong to another department.
func MoveTicket(ctx context.Context, db *gorm.DB, t *Ticket, department int64) error {
	t.DepartmentID = department
	return db.WithContext(ctx).Model(&Ticket{}).Where("id = ?", t.ID).Update("department_id", department).Error
}
