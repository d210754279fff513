package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// testClock is a clock the tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// MustFail records n failed attempts by login from ip: reservations kept, as a wrong
// password keeps them.
func MustFail(t *testing.T, db *gorm.DB, p models.Lockout, login, ip string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, _, err := p.Reserve(context.Background(), db, login, ip); err != nil {
			t.Fatalf("record failure %d of %s from %s: %v", i+1, login, ip, err)
		}
	}
}

// blocked returns the lock that refuses an attempt by login from ip, nil when there
// is none, as a login finds it: an attempt that is not refused gives its reservation
// back at once, so that asking counts nothing.
func blocked(t *testing.T, db *gorm.DB, p models.Lockout, login, ip string) *models.Block {
	t.Helper()
	r, b, err := p.Reserve(context.Background(), db, login, ip)
	if err != nil {
		t.Fatal(err)
	}
	if r != nil {
		if err := r.Release(context.Background(), db); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestLockoutLogin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		clock := newTestClock()
		p := models.Lockout{LoginLimit: 3, IPLimit: models.LockoutOff, Window: time.Minute, Duration: 5 * time.Minute, Now: clock.Now}
		MustFail(t, db, p, "alice", "192.0.2.1", 2)
		if b := blocked(t, db, p, "alice", "192.0.2.1"); b != nil {
			t.Fatalf("blocked after 2 of 3 failures: %+v", b)
		}
		MustFail(t, db, p, "alice", "192.0.2.2", 1) // the login counts from any address
		b := blocked(t, db, p, "alice", "192.0.2.3")
		if b == nil || b.Kind != models.LockLogin || !b.Until.Equal(clock.Now().Add(5*time.Minute)) {
			t.Fatalf("after 3 failures: %+v, want a login lock until %s", b, clock.Now().Add(5*time.Minute))
		}
		if b := blocked(t, db, p, "bob", "192.0.2.1"); b != nil {
			t.Errorf("another login is blocked: %+v", b)
		}

		clock.Add(5*time.Minute - time.Second)
		if blocked(t, db, p, "alice", "") == nil {
			t.Fatal("the lock ended early")
		}
		clock.Add(time.Second)
		if b := blocked(t, db, p, "alice", ""); b != nil {
			t.Fatalf("the lock outlived its duration: %+v", b)
		}
		// After a lock ends, counting starts again: one failure does not lock at once.
		MustFail(t, db, p, "alice", "", 1)
		if b := blocked(t, db, p, "alice", ""); b != nil {
			t.Fatalf("one failure after the lock ended locked again: %+v", b)
		}
	})
}

func TestLockoutWindow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		clock := newTestClock()
		p := models.Lockout{LoginLimit: 3, IPLimit: models.LockoutOff, Window: time.Minute, Duration: time.Hour, Now: clock.Now}
		MustFail(t, db, p, "alice", "", 2)
		clock.Add(time.Minute) // the window has passed: the two no longer count
		MustFail(t, db, p, "alice", "", 2)
		if b := blocked(t, db, p, "alice", ""); b != nil {
			t.Fatalf("failures of an old window counted: %+v", b)
		}
		clock.Add(30 * time.Second) // still inside the new window
		MustFail(t, db, p, "alice", "", 1)
		if blocked(t, db, p, "alice", "") == nil {
			t.Fatal("3 failures within the window did not block")
		}
	})
}

func TestLockoutAddress(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		clock := newTestClock()
		p := models.Lockout{LoginLimit: 100, IPLimit: 3, Window: time.Minute, Duration: time.Minute, Now: clock.Now}
		MustFail(t, db, p, "alice", "192.0.2.1", 1)
		MustFail(t, db, p, "bob", "192.0.2.1", 1)
		MustFail(t, db, p, "nobody", "192.0.2.1", 1)
		b := blocked(t, db, p, "carol", "192.0.2.1")
		if b == nil || b.Kind != models.LockIP {
			t.Fatalf("3 failures from one address over 3 logins: %+v, want an address lock", b)
		}
		if b := blocked(t, db, p, "carol", "192.0.2.2"); b != nil {
			t.Errorf("another address is blocked: %+v", b)
		}
		// A success clears the login's count, not the address's.
		if err := models.Unlock(context.Background(), db, "alice"); err != nil {
			t.Fatal(err)
		}
		if blocked(t, db, p, "alice", "192.0.2.1") == nil {
			t.Error("a successful login cleared the address's lock")
		}
	})
}

