package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
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
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		clock := &lockClock{t: models.Now()}
		e := newEnvConfig(t, db, func(c *Config) {
			c.Lockout = models.Lockout{LoginLimit: loginLimit, IPLimit: ipLimit, Window: time.Minute, Duration: 5 * time.Minute, Now: clock.Now}
		})
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// checkGate counts the passwords the App really checks and holds every wrong one at
// the gate until the test opens it, so that a test keeps as many checks in flight as
// it wants without relying on timing.
type checkGate struct {
	mu      sync.Mutex
	checked int
	entered chan struct{}
	gate    chan struct{}
	once    sync.Once
}

func newCheckGate() *checkGate {
	return &checkGate{entered: make(chan struct{}, 1000), gate: make(chan struct{})}
}

// check is the App's checkPassword.
func (g *checkGate) check(ctx context.Context, db *gorm.DB, login, password string) (*models.Account, error) {
	g.mu.Lock()
	g.checked++
	g.mu.Unlock()
	if password != Password {
		g.entered <- struct{}{}
		<-g.gate
	}
	return models.Authenticate(ctx, db, login, password)
}

// count is how many passwords were checked so far.
func (g *checkGate) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.checked
}

// open lets every held check, and every later one, through.
func (g *checkGate) open() { g.once.Do(func() { close(g.gate) }) }

// await returns once n wrong passwords have reached the gate. The bound only turns a
// hang into a failure; nothing is asserted about time.
func (g *checkGate) await(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-g.entered:
		case <-time.After(time.Minute):
			t.Fatalf("only %d of %d checks started", i, n)
		}
	}
}

// eachGatedEnv runs fn on both databases with the lockout limits given (window a
// minute, locks of 5 minutes) and a checkGate on every password check.
func eachGatedEnv(t *testing.T, loginLimit, ipLimit int, fn func(t *testing.T, e *env, g *checkGate)) {
	t.Helper()
	eachGated(t, dbtest.Each, loginLimit, ipLimit, fn)
}

// eachGatedEnvSerial is eachGatedEnv one database after the other, for a test that
// changes state the whole process shares.
func eachGatedEnvSerial(t *testing.T, loginLimit, ipLimit int, fn func(t *testing.T, e *env, g *checkGate)) {
	t.Helper()
	eachGated(t, dbtest.EachSerial, loginLimit, ipLimit, fn)
}

func eachGated(t *testing.T, each func(*testing.T, func(*testing.T, *gorm.DB)), loginLimit, ipLimit int, fn func(t *testing.T, e *env, g *checkGate)) {
	t.Helper()
	each(t, func(t *testing.T, db *gorm.DB) {
		g := newCheckGate()
		e := newEnvConfig(t, db, func(c *Config) {
			c.Lockout = models.Lockout{LoginLimit: loginLimit, IPLimit: ipLimit, Window: time.Minute, Duration: 5 * time.Minute}
			c.checkPassword = g.check
		})
		t.Cleanup(g.open) // before the server closes, which waits for held requests
		fn(t, e, g)
	})
}

// errType is the type of an answer's error, "" for a success.
func (r *resp) errType() string {
	e, _ := r.doc["error"].(map[string]any)
	s, _ := e["$type"].(string)
	return s
}

// burst sends the logins at once and returns a channel that yields, as each answer
// arrives, its error type.
func burst(e *env, logins []string, password string) <-chan string {
	answers := make(chan string, len(logins))
	for _, login := range logins {
		go func() { answers <- e.loginWith(login, password).errType() }()
	}
	return answers
}

// tally waits for n answers of a burst and counts them by error type.
func tally(answers <-chan string, n int) map[string]int {
	got := map[string]int{}
	for i := 0; i < n; i++ {
		got[<-answers]++
	}
	return got
}

// loginCounts returns the failures counted per kind and subject.
func loginCounts(t *testing.T, db *gorm.DB) map[string]int {
	t.Helper()
	var rows []struct {
		Kind, Subject string
		Failures      int
	}
	if err := db.Table("login_failures").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Kind+" "+r.Subject] = r.Failures
	}
	return out
}

// A burst of guesses for one login is counted before any password is checked: with
// the limit's worth in flight the right password is refused, and no more than the
// limit are ever checked.
func TestLockoutBurstLogin(t *testing.T) {
	t.Parallel()
	eachGatedEnv(t, 10, models.LockoutOff, func(t *testing.T, e *env, g *checkGate) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		const guesses = 40
		logins := make([]string, guesses)
		for i := range logins {
			logins[i] = "alice"
		}
		answers := burst(e, logins, "wrong")
		g.await(t, 10)
		e.loginWith("alice", Password).blockedAnswer()
		g.open()
		if got := tally(answers, guesses); got["auth"] != 10 || got["limit"] != guesses-10 {
			t.Errorf("answers %v, want 10 auth and %d limit", got, guesses-10)
		}
		e.loginWith("alice", Password).blockedAnswer()
		if n := g.count(); n != 10 {
			t.Errorf("%d passwords checked, want the limit, 10", n)
		}
		if got := loginCounts(t, e.db); got["login alice"] != 10 || len(got) != 1 {
			t.Errorf("counts %v, want 10 failures of alice", got)
		}
	})
}

