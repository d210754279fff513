package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"staffmgr/rights"
)

// desk is a support desk: a client, two support employees in Technical support
// (id 2 after the migration's seed), and a manager with full access.
type desk struct {
	e                   *env
	root, client, alice string // session ids
	bob, manager        string
	aliceID, bobID      int64
	techID, salesID     string
}

func newDesk(t *testing.T, e *env) *desk {
	d := &desk{e: e, techID: "2", salesID: "1"}
	d.root = e.login("root")
	MustCreateAccount(t, e.db, "client", rights.User)
	for _, login := range []string{"alice", "bob"} {
		a := MustCreateEmployee(t, e.db, login, rights.Admin)
		e.get(fmt.Sprintf("func=employee.department.resume&plid=%d&elid=%s&sok=ok&auth=%s", a.ID, d.techID, d.root)).ok()
		for _, right := range []string{"ticket", "ticket_all", "ticket.edit", "support_tool_responsible"} {
			e.grant(d.root, a.ID, right)
		}
		if login == "alice" {
			d.aliceID = a.ID
		} else {
			d.bobID = a.ID
		}
	}
	MustCreateAccount(t, e.db, "manager", rights.Admin)
	d.client, d.alice, d.bob, d.manager = e.login("client"), e.login("alice"), e.login("bob"), e.login("manager")
	return d
}

// open opens a ticket as the client and returns its id.
func (d *desk) open(subject, department string) string {
	d.e.t.Helper()
	r := d.e.get(fmt.Sprintf("func=clientticket.edit&subject=%s&message=%s&client_department=%s&sok=ok&auth=%s",
		url.QueryEscape(subject), url.QueryEscape("Please help with "+subject), department, d.client)).ok()
	id := r.text("id")
	if id == "" {
		d.e.t.Fatalf("no ticket id: %s", r.body)
	}
	return id
}

// ticket returns the ticket_all row of id.
func (d *desk) ticket(id string) map[string]string {
	d.e.t.Helper()
	for _, row := range d.e.get("func=ticket_all&p_cnt=1000&auth=" + d.root).rows() {
		if row["id"] == id {
			return row
		}
	}
	d.e.t.Fatalf("ticket %s not in ticket_all", id)
	return nil
}

