package handlers

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"staffmgr/models"
	"staffmgr/models/list"
	"staffmgr/rights"
)

// listSeed is a database where every column of every list has a row that answers it.
type listSeed struct {
	root string            // root's session
	plid map[string]string // the parent of each nested list
}

// seedLists fills the database so that each optional cell and each flag of every
// list is answered by at least one row.
func seedLists(t *testing.T, e *env) *listSeed {
	t.Helper()
	ctx := context.Background()
	deps, err := models.AllDepartments(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) == 0 {
		t.Fatal("no seeded departments")
	}
	dep := deps[len(deps)-1]
	if err := e.db.Model(&models.Department{}).Where("id = ?", dep.ID).Update("description", "Second line").Error; err != nil {
		t.Fatal(err)
	}

	// alice has a full card, a department, and sessions from two addresses.
	alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
	if err := e.db.Model(alice).Updates(map[string]any{"realname": "Alice Liddell", "position": "Lead",
		"email": "alice@example.com", "phone": "+12025550100", "mobile": "+12025550101"}).Error; err != nil {
		t.Fatal(err)
	}
	// Her numbers also in her list, where the card's phone and mobile are roles.
	if err := models.SaveEmployee(ctx, e.db, alice, nil); err != nil {
		t.Fatal(err)
	}
	if err := models.SetDepartments(ctx, e.db, alice.ID, []int64{dep.ID}); err != nil {
		t.Fatal(err)
	}
	e.login("alice")
	second := e.login("alice")
	if err := e.db.Exec("UPDATE sessions SET ip = ? WHERE id = ?", "192.0.2.7", models.Digest(second)).Error; err != nil {
		t.Fatal(err)
	}
	// bob works from listed addresses only; dave is blocked by failed logins.
	bob := MustCreateEmployee(t, e.db, "bob", rights.Admin)
	if err := e.db.Model(bob).Updates(map[string]any{"all_ip_access": false, "ip_access": "192.0.2.0/24"}).Error; err != nil {
		t.Fatal(err)
	}
	MustCreateEmployee(t, e.db, "dave", rights.Admin)
	for range 2 {
		e.loginWith("dave", "wrong")
	}

	// carol is a client with a card and a session, and two tickets: one in the
	// department's queue, one handed to root; she opened one herself and root the
	// other acting as her.
	carol := MustCreateAccount(t, e.db, "carol", rights.User)
	if err := e.db.Model(carol).Updates(map[string]any{"realname": "Carol", "email": "carol@example.com"}).Error; err != nil {
		t.Fatal(err)
	}
	client := e.login("carol")
	root := e.login("root")
	e.get(fmt.Sprintf("func=clientticket.edit&subject=Printer&message=Broken&client_department=%d&sok=ok&auth=%s", dep.ID, client)).ok()
	ticket := e.get(fmt.Sprintf("func=clientticket.edit&subject=Mail&message=Lost&client_department=%d&sok=ok&su=carol&auth=%s",
		dep.ID, root)).ok().text("id")
	rootAccount, err := models.FindAccountByLogin(ctx, e.db, "root")
	if err != nil {
		t.Fatal(err)
	}
	e.get(transferQuery(ticket, rootAccount.ID, root)).ok()
	// An API key of alice's that has been used, and one made outside the API.
	key := e.get("func=apikey.edit&name=Crm&type=uis_token&account=alice&sok=ok&auth=" + root).ok().text("id")
	if err := e.db.Exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", models.Now(), key).Error; err != nil {
		t.Fatal(err)
	}
	if _, _, err := models.CreateAPIKey(ctx, e.db, "Script", models.UISToken, alice.ID, 0); err != nil {
		t.Fatal(err)
	}
	// A position alice holds, a schedule and a site.
	e.get("func=position.edit&name=Lead&sok=ok&auth=" + root).ok()
	e.get("func=schedule.edit&name=Weekdays&sok=ok&auth=" + root).ok()
	e.get("func=site.edit&name=shop.example.com&sok=ok&auth=" + root).ok()
	// A Voximplant application with a user in an ACD queue with a skill, a key of
	// alice's with a role, and money moved to the user.
	app := e.voxApp(root, "callcenter")
	queue := e.get("func=acd_queue.edit&name=Support&sok=ok&auth=" + root).ok().text("id")
	skill := e.get("func=skill.edit&name=English&sok=ok&auth=" + root).ok().text("id")
	voxKey := e.voxKey(root, "admin", "alice")
	user := e.voxAddUser(voxKey, app, "operator", "")
	e.get("func=employee.voximplant&elid=" + user + "&acd_queue=" + queue + "&skill=" + skill + "&sok=ok&auth=" + root).ok()
	e.get("func=balance.topup&amount=20&sok=ok&auth=" + root).ok()
	e.vox(voxKey, "TransferMoneyToUser", "user_id="+user+"&amount=5").ok()
	// A refused change leaves a journal row with its error.
	e.get(fmt.Sprintf("func=employee.edit&elid=%d&email=nobody&sok=ok&auth=%s", alice.ID, root)).fails("value", "email")

	return &listSeed{root: root, plid: map[string]string{
		"employee.department": fmt.Sprint(alice.ID),
		"employee.phone":      fmt.Sprint(alice.ID),
		"rights2.user":        fmt.Sprint(alice.ID),
		"rights2.group":       fmt.Sprint(dep.ID),
		"department.number":   fmt.Sprint(dep.ID),
	}}
}

