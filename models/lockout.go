package models

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Lockout is the policy against password guessing. Failed logins are counted per
// login (as typed, so unknown logins count too) and per client address; LoginLimit
// failures of one login, or IPLimit from one address, within Window block further
// attempts of that login, or from that address, for Duration. An attempt is counted
// before its credentials are checked (Reserve), so attempts in flight count too.
//
// The zero value is DefaultLockout. A negative limit (LockoutOff) turns that counter
// off. The counters live in the database, so every process sees the same ones.
type Lockout struct {
	LoginLimit int
	IPLimit    int
	Window     time.Duration
	Duration   time.Duration
	// Now is the clock; nil means models.Now. Tests move it instead of sleeping.
	Now func() time.Time
}

// DefaultLockout is the policy when nothing is configured.
var DefaultLockout = Lockout{LoginLimit: 10, IPLimit: 30, Window: 15 * time.Minute, Duration: 15 * time.Minute}

// LockoutOff as a limit turns that counter off (the configuration's 0).
const LockoutOff = -1

// The kinds of counter.
const (
	LockLogin = "login"
	LockIP    = "ip"
)

// maxSubject is the longest subject stored as it is; longer or invalid ones are
// stored as their digest, which no login or address can be.
const maxSubject = 128

// Block is a lock in force: which counter holds it and when it ends.
type Block struct {
	Kind  string // LockLogin or LockIP
	Until time.Time
}

// normalized fills in the defaults of the zero fields.
func (p Lockout) normalized() Lockout {
	if p.LoginLimit == 0 {
		p.LoginLimit = DefaultLockout.LoginLimit
	}
	if p.IPLimit == 0 {
		p.IPLimit = DefaultLockout.IPLimit
	}
	if p.Window <= 0 {
		p.Window = DefaultLockout.Window
	}
	if p.Duration <= 0 {
		p.Duration = DefaultLockout.Duration
	}
	if p.Now == nil {
		p.Now = Now
	}
	return p
}

// now is the policy's clock as rows store time: UTC, to the microsecond.
func (p Lockout) now() time.Time { return p.Now().UTC().Truncate(time.Microsecond) }

// counter is one count an attempt touches: its kind, its subject and its limit.
type counter struct {
	kind, subject string
	limit         int
}

// counters are the counts an attempt by login from ip touches, the address's first;
// counters that are off, or an empty address, are left out.
func (p Lockout) counters(login, ip string) []counter {
	var out []counter
	if p.IPLimit > 0 && ip != "" {
		out = append(out, counter{LockIP, subject(ip), p.IPLimit})
	}
	if p.LoginLimit > 0 {
		out = append(out, counter{LockLogin, subject(login), p.LoginLimit})
	}
	return out
}

// subject is how a login or address is stored: as it is, unless it is too long or
// not valid UTF-8 (PostgreSQL would refuse it), when it is its digest.
func subject(s string) string {
	if len(s) <= maxSubject && utf8.ValidString(s) {
		return s
	}
	return "sha256:" + Digest(s)
}

// lockOf is the lock a counter holds at now, or nil.
func lockOf(ctx context.Context, db *gorm.DB, c counter, now time.Time) (*Block, error) {
	var locks []struct{ LockedUntil time.Time }
	err := db.WithContext(ctx).Table("login_failures").Select("locked_until").
		Where("kind = ? AND subject = ? AND locked_until > ?", c.kind, c.subject, now).
		Find(&locks).Error
	if err != nil {
		return nil, fmt.Errorf("lockout of %s %q: %w", c.kind, c.subject, err)
	}
	if len(locks) == 0 {
		return nil, nil
	}
	return &Block{Kind: c.kind, Until: locks[0].LockedUntil}, nil
}

// reserveSlot takes one slot on a counter in one upsert, so that concurrent attempts
// in any process each take their own. A counter whose window has passed, or whose
// lock has ended, starts again at 1; the slot that reaches the limit locks it. A
// locked counter is left as it is: the WHERE of DO UPDATE skips the row and RETURNING
// then answers no row, which is how a refusal is told from a grant. In DO UPDATE
// every login_failures.* is the row as it was before this statement.
const reserveSlot = `INSERT INTO login_failures (kind, subject, failures, window_start, locked_until)
VALUES (?, ?, 1, ?, ?)
ON CONFLICT (kind, subject) DO UPDATE SET
  failures = CASE WHEN login_failures.window_start <= ? OR login_failures.locked_until <= ?
    THEN 1 ELSE login_failures.failures + 1 END,
  window_start = CASE WHEN login_failures.window_start <= ? OR login_failures.locked_until <= ?
    THEN excluded.window_start ELSE login_failures.window_start END,
  locked_until = CASE
    WHEN login_failures.window_start <= ? OR login_failures.locked_until <= ? THEN excluded.locked_until
    WHEN login_failures.failures + 1 >= ? THEN ?
    ELSE login_failures.locked_until END
WHERE login_failures.locked_until IS NULL OR login_failures.locked_until <= ?
RETURNING window_start`

