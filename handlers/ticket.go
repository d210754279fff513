package handlers

import (
	"errors"
	"strconv"
	"strings"

	"staffmgr/models/errs"
	"staffmgr/models/list"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
)

// ticketStatusOptions are the ticket statuses as a select shows them.
var ticketStatusOptions = selectOptions(models.TicketStatuses)

// ticketCells are the cells of a staff list's ticket row after its id.
func ticketCells(r *models.TicketRow) []*render.Node {
	name, key := r.Responsible()
	return []*render.Node{
		render.Text("name", r.Subject),
		render.Text("client", r.Client),
		render.Text("department", r.Department),
		render.Cell("responsible", name),
		render.Cell("responsible_id", key),
		render.Text("status", r.Status),
		render.Text("date_start", r.CreatedAt.Local().Format(timeFormat)),
		render.Text("last_message", r.LastMessageAt.Local().Format(timeFormat)),
	}
}

// ticketAllSpec is ticket_all, declared with its query in models.
var ticketAllSpec = models.TicketList

// ticketAll is ticket_all: every ticket.
func ticketAll(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListTickets(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for i := range rows {
		out.Rows = append(out.Rows, render.Row(append([]*render.Node{render.Text("id", strconv.FormatInt(rows[i].ID, 10))}, ticketCells(&rows[i])...)...))
	}
	return out, nil
}

// ticketQueueSpec is the ticket queue, declared with its query in models.
var ticketQueueSpec = models.TicketQueueList

// ticketQueue is ticket: the caller's queue of open tickets, one row per assignment
// (id), with the ticket's id in ticket.
func ticketQueue(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListTicketQueue(c, c.DB, c.Actor.ID, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for i := range rows {
		r := &rows[i]
		out.Rows = append(out.Rows, render.Row(append([]*render.Node{
			render.Text("id", strconv.FormatInt(*r.AssignmentID, 10)),
			render.Text("ticket", strconv.FormatInt(r.ID, 10)),
		}, ticketCells(r)...)...))
	}
	return out, nil
}

// ticketDoc is a ticket with its messages (notes only for staff) and, for staff,
// its history of changes of hands.
func ticketDoc(c *Ctx, t *models.Ticket, staff bool) (*render.Form, error) {
	row, err := models.FindTicketRow(c, c.DB, t.ID)
	if err != nil {
		return nil, err
	}
	f := &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(t.ID, 10)),
		render.Text("name", row.Subject),
		render.Text("department", row.Department),
		render.Text("status", row.Status),
		render.Text("date_start", row.CreatedAt.Local().Format(timeFormat)),
		render.Text("last_message", row.LastMessageAt.Local().Format(timeFormat)),
	}}
	if staff {
		name, key := row.Responsible()
		f.Fields = append(f.Fields, render.Text("client", row.Client),
			render.Text("responsible", name), render.Text("responsible_id", key))
	}
	messages, err := models.Messages(c, c.DB, t.ID, staff)
	if err != nil {
		return nil, err
	}
	for _, m := range messages {
		f.Fields = append(f.Fields, render.El("ticket_message",
			render.Text("id", strconv.FormatInt(m.ID, 10)),
			render.Text("author", m.AuthorLogin),
			render.Text("date", m.CreatedAt.Local().Format(timeFormat)),
			render.Text("body", m.Body),
			render.FlagIf("note", m.Note),
		).Repeated())
	}
	if staff {
		events, err := models.History(c, c.DB, t.ID)
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			f.Fields = append(f.Fields, render.El("ticket_event",
				render.Text("date", ev.CreatedAt.Local().Format(timeFormat)),
				render.Text("actor", ev.Actor),
				render.Text("real_actor", ev.RealActor),
				render.Text("from", ev.FromWhom),
				render.Text("to", ev.ToWhom),
				render.Text("reason", ev.Reason),
			).Repeated())
		}
	}
	return f, nil
}

// ticketEditForm is ticket.edit without sok: the ticket, its messages and notes,
// its history, and the fields of a reply.
func ticketEditForm(c *Ctx) (render.Result, error) {
	t, err := namedTicket(c)
	if err != nil {
		return nil, err
	}
	f, err := ticketDoc(c, t, true)
	if err != nil {
		return nil, err
	}
	f.Fields = append(f.Fields, render.Text("message", ""), render.Text("note_message", ""),
		render.Select("status", ticketStatusOptions...))
	return f, nil
}

// messageInput is the text of a ticket message, a reply or a note.
func messageInput(name, caption string, need form.Need) form.Field {
	return form.Field{Name: name, Caption: caption, Type: form.TextArea, Need: need, Max: models.MaxMessage, Raw: true,
		Check: models.CheckMessage}
}

// ticketEditInput is what ticket.edit reads: at least one of them.
var ticketEditInput = form.New(
	messageInput("message", "Reply", form.Optional),
	messageInput("note_message", "Internal note", form.Optional),
	form.Field{Name: "status", Caption: "Status", Type: form.Select, Choices: ticketStatusOptions, Check: checkStatus},
)

// checkStatus refuses a status a ticket cannot have.
func checkStatus(v string) error {
	if !form.HasChoice(ticketStatusOptions, v) {
		return errs.Invalid("", v, "Unknown status; use new, in_progress, awaiting_client or closed")
	}
	return nil
}

