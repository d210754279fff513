package handlers

import (
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/rights"
)

// lockClock is a clock the tests move by hand instead of sleeping.
type lockClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lockClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *lockClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// eachLockoutEnv runs fn on both databases with a small lockout policy on a clock of
// the test's own: 3 failures of a login, or ipLimit from an address, in a minute lock
// for 5 minutes.
func eachLockoutEnv(t *testing.T, ipLimit int, fn func(t *testing.T, e *env, clock *lockClock)) {
	t.Helper()
	eachLockoutEnvLimits(t, 3, ipLimit, fn)
}

// eachLockoutEnvLimits is eachLockoutEnv with loginLimit failures of a login.
func eachLockoutEnvLimits(t *testing.T, loginLimit, ipLimit int, fn func(t *testing.T, e *env, clock *lockClock)) {
	t.Helper()
	clock := &lockClock{t: models.Now()}
	eachEnvConfig(t, func(c *Config) {
		c.Lockout = models.Lockout{LoginLimit: loginLimit, IPLimit: ipLimit, Window: time.Minute, Duration: 5 * time.Minute, Now: clock.Now}
	}, func(t *testing.T, e *env) {
		clock.mu.Lock()
		clock.t = models.Now()
		clock.mu.Unlock()
		fn(t, e, clock)
	})
}

// loginWith tries func=auth with a password.
func (e *env) loginWith(login, password string) *resp {
	e.t.Helper()
	return e.get("func=auth&username=" + url.QueryEscape(login) + "&password=" + url.QueryEscape(password))
}

// blockedAnswer checks the answer to an attempt while a lock holds and returns its message.
func (r *resp) blockedAnswer() string {
	r.t.Helper()
	r.fails("limit", "badpassword")
	e := r.doc["error"].(map[string]any)
	msg, _ := e["msg"].(map[string]any)["$"].(string)
	var retry string
	for _, p := range e["param"].([]any) {
		if m := p.(map[string]any); m["$name"] == "retry_after" {
			retry, _ = m["$"].(string)
		}
	}
	if n, err := strconv.Atoi(retry); err != nil || n < 1 || n > 300 {
		r.t.Errorf("retry_after %q, want seconds up to 300: %s", retry, r.body)
	}
	if r.errValue() == "" {
		r.t.Errorf("no retry time in the value: %s", r.body)
	}
	return msg
}

func TestLockoutPassword(t *testing.T) {
	eachLockoutEnv(t, models.LockoutOff, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		for i := 0; i < 3; i++ {
			e.loginWith("alice", "wrong").fails("auth", "badpassword")
		}
		right := e.loginWith("alice", Password).blockedAnswer()
		wrong := e.loginWith("alice", "wrong").blockedAnswer()
		if right != wrong {
			t.Errorf("a blocked login answers a right password (%q) unlike a wrong one (%q)", right, wrong)
		}
		e.login("root") // another login is not blocked

		clock.Add(5*time.Minute - time.Second)
		e.loginWith("alice", Password).blockedAnswer()
		clock.Add(time.Second)
		e.login("alice") // the lock has ended
	})
}

func TestLockoutKey(t *testing.T) {
	eachLockoutEnv(t, models.LockoutOff, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		root := e.login("root")
		const key = "0123456789abcdef-key"
		e.get("func=session.newkey&auth=" + root + "&username=alice&key=" + key).ok()
		for i := 0; i < 3; i++ {
			e.get("func=auth&username=alice&key=wrong-key-0123456789").fails("auth", "badpassword")
		}
		e.get("func=auth&username=alice&key=" + key).blockedAnswer()
		clock.Add(5 * time.Minute)
		// Refused before it was looked at, the key was not used up.
		e.get("func=auth&username=alice&key=" + key).ok()
	})
}

func TestLockoutAuthinfo(t *testing.T) {
	eachLockoutEnv(t, models.LockoutOff, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		for i := 0; i < 3; i++ {
			e.get("func=whoami&authinfo=alice:wrong").fails("auth", "badpassword")
		}
		e.get("func=whoami&authinfo=alice:" + url.QueryEscape(Password)).blockedAnswer()
		// The methods share one count: a blocked login cannot open a session either.
		e.loginWith("alice", Password).blockedAnswer()
		clock.Add(5 * time.Minute)
		e.get("func=whoami&authinfo=alice:" + url.QueryEscape(Password)).ok()
	})
}

// An unknown login is counted and blocked like a known one, so the answers cannot
// tell them apart. (One failure locks here: an unknown login costs a full-strength
// password hash.)
func TestLockoutUnknownLogin(t *testing.T) {
	eachLockoutEnvLimits(t, 1, models.LockoutOff, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		for _, login := range []string{"alice", "ghost"} {
			e.loginWith(login, "wrong").fails("auth", "badpassword")
		}
		if known, unknown := e.loginWith("alice", "wrong").blockedAnswer(), e.loginWith("ghost", "wrong").blockedAnswer(); known != unknown {
			t.Errorf("a blocked known login (%q) and unknown one (%q) answer differently", known, unknown)
		}
	})
}

