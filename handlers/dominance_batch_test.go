package handlers

import (
	"fmt"
	"strconv"
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

// TestGroupActionsForeseeDominance: a group action over many employees (suspend,
// resume, delete, log out, unlock) reads whether the caller dominates them in as
// many statements as for one, and still refuses, in the order of the elids, the
// first the caller does not dominate, with nothing changed.
func TestGroupActionsForeseeDominance(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		caller := MustCreateEmployee(t, e.db, "caller", rights.Admin)
		for _, r := range []string{"employee.suspend", "employee.resume", "employee.delete", "employee.logout", "employee.unlock", "journal"} {
			e.grant(root, caller.ID, r)
		}
		sid := e.login(caller.Login)
		// Statements that read accounts' rights, which the dominance rule needs.
		var on atomic.Bool
		var rightsReads atomic.Int64
		count := func(db *gorm.DB) {
			if on.Load() && strings.Contains(db.Statement.SQL.String(), "account_rights") {
				rightsReads.Add(1)
			}
		}
		cb := e.db.Callback()
		for _, err := range []error{
			cb.Query().After("gorm:query").Register("test:rights", count),
			cb.Raw().After("gorm:raw").Register("test:rights", count),
			cb.Row().After("gorm:row").Register("test:rights", count),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		staff := func(prefix string, n int) []string {
			var ids []string
			for i := 0; i < n; i++ {
				h := MustCreateEmployee(t, e.db, fmt.Sprintf("%s-%d", prefix, i), rights.Admin)
				e.grant(root, h.ID, "journal")
				ids = append(ids, fmt.Sprint(h.ID))
			}
			return ids
		}
		one, many := staff("one", 1), staff("many", 25)
		for _, fn := range []string{"employee.suspend", "employee.resume", "employee.logout", "employee.unlock", "employee.delete"} {
			reads := func(ids []string) int64 {
				rightsReads.Store(0)
				on.Store(true)
				e.get(fmt.Sprintf("func=%s&elid=%s&sok=ok&auth=%s", fn, strings.Join(ids, ","), sid)).ok()
				on.Store(false)
				return rightsReads.Load()
			}
			if r1, r25 := reads(one), reads(many); r25 != r1 {
				t.Errorf("%s: rights read in %d statements for 25 employees, %d for one", fn, r25, r1)
			}
		}

		// The third of four holds a right the caller lacks: refused, named, and the
		// first two are as they were.
		mixed := staff("mixed", 4)
		wide, _ := strconv.ParseInt(mixed[2], 10, 64)
		e.grant(root, wide, "department.edit")
		r := e.get("func=employee.suspend&elid=" + strings.Join(mixed, ",") + "&sok=ok&auth=" + sid)
		if !isAccessError(r, "") || r.errParam("lacks") != "department.edit" || !strings.Contains(string(r.body), "mixed-2") {
			t.Errorf("want a refusal of mixed-2 lacking department.edit, got %s", r.body)
		}
		var disabled int64
		if err := e.db.Raw("SELECT COUNT(*) FROM accounts WHERE login LIKE 'mixed-%' AND NOT enabled").Scan(&disabled).Error; err != nil || disabled != 0 {
			t.Errorf("a refused group action suspended %d employees (%v)", disabled, err)
		}
		// The caller's own account before a refused one: the own account's error comes first.
		r = e.get(fmt.Sprintf("func=employee.suspend&elid=%d,%s&sok=ok&auth=%s", caller.ID, mixed[2], sid))
		if r.errParam("lacks") != "" || !strings.Contains(string(r.body), "your own account") {
			t.Errorf("want the own-account refusal first, got %s", r.body)
		}
	})
}
