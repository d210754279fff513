package handlers

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/rights"
)

// newToken creates a uis_token acting as account (a login, or "" for the caller) as
// the session sid and returns its id and secret.
func (e *env) newToken(sid, account string) (id, token string) {
	e.t.Helper()
	q := "func=apikey.edit&name=Integration&type=uis_token&sok=ok&auth=" + sid
	if account != "" {
		q += "&account=" + account
	}
	r := e.get(q).ok()
	return r.text("id"), r.text("token")
}

func TestAPIKeyCreate(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)

		id, token := e.newToken(root, "")
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(token) {
			t.Fatalf("token %q is not 64 hex characters", token)
		}
		// The database keeps the digest only.
		var stored []string
		if err := e.db.Raw("SELECT secret_hash FROM api_keys").Scan(&stored).Error; err != nil {
			t.Fatal(err)
		}
		if len(stored) != 1 || stored[0] != models.Digest(token) {
			t.Errorf("stored %v, want only the digest of the token", stored)
		}
		rows := e.get("func=apikey&auth=" + root).rows()
		if len(rows) != 1 || rows[0]["id"] != id || rows[0]["account"] != "root" || rows[0]["creator"] != "root" ||
			rows[0]["type"] != "uis_token" || rows[0]["name"] != "Integration" || rows[0]["created"] == "" {
			t.Errorf("list: %v", rows)
		}
		if _, used := rows[0]["last_used"]; used {
			t.Errorf("an unused key has last_used: %v", rows[0])
		}
		for _, row := range rows {
			for _, v := range row {
				if strings.Contains(v, token) || strings.Contains(v, models.Digest(token)) {
					t.Errorf("the list shows the secret: %v", row)
				}
			}
		}

		// For another account, by login or by id.
		e.newToken(root, "alice")
		e.newToken(root, fmt.Sprint(alice.ID))
		got := e.get("func=apikey&filter=on&account=alice&auth=" + root).column("account")
		if len(got) != 2 {
			t.Errorf("alice's keys: %v", got)
		}

		// The journal keeps the new key's id and never its secret.
		var params, elid string
		if err := e.db.Raw("SELECT params, elid FROM journal WHERE func = 'apikey.edit' ORDER BY id LIMIT 1").Row().Scan(&params, &elid); err != nil {
			t.Fatal(err)
		}
		if elid != id || strings.Contains(params, token) {
			t.Errorf("journal elid %q params %q", elid, params)
		}
		if r := e.get("func=apikey.edit&name=X&type=uis_token&sok=ok&auth=" + root); strings.Contains(fmt.Sprint(r.doc["tparams"]), r.text("token")) {
			t.Errorf("tparams echo the token: %s", r.body)
		}
	})
}

func TestAPIKeyEditRefusals(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		MustCreateAccount(t, e.db, "carol", rights.User)
		before := stateDigest(t, e)
		for _, tc := range []struct{ query, typ, object string }{
			{"type=uis_token", "value", "name"},
			{"name=&type=uis_token", "value", "name"},
			{"name=K", "value", "type"},
			{"name=K&type=voximplant_key", "value", "role"},
			{"name=K&type=sms_key&role=admin", "value", "type"},
			{"name=K&type=uis_token&account=nobody", "missed", "account"},
			{"name=K&type=uis_token&account=carol", "value", "account"},
			{"name=" + strings.Repeat("n", 101) + "&type=uis_token", "value", "name"},
		} {
			e.get("func=apikey.edit&sok=ok&"+tc.query+"&auth="+root).fails(tc.typ, tc.object)
		}
		e.get("func=apikey.edit&elid=999&name=K&sok=ok&auth="+root).fails("missed", "elid")
		if stateDigest(t, e) != before {
			t.Error("refused edits changed the database")
		}
	})
}

func TestAPIKeyRenameAndRevoke(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		id, _ := e.newToken(root, "")
		other, _ := e.newToken(root, "")

		form := e.get("func=apikey.edit&elid=" + id + "&auth=" + root).ok()
		if form.text("name") != "Integration" || form.text("type") != "uis_token" || form.text("account") != "root" {
			t.Errorf("form: %s", form.body)
		}
		e.get("func=apikey.edit&elid=" + id + "&name=Renamed&type=ignored&sok=ok&auth=" + root).ok()
		names := e.get("func=apikey&sort=id&auth=" + root).column("name")
		if len(names) != 2 || names[0] != "Renamed" || names[1] != "Integration" {
			t.Errorf("names after the rename: %v", names)
		}

		// A group operation: all or nothing.
		e.get("func=apikey.delete&elid="+id+",999&sok=ok&auth="+root).fails("missed", "elid")
		if n := len(e.get("func=apikey&auth=" + root).rows()); n != 2 {
			t.Errorf("a refused revoke left %d keys", n)
		}
		if r := e.get("func=apikey.delete&elid=" + id + "&auth=" + root).ok(); r.text("confirm_count") != "1" {
			t.Errorf("confirmation: %s", r.body)
		}
		e.get("func=apikey.delete&elid=" + id + "&sok=ok&auth=" + root).ok()
		if ids := e.get("func=apikey&auth=" + root).column("id"); len(ids) != 1 || ids[0] != other {
			t.Errorf("after the revoke: %v", ids)
		}
	})
}

// TestAPIKeysGoWithTheirAccounts: deleting the account a key acts as, or the one who
// created it, takes the key with it.
func TestAPIKeysGoWithTheirAccounts(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		maker := MustCreateAccount(t, e.db, "maker", rights.Admin)
		user := MustCreateEmployee(t, e.db, "user", rights.Admin)
		e.newToken(e.login("maker"), "user")
		e.newToken(root, "user")
		e.newToken(root, "maker")
		e.get(fmt.Sprintf("func=employee.delete&elid=%d&sok=ok&auth=%s", maker.ID, root)).ok()
		if got := e.get("func=apikey&auth=" + root).column("account"); len(got) != 1 || got[0] != "user" {
			t.Errorf("after deleting the maker: %v", got)
		}
		e.get(fmt.Sprintf("func=employee.delete&elid=%d&sok=ok&auth=%s", user.ID, root)).ok()
		if got := e.get("func=apikey&auth=" + root).rows(); len(got) != 0 {
			t.Errorf("after deleting the user: %v", got)
		}
	})
}