func TestLockoutSuccessAndUnlock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clock := newTestClock()
		p := models.Lockout{LoginLimit: 3, IPLimit: models.LockoutOff, Now: clock.Now}
		MustFail(t, db, p, "alice", "", 2)
		if err := models.Unlock(ctx, db, "alice"); err != nil {
			t.Fatal(err)
		}
		MustFail(t, db, p, "alice", "", 2)
		if b := blocked(t, db, p, "alice", ""); b != nil {
			t.Fatalf("failures before a success still count: %+v", b)
		}

		MustFail(t, db, p, "alice", "", 1)
		MustFail(t, db, p, "bob", "", 3)
		locked, err := p.Locked(ctx, db, []string{"alice", "bob", "carol"})
		if err != nil {
			t.Fatal(err)
		}
		if !locked["alice"] || !locked["bob"] || locked["carol"] || len(locked) != 2 {
			t.Fatalf("locked %v, want alice and bob", locked)
		}
		if err := models.Unlock(ctx, db, "alice"); err != nil {
			t.Fatal(err)
		}
		if b := blocked(t, db, p, "alice", ""); b != nil {
			t.Fatalf("unlocked alice is blocked: %+v", b)
		}
		MustFail(t, db, p, "alice", "", 1)
		if b := blocked(t, db, p, "alice", ""); b != nil {
			t.Fatalf("unlock left the count: %+v", b)
		}
		if blocked(t, db, p, "bob", "") == nil {
			t.Error("unlocking alice unlocked bob")
		}
	})
}

func TestLockoutDefaultsAndOff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		var zero models.Lockout // DefaultLockout: 10 per login
		MustFail(t, db, zero, "alice", "", 9)
		if b := blocked(t, db, zero, "alice", ""); b != nil {
			t.Fatalf("the default policy blocked after 9 failures: %+v", b)
		}
		MustFail(t, db, zero, "alice", "", 1)
		b := blocked(t, db, zero, "alice", "")
		if b == nil {
			t.Fatal("the default policy did not block after 10 failures")
		}
		if left := time.Until(b.Until); left < 14*time.Minute || left > 15*time.Minute {
			t.Errorf("default lock ends in %s, want 15m", left)
		}

		off := models.Lockout{LoginLimit: models.LockoutOff, IPLimit: models.LockoutOff}
		if b := blocked(t, db, off, "alice", ""); b != nil {
			t.Errorf("a counter turned off still blocks: %+v", b)
		}
		MustFail(t, db, off, "bob", "192.0.2.1", 50)
		var n int64
		if err := db.Table("login_failures").Where("subject IN ?", []string{"bob", "192.0.2.1"}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("counters turned off still count: %d rows", n)
		}
		if locked, err := off.Locked(ctx, db, []string{"alice"}); err != nil || len(locked) != 0 {
			t.Errorf("with the login counter off the list shows locks: %v %v", locked, err)
		}
	})
}

// Every process counts into the same row: concurrent failures each add one.
func TestLockoutConcurrent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := models.Lockout{LoginLimit: 1000, IPLimit: 1000}
		const workers, each = 8, 5
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					_, _, err := p.Reserve(context.Background(), db, "alice", "192.0.2.1")
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var counts []int
		if err := db.Table("login_failures").Order("kind").Pluck("failures", &counts).Error; err != nil {
			t.Fatal(err)
		}
		if len(counts) != 2 || counts[0] != workers*each || counts[1] != workers*each {
			t.Fatalf("counts %v, want two of %d", counts, workers*each)
		}
	})
}

// A login too long or not UTF-8 is counted by its digest, so it can still be blocked.
func TestLockoutOddLogins(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := models.Lockout{LoginLimit: 2, IPLimit: models.LockoutOff}
		for _, login := range []string{strings.Repeat("x", 5000), "bad\xffutf8"} {
			MustFail(t, db, p, login, "", 2)
			if blocked(t, db, p, login, "") == nil {
				t.Errorf("login of %d bytes not blocked", len(login))
			}
		}
	})
}

func TestDeleteStaleLockouts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		clock := newTestClock()
		p := models.Lockout{LoginLimit: 2, IPLimit: models.LockoutOff, Window: time.Minute, Duration: time.Hour, Now: clock.Now}
		MustFail(t, db, p, "locked", "", 2)
		MustFail(t, db, p, "counting", "", 1)
		clock.Add(2 * time.Minute)
		n, err := p.DeleteStaleLockouts(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || blocked(t, db, p, "locked", "") == nil {
			t.Fatalf("deleted %d, want only the count outside its window, not the lock", n)
		}
	})
}

// failures returns the count of a counter, 0 when it has no row.
func failures(t *testing.T, db *gorm.DB, kind, subject string) int {
	t.Helper()
	var n []int
	if err := db.Table("login_failures").Where("kind = ? AND subject = ?", kind, subject).Pluck("failures", &n).Error; err != nil {
		t.Fatal(err)
	}
	if len(n) == 0 {
		return 0
	}
	return n[0]
}

// reserve reserves an attempt and fails the test on an error.
func reserve(t *testing.T, db *gorm.DB, p models.Lockout, login, ip string) (*models.Reservation, *models.Block) {
	t.Helper()
	r, b, err := p.Reserve(context.Background(), db, login, ip)
	if err != nil {
		t.Fatal(err)
	}
	if (r == nil) == (b == nil) {
		t.Fatalf("reserve %s from %s: reservation %v and block %v, want exactly one", login, ip, r, b)
	}
	return r, b
}

