package handlers

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"staffmgr/rights"
)

// countStatements counts every statement sent through db while on is set.
func countStatements(t *testing.T, db *gorm.DB) (on *atomic.Bool, n *atomic.Int64) {
	t.Helper()
	on, n = &atomic.Bool{}, &atomic.Int64{}
	count := func(*gorm.DB) {
		if on.Load() {
			n.Add(1)
		}
	}
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("test:count", count),
		"row":    cb.Row().After("gorm:row").Register("test:count", count),
		"raw":    cb.Raw().After("gorm:raw").Register("test:count", count),
		"create": cb.Create().After("gorm:create").Register("test:count", count),
		"update": cb.Update().After("gorm:update").Register("test:count", count),
		"delete": cb.Delete().After("gorm:delete").Register("test:count", count),
	} {
		if err != nil {
			t.Fatalf("register the %s counter: %v", name, err)
		}
	}
	return on, n
}

// TestDominanceOverHoldersIsBatched: renaming a position that many employees hold
// checks the caller dominates each of them in as many statements as for one holder,
// and still refuses the first holder the caller does not dominate.
func TestDominanceOverHoldersIsBatched(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		caller := MustCreateEmployee(t, e.db, "caller", rights.Admin)
		for _, r := range []string{"position.edit", "journal"} {
			e.grant(root, caller.ID, r)
		}
		sid := e.login(caller.Login)
		on, n := countStatements(t, e.db)

		// rename holds n employees, each holding a right the caller holds too, the
		// position and returns the statements the caller's rename of it sent.
		rename := func(holders int) (int64, *resp) {
			pos := e.get(fmt.Sprintf("func=position.edit&name=Pos-%d&sok=ok&auth=%s", holders, root)).ok().text("id")
			for i := 0; i < holders; i++ {
				h := MustCreateEmployee(t, e.db, fmt.Sprintf("holder-%d-%d", holders, i), rights.Admin)
				e.grant(root, h.ID, "journal")
				if err := e.db.Exec("UPDATE accounts SET position_id = ? WHERE id = ?", pos, h.ID).Error; err != nil {
					t.Fatal(err)
				}
			}
			// The caller's session is read after the writes above, so that both
			// renames find it in the same state (kept and current).
			e.get("func=whoami&auth=" + sid).ok()
			n.Store(0)
			on.Store(true)
			r := e.get(fmt.Sprintf("func=position.edit&elid=%s&name=Renamed-%d&sok=ok&auth=%s", pos, holders, sid))
			on.Store(false)
			return n.Load(), r
		}
		one, r := rename(1)
		r.ok()
		many, r := rename(40)
		r.ok()
		if many != one {
			t.Errorf("renaming a position of 40 holders sent %d statements, of one holder %d", many, one)
		}
		t.Logf("statements for a rename: 1 holder %d, 40 holders %d", one, many)

		// One holder among many with a right the caller lacks is refused, named.
		pos := e.get("func=position.edit&name=Mixed&sok=ok&auth=" + root).ok().text("id")
		var wide int64
		for i := 0; i < 5; i++ {
			h := MustCreateEmployee(t, e.db, fmt.Sprintf("mixed-%d", i), rights.Admin)
			if i == 3 {
				e.grant(root, h.ID, "employee.delete")
				wide = h.ID
			}
			if err := e.db.Exec("UPDATE accounts SET position_id = ? WHERE id = ?", pos, h.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		r = e.get("func=position.edit&elid=" + pos + "&name=Changed&sok=ok&auth=" + sid)
		if !isAccessError(r, "") || r.errParam("lacks") != "employee.delete" {
			t.Errorf("want a refusal lacking employee.delete, got %s", r.body)
		}
		if !strings.Contains(string(r.body), "mixed-3") || !strings.Contains(string(r.body), fmt.Sprint(wide)) {
			t.Errorf("the refusal should name mixed-3 (%d): %s", wide, r.body)
		}
	})
}

// TestSuRequestReadsTheOpenerWithTheSession: a request on an su session reads its
// opener's row with the session, and the rights of the opener and the account in
// one more query, whoever they are.
func TestSuRequestReadsTheOpenerWithTheSession(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		opener := MustCreateEmployee(t, e.db, "opener", rights.Admin)
		target := MustCreateEmployee(t, e.db, "target", rights.Admin)
		for _, r := range []string{"employee.su", "journal"} {
			e.grant(root, opener.ID, r)
		}
		e.grant(root, target.ID, "journal")
		own := e.login(opener.Login)
		su := e.su(own, target.ID)
		on, n := countStatements(t, e.db)
		count := func(sid string) int64 {
			n.Store(0)
			on.Store(true)
			e.get("func=whoami&auth=" + sid).ok()
			on.Store(false)
			return n.Load()
		}
		plain, onSu := count(own), count(su)
		t.Logf("statements for whoami: own session %d, su session %d", plain, onSu)
		if onSu > plain+1 {
			t.Errorf("whoami on an su session sent %d statements, on the opener's own %d", onSu, plain)
		}
	})
}