// A burst from one address over many logins is bounded by the address's limit, and
// an attempt refused by the address reserves nothing on its login.
func TestLockoutBurstAddress(t *testing.T) {
	t.Parallel()
	eachGatedEnv(t, 10, 30, func(t *testing.T, e *env, g *checkGate) {
		const guesses = 48
		logins := make([]string, guesses)
		for i := range logins {
			logins[i] = fmt.Sprintf("u%02d", i)
			MustCreateAccount(t, e.db, logins[i], rights.Admin)
		}
		answers := burst(e, logins, "wrong")
		g.await(t, 30)
		if msg := e.loginWith("root", Password).blockedAnswer(); !strings.Contains(msg, "address") {
			t.Errorf("refused with %q, want the address's lock", msg)
		}
		g.open()
		if got := tally(answers, guesses); got["auth"] != 30 || got["limit"] != guesses-30 {
			t.Errorf("answers %v, want 30 auth and %d limit", got, guesses-30)
		}
		if n := g.count(); n != 30 {
			t.Errorf("%d passwords checked, want the address's limit, 30", n)
		}
		counts := loginCounts(t, e.db)
		for k, n := range counts {
			if strings.HasPrefix(k, "login ") && n != 1 {
				t.Errorf("%s counted %d, want 1", k, n)
			}
		}
		if got := len(counts); got != 31 || counts["ip 127.0.0.1"] != 30 {
			t.Errorf("counts %v, want 30 logins of one failure and the address's 30", counts)
		}
	})
}

// A success between failures clears the login's count and gives back its place on
// the address's; a burst after it gets the login's whole limit again, and the ones
// refused on the login give back their places on the address.
func TestLockoutBurstAfterSuccess(t *testing.T) {
	t.Parallel()
	eachGatedEnv(t, 10, 30, func(t *testing.T, e *env, g *checkGate) {
		g.open()
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		for i := 0; i < 3; i++ {
			e.loginWith("alice", "wrong").fails("auth", "badpassword")
		}
		e.login("alice")
		if got := loginCounts(t, e.db); got["ip 127.0.0.1"] != 3 || len(got) != 1 {
			t.Fatalf("counts after the success %v, want only the address's 3", got)
		}
		const guesses = 15
		logins := make([]string, guesses)
		for i := range logins {
			logins[i] = "alice"
		}
		if got := tally(burst(e, logins, "wrong"), guesses); got["auth"] != 10 || got["limit"] != guesses-10 {
			t.Errorf("answers %v, want 10 auth and %d limit", got, guesses-10)
		}
		if n := g.count(); n != 3+1+10 {
			t.Errorf("%d passwords checked, want 3, the success and 10", n)
		}
		if got := loginCounts(t, e.db); got["login alice"] != 10 || got["ip 127.0.0.1"] != 13 {
			t.Errorf("counts %v, want 10 of alice and 13 of the address", got)
		}
	})
}

// An attempt refused for a reason other than its credentials (an internal error, a
// busy HashLimit) gives back what it reserved: it neither counts nor locks.
//
// It sets the process's HashLimit, so it runs alone.
func TestLockoutGiveBack(t *testing.T) {
	eachGatedEnvSerial(t, 3, 3, func(t *testing.T, e *env, g *checkGate) {
		g.open()
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
		if err := e.db.Model(alice).Update("password_hash", "not-a-hash").Error; err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			e.loginWith("alice", Password).fails("xml", "")
		}
		if got := loginCounts(t, e.db); got["login alice"] != 0 || got["ip 127.0.0.1"] != 0 {
			t.Fatalf("internal errors counted: %v", got)
		}

		limit := models.NewHashLimit(1, 0)
		prev := models.SetHashLimit(limit)
		t.Cleanup(func() { models.SetHashLimit(prev) })
		release, err := limit.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			e.loginWith("root", Password).fails("limit", "busy")
			e.get("func=whoami&authinfo=ghost:wrong").fails("limit", "busy")
		}
		release()
		if got := loginCounts(t, e.db); got["login root"] != 0 || got["login ghost"] != 0 || got["ip 127.0.0.1"] != 0 {
			t.Fatalf("refusals for a busy HashLimit counted: %v", got)
		}
		e.loginWith("root", "wrong").fails("auth", "badpassword")
		e.loginWith("ghost", "wrong").fails("auth", "badpassword")
		e.login("root")
		e.loginWith("bob", "wrong").fails("auth", "badpassword")
		e.loginWith("root", Password).blockedAnswer()
	})
}