// However many attempts reserve at once, in however many connections, each counter
// grants no more than its limit and counts exactly the slots it granted. (Fewer than
// the limit may be granted in a burst: an attempt refused on its login gives its
// address slot back after others may have been refused on the address.)
func TestLockoutReserveBurst(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		p := models.Lockout{LoginLimit: 10, IPLimit: 30}
		const attempts, ip = 80, "192.0.2.1"
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			granted = map[string]int{}
		)
		for i := 0; i < attempts; i++ {
			login := "alice"
			if i%2 == 1 {
				login = fmt.Sprintf("user%d", i) // only the address limits these
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, _, err := p.Reserve(context.Background(), db, login, ip)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
				} else if r != nil {
					granted[login]++
				}
			}()
		}
		wg.Wait()
		total := 0
		for _, n := range granted {
			total += n
		}
		if total > 30 || granted["alice"] > 10 {
			t.Fatalf("granted %v (%d in all), want at most 30, at most 10 of alice", granted, total)
		}
		if n := failures(t, db, models.LockIP, ip); n != total {
			t.Errorf("the address counted %d, want the %d granted", n, total)
		}
		if n := failures(t, db, models.LockLogin, "alice"); n != granted["alice"] {
			t.Errorf("alice counted %d, want the %d granted", n, granted["alice"])
		}
		// What is left of each limit is granted one by one, and no more.
		more := func(login, ip string) int {
			for n := 0; ; n++ {
				if _, b := reserve(t, db, p, login, ip); b != nil {
					return n
				}
				if login != "alice" {
					login += "+"
				}
			}
		}
		if n := more("alice", ""); n != 10-granted["alice"] {
			t.Errorf("alice got %d more, want %d", n, 10-granted["alice"])
		}
		if n := more("late", ip); n != 30-total {
			t.Errorf("the address got %d more, want %d", n, 30-total)
		}
	})
}

func TestLockoutReserveSettle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clock := newTestClock()
		p := models.Lockout{LoginLimit: 2, IPLimit: 5, Window: time.Minute, Duration: time.Hour, Now: clock.Now}
		const ip = "192.0.2.1"

		// Two slots reach the login's limit and lock it; a third is refused and, refused
		// on the login, holds nothing on the address.
		first, _ := reserve(t, db, p, "alice", ip)
		reserve(t, db, p, "alice", ip) // kept, as by a failure
		if _, b := reserve(t, db, p, "alice", ip); b == nil || b.Kind != models.LockLogin || !b.Until.Equal(clock.Now().Add(time.Hour)) {
			t.Fatalf("third attempt: %+v, want the login's lock for an hour", b)
		}
		if a, n := failures(t, db, models.LockLogin, "alice"), failures(t, db, models.LockIP, ip); a != 2 || n != 2 {
			t.Fatalf("counts %d of alice, %d of the address; want 2 and 2", a, n)
		}
		// Giving one back brings the login under its limit, which lifts the lock.
		if err := first.Release(ctx, db); err != nil {
			t.Fatal(err)
		}
		if b := blocked(t, db, p, "alice", ip); b != nil {
			t.Fatalf("a given-back slot left the lock: %+v", b)
		}
		if a, n := failures(t, db, models.LockLogin, "alice"), failures(t, db, models.LockIP, ip); a != 1 || n != 1 {
			t.Fatalf("after the give-back: %d of alice, %d of the address; want 1 and 1", a, n)
		}
		// A success clears the login and gives back its place on the address.
		next, _ := reserve(t, db, p, "alice", ip)
		if err := next.Succeeded(ctx, db); err != nil {
			t.Fatal(err)
		}
		if a, n := failures(t, db, models.LockLogin, "alice"), failures(t, db, models.LockIP, ip); a != 0 || n != 1 {
			t.Fatalf("after a success: %d of alice, %d of the address; want 0 and 1", a, n)
		}
		// A reservation given back twice gives back once.
		if err := first.Release(ctx, db); err != nil {
			t.Fatal(err)
		}
		if n := failures(t, db, models.LockIP, ip); n != 1 {
			t.Fatalf("a second give-back of the same reservation counted: %d, want 1", n)
		}

		// An address that is locked reserves nothing on the logins it tries.
		for i := 0; i < 4; i++ {
			reserve(t, db, p, fmt.Sprintf("u%d", i), ip)
		}
		if _, b := reserve(t, db, p, "bob", ip); b == nil || b.Kind != models.LockIP {
			t.Fatalf("sixth attempt from the address: %+v, want its lock", b)
		}
		if n := failures(t, db, models.LockLogin, "bob"); n != 0 {
			t.Errorf("a refusal by the address counted %d on the login", n)
		}
	})
}

// A slot given back after its window has started again leaves the new window alone.
func TestLockoutGiveBackOldWindow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clock := newTestClock()
		p := models.Lockout{LoginLimit: 3, IPLimit: models.LockoutOff, Window: time.Minute, Duration: time.Hour, Now: clock.Now}
		old, _ := reserve(t, db, p, "alice", "")
		reserve(t, db, p, "alice", "")
		clock.Add(time.Minute)
		reserve(t, db, p, "alice", "")
		if err := old.Release(ctx, db); err != nil {
			t.Fatal(err)
		}
		if n := failures(t, db, models.LockLogin, "alice"); n != 1 {
			t.Errorf("the new window counts %d, want 1", n)
		}
	})
}
