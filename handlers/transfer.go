package handlers

import (
	"errors"
	"strconv"
	"strings"

	"staffmgr/models/errs"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
)

// transferTicket is the ticket a support_tool_responsible call is about: elid, a
// ticket id from ticket_all, or plid, an assignment from the caller's own queue.
func transferTicket(c *Ctx) (*models.Ticket, error) {
	if elid := c.Params.Get("elid"); elid != "" {
		t, err := models.FindTicket(c, c.DB, elid)
		return t, errs.At("elid", err)
	}
	plid := c.Params.Get("plid")
	if plid == "" {
		return nil, errs.Invalid("elid", "", "Name the ticket: elid=TICKET, or plid=ASSIGNMENT from your queue")
	}
	a, err := models.FindAssignment(c, c.DB, plid)
	if err != nil {
		return nil, errs.At("plid", err)
	}
	mine, err := models.InQueueOf(c, c.DB, c.Actor.ID, a.ID)
	if err != nil {
		return nil, err
	}
	if !mine {
		return nil, errs.Denied("plid", "The assignment %s is not in your queue: use elid with a ticket id from ticket_all", plid)
	}
	t, err := models.FindTicket(c, c.DB, strconv.FormatInt(a.TicketID, 10))
	return t, errs.At("plid", err)
}

// transferForm is support_tool_responsible without sok: who holds the ticket and
// whom it may go to (enabled employees by id, department queues as d_ID).
func transferForm(c *Ctx) (render.Result, error) {
	t, err := transferTicket(c)
	if err != nil {
		return nil, err
	}
	now, err := models.HandOf(c, c.DB, t.ID)
	if err != nil {
		return nil, err
	}
	var staff []struct {
		ID    int64
		Login string
	}
	if err := models.Staff(c, c.DB).Select("a.id, a.login").Where("a.enabled").Order("a.login").Scan(&staff).Error; err != nil {
		return nil, err
	}
	deps, err := models.AllDepartments(c, c.DB)
	if err != nil {
		return nil, err
	}
	var options []render.Option
	for _, s := range staff {
		options = append(options, render.Option{Key: strconv.FormatInt(s.ID, 10), Label: s.Login})
	}
	for _, d := range deps {
		options = append(options, render.Option{Key: "d_" + strconv.FormatInt(d.ID, 10), Label: d.Name})
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(t.ID, 10)),
		render.Text("set_responsible", now.Holder.Key()),
		render.Text("set_responsible_default", "off"),
		render.Text("reason", ""),
		render.Select("set_responsible", options...),
	}}, nil
}

// transferInput is what support_tool_responsible reads.
var transferInput = form.New(
	form.Field{Name: "set_responsible", Caption: "Hand to", Type: form.Select, ChoicesFrom: "support_tool_responsible",
		Help: "An employee id (or e_ID), or d_ID for a department's queue"},
	form.Field{Name: "set_responsible_default", Caption: "To the department's default", Type: form.Flag},
	form.Field{Name: "reason", Caption: "Reason", Max: 200, Help: "Kept in the ticket's history"},
)

// transferSave is support_tool_responsible&sok=ok: hands the ticket to
// set_responsible (an employee id, e_ID, or d_ID for a department queue) or, with
// set_responsible_default=on, to its department's default responsible employee or
// queue. The change is kept in the ticket's history.
func transferSave(c *Ctx, in *form.Input) (render.Result, error) {
	reason, _ := in.Text("reason")
	t, err := transferTicket(c)
	if err != nil {
		return nil, err
	}
	if err := checkOpen(t); err != nil {
		return nil, err
	}
	// The receiving employee is locked first (readHolder, DefaultHolder), then the
	// ticket: the order ReleaseTickets takes them in when an employee is suspended.
	var to models.Holder
	if toDefault, _ := in.Flag("set_responsible_default"); toDefault {
		d, err := models.FindDepartment(c, c.DB, strconv.FormatInt(t.DepartmentID, 10))
		if err != nil {
			return nil, errs.At("elid", err)
		}
		if to, err = models.DefaultHolder(c, c.DB, d); err != nil {
			return nil, err
		}
	} else if to, err = readHolder(c, text(in, "set_responsible")); err != nil {
		return nil, err
	}
	// Read again under the lock: a concurrent transfer or reply may have changed it.
	if t, err = models.LockTicket(c, c.DB, t.ID); err != nil {
		return nil, errs.At("elid", err)
	}
	if err := checkOpen(t); err != nil {
		return nil, err
	}
	from, err := models.HandOf(c, c.DB, t.ID)
	if err != nil {
		return nil, err
	}
	if from.Holder.Key() == to.Key() {
		return &render.OK{}, nil // already there
	}
	if to.Employee != nil {
		if err := checkTicketLimit(c, to.Employee); err != nil {
			return nil, err
		}
	}
	if to.Department != nil && to.Department.ID != t.DepartmentID {
		if err := models.MoveTicket(c, c.DB, t, to.Department.ID); err != nil {
			return nil, err
		}
	}
	if err := models.Transfer(c, c.DB, t, from, to, c.Actor.Login, realLogin(c), reason); err != nil {
		return nil, err
	}
	return &render.OK{}, nil
}

// checkOpen refuses to transfer a closed ticket.
func checkOpen(t *models.Ticket) error {
	if t.Status == models.TicketClosed {
		return errs.Invalid("elid", strconv.FormatInt(t.ID, 10), "The ticket is closed")
	}
	return nil
}

// readHolder reads set_responsible: an employee id (or e_ID), or d_ID. An
// employee's row stays locked until the transaction ends (LockEmployee), so that
// whether they are enabled and how many tickets they hold cannot change meanwhile.
func readHolder(c *Ctx, v string) (models.Holder, error) {
	if v == "" {
		return models.Holder{}, errs.Invalid("set_responsible", "", "Choose an employee or a department, or set_responsible_default=on")
	}
	if id, ok := strings.CutPrefix(v, "d_"); ok {
		d, err := models.FindDepartment(c, c.DB, id)
		if errors.Is(err, errs.Missed) {
			return models.Holder{}, errs.Invalid("set_responsible", v, "There is no department %s", id)
		}
		return models.Holder{Department: d}, err
	}
	id := strings.TrimPrefix(v, "e_")
	a, err := models.LockEmployee(c, c.DB, id)
	if errors.Is(err, errs.Missed) {
		return models.Holder{}, errs.Invalid("set_responsible", v, "There is no employee %s", id)
	}
	if err != nil {
		return models.Holder{}, err
	}
	if !a.Enabled {
		return models.Holder{}, errs.Invalid("set_responsible", v, "%s is suspended: a ticket cannot go to them", a.Login)
	}
	return models.Holder{Employee: a}, nil
}

// checkTicketLimit refuses a ticket to an employee who already holds as many open
// tickets as their support settings allow.
func checkTicketLimit(c *Ctx, a *models.Account) error {
	settings, err := models.SupportSettingsOf(c, c.DB, a.ID)
	if err != nil || settings.MaxOpenTickets <= 0 {
		return err
	}
	open, err := models.OpenTickets(c, c.DB, a.ID)
	if err != nil {
		return err
	}
	if open >= int64(settings.MaxOpenTickets) {
		return errs.New(errs.Limit, "set_responsible", strconv.FormatInt(a.ID, 10),
			"%s already holds %d open tickets, their limit", a.Login, open)
	}
	return nil
}