// giveBackSlot returns one slot to the window it was taken in, and lifts the lock if
// the counter is then below its limit (locked iff failures >= limit). A window that
// has started again, or a counter cleared meanwhile, no longer holds the slot, so it
// is left alone.
const giveBackSlot = `UPDATE login_failures SET
  failures = failures - 1,
  locked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE locked_until END
WHERE kind = ? AND subject = ? AND window_start = ? AND failures > 0`

// reserveTries bounds the retries of a refusal whose lock was lifted before its end
// could be read; each retry means another attempt gave its slot back just then.
const reserveTries = 3

// Reservation is the slots an attempt holds on its counters while its credentials are
// checked. An attempt that fails keeps them: they are its failure, already counted
// (and any lock it caused already holds). Succeeded or Release settles the others.
type Reservation struct {
	p     Lockout
	login string
	slots []slot
}

// slot is one reserved count: its counter and the window it was taken in.
type slot struct {
	counter
	windowStart time.Time
}

// Reserve counts an attempt by login from ip before its credentials are checked: one
// slot on the address's counter, then one on the login's, so that however many
// attempts arrive at once, in any process, no more than a counter's limit are checked
// within its window. An attempt that gets every slot gets a Reservation to settle.
// One refused by a lock gets the Block and holds nothing: refused on the address it
// takes nothing on the login; refused on the login it gives the address's slot back.
//
// Pass the database, not a transaction that may roll back: the count must survive the
// failed request.
func (p Lockout) Reserve(ctx context.Context, db *gorm.DB, login, ip string) (*Reservation, *Block, error) {
	p = p.normalized()
	r := &Reservation{p: p, login: login}
	for _, c := range p.counters(login, ip) {
		s, block, err := p.reserve(ctx, db, c)
		if err == nil && block == nil {
			r.slots = append(r.slots, s)
			continue
		}
		if rerr := r.Release(ctx, db); rerr != nil && err == nil {
			err = rerr
		}
		if err != nil {
			return nil, nil, err
		}
		return nil, block, nil
	}
	return r, nil, nil
}

// reserve takes one slot on c, or returns the lock that refuses it.
func (p Lockout) reserve(ctx context.Context, db *gorm.DB, c counter) (slot, *Block, error) {
	for try := 1; ; try++ {
		now := p.now()
		windowStart, until := now.Add(-p.Window), now.Add(p.Duration)
		var first any // the lock of a new row: only when one attempt is the limit
		if c.limit <= 1 {
			first = until
		}
		var granted []struct{ WindowStart time.Time }
		err := db.WithContext(ctx).Raw(reserveSlot, c.kind, c.subject, now, first,
			windowStart, now, windowStart, now, windowStart, now, c.limit, until, now).Scan(&granted).Error
		if err != nil {
			return slot{}, nil, fmt.Errorf("count login attempt of %s %q: %w", c.kind, c.subject, err)
		}
		if len(granted) == 1 {
			return slot{counter: c, windowStart: granted[0].WindowStart}, nil, nil
		}
		block, err := lockOf(ctx, db, c, now)
		if err != nil || block != nil {
			return slot{}, block, err
		}
		if try == reserveTries {
			return slot{}, &Block{Kind: c.kind, Until: now}, nil
		}
	}
}

// Succeeded settles the reservation of an attempt that logged in: the login's count
// is cleared (Unlock), and the address's slot is given back, so that a valid login
// neither adds to nor clears the count of its address: clearing it would let one valid
// account guess the passwords of others without limit, logging in between guesses.
func (r *Reservation) Succeeded(ctx context.Context, db *gorm.DB) error {
	for len(r.slots) > 0 {
		if s := r.slots[0]; s.kind == LockIP {
			if err := s.giveBack(ctx, db); err != nil {
				return err
			}
		}
		r.slots = r.slots[1:]
	}
	return Unlock(ctx, db, r.login)
}

// Release gives back every slot of an attempt refused for a reason other than its
// credentials (an internal error, a busy HashLimit): it guessed nothing, so it must
// not count, nor keep a lock that its slot caused.
func (r *Reservation) Release(ctx context.Context, db *gorm.DB) error {
	for len(r.slots) > 0 {
		if err := r.slots[0].giveBack(ctx, db); err != nil {
			return err
		}
		r.slots = r.slots[1:]
	}
	return nil
}