func TestTicketLifecycle(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		id := d.open("VPS down", d.techID)

		// A new ticket goes to the department's queue.
		row := d.ticket(id)
		if row["status"] != "new" || row["responsible"] != "Technical support" || row["responsible_id"] != "d_"+d.techID ||
			row["client"] != "client" || row["name"] != "VPS down" || row["department"] != "Technical support" {
			t.Fatalf("new ticket %v", row)
		}
		// Both members see it in their queues, one row per assignment.
		queue := e.get("func=ticket&auth=" + d.alice).rows()
		if len(queue) != 1 || queue[0]["ticket"] != id || queue[0]["id"] == "" {
			t.Fatalf("alice's queue %v", queue)
		}
		assignment := queue[0]["id"]
		if got := e.get("func=ticket&auth=" + d.bob).column("ticket"); len(got) != 1 {
			t.Errorf("bob's queue %v", got)
		}
		if got := e.get("func=ticket&auth=" + d.manager).rows(); len(got) != 0 {
			t.Errorf("the manager is in no department: %v", got)
		}

		// Alice takes it from her queue.
		e.get(fmt.Sprintf("func=support_tool_responsible&plid=%s&set_responsible=%d&sok=ok&auth=%s", assignment, d.aliceID, d.alice)).ok()
		if row := d.ticket(id); row["responsible"] != "alice" || row["responsible_id"] != fmt.Sprint(d.aliceID) {
			t.Errorf("after taking: %v", row)
		}
		if got := e.get("func=ticket&auth=" + d.bob).rows(); len(got) != 0 {
			t.Errorf("bob still sees alice's ticket: %v", got)
		}
		// The old assignment is gone: bob cannot use it.
		e.get(fmt.Sprintf("func=support_tool_responsible&plid=%s&set_responsible=%d&sok=ok&auth=%s", assignment, d.bobID, d.bob)).fails("missed", "plid")

		// Transfer to Sales (the ticket moves there) and then to a colleague.
		e.get(fmt.Sprintf("func=support_tool_responsible&elid=%s&set_responsible=d_%s&sok=ok&auth=%s", id, d.salesID, d.alice)).ok()
		if row := d.ticket(id); row["responsible"] != "Sales department" || row["department"] != "Sales department" {
			t.Errorf("after the transfer to sales: %v", row)
		}
		e.get(fmt.Sprintf("func=support_tool_responsible&elid=%s&set_responsible=e_%d&sok=ok&auth=%s", id, d.bobID, d.alice)).ok()
		if row := d.ticket(id); row["responsible"] != "bob" {
			t.Errorf("after the transfer to bob: %v", row)
		}

		// Bob notes and replies; the client sees the reply, never the note.
		e.get(fmt.Sprintf("func=ticket.edit&elid=%s&note_message=%s&sok=ok&auth=%s", id, url.QueryEscape("restart the node"), d.bob)).ok()
		if row := d.ticket(id); row["status"] != "new" {
			t.Errorf("a note changed the status: %v", row)
		}
		e.get(fmt.Sprintf("func=employee.support_tool_settings&elid=%d&param_name=signature&param_value=%s&sok=ok&auth=%s",
			d.bobID, url.QueryEscape("Bob, support team"), d.root)).ok()
		e.get(fmt.Sprintf("func=ticket.edit&elid=%s&message=%s&sok=ok&auth=%s", id, url.QueryEscape("Fixed, please check"), d.bob)).ok()
		if row := d.ticket(id); row["status"] != "awaiting_client" {
			t.Errorf("after a staff reply: %v", row)
		}
		seen := e.get(fmt.Sprintf("func=clientticket.edit&elid=%s&auth=%s", id, d.client)).ok()
		if strings.Contains(string(seen.body), "restart the node") || !strings.Contains(string(seen.body), `Fixed, please check\n\nBob, support team`) {
			t.Errorf("the client's view: %s", seen.body)
		}
		staff := e.get(fmt.Sprintf("func=ticket.edit&elid=%s&auth=%s", id, d.bob)).ok()
		if !strings.Contains(string(staff.body), "restart the node") {
			t.Errorf("staff do not see the note: %s", staff.body)
		}
		events, _ := staff.doc["ticket_event"].([]any)
		if len(events) != 4 { // new ticket, taken, to sales, to bob
			t.Errorf("history has %d events: %s", len(events), staff.body)
		}

		// The client answers: in progress again.
		e.get(fmt.Sprintf("func=clientticket.edit&elid=%s&message=works&sok=ok&auth=%s", id, d.client)).ok()
		if row := d.ticket(id); row["status"] != "in_progress" {
			t.Errorf("after the client's reply: %v", row)
		}
		// Bob closes it; it leaves his queue and the client sees it closed.
		e.get(fmt.Sprintf("func=ticket.edit&elid=%s&message=Closing&status=closed&sok=ok&auth=%s", id, d.bob)).ok()
		if got := e.get("func=ticket&auth=" + d.bob).rows(); len(got) != 0 {
			t.Errorf("a closed ticket stays in the queue: %v", got)
		}
		mine := e.get("func=clientticket&auth=" + d.client).rows()
		if len(mine) != 1 || mine[0]["status"] != "closed" {
			t.Errorf("client's list %v", mine)
		}
		e.get(fmt.Sprintf("func=support_tool_responsible&elid=%s&set_responsible=%d&sok=ok&auth=%s", id, d.aliceID, d.bob)).fails("value", "elid")

		// Filters of ticket_all.
		other := d.open("Invoice", d.salesID)
		if got := e.get("func=ticket_all&filter=on&status=closed&auth=" + d.root).column("id"); len(got) != 1 || got[0] != id {
			t.Errorf("status filter %v", got)
		}
		if got := e.get("func=ticket_all&filter=on&responsible=d_" + d.salesID + "&auth=" + d.root).column("id"); len(got) != 1 || got[0] != other {
			t.Errorf("responsible filter %v", got)
		}
		if got := e.get("func=ticket_all&filter=on&department=" + d.salesID + "&auth=" + d.root).column("id"); len(got) != 2 {
			t.Errorf("department filter %v", got)
		}
		if got := e.get("func=ticket_all&filter=on&client=cli*&name=inv*&auth=" + d.root).column("id"); len(got) != 1 || got[0] != other {
			t.Errorf("client and name filter %v", got)
		}
	})
}

func TestTransferGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		id := d.open("Disk full", d.techID)
		q := func(who, params string) *resp {
			return e.get(fmt.Sprintf("func=support_tool_responsible&elid=%s&%s&auth=%s", id, params, who))
		}
		// Without sok: the form, nothing changes.
		form := q(d.alice, fmt.Sprintf("set_responsible=%d", d.bobID)).ok()
		if form.text("set_responsible") != "d_"+d.techID {
			t.Errorf("form %s", form.body)
		}
		if row := d.ticket(id); row["responsible"] != "Technical support" {
			t.Errorf("changed without sok: %v", row)
		}
		q(d.alice, "set_responsible=999999&sok=ok").fails("value", "set_responsible")
		q(d.alice, "set_responsible=d_999999&sok=ok").fails("value", "set_responsible")
		q(d.alice, "sok=ok").fails("value", "set_responsible")
		e.get("func=support_tool_responsible&elid=999999&set_responsible=d_1&sok=ok&auth="+d.alice).fails("missed", "elid")
		// A reason that is too long refuses the whole transfer, its move to another
		// department too.
		q(d.alice, "set_responsible=d_"+d.salesID+"&reason="+strings.Repeat("r", 201)+"&sok=ok").fails("value", "reason")
		if row := d.ticket(id); row["responsible"] != "Technical support" || row["department"] != "Technical support" {
			t.Errorf("changed by a refused reason: %v", row)
		}
		// A client account is no employee.
		q(d.alice, "set_responsible=1&sok=ok").ok() // root is staff
		clientID := fmt.Sprint(MustCreateAccount(t, e.db, "client2", rights.User).ID)
		q(d.alice, "set_responsible="+clientID+"&sok=ok").fails("value", "set_responsible")

		// A suspended employee gets no tickets; suspending hands theirs back to the queue.
		q(d.alice, fmt.Sprintf("set_responsible=%d&sok=ok", d.bobID)).ok()
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", d.bobID, d.root)).ok()
		if row := d.ticket(id); row["responsible"] != "Technical support" {
			t.Errorf("after suspending bob: %v", row)
		}
		q(d.alice, fmt.Sprintf("set_responsible=%d&sok=ok", d.bobID)).fails("value", "set_responsible")
		e.get(fmt.Sprintf("func=employee.resume&elid=%d&sok=ok&auth=%s", d.bobID, d.root)).ok()
		e.get("func=whoami&auth="+d.bob).fails("access", "session") // suspending ended his sessions
		d.bob = e.login("bob")

		// The default responsible of the department, or its queue.
		q(d.alice, fmt.Sprintf("set_responsible=%d&sok=ok", d.aliceID)).ok()
		q(d.alice, "set_responsible_default=on&sok=ok").ok()
		if row := d.ticket(id); row["responsible"] != "Technical support" {
			t.Errorf("default without a default responsible: %v", row)
		}
		e.get(fmt.Sprintf("func=department.edit&elid=%s&default_responsible=%d&sok=ok&auth=%s", d.techID, d.bobID, d.root)).ok()
		q(d.alice, "set_responsible_default=on&sok=ok").ok()
		if row := d.ticket(id); row["responsible"] != "bob" {
			t.Errorf("default with bob as default responsible: %v", row)
		}
		// New tickets go to the default responsible too.
		if row := d.ticket(d.open("Second", d.techID)); row["responsible"] != "bob" {
			t.Errorf("new ticket with a default responsible: %v", row)
		}

		// A plid must be an assignment in the caller's own queue.
		var assignment string
		for _, row := range e.get("func=ticket&auth=" + d.bob).rows() {
			if row["ticket"] == id {
				assignment = row["id"]
			}
		}
		e.get(fmt.Sprintf("func=support_tool_responsible&plid=%s&set_responsible=%d&sok=ok&auth=%s", assignment, d.aliceID, d.alice)).fails("access", "plid")

		// The limit of open tickets from the support settings.
		e.get(fmt.Sprintf("func=employee.support_tool_settings&elid=%d&param_name=max_open_tickets&param_value=2&sok=ok&auth=%s", d.aliceID, d.root)).ok()
		third := d.open("Third", d.salesID)
		fourth := d.open("Fourth", d.salesID)
		for _, tid := range []string{third, fourth} {
			e.get(fmt.Sprintf("func=support_tool_responsible&elid=%s&set_responsible=%d&sok=ok&auth=%s", tid, d.aliceID, d.root)).ok()
		}
		q(d.root, fmt.Sprintf("set_responsible=%d&sok=ok", d.aliceID)).fails("limit", "set_responsible")
		if row := d.ticket(id); row["responsible"] != "bob" {
			t.Errorf("a refused transfer changed the ticket: %v", row)
		}

		// su=LOGIN transfers as another employee; the history names both.
		q(d.root, fmt.Sprintf("set_responsible=d_%s&su=alice&sok=ok", d.salesID)).ok()
		staff := e.get(fmt.Sprintf("func=ticket.edit&elid=%s&auth=%s", id, d.root)).ok()
		events, _ := staff.doc["ticket_event"].([]any)
		last, _ := events[len(events)-1].(map[string]any)
		actor, _ := last["actor"].(map[string]any)
		real, _ := last["real_actor"].(map[string]any)
		if actor["$"] != "alice" || real["$"] != "root" {
			t.Errorf("last event %v", last)
		}
		// ... and the journal keeps it with both accounts.
		rows := e.get("func=journal&filter=on&funcname=support_tool_responsible&auth=" + d.root).rows()
		if len(rows) == 0 || rows[0]["account"] != "alice" || rows[0]["real_account"] != "root" {
			t.Errorf("journal %v", rows)
		}
	})
}

