package handlers

import (
	"context"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// authinfo hashes a password once and then finds it among the checked credentials;
// a password change, suspension, deletion or change of the address list made through
// another process sharing the database is seen by the very next request, and wrong
// guesses are counted by the lockout as always, and lock the login for the right
// password too.
func TestAuthinfoCredentials(t *testing.T) {
	t.Parallel()
	dbtest.EachShared(t, func(t *testing.T, db, other *gorm.DB) {
		ctx := context.Background()
		g := newCheckGate()
		g.open()
		configure := func(c *Config) {
			c.checkPassword = g.check
			c.Lockout = models.Lockout{LoginLimit: 3, IPLimit: 100, Window: time.Minute, Duration: 5 * time.Minute}
		}
		e := newEnvConfig(t, db, configure)
		elsewhere := newServer(t, other, configure)
		alice := MustCreateAccount(t, db, "alice", rights.Admin)
		right := "func=whoami&authinfo=alice:" + Password

		hashed := func(want int, what string) {
			t.Helper()
			before := g.count()
			e.get(right).ok()
			if got := g.count() - before; got != want {
				t.Errorf("%s: %d password checks, want %d", what, got, want)
			}
		}
		hashed(1, "first request")
		hashed(0, "second request")
		hashed(0, "third request")

		// A password change in the other process.
		if err := models.SetPassword(ctx, other, dbtest.FastPasswords, alice.ID, "Other-pass2"); err != nil {
			t.Fatal(err)
		}
		e.get(right).fails("auth", "badpassword")
		e.get("func=whoami&authinfo=alice:Other-pass2").ok()
		if err := models.SetPassword(ctx, other, dbtest.FastPasswords, alice.ID, Password); err != nil {
			t.Fatal(err)
		}
		hashed(1, "after the password was set back")
		hashed(0, "once more")

		// A suspension, through the other process's API.
		elsewhere.get("func=employee.suspend&sok=ok&elid=" + strconv.FormatInt(alice.ID, 10) + "&authinfo=root:" + Password).ok()
		e.get(right).fails("auth", "badpassword")
		elsewhere.get("func=employee.resume&sok=ok&elid=" + strconv.FormatInt(alice.ID, 10) + "&authinfo=root:" + Password).ok()
		hashed(1, "after the resumption")

		// A change of the address list elsewhere: refused before the password counts.
		if err := other.Exec("UPDATE accounts SET all_ip_access = ?, ip_access = '10.9.9.9' WHERE id = ?", false, alice.ID).Error; err != nil {
			t.Fatal(err)
		}
		e.get(right).fails("access", "ip")
		if err := other.Exec("UPDATE accounts SET all_ip_access = ?, ip_access = '' WHERE id = ?", true, alice.ID).Error; err != nil {
			t.Fatal(err)
		}
		hashed(0, "after the address list was opened again (the password is unchanged)")

		// Wrong guesses are checked and counted, and their lock holds the right
		// password out too.
		for i := 0; i < 3; i++ {
			before := g.count()
			e.get("func=whoami&authinfo=alice:wrong-guess").fails("auth", "badpassword")
			if g.count() == before {
				t.Fatalf("guess %d was not checked", i+1)
			}
		}
		e.get(right).fails("limit", "badpassword")
		if err := models.Unlock(ctx, other, "alice"); err != nil {
			t.Fatal(err)
		}
		hashed(0, "after the unlock")

		// One wrong guess, below the limit: the next right password goes the whole
		// way, which clears the count, as a login always did.
		e.get("func=whoami&authinfo=alice:wrong-guess").fails("auth", "badpassword")
		hashed(1, "after a counted failure")
		var n int64
		if err := db.Table("login_failures").Where("kind = ? AND subject = ?", models.LockLogin, "alice").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("the right password left the login's failure count in place")
		}

		// A deletion elsewhere.
		if err := models.DeleteAccount(ctx, other, alice.ID); err != nil {
			t.Fatal(err)
		}
		e.get(right).fails("auth", "badpassword")
	})
}

// The credential cache is found by a keyed hash: two processes never share names,
// and neither the login nor the password is kept.
func TestCredentialsKeyed(t *testing.T) {
	t.Parallel()
	a, b := newCredentials(), newCredentials()
	if a.id("alice", "pw") == b.id("alice", "pw") {
		t.Error("two caches name a credential alike: the key is not random")
	}
	if a.id("alic", "epw") == a.id("alice", "pw") {
		t.Error("a login and password run together name another pair alike")
	}
	acc := &models.Account{ID: 7, Enabled: true, PasswordHash: "$argon2id$x"}
	a.store("alice", "pw", acc)
	if _, ok := a.lookup("alice", "pw2"); ok {
		t.Error("another password finds the entry")
	}
	cr, ok := a.lookup("alice", "pw")
	if !ok || !cr.valid(acc) {
		t.Fatal("the stored credential is not found")
	}
	changed := *acc
	changed.PasswordHash = "$argon2id$y"
	if cr.valid(&changed) {
		t.Error("the credential holds for another password hash")
	}
	a.ttl = -time.Second
	a.store("bob", "pw", acc)
	if _, ok := a.lookup("bob", "pw"); ok {
		t.Error("an expired credential is found")
	}
}

// Identical authinfo credentials arriving together before any is remembered are
// checked once: the others wait for that check's outcome. Each still reserved its own
// attempt first, so a wrong password is counted once per request, up to the limit,
// exactly as when each was checked.
func TestAuthinfoBurstOneCheck(t *testing.T) {
	t.Parallel()
	eachGatedEnv(t, 10, models.LockoutOff, func(t *testing.T, e *env, g *checkGate) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		const guesses = 40
		answers := make(chan string, guesses)
		for i := 0; i < guesses; i++ {
			go func() { answers <- e.get("func=whoami&authinfo=alice:wrong-guess").errType() }()
		}
		g.await(t, 1)
		got := tally(answers, guesses-10) // refused by the login's limit, unchecked
		if got["limit"] != guesses-10 {
			t.Fatalf("answers %v, want %d limit while the check is held", got, guesses-10)
		}
		for deadline := time.Now().Add(time.Minute); e.app.creds.waiting() < 9; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d requests wait for the check, want 9", e.app.creds.waiting())
			}
		}
		g.open()
		if got := tally(answers, 10); got["auth"] != 10 {
			t.Errorf("answers %v, want 10 auth", got)
		}
		if n := g.count(); n != 1 {
			t.Errorf("%d passwords checked, want 1", n)
		}
		if got := loginCounts(t, e.db); got["login alice"] != 10 || len(got) != 1 {
			t.Errorf("counts %v, want 10 failures of alice", got)
		}
		e.get("func=whoami&authinfo=alice:"+Password).fails("limit", "badpassword")
	})
}