// giveBack returns the slot to its counter, and removes a counter left at nothing, so
// that attempts that counted nothing leave nothing behind.
func (s slot) giveBack(ctx context.Context, db *gorm.DB) error {
	err := db.WithContext(ctx).Exec(giveBackSlot, s.limit, s.kind, s.subject, s.windowStart).Error
	if err == nil {
		err = db.WithContext(ctx).Exec("DELETE FROM login_failures WHERE kind = ? AND subject = ? AND window_start = ? AND failures <= 0",
			s.kind, s.subject, s.windowStart).Error
	}
	if err != nil {
		return fmt.Errorf("give back login attempt of %s %q: %w", s.kind, s.subject, err)
	}
	return nil
}

// Unlock clears the count and the lock of a login (employee.unlock). Locks of
// addresses stay.
func Unlock(ctx context.Context, db *gorm.DB, login string) error {
	err := db.WithContext(ctx).Exec("DELETE FROM login_failures WHERE kind = ? AND subject = ?",
		LockLogin, subject(login)).Error
	if err != nil {
		return fmt.Errorf("unlock %q: %w", login, err)
	}
	return nil
}

// Locked returns which of logins are locked now, for a list: one query for them all.
// With the login counter off nobody is.
func (p Lockout) Locked(ctx context.Context, db *gorm.DB, logins []string) (map[string]bool, error) {
	p = p.normalized()
	out := map[string]bool{}
	if p.LoginLimit <= 0 || len(logins) == 0 {
		return out, nil
	}
	bySubject := make(map[string]string, len(logins))
	subjects := make([]string, 0, len(logins))
	for _, l := range logins {
		s := subject(l)
		bySubject[s] = l
		subjects = append(subjects, s)
	}
	var locked []string
	err := db.WithContext(ctx).Table("login_failures").Where("kind = ? AND subject IN ? AND locked_until > ?",
		LockLogin, subjects, p.now()).Pluck("subject", &locked).Error
	if err != nil {
		return nil, fmt.Errorf("locked logins: %w", err)
	}
	for _, s := range locked {
		out[bySubject[s]] = true
	}
	return out, nil
}

// DeleteStaleLockouts removes counters whose window has passed and whose lock, if
// any, has ended: they would start again from 1 anyway.
func (p Lockout) DeleteStaleLockouts(ctx context.Context, db *gorm.DB) (int64, error) {
	p = p.normalized()
	now := p.now()
	res := db.WithContext(ctx).Exec(`DELETE FROM login_failures
		WHERE window_start <= ? AND (locked_until IS NULL OR locked_until <= ?)`, now.Add(-p.Window), now)
	return res.RowsAffected, res.Error
}

// CountLocks returns how many logins and how many addresses are locked now.
func (p Lockout) CountLocks(ctx context.Context, db *gorm.DB) (logins, addresses int64, err error) {
	p = p.normalized()
	var rows []struct {
		Kind string
		N    int64
	}
	err = db.WithContext(ctx).Table("login_failures").Select("kind, COUNT(*) AS n").
		Where("locked_until > ?", p.now()).Group("kind").Scan(&rows).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count locks: %w", err)
	}
	for _, r := range rows {
		switch r.Kind {
		case LockLogin:
			logins = r.N
		case LockIP:
			addresses = r.N
		}
	}
	return logins, addresses, nil
}

// FindClear returns the account with the given login (nil when there is none) and
// whether an attempt by login from ip would be neither refused nor counted against
// anything: no lock holds either counter and no failure of the login is counted (a
// login that succeeds would clear those). One read, no write: a login whose
// credentials are known to be right (a cached authinfo) may then skip Reserve, and
// goes through it, to be refused or to clear the count, otherwise.
func (p Lockout) FindClear(ctx context.Context, db *gorm.DB, login, ip string) (*Account, bool, error) {
	p = p.normalized()
	// A counter that is off is asked about under a kind no row has.
	ipKind, ipSubject, loginKind, loginSubject := "", "", "", ""
	for _, c := range p.counters(login, ip) {
		if c.kind == LockIP {
			ipKind, ipSubject = c.kind, c.subject
		} else {
			loginKind, loginSubject = c.kind, c.subject
		}
	}
	var row struct {
		Held bool
		Account
	}
	err := db.WithContext(ctx).Table("accounts AS a").
		Select(`a.*, EXISTS (SELECT 1 FROM login_failures AS f
			WHERE (f.kind = ? AND f.subject = ? OR f.kind = ? AND f.subject = ?)
			AND (f.locked_until > ? OR f.kind = ? AND f.failures > 0)) AS held`,
			ipKind, ipSubject, loginKind, loginSubject, p.now(), LockLogin).
		Where("a.login = ?", login).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("account %q and its lockout: %w", login, err)
	}
	acc := row.Account
	return &acc, !row.Held, nil
}