func TestDeletedEmployeeTicketsGoBack(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		id := d.open("Mail", d.techID)
		e.get(fmt.Sprintf("func=support_tool_responsible&elid=%s&set_responsible=%d&sok=ok&auth=%s", id, d.aliceID, d.root)).ok()
		e.get(fmt.Sprintf("func=employee.delete&elid=%d&sok=ok&auth=%s", d.aliceID, d.root)).ok()
		if row := d.ticket(id); row["responsible"] != "Technical support" {
			t.Errorf("after deleting alice: %v", row)
		}
		staff := e.get(fmt.Sprintf("func=ticket.edit&elid=%s&auth=%s", id, d.root)).ok()
		if !strings.Contains(string(staff.body), "alice deleted") {
			t.Errorf("history does not say why: %s", staff.body)
		}
	})
}

func TestClientTicketGuards(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		id := d.open("Mine", d.techID)
		MustCreateAccount(t, e.db, "stranger", rights.User)
		stranger := e.login("stranger")
		e.get(fmt.Sprintf("func=clientticket.edit&elid=%s&auth=%s", id, stranger)).fails("missed", "elid")
		e.get(fmt.Sprintf("func=clientticket.edit&elid=%s&message=hi&sok=ok&auth=%s", id, stranger)).fails("missed", "elid")
		if got := e.get("func=clientticket&auth=" + stranger).rows(); len(got) != 0 {
			t.Errorf("stranger sees %v", got)
		}
		// Departments hidden from support take no tickets.
		e.get("func=department.edit&elid=" + d.salesID + "&show_in_support=off&sok=ok&auth=" + d.root).ok()
		e.get("func=clientticket.edit&subject=x&message=y&client_department="+d.salesID+"&sok=ok&auth="+d.client).fails("value", "client_department")
		e.get("func=clientticket.edit&subject=x&message=y&client_department=999&sok=ok&auth="+d.client).fails("value", "client_department")
		form := e.get("func=clientticket.edit&auth=" + d.client).ok()
		if strings.Contains(string(form.body), "Sales department") || !strings.Contains(string(form.body), "Technical support") {
			t.Errorf("new ticket form %s", form.body)
		}
		e.get("func=clientticket.edit&subject=&message=y&client_department="+d.techID+"&sok=ok&auth="+d.client).fails("value", "subject")
		e.get("func=clientticket.edit&subject=x&message=&client_department="+d.techID+"&sok=ok&auth="+d.client).fails("value", "message")
		// Staff use ticket.edit; clients cannot reach the staff side.
		e.get("func=clientticket&auth="+d.alice).fails("access", "clientticket")
		e.get("func=ticket_all&auth="+d.client).fails("access", "ticket_all")
		e.get("func=ticket.edit&elid="+id+"&auth="+d.client).fails("access", "ticket.edit")
		// A failed reply changes nothing.
		e.get("func=ticket.edit&elid="+id+"&status=bogus&message=x&sok=ok&auth="+d.alice).fails("value", "status")
		if row := d.ticket(id); row["status"] != "new" {
			t.Errorf("a refused reply changed the status: %v", row)
		}
		e.get("func=ticket.edit&elid="+id+"&sok=ok&auth="+d.alice).fails("value", "message")
		// A department with tickets cannot be deleted.
		e.get("func=department.delete&elid="+d.techID+"&force=on&sok=ok&auth="+d.root).fails("value", "elid")
	})
}