// ticketEditSave is ticket.edit&sok=ok: message replies to the client (the ticket
// then awaits the client) under the employee's signature, note_message adds an
// internal note, status sets the status (closed closes it). At least one of them.
func ticketEditSave(c *Ctx, in *form.Input) (render.Result, error) {
	t, err := namedTicket(c)
	if err != nil {
		return nil, err
	}
	reply, _ := in.Text("message")
	note, _ := in.Text("note_message")
	status, _ := in.Text("status")
	if reply == "" && note == "" && status == "" {
		return nil, errs.Invalid("message", "", "Write a reply (message), a note (note_message), or set the status")
	}
	if reply != "" {
		next := models.TicketAwaitingClient
		if status != "" {
			next = status
		}
		settings, err := models.SupportSettingsOf(c, c.DB, c.Actor.ID)
		if err != nil {
			return nil, err
		}
		if settings.Signature != "" { // the employee's signature closes every reply
			reply = strings.TrimRight(reply, "\r\n ") + "\n\n" + settings.Signature
		}
		if err := models.AddMessage(c, c.DB, t, c.Actor, reply, false, next); err != nil {
			return nil, err
		}
	}
	if note != "" {
		if err := models.AddMessage(c, c.DB, t, c.Actor, note, true, ""); err != nil {
			return nil, err
		}
	}
	if status != "" && status != t.Status {
		if err := models.SetTicketStatus(c, c.DB, t, status); err != nil {
			return nil, err
		}
	}
	return &render.OK{}, nil
}

// clientTicketSpec is clientticket, declared with its query in models.
var clientTicketSpec = models.ClientTicketList

func clientTicketList(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListClientTickets(c, c.DB, c.Actor.ID, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	for _, r := range rows {
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("name", r.Subject),
			render.Text("department", r.Department),
			render.Text("status", r.Status),
			render.Text("date_start", r.CreatedAt.Local().Format(timeFormat)),
			render.Text("last_message", r.LastMessageAt.Local().Format(timeFormat)),
		))
	}
	return out, nil
}

// ownTicket is the caller's ticket elid names; another client's is missed.
func ownTicket(c *Ctx) (*models.Ticket, error) {
	elid := c.Params.Get("elid")
	t, err := models.FindTicket(c, c.DB, elid)
	if err != nil {
		return nil, errs.At("elid", err)
	}
	if t.ClientID != c.Actor.ID {
		return nil, errs.Missing("elid", elid)
	}
	return t, nil
}

// supportDepartments are the departments clients may write to.
func supportDepartments(c *Ctx) ([]render.Option, error) {
	var deps []models.Department
	if err := c.DB.WithContext(c).Where("show_in_support").Order("name, id").Find(&deps).Error; err != nil {
		return nil, err
	}
	out := make([]render.Option, len(deps))
	for i, d := range deps {
		out[i] = render.Option{Key: strconv.FormatInt(d.ID, 10), Label: d.Name}
	}
	return out, nil
}

// clientTicketForm is clientticket.edit without sok: a new ticket's fields and the
// departments to write to, or the client's ticket with its messages (never notes).
func clientTicketForm(c *Ctx) (render.Result, error) {
	if c.Params.Get("elid") != "" {
		t, err := ownTicket(c)
		if err != nil {
			return nil, err
		}
		f, err := ticketDoc(c, t, false)
		if err != nil {
			return nil, err
		}
		f.Fields = append(f.Fields, render.Text("message", ""))
		return f, nil
	}
	deps, err := supportDepartments(c)
	if err != nil {
		return nil, err
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("subject", ""), render.Text("message", ""), render.Text("client_department", ""),
		render.Select("client_department", deps...),
	}}, nil
}

// clientTicketInput is what clientticket.edit reads: a new ticket's subject,
// message and department, or a reply's message.
var clientTicketInput = form.Creating(
	form.Field{Name: "subject", Caption: "Subject", Need: form.CreateOnly, Max: models.MaxSubject},
	messageInput("message", "Message", form.Always),
	form.Field{Name: "client_department", Caption: "Department", Type: form.Select, Need: form.CreateOnly,
		ChoicesFrom: "clientticket.edit"},
)

// clientTicketSave is clientticket.edit&sok=ok: without elid a new ticket (subject,
// message, client_department), which goes to the department's default responsible
// employee or its queue; with elid the client's reply, which puts the ticket back
// in progress.
func clientTicketSave(c *Ctx, in *form.Input) (render.Result, error) {
	message, _ := in.Text("message")
	subject, _ := in.Text("subject")
	depID, _ := in.Text("client_department")
	if !in.Creating() {
		t, err := ownTicket(c)
		if err != nil {
			return nil, err
		}
		return &render.OK{}, models.AddMessage(c, c.DB, t, c.Actor, message, false, models.TicketInProgress)
	}
	d, err := models.FindDepartment(c, c.DB, depID)
	if err != nil || !d.ShowInSupport {
		if err != nil && !errors.Is(err, errs.Missed) {
			return nil, err
		}
		return nil, errs.Invalid("client_department", depID, "Choose one of the support departments")
	}
	t := &models.Ticket{Subject: subject, ClientID: c.Actor.ID, DepartmentID: d.ID}
	if err := models.OpenTicket(c, c.DB, t, c.Actor, message); err != nil {
		return nil, err
	}
	holder, err := models.DefaultHolder(c, c.DB, d)
	if err != nil {
		return nil, err
	}
	if err := models.Transfer(c, c.DB, t, models.Hand{}, holder, c.Actor.Login, realLogin(c), "new ticket"); err != nil {
		return nil, err
	}
	return &render.OK{ID: strconv.FormatInt(t.ID, 10)}, nil
}

// realLogin is the login of the account behind an su, or "".
func realLogin(c *Ctx) string {
	if c.Real != nil {
		return c.Real.Login
	}
	return ""
}

// namedTicket is the ticket elid names.
func namedTicket(c *Ctx) (*models.Ticket, error) {
	elid := c.Params.Get("elid")
	if elid == "" {
		return nil, errs.Invalid("elid", "", "Name the ticket: elid=ID")
	}
	t, err := models.FindTicket(c, c.DB, elid)
	return t, errs.At("elid", err)
}
