package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/rights"
)

// concurrently sends the queries all at once and returns the answers in their
// order. Only the round trips run in goroutines; the test reads the answers.
func (e *env) concurrently(queries []string) []*resp {
	e.t.Helper()
	type answer struct {
		status int
		header http.Header
		body   []byte
		err    error
	}
	answers := make([]answer, len(queries))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			hr, err := http.Get(e.srv.URL + "/billmgr?" + q + "&out=json")
			if err != nil {
				answers[i].err = err
				return
			}
			defer hr.Body.Close()
			answers[i].body, answers[i].err = io.ReadAll(hr.Body)
			answers[i].status, answers[i].header = hr.StatusCode, hr.Header
		}()
	}
	close(start)
	wg.Wait()
	out := make([]*resp, len(queries))
	for i, a := range answers {
		if a.err != nil {
			e.t.Fatalf("%s: %v", queries[i], a.err)
		}
		out[i] = &resp{t: e.t, status: a.status, header: a.header, body: a.body, doc: decodeDoc(e.t, a.body)}
	}
	return out
}

// errTypeIn is the type of the answer's error, "" for a success. An internal error,
// or an error of a type not in allowed, fails the test.
func (r *resp) errTypeIn(allowed ...string) string {
	r.t.Helper()
	if r.status != http.StatusOK || r.doc == nil {
		r.t.Fatalf("status %d: %s", r.status, r.body)
	}
	e, ok := r.doc["error"].(map[string]any)
	if !ok {
		return ""
	}
	typ, _ := e["$type"].(string)
	for _, a := range allowed {
		if typ == a {
			return typ
		}
	}
	r.t.Errorf("unexpected error: %s", r.body)
	return typ
}

// mustConsistentTicket checks that a ticket has exactly one assignment and that
// its history is one chain of changes of hands, from nobody at its opening to the
// holder it has now. It returns the holder and the history.
func mustConsistentTicket(t *testing.T, db *gorm.DB, id string) (models.Holder, []models.TicketEvent) {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	var assignments int64
	if err := db.Model(&models.Assignment{}).Where("ticket_id = ?", n).Count(&assignments).Error; err != nil {
		t.Fatal(err)
	}
	if assignments != 1 {
		t.Errorf("ticket %s has %d assignments, want 1", id, assignments)
	}
	hand, err := models.HandOf(t.Context(), db, n)
	if err != nil {
		t.Fatal(err)
	}
	events, err := models.History(t.Context(), db, n)
	if err != nil {
		t.Fatal(err)
	}
	from := models.Holder{}.String()
	for i, ev := range events {
		if ev.FromWhom != from {
			t.Errorf("ticket %s event %d goes from %q, but the one before left it with %q", id, i, ev.FromWhom, from)
		}
		from = ev.ToWhom
	}
	if from != hand.Holder.String() {
		t.Errorf("ticket %s: history ends with %q, held by %q", id, from, hand.Holder)
	}
	return hand.Holder, events
}

// mustCreateAgents creates n employees that can be handed tickets.
func mustCreateAgents(t *testing.T, db *gorm.DB, n int) []*models.Account {
	t.Helper()
	var out []*models.Account
	for i := range n {
		out = append(out, MustCreateEmployee(t, db, fmt.Sprintf("agent%02d", i), rights.Admin))
	}
	return out
}

func transferQuery(ticket string, to int64, auth string) string {
	return fmt.Sprintf("func=support_tool_responsible&elid=%s&set_responsible=%d&sok=ok&auth=%s", ticket, to, auth)
}

// TestConcurrentTransfersOfOneTicket: transfers of one ticket to thirty employees at
// once each take their turn; the ticket ends with one holder and a history that
// names every change of hands in order.
func TestConcurrentTransfersOfOneTicket(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		id := d.open("Outage", d.techID)
		var queries []string
		for _, a := range mustCreateAgents(t, e.db, 30) {
			queries = append(queries, transferQuery(id, a.ID, d.root))
		}
		for _, r := range e.concurrently(queries) {
			r.errTypeIn() // every transfer is accepted in its turn
		}
		holder, events := mustConsistentTicket(t, e.db, id)
		if holder.Employee == nil || !strings.HasPrefix(holder.Employee.Login, "agent") {
			t.Errorf("held by %s", holder)
		}
		if len(events) != 1+len(queries) {
			t.Errorf("%d events, want the opening and %d transfers", len(events), len(queries))
		}
	})
}

// TestConcurrentTransfersRespectTheLimit: tickets sent to one employee at once never
// take them past their max_open_tickets.
func TestConcurrentTransfersRespectTheLimit(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		e.get(fmt.Sprintf("func=employee.support_tool_settings&elid=%d&param_name=max_open_tickets&param_value=1&sok=ok&auth=%s", d.aliceID, d.root)).ok()
		var tickets, queries []string
		for i := range 8 {
			id := d.open(fmt.Sprintf("Ticket %d", i), d.salesID)
			tickets = append(tickets, id)
			queries = append(queries, transferQuery(id, d.aliceID, d.root))
		}
		accepted := 0
		for _, r := range e.concurrently(queries) {
			if r.errTypeIn("limit") == "" {
				accepted++
			}
		}
		open, err := models.OpenTickets(t.Context(), e.db, d.aliceID)
		if err != nil {
			t.Fatal(err)
		}
		if open != 1 || accepted != 1 {
			t.Errorf("alice holds %d open tickets after %d accepted transfers; her limit is 1", open, accepted)
		}
		for _, id := range tickets {
			mustConsistentTicket(t, e.db, id)
		}
	})
}

// TestTransfersWhileSuspendingTheHolder: tickets passed between employees while
// some of them are suspended end with enabled holders or their queues, never with
// a suspended employee, and every change of hands is in their history.
func TestTransfersWhileSuspendingTheHolder(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		d := newDesk(t, e)
		agents := mustCreateAgents(t, e.db, 6)
		var tickets []string
		for i := range 3 {
			id := d.open(fmt.Sprintf("Ticket %d", i), d.techID)
			e.get(transferQuery(id, agents[0].ID, d.root)).ok()
			tickets = append(tickets, id)
		}
		var queries []string
		for _, id := range tickets {
			for _, a := range agents[1:] {
				queries = append(queries, transferQuery(id, a.ID, d.root))
			}
		}
		// The holder, and two who receive tickets, are suspended at the same time.
		transfers := len(queries)
		for _, a := range agents[:3] {
			queries = append(queries, fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", a.ID, d.root))
		}
		for i, r := range e.concurrently(queries) {
			if i >= transfers {
				r.ok()
			} else if r.errTypeIn("value") != "" {
				r.fails("value", "set_responsible") // a suspended employee receives no ticket
			}
		}
		for _, id := range tickets {
			holder, _ := mustConsistentTicket(t, e.db, id)
			if holder.Employee != nil && !holder.Employee.Enabled {
				t.Errorf("ticket %s is held by %s, who is suspended", id, holder.Employee.Login)
			}
		}
		for _, a := range agents[:3] {
			if open, err := models.OpenTickets(t.Context(), e.db, a.ID); err != nil || open != 0 {
				t.Errorf("suspended %s holds %d open tickets (%v)", a.Login, open, err)
			}
		}
	})
}
