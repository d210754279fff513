package main

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"staffmgr/models"
)

// supportDesk makes the Support and Billing departments (clients may write to
// both), gives Support the rights of the support desk, puts the employee sam in it,
// and makes the client carol.
func supportDesk(p *panel) (support, billing int64) {
	p.t.Helper()
	support = p.mkDepartment("Support", "show_in_support", "on")
	billing = p.mkDepartment("Billing", "show_in_support", "on")
	p.api(url.Values{"func": {"rights2.group.resume"}, "sok": {"ok"}, "plid": {strconv.FormatInt(support, 10)},
		"elid": {"ticket, ticket.edit, support_tool_responsible, ticket_all"}})
	p.mkEmployee("sam", "realname", "Sam Support", "department", strconv.FormatInt(support, 10))
	p.mkClient("carol", "realname", "Carol Client")
	return support, billing
}

// TestBrowserSupport: a support employee finds a client's ticket in the queue,
// takes it, replies, and hands it to another department; a client opens a ticket.
func TestBrowserSupport(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	support, billing := supportDesk(p)
	// A first ticket, moved between queues and back, so that the queue's row keys
	// (assignments) and the tickets' ids differ.
	p.apiAs("carol", testPassword, url.Values{"func": {"clientticket.edit"}, "sok": {"ok"}, "subject": {"Invoice question"},
		"message": {"Why twice?"}, "client_department": {strconv.FormatInt(billing, 10)}})
	p.apiAs("carol", testPassword, url.Values{"func": {"clientticket.edit"}, "sok": {"ok"}, "subject": {"My server is down"},
		"message": {"Since this morning, <b>nothing</b> answers."}, "client_department": {strconv.FormatInt(support, 10)}})
	ticket := p.ticketBySubject("My server is down")

	p.open("/")
	p.login("sam", testPassword)
	p.click(`#menu a[data-func="ticket"]`)
	p.sees("My server is down", "carol")
	p.seesNot("Invoice question") // Billing's queue is not sam's

	// The ticket page shows the client's message as text, as a reply.
	p.click(`tr[data-name="My server is down"] td[data-col="ticket"] a`)
	if got := p.textOf("#ticket-subject"); got != "My server is down" {
		t.Fatalf("the ticket page is about %q", got)
	}
	if got := p.texts(`#thread li[data-kind="reply"] .body`); len(got) != 1 || got[0] != "Since this morning, <b>nothing</b> answers." {
		t.Errorf("the thread shows %q", got)
	}

	// Taken with one button.
	p.click("#take-submit")
	if got := p.textOf("#ticket-responsible"); !strings.Contains(got, "sam") && !strings.Contains(got, "Sam Support") {
		t.Errorf("after taking it the responsible is %q", got)
	}
	if h := p.hand(ticket); h.Holder.Employee == nil || h.Holder.Employee.Login != "sam" {
		t.Errorf("taken, the ticket is held by %v", h.Holder)
	}

	// A reply: shown in the thread as a reply, after the client's message.
	p.fill("#f-message", "We are looking into it.")
	p.click("#reply-submit")
	if got := p.texts(`#thread li[data-kind="reply"] .body`); len(got) != 2 || got[1] != "We are looking into it." {
		t.Errorf("after the reply the thread shows %q", got)
	}
	// A reply with the status left alone awaits the client, as the API's reply does.
	if got := p.textOf("#ticket-status"); !strings.Contains(strings.ToLower(got), "awaiting") {
		t.Errorf("after a reply the ticket's status shows %q", got)
	}
	p.shotPage("panel-ticket")
	msgs, err := models.Messages(context.Background(), p.m.DB, ticket, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[1].Body != "We are looking into it." || msgs[1].Note || msgs[1].AuthorLogin != "sam" {
		t.Errorf("the messages kept: %+v", msgs)
	}

	// Handed to the Billing department with a reason: the ticket moves there and
	// leaves sam's queue.
	// Employees and departments are listed apart, since a name alone does not
	// say which one it is.
	var group string
	p.eval(`(() => { const o = [...document.querySelectorAll("#t-set_responsible option")].find(o => o.textContent === "Billing"); return o && o.parentElement.label || ""; })()`, &group)
	if group != "Departments" || p.count(`#t-set_responsible optgroup[label="Employees"] option`) == 0 {
		t.Errorf("the Billing department is listed under %q; the employees' group has %d entries", group, p.count(`#t-set_responsible optgroup[label="Employees"] option`))
	}
	p.selectOption("#t-set_responsible", "Billing")
	p.fill("#t-reason", "A billing matter")
	p.click("#transfer-submit")
	if p.count("#error") != 0 {
		t.Fatalf("the transfer was refused: %s", p.textOf("#error"))
	}
	tk, err := models.FindTicket(context.Background(), p.m.DB, strconv.FormatInt(ticket, 10))
	if err != nil {
		t.Fatal(err)
	}
	if h := p.hand(ticket); tk.DepartmentID != billing || h.Holder.Department == nil || h.Holder.Department.ID != billing {
		t.Errorf("handed to Billing, the ticket is in department %d held by %v", tk.DepartmentID, h.Holder)
	}
	p.open("/billmgr?func=ticket")
	p.seesNot("My server is down")
}

// TestBrowserClientTicket: a client opens a ticket from the panel and sees it in
// their list; it waits in the department's queue.
func TestBrowserClientTicket(t *testing.T) {
	t.Parallel()
	p := openPanel(t, models.SQLite)
	support, _ := supportDesk(p)
	p.open("/")
	p.login("carol", testPassword)
	p.seesNot("Staff")
	p.click(`#menu a[data-func="clientticket"]`)
	p.click("#create")
	p.fill("#f-subject", "Cannot log in")
	p.fill("#f-message", "The panel says my password is wrong.")
	p.selectOption("#f-client_department", "Support")
	p.click("#save")
	if p.count("#error") != 0 || p.count(".field-error") != 0 {
		t.Fatalf("the new ticket was refused:\n%s", p.bodyText())
	}
	p.sees("Cannot log in")
	id := p.ticketBySubject("Cannot log in")
	tk, err := models.FindTicket(context.Background(), p.m.DB, strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatal(err)
	}
	if tk.DepartmentID != support || tk.ClientID != p.mustAccount("carol").ID || tk.Status != models.TicketNew {
		t.Errorf("the ticket opened: %+v", tk)
	}
	msgs, err := models.Messages(context.Background(), p.m.DB, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Body != "The panel says my password is wrong." {
		t.Errorf("its messages: %+v", msgs)
	}

	// Another client's ticket is not carol's to open, by its address either.
	p.mkClient("dave")
	p.apiAs("dave", testPassword, url.Values{"func": {"clientticket.edit"}, "sok": {"ok"}, "subject": {"Dave's own"},
		"message": {"Private matter"}, "client_department": {strconv.FormatInt(support, 10)}})
	p.open("/billmgr?func=clientticket.edit&elid=" + strconv.FormatInt(p.ticketBySubject("Dave's own"), 10))
	p.seesNot("Private matter", "Dave's own")
	if p.count("#error") != 1 {
		t.Errorf("carol opened dave's ticket:\n%s", p.bodyText())
	}
}

// ticketBySubject is the id of the one ticket with the subject.
func (p *panel) ticketBySubject(subject string) int64 {
	p.t.Helper()
	var ids []int64
	if err := p.m.DB.Model(&models.Ticket{}).Where("subject = ?", subject).Pluck("id", &ids).Error; err != nil {
		p.t.Fatal(err)
	}
	if len(ids) != 1 {
		p.t.Fatalf("%d tickets are about %q", len(ids), subject)
	}
	return ids[0]
}

// hand is who holds the ticket now.
func (p *panel) hand(ticket int64) models.Hand {
	p.t.Helper()
	h, err := models.HandOf(context.Background(), p.m.DB, ticket)
	if err != nil {
		p.t.Fatal(err)
	}
	return h
}