// TestListsAnswerTheirColumns walks every list of the func table as root over a
// seeded database: a row answers only columns its spec declares and never a
// filter-only one; a column that is neither optional nor a flag is in every row; a
// flag is an empty element; and each declared column is answered by some row.
func TestListsAnswerTheirColumns(t *testing.T) {
	t.Parallel()
	lockout := func(cfg *Config) { cfg.Lockout = models.Lockout{LoginLimit: 2, IPLimit: models.LockoutOff} }
	eachEnvConfig(t, lockout, func(t *testing.T, e *env) {
		seed := seedLists(t, e)
		lists := 0
		for _, f := range e.app.ordered {
			spec := f.spec()
			if spec == nil {
				continue
			}
			lists++
			q := "func=" + f.Name + "&p_cnt=1000&auth=" + url.QueryEscape(seed.root)
			if plid := seed.plid[f.Name]; plid != "" {
				q += "&plid=" + plid
			}
			if f.Only {
				q += "&su=carol" // the client side, reached by acting as a client
			}
			rows := e.get(q).rows()
			if len(rows) == 0 {
				t.Errorf("%s: no rows over the seeded database", f.Name)
				continue
			}
			answered := map[string]bool{}
			for i, row := range rows {
				for name, text := range row {
					col := spec.Column(name)
					switch {
					case col == nil:
						t.Errorf("%s row %d: %s is not declared in the list's spec", f.Name, i, name)
						continue
					case col.FilterOnly:
						t.Errorf("%s row %d: %s is declared as a filter only", f.Name, i, name)
					case col.Kind == list.Flag && text != "":
						t.Errorf("%s row %d: flag %s holds %q", f.Name, i, name, text)
					}
					answered[name] = true
				}
				for _, col := range spec.Answered() {
					if _, ok := row[col.Name]; !ok && col.Kind != list.Flag && !col.Optional {
						t.Errorf("%s row %d: %s (%s) is missing and not optional", f.Name, i, col.Name, col.Kind)
					}
				}
			}
			for _, col := range spec.Answered() {
				if !answered[col.Name] {
					t.Errorf("%s: %s (%s) is declared, but no seeded row answers it", f.Name, col.Name, col.Kind)
				}
			}
		}
		if lists == 0 {
			t.Fatal("the func table has no lists")
		}
	})
}