func TestLockoutAddressAcrossLogins(t *testing.T) {
	eachLockoutEnv(t, 3, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		e.loginWith("alice", "wrong").fails("auth", "badpassword")
		e.loginWith("ghost", "wrong").fails("auth", "badpassword")
		e.get("func=whoami&authinfo=root:wrong").fails("auth", "badpassword")
		// Three logins failed once each: the address is blocked for every login.
		e.loginWith("root", Password).blockedAnswer()
		e.get("func=whoami&authinfo=alice:" + url.QueryEscape(Password)).blockedAnswer()
		clock.Add(5 * time.Minute)
		e.login("root")
	})
}

// A successful login clears the login's count but not the address's: otherwise one
// valid account would let an address guess without limit.
func TestLockoutSuccess(t *testing.T) {
	eachLockoutEnv(t, models.LockoutOff, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		for round := 0; round < 2; round++ {
			e.loginWith("alice", "wrong").fails("auth", "badpassword")
			e.loginWith("alice", "wrong").fails("auth", "badpassword")
			e.login("alice")
		}
	})
	eachLockoutEnv(t, 3, func(t *testing.T, e *env, clock *lockClock) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		e.loginWith("root", "wrong").fails("auth", "badpassword")
		e.login("alice")
		e.loginWith("root", "wrong").fails("auth", "badpassword")
		e.login("alice")
		e.loginWith("root", "wrong").fails("auth", "badpassword")
		e.loginWith("alice", Password).blockedAnswer()
	})
}

func TestLockoutOff(t *testing.T) {
	eachEnvConfig(t, func(c *Config) {
		c.Lockout = models.Lockout{LoginLimit: models.LockoutOff, IPLimit: models.LockoutOff}
	}, func(t *testing.T, e *env) {
		for i := 0; i < 12; i++ {
			e.loginWith("root", "wrong").fails("auth", "badpassword")
		}
		e.login("root")
	})
}

// lockedFlags returns the locked flag of each login in the staff list.
func lockedFlags(e *env, sid string) map[string]bool {
	e.t.Helper()
	r := e.get("func=employee&auth=" + sid)
	out := map[string]bool{}
	for _, row := range r.rows() {
		_, locked := row["locked"]
		out[row["name"]] = locked
	}
	return out
}

func TestEmployeeUnlock(t *testing.T) {
	eachLockoutEnv(t, models.LockoutOff, func(t *testing.T, e *env, clock *lockClock) {
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
		MustCreateAccount(t, e.db, "bob", rights.Admin)
		MustCreateAccount(t, e.db, "client", rights.User)
		root := e.login("root")
		client := e.login("client")
		for i := 0; i < 3; i++ {
			e.loginWith("alice", "wrong").fails("auth", "badpassword")
		}
		if got := lockedFlags(e, root); !got["alice"] || got["bob"] || got["root"] {
			t.Fatalf("locked flags %v, want alice only", got)
		}
		elid := strconv.FormatInt(alice.ID, 10)

		r := e.get("func=employee.unlock&auth=" + root + "&elid=" + elid)
		if r.text("confirm_count") != "1" {
			t.Fatalf("employee.unlock without sok: %s", r.body)
		}
		e.get("func=employee.unlock&auth="+client+"&elid="+elid+"&sok=ok").fails("access", "")
		if !lockedFlags(e, root)["alice"] {
			t.Fatal("employee.unlock without sok, or by a client, unlocked")
		}
		e.loginWith("alice", Password).blockedAnswer()

		e.get("func=employee.unlock&auth=" + root + "&elid=" + elid + "&sok=ok").ok()
		if lockedFlags(e, root)["alice"] {
			t.Fatal("the list still shows alice locked")
		}
		e.login("alice")

		// Locks end by themselves too, and the list follows.
		for i := 0; i < 3; i++ {
			e.loginWith("bob", "wrong").fails("auth", "badpassword")
		}
		if !lockedFlags(e, root)["bob"] {
			t.Fatal("bob is not shown locked")
		}
		clock.Add(5 * time.Minute)
		if lockedFlags(e, root)["bob"] {
			t.Fatal("an ended lock is still shown")
		}
		e.get("func=employee.unlock&auth="+root+"&elid=999999&sok=ok").fails("missed", "")
		// Nobody unlocks an account above their own level.
		bob := e.login("bob")
		e.get("func=employee.unlock&auth="+bob+"&elid=1&sok=ok").fails("access", "elid")
	})
}
